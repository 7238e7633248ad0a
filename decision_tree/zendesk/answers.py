"""The shape of Zendesk's answers: only what sync and import rely on is checked, and strictly.

A macro list whose `id` is `true`, a create answered without the new macro's id,
a `restriction` that is a string: each is a ZendeskError naming the field, never
a crash or a request built from a bad value.
"""

from __future__ import annotations

import json
from typing import Any

from decision_tree.zendesk.errors import ZendeskError, shown

MAX_ID = 2**63 - 1


def bad(where: str, what: str) -> ZendeskError:
    return ZendeskError(f"resposta inesperada do Zendesk a {where}: {what}", outcome_unknown=True)


def parse_object(raw: bytes, where: str) -> dict[str, Any]:
    try:
        parsed = json.loads(raw)
    except (ValueError, RecursionError):
        raise bad(where, "o corpo da resposta não é JSON" if raw.strip() else "a resposta veio vazia") from None
    if not isinstance(parsed, dict):
        raise bad(where, "esperava um objeto JSON")
    return parsed


def check_macro(obj: Any, where: str) -> dict[str, Any]:
    """`obj` if it has the shape sync and import rely on, else a ZendeskError naming what is wrong."""
    if not isinstance(obj, dict):
        raise bad(where, f"cada macro deve ser um objeto, veio {shown(obj)}")
    macro_id = obj.get("id")
    if type(macro_id) is not int or not 0 < macro_id <= MAX_ID:
        raise bad(where, f"o 'id' de uma macro deve ser um número inteiro positivo, veio {shown(macro_id)}")
    problems = {
        "title": isinstance(obj.get("title"), str),
        "description": obj.get("description") is None or isinstance(obj.get("description"), str),
        "active": isinstance(obj.get("active", True), bool),
        "restriction": obj.get("restriction") is None
        or (isinstance(obj["restriction"], dict) and isinstance(obj["restriction"].get("type"), str)),
        "actions": isinstance(obj.get("actions"), list)
        and all(isinstance(a, dict) and isinstance(a.get("field"), str) for a in obj["actions"]),
    }
    for name, ok in problems.items():
        if not ok:
            raise bad(where, f"o campo '{name}' da macro #{macro_id} está num formato inesperado ({shown(obj.get(name))})")
    return obj
