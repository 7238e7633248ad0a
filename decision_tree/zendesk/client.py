"""HTTP to the Zendesk Support API: authentication, retries on 429 and the checks on each answer.

Every request goes to the instance itself: redirects are refused (they would
carry the token to whatever host they name), `next_page` must stay on the
instance, and each request has a total deadline on top of the per-read timeout.
Any failure, of the network or of the answer, is a ZendeskError in pt-BR.
"""

from __future__ import annotations

import base64
import http.client
import json
import math
import re
import socket
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime
from email.message import Message
from email.utils import parsedate_to_datetime
from typing import Any

from decision_tree.zendesk.answers import bad, check_macro, parse_object
from decision_tree.zendesk.errors import ZendeskError, shown
from decision_tree.zendesk.transport import Deadline, open_request

SUBDOMAIN_RE = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")  # used with fullmatch
ENV_EMAIL = "ZENDESK_EMAIL"
ENV_TOKEN = "ZENDESK_API_TOKEN"  # noqa: S105 - the name of the variable, not a secret
MAX_RETRIES = 5  # 429 retries per request
MAX_RETRY_AFTER = 900  # seconds; a longer wait is reported instead of slept
TIMEOUT: float = 30  # seconds for each network operation
DEADLINE: float = 120  # seconds for a whole request: connection, headers and body
MAX_BYTES = 10_000_000  # of one answer (a page of 100 macros is a few hundred kB)
MAX_PAGES = 500  # of the macro list (100 macros each)
MAX_TOTAL_BYTES = 100_000_000  # of every answer of one command together (the macro list is held in memory)
MAX_TOTAL_WAIT = 900  # seconds of Retry-After waits in one command, all requests together
TOTAL_DEADLINE: float = 1800  # seconds for one command's every request, waits included
GATEWAY = (502, 503, 504)  # a proxy's answer: the write behind it may or may not have reached Zendesk
NOT_SENT = (ConnectionRefusedError, socket.gaierror, ssl.SSLCertVerificationError)  # failures before any byte left

Out = Callable[[str], Any]


def base_url_for(subdomain: str) -> str:
    """`https://<subdomain>.zendesk.com`, refusing anything that isn't a bare subdomain."""
    if not isinstance(subdomain, str) or not SUBDOMAIN_RE.fullmatch(subdomain):
        raise ZendeskError(
            f"subdomínio inválido: '{shown(subdomain)}'. Informe só o subdomínio, em minúsculas "
            "(para https://empresa.zendesk.com use --subdomain empresa)"
        )
    return f"https://{subdomain}.zendesk.com"


def _retry_after(header: str | None) -> float:
    """Seconds to wait from a Retry-After header (seconds or HTTP date); 60 if absent or meaningless."""
    if not header:
        return 60
    try:
        seconds = float(header)
    except ValueError:
        try:
            when = parsedate_to_datetime(header)
        except (TypeError, ValueError, OverflowError):
            return 60
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - datetime.now(UTC)).total_seconds()
    if math.isnan(seconds):
        return 60
    return max(0.0, float(math.ceil(seconds)) if math.isfinite(seconds) else seconds)


def _error_detail(body: bytes) -> str:
    raw = body.decode("utf-8", "replace")
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        return shown(raw, 300)
    if not isinstance(data, dict):
        return shown(raw, 300)
    parts = [str(data[k]) for k in ("error", "description") if data.get(k)]
    if data.get("details"):
        parts.append(json.dumps(data["details"], ensure_ascii=False))
    return shown(" — ".join(parts), 300)


def _http_message(code: int, headers: Message, body: bytes, where: str) -> str:
    detail = _error_detail(body)
    if code in GATEWAY and not where.startswith("GET "):
        extra = f" Detalhe: {detail}" if detail else ""
        return (f"o Zendesk (ou um gateway à frente dele) respondeu HTTP {code} a {where}: o resultado é desconhecido, "
                "a mudança pode ter sido aplicada mesmo assim. Confira a macro no Zendesk (Central de administração > "
                "Espaços de trabalho > Macros) ou rode o comando de novo com --dry-run para ver o que ainda difere."
                f"{extra}")
    if 300 <= code < 400:
        target = urllib.parse.urlsplit(headers.get("Location") or "")
        place = f"{target.scheme}://{target.netloc}" if target.netloc else "outro endereço"
        return (
            f"o Zendesk respondeu com um redirecionamento (HTTP {code} para {shown(place)}) a {where}; "
            "o comando não segue redirecionamentos, para não levar o token a outro endereço. "
            "Confira o subdomínio."
        )
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
        extra = f" Detalhe: {detail}" if detail else ""
        return f"erro no servidor do Zendesk (HTTP {code} em {where}); tente de novo mais tarde.{extra}"
    return f"o Zendesk respondeu HTTP {code} a {where}" + (f": {detail}" if detail else "")


def _transport_error(exc: BaseException, where: str, base_url: str, expired: bool) -> ZendeskError:
    """The pt-BR error for a network failure; the outcome is unknown unless nothing was sent."""
    if expired:
        return ZendeskError(
            f"a resposta do Zendesk a {where} não terminou em {DEADLINE} s (limite por requisição); tente de novo mais tarde.",
            outcome_unknown=True,
        )
    if isinstance(exc, urllib.error.URLError):
        reason = exc.reason
        if isinstance(reason, BaseException) and not isinstance(reason, NOT_SENT):
            return _transport_error(reason, where, base_url, expired)
        return ZendeskError(f"não foi possível conectar a {base_url} ({shown(str(reason))}); confira o subdomínio e a rede.")
    if isinstance(exc, TimeoutError):
        message = f"o Zendesk não respondeu em {TIMEOUT} s a {where}; tente de novo mais tarde."
    elif isinstance(exc, http.client.RemoteDisconnected):
        message = f"o Zendesk fechou a conexão sem responder a {where}; tente de novo mais tarde."
    elif isinstance(exc, http.client.IncompleteRead):
        message = f"a resposta do Zendesk a {where} veio incompleta (a conexão caiu no meio); tente de novo mais tarde."
    elif isinstance(exc, http.client.HTTPException):
        message = f"o Zendesk deu uma resposta HTTP inválida a {where} ({type(exc).__name__}); tente de novo mais tarde."
    else:
        message = f"a conexão com o Zendesk caiu durante {where} ({shown(str(exc) or type(exc).__name__)}); tente de novo mais tarde."
    return ZendeskError(message, outcome_unknown=True)


class Client:
    """Authenticated JSON requests to one instance."""

    def __init__(self, base_url: str, email_addr: str, token: str, out: Out):
        self.base_url = base_url.rstrip("/")
        credentials = f"{email_addr}/token:{token}".encode()
        self._auth = "Basic " + base64.b64encode(credentials).decode("ascii")
        self.out = out
        self._started = time.monotonic()  # one deadline, one wait budget and one size budget for the whole command
        self._waited = 0.0
        self._received = 0

    def _check_budget(self, where: str, wait: float = 0.0) -> None:
        elapsed = time.monotonic() - self._started
        if elapsed + wait > TOTAL_DEADLINE:
            raise ZendeskError(
                f"o comando passaria de {TOTAL_DEADLINE:.0f} s de conversa com o Zendesk ({where}, após {elapsed:.0f} s); "
                "parou aqui. Tente de novo mais tarde.", outcome_unknown=False)

    def _on_instance(self, url: str) -> bool:
        mine, theirs = urllib.parse.urlsplit(self.base_url), urllib.parse.urlsplit(url)
        return (theirs.scheme, theirs.netloc) == (mine.scheme, mine.netloc) and theirs.path.startswith("/")

    def _exchange(self, req: urllib.request.Request, where: str) -> tuple[int, Message, bytes]:
        """(status, headers, body) of one attempt, whatever the status; network failures raise."""
        with Deadline(DEADLINE) as deadline:
            try:
                return open_request(req, deadline, TIMEOUT, MAX_BYTES)
            except (OSError, http.client.HTTPException) as exc:
                raise _transport_error(exc, where, self.base_url, deadline.expired) from None
            except OverflowError:
                raise ZendeskError(
                    f"a resposta do Zendesk a {where} passou de {MAX_BYTES} bytes: grande demais para uma lista de macros.",
                    outcome_unknown=True,
                ) from None

    def request(self, method: str, url: str, body: Any = None) -> dict[str, Any]:
        """The JSON object the instance answers to `method url`; every failure is a ZendeskError."""
        where = f"{method} {urllib.parse.urlsplit(url).path}"
        if not self._on_instance(url):
            raise ZendeskError(f"recusado: {where} não é um endereço de {self.base_url}")
        data = None if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
        headers = {"Authorization": self._auth, "Accept": "application/json"}
        if data is not None:
            headers["Content-Type"] = "application/json; charset=utf-8"
        for attempt in range(MAX_RETRIES + 1):
            req = urllib.request.Request(url, data=data, method=method, headers=headers)
            self._check_budget(where)
            status, reply_headers, raw = self._exchange(req, where)
            self._received += len(raw)
            if self._received > MAX_TOTAL_BYTES:
                raise ZendeskError(
                    f"as respostas do Zendesk passaram de {MAX_TOTAL_BYTES:,} bytes neste comando ({where}); "
                    "grande demais para a lista de macros: o comando parou sem alterar nada além do que já disse.",
                    outcome_unknown=method != "GET",
                )
            if status == 429 and attempt < MAX_RETRIES:
                wait = _retry_after(reply_headers.get("Retry-After"))
                if wait > MAX_RETRY_AFTER:
                    raise ZendeskError(
                        f"limite de requisições do Zendesk excedido (HTTP 429 em {where}); o Retry-After "
                        f"('{shown(reply_headers.get('Retry-After'), 30)}') pede mais de {MAX_RETRY_AFTER} s de espera: "
                        "tente de novo mais tarde."
                    )
                if self._waited + wait > MAX_TOTAL_WAIT:
                    raise ZendeskError(
                        f"limite de requisições do Zendesk excedido (HTTP 429 em {where}); as esperas pedidas pelo "
                        f"Retry-After passariam de {MAX_TOTAL_WAIT} s neste comando ({self._waited:.0f} s já esperados): "
                        "tente de novo mais tarde."
                    )
                self._check_budget(where, wait)
                self._waited += wait
                self.out(
                    f"Limite de requisições do Zendesk atingido (HTTP 429): aguardando {wait:.0f} s "
                    f"conforme o Retry-After (tentativa {attempt + 1} de {MAX_RETRIES})…"
                )
                time.sleep(wait)
                continue
            if not 200 <= status < 300:
                # A write answered with a redirect, or by a gateway (502/503/504), may have been applied.
                unknown = 300 <= status < 400 or (status in GATEWAY and method != "GET")
                raise ZendeskError(_http_message(status, reply_headers, raw, where), outcome_unknown=unknown)
            return parse_object(raw, where)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def list_macros(self) -> list[dict[str, Any]]:
        """Every macro of the instance, following `next_page` (offset pagination) on the instance only."""
        url: str = f"{self.base_url}/api/v2/macros?per_page=100"
        seen: set[str] = set()
        macros: list[dict[str, Any]] = []
        for _ in range(MAX_PAGES):
            seen.add(url)
            page = self.request("GET", url)
            where = "GET /api/v2/macros"
            items = page.get("macros")
            if not isinstance(items, list):
                raise bad(where, "falta a lista 'macros'")
            macros.extend(check_macro(m, where) for m in items)
            next_page = page.get("next_page")
            if next_page is None or next_page == "":
                return macros
            if not isinstance(next_page, str):
                raise bad(where, f"'next_page' deveria ser um endereço, veio {shown(next_page)}")
            if not self._on_instance(next_page):
                raise ZendeskError(
                    f"a paginação do Zendesk apontou para outro endereço ({shown(next_page)}); o comando "
                    "parou para não enviar as credenciais a ele."
                )
            if next_page in seen:
                raise ZendeskError(f"a paginação do Zendesk voltou a uma página já lida ({shown(next_page)}).")
            url = next_page
        raise ZendeskError(
            f"a lista de macros do Zendesk tem mais de {MAX_PAGES} páginas ({len(macros)} macros lidas): "
            "a paginação (next_page) não termina; o comando parou sem alterar nada."
        )

    def create(self, payload: dict[str, Any]) -> dict[str, Any]:
        """POST a new macro; the created macro, with its id."""
        reply = self.request("POST", f"{self.base_url}/api/v2/macros", {"macro": payload})
        return check_macro(reply.get("macro"), "POST /api/v2/macros")

    def update(self, macro_id: int, payload: dict[str, Any]) -> dict[str, Any]:
        """PUT the macro `macro_id`; the updated macro."""
        where = f"PUT /api/v2/macros/{macro_id}"
        reply = self.request("PUT", f"{self.base_url}/api/v2/macros/{macro_id}", {"macro": payload})
        macro = check_macro(reply.get("macro"), where)
        if macro["id"] != macro_id:
            raise bad(where, f"a resposta é da macro #{macro['id']}, não da #{macro_id}")
        return macro
