"""HTTP to the Zendesk Support API: authentication, retries on 429 and the checks on each answer."""

from __future__ import annotations

import base64
import json
import math
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from .errors import ZendeskError

SUBDOMAIN_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
ENV_EMAIL = "ZENDESK_EMAIL"
ENV_TOKEN = "ZENDESK_API_TOKEN"  # noqa: S105 - the name of the variable, not a secret
MAX_RETRIES = 5  # 429 retries per request
MAX_RETRY_AFTER = 900  # seconds; a longer wait is reported instead of slept
TIMEOUT = 30

Out = Callable[[str], Any]


def base_url_for(subdomain: str) -> str:
    """`https://<subdomain>.zendesk.com`, refusing anything that isn't a bare subdomain."""
    if not SUBDOMAIN_RE.match(subdomain or ""):
        raise ZendeskError(
            f"subdomínio inválido: '{subdomain}'. Informe só o subdomínio, em minúsculas "
            "(para https://empresa.zendesk.com use --subdomain empresa)"
        )
    return f"https://{subdomain}.zendesk.com"


def _retry_after(header: str | None) -> int:
    """Seconds to wait from a Retry-After header (seconds or HTTP date); 60 if absent."""
    if not header:
        return 60
    try:
        return max(0, math.ceil(float(header)))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return 60
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0, math.ceil((when - datetime.now(UTC)).total_seconds()))


def _error_detail(exc: urllib.error.HTTPError) -> str:
    try:
        raw = exc.read().decode("utf-8", "replace")
    except OSError:
        return ""
    try:
        data = json.loads(raw)
    except ValueError:
        return raw.strip()[:300]
    if not isinstance(data, dict):
        return raw.strip()[:300]
    parts = [str(data[k]) for k in ("error", "description") if data.get(k)]
    if data.get("details"):
        parts.append(json.dumps(data["details"], ensure_ascii=False))
    return " — ".join(parts)[:300]


def _http_message(exc: urllib.error.HTTPError, method: str, path: str) -> str:
    code = exc.code
    detail = _error_detail(exc)
    where = f"{method} {path}"
    if code == 401:
        return (
            f"o Zendesk recusou as credenciais (HTTP 401 em {where}). Confira {ENV_EMAIL} "
            f"(e-mail de um agente/administrador) e {ENV_TOKEN} (token de API ativo em "
            "Central de administração > Aplicativos e integrações > APIs)."
        )
    if code == 403:
        return (
            f"acesso negado (HTTP 403 em {where}): o usuário de {ENV_EMAIL} não tem permissão "
            "para gerenciar macros compartilhadas (é preciso ser administrador)."
        )
    if code == 404:
        return f"endereço não encontrado (HTTP 404 em {where}): confira o subdomínio informado."
    if code == 429:
        return (
            f"limite de requisições do Zendesk excedido (HTTP 429 em {where}) mesmo após "
            f"{MAX_RETRIES} novas tentativas; tente de novo mais tarde."
        )
    if code in (400, 422):
        return f"o Zendesk rejeitou a macro (HTTP {code} em {where}): {detail or 'sem detalhes'}"
    if code >= 500:
        return f"erro no servidor do Zendesk (HTTP {code} em {where}); tente de novo mais tarde." + (
            f" Detalhe: {detail}" if detail else ""
        )
    return f"o Zendesk respondeu HTTP {code} a {where}" + (f": {detail}" if detail else "")


class Client:
    def __init__(self, base_url: str, email_addr: str, token: str, out: Out, sleep: Callable[[float], Any] = time.sleep):
        self.base_url = base_url.rstrip("/")
        credentials = f"{email_addr}/token:{token}".encode()
        self._auth = "Basic " + base64.b64encode(credentials).decode("ascii")
        self.out = out
        self.sleep = sleep

    def request(self, method: str, url: str, body: Any = None) -> dict[str, Any]:
        path = urllib.parse.urlsplit(url).path
        data = None if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
        headers = {"Authorization": self._auth, "Accept": "application/json"}
        if data is not None:
            headers["Content-Type"] = "application/json; charset=utf-8"
        for attempt in range(MAX_RETRIES + 1):
            req = urllib.request.Request(url, data=data, method=method, headers=headers)
            try:
                with urllib.request.urlopen(req, timeout=TIMEOUT) as resp:
                    raw = resp.read()
                break
            except urllib.error.HTTPError as exc:
                if exc.code == 429 and attempt < MAX_RETRIES:
                    wait = _retry_after(exc.headers.get("Retry-After"))
                    exc.close()
                    if wait > MAX_RETRY_AFTER:
                        raise ZendeskError(
                            f"limite de requisições do Zendesk excedido (HTTP 429 em {method} {path}); "
                            f"o Retry-After pede {wait} s de espera: tente de novo mais tarde."
                        ) from None
                    self.out(
                        f"Limite de requisições do Zendesk atingido (HTTP 429): aguardando {wait} s "
                        f"conforme o Retry-After (tentativa {attempt + 1} de {MAX_RETRIES})…"
                    )
                    self.sleep(wait)
                    continue
                message = _http_message(exc, method, path)
                exc.close()
                raise ZendeskError(message) from None
            except urllib.error.URLError as exc:
                raise ZendeskError(
                    f"não foi possível conectar a {self.base_url} ({exc.reason}); confira o subdomínio e a rede."
                ) from None
            except TimeoutError:
                raise ZendeskError(
                    f"o Zendesk não respondeu em {TIMEOUT} s a {method} {path}; tente de novo mais tarde."
                ) from None
        if not raw.strip():
            return {}
        try:
            parsed = json.loads(raw)
        except ValueError:
            raise ZendeskError(f"resposta inválida do Zendesk (não é JSON) a {method} {path}") from None
        if not isinstance(parsed, dict):
            raise ZendeskError(f"resposta inesperada do Zendesk a {method} {path}: esperava um objeto JSON")
        return parsed

    def list_macros(self) -> list[dict[str, Any]]:
        """Every macro of the instance, following `next_page` (offset pagination)."""
        url: str | None = f"{self.base_url}/api/v2/macros?per_page=100"
        seen: set[str] = set()
        macros: list[dict[str, Any]] = []
        while url:
            if not url.startswith(self.base_url + "/"):
                raise ZendeskError(
                    f"a paginação do Zendesk apontou para outro endereço ({url}); a sincronização "
                    "parou para não enviar as credenciais a ele."
                )
            if url in seen:
                raise ZendeskError(f"a paginação do Zendesk voltou a uma página já lida ({url}).")
            seen.add(url)
            page = self.request("GET", url)
            items = page.get("macros")
            if not isinstance(items, list):
                raise ZendeskError("resposta inesperada de GET /api/v2/macros: falta a lista 'macros'")
            macros.extend(m for m in items if isinstance(m, dict))
            url = page.get("next_page")
        return macros
