"""Check a YAML source against its JSON Schema; every error becomes `file:line: what; how to fix`.

The schemas in schemas/ are the ones editors use while typing (the YAML files
reference them); `provenance.schema.json` is shared by the others.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, ValidationError
from referencing import Registry, Resource

from decision_tree.sources.loader import line_of

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"  # the committed schemas the YAML files reference
ID = "^[a-z0-9]+(-[a-z0-9]+)*$"
PATTERN_FIXES = {
    ID: "use a kebab-case id: lowercase letters, digits and single hyphens (e.g. 'meu-modo-2')",
    "^[0-9]+(\\.[0-9]+)?$": 'write a decimal in quotes with a dot (e.g. "2.50")',
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}$": "write the date as YYYY-MM-DD (e.g. 2026-11-28)",
    "^[a-z0-9_]+$": "use lowercase letters, digits and _ (e.g. meu_modo_2)",
}
TYPE_NAMES = {"boolean": "true or false", "string": "text", "integer": "a whole number",
              "array": "a list", "object": "a mapping (key: value)"}


# -- JSON Schema ---------------------------------------------------------------
SHARED = ("provenance.schema.json",)
SOURCE_FIX = ("write `source: guideline` (the text is a verbatim passage), `source: {guideline: \"passage\"}` "
              "or `source: {local: \"what it is\", owner: <owner id>}`")


def _load(name: str) -> Any:
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))


@cache
def _validator(name: str) -> Draft202012Validator:
    registry = Registry().with_resources((shared, Resource.from_contents(_load(shared))) for shared in SHARED)
    return Draft202012Validator(_load(name), registry=registry)


def show(value: Any) -> str:
    """A value on one short line: text quoted, anything else as JSON."""
    if isinstance(value, str):
        text = " ".join(value.split())
        return repr(text if len(text) <= 60 else text[:57] + "...")
    return json.dumps(value, ensure_ascii=False, default=str)[:60]


def _where(path: list[Any]) -> str:
    """`tree.nodes[2].options[0]: ` for a JSON path; empty for the whole file."""
    out = "".join(f"[{key}]" if isinstance(key, int) else f".{key}" for key in path).lstrip(".")
    return f"{out}: " if out else ""


def _nearest_alternative(error: ValidationError) -> list[ValidationError]:
    """The errors of the one mapping alternative of a `oneOf` that has some of the value's keys and
    the fewest errors (best_match would pick the `const: guideline` alternative every time); empty
    when no alternative is clearly the one meant (then the generic message lists the shapes)."""
    by_alternative: dict[Any, list[ValidationError]] = {}
    for sub in error.context:
        by_alternative.setdefault(sub.schema_path[0], []).append(sub)

    def has_a_key(subs: list[ValidationError]) -> bool:
        unknown = {k for s in subs if s.validator == "additionalProperties" and not s.relative_path
                   for k in s.instance if k not in s.schema.get("properties", {})}
        return bool(set(error.instance) - unknown)

    meant = sorted((subs for subs in by_alternative.values()
                    if not any(s.validator in ("const", "type") and not s.relative_path for s in subs) and has_a_key(subs)),
                   key=len)
    if not meant or (len(meant) > 1 and len(meant[0]) == len(meant[1])):
        return []
    return meant[0]


def _schema_messages(display: str, data: Any, error: ValidationError) -> list[str]:
    path = list(error.absolute_path)
    parent = data
    for key in path[:-1]:
        parent = parent[key]
    line = line_of(parent, path[-1]) if path else line_of(data)
    where, kind, value, schema = _where(path), error.validator, error.instance, error.schema
    if kind == "oneOf" and path and path[-1] == "source":
        nearest = _nearest_alternative(error) if isinstance(value, dict) else []
        if nearest:  # e.g. a local source without its owner
            return [message for sub in nearest for message in _schema_messages(display, data, sub)]
        return [f"{display}:{line}: {where}{show(value)} is not a valid source; {SOURCE_FIX}"]
    if "propertyNames" in error.schema_path:
        mapping = parent[path[-1]] if path else data
        return [f"{display}:{line_of(mapping, value)}: {where}key {show(value)} is not a valid id; {PATTERN_FIXES[ID]}"]
    if kind == "additionalProperties":
        known = ", ".join(schema.get("properties", {}))
        return [f"{display}:{line_of(value, k)}: {where}unknown key '{k}' (known: {known}); remove it or fix its spelling"
                for k in value if k not in schema.get("properties", {})]
    if kind == "required":
        missing = [k for k in error.validator_value if k not in value]
        return [f"{display}:{line}: {where}missing required key '{k}'; add it" for k in missing]
    if kind == "type" and schema.get("pattern") in PATTERN_FIXES and not isinstance(value, (dict, list)):
        what, fix = f"{show(value)} is not text", PATTERN_FIXES[schema["pattern"]]
    elif kind == "type":
        expected = TYPE_NAMES.get(str(error.validator_value), str(error.validator_value))
        what, fix = f"{show(value)} is not {expected}", f"write {expected} here"
    elif kind == "pattern":
        what, fix = f"{show(value)} is not valid", PATTERN_FIXES.get(error.validator_value, f"match {error.validator_value}")
    elif kind in ("enum", "const"):
        allowed = error.validator_value if kind == "enum" else [error.validator_value]
        what, fix = f"{show(value)} is not allowed (allowed: {', '.join(map(str, allowed))})", "use one of them"
    elif kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        low, high = schema.get("minimum", "..."), schema.get("maximum", "...")
        what, fix = f"{show(value)} is out of range ({low} to {high})", "use a number in that range"
    elif kind == "minLength":
        what, fix = "the text is empty", "write it"
    elif kind in ("minItems", "minProperties"):
        what, fix = "the list is empty" if kind == "minItems" else "the mapping is empty", "add at least one entry"
    elif kind == "uniqueItems":
        what, fix = f"{show(value)} repeats an item", "remove the duplicate"
    else:
        what, fix = error.message.replace("\n", " "), "make it match the schema"
    return [f"{display}:{line}: {where}{what}; {fix}"]


def check_schema(display: str, data: Any, schema: str) -> list[str]:
    messages: list[str] = []
    for error in _validator(schema).iter_errors(data):
        messages += _schema_messages(display, data, error)
    return messages
