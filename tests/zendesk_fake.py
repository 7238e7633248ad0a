"""A local fake of the few Zendesk endpoints the tool uses, with hostile modes for the hardening tests."""

from __future__ import annotations

import base64
import json
import shutil
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from decision_tree.sources.bundle import load_bundle
from decision_tree.zendesk import sync
from decision_tree.zendesk.instance import Instance

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "schemas" / "zendesk-macro.schema.json").read_text(encoding="utf-8"))
REGISTRY = Registry().with_resource(SCHEMA["$id"], Resource.from_contents(SCHEMA))
EMAIL = "agente@example.com"
TOKEN = "token-de-teste"
EXPECTED_AUTH = "Basic " + base64.b64encode(f"{EMAIL}/token:{TOKEN}".encode()).decode()


def errors(instance: Any, definition: str | None = None) -> list[str]:
    """Schema violations of `instance` against zendesk-macro.schema.json (or one of its $defs)."""
    ref = SCHEMA["$id"] + (f"#/$defs/{definition}" if definition else "")
    validator = Draft202012Validator({"$ref": ref}, registry=REGISTRY)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(instance)]


@dataclass
class Fault:
    """A forced reply to the next request whose method is in `methods`.

    kind: "status" (status + headers, JSON error body), "json" (status + `body`: any JSON value,
    or bytes sent as is), "disconnect" (close without answering), "badstatus" (a status line
    that is not HTTP), "incomplete" (close after 10 of the promised 1000 bytes), "drip-body" /
    "drip-headers" (one byte every 0.1 s for `seconds`), "delay" (handle normally, answer after
    `seconds`).
    """

    kind: str
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None
    seconds: float = 0.0
    methods: tuple[str, ...] = ("GET", "POST", "PUT")


class FakeZendesk:
    """In-memory macros behind GET/POST /api/v2/macros and PUT /api/v2/macros/{id}."""

    def __init__(self) -> None:
        self.macros: dict[int, dict[str, Any]] = {}
        self.next_id = 1000
        self.page_size = 2  # small, so listing needs next_page
        self.requests: list[tuple[str, str]] = []
        self.auth_seen: list[str | None] = []
        self.violations: list[str] = []
        self.queued: list[tuple[int, dict[str, str]]] = []  # forced (status, headers) replies, any method
        self.faults: list[Fault] = []
        self.next_page_base: str | None = None
        self.endless_pages = 0  # > 0: every page links to a new one, up to this many
        self.base_url = ""
        self.lock = threading.Lock()

    def add(self, macro: dict[str, Any]) -> int:
        macro_id = self.next_id
        self.next_id += 1
        self.macros[macro_id] = {
            "id": macro_id,
            "url": f"{self.base_url}/api/v2/macros/{macro_id}.json",
            "active": True,
            "default": False,
            "position": 10000 + macro_id,
            "restriction": None,
            "description": None,
            "created_at": "2026-11-28T12:00:00Z",
            "updated_at": "2026-11-28T12:00:00Z",
            **macro,
            "raw_title": macro["title"],
        }
        return macro_id

    def writes(self) -> list[tuple[str, str]]:
        return [r for r in self.requests if r[0] in ("POST", "PUT")]

    def take_fault(self, method: str) -> Fault | None:
        with self.lock:
            if self.queued:
                status, headers = self.queued.pop(0)
                return Fault("status", status, headers)
            for i, fault in enumerate(self.faults):
                if method in fault.methods:
                    return self.faults.pop(i)
        return None


def make_handler(state: FakeZendesk) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        delay = 0.0

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def handle(self) -> None:
            try:
                super().handle()
            except OSError:  # the client gave up (deadline, refused redirect): not the server's problem
                pass

        def reply(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
            if self.delay:
                time.sleep(self.delay)
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def violation(self, message: str) -> None:
            state.violations.append(f"{self.command} {self.path}: {message}")
            self.reply(400, {"error": "InvalidRequest", "description": message})

        def drip(self, data: bytes, seconds: float) -> None:
            end = time.monotonic() + seconds
            for byte in data:
                if time.monotonic() > end:
                    return
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(0.1)

        def forced(self, fault: Fault) -> bool:
            """Carry out `fault`; True when the request should then be handled normally."""
            if self.command in ("POST", "PUT"):
                self.rfile.read(int(self.headers.get("Content-Length", "0") or 0))
            self.close_connection = True
            if fault.kind == "status":
                self.reply(fault.status, {"error": f"forced {fault.status}"}, fault.headers)
            elif fault.kind == "json":
                self.reply(fault.status, fault.body, fault.headers)
            elif fault.kind == "badstatus":
                self.wfile.write(b"NOT HTTP AT ALL\r\n\r\n")
            elif fault.kind == "incomplete":
                self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"macros\": [")
            elif fault.kind == "drip-body":
                self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n")
                self.drip(b" " * 100000, fault.seconds)
            elif fault.kind == "drip-headers":
                self.wfile.write(b"HTTP/1.1 200 OK\r\n")
                self.drip(b"X-Slow: " + b"a" * 60000, fault.seconds)
            return False

        def common(self) -> bool:
            with state.lock:
                state.requests.append((self.command, self.path))
                state.auth_seen.append(self.headers.get("Authorization"))
            if self.headers.get("Authorization") != EXPECTED_AUTH:
                self.reply(401, {"error": "Couldn't authenticate you"})
                return False
            fault = state.take_fault(self.command)
            if fault and fault.kind == "delay":
                self.delay = fault.seconds
                return True
            if fault and fault.kind != "disconnect":
                return self.forced(fault)
            if fault:  # disconnect: read the request, answer nothing
                if self.command in ("POST", "PUT"):
                    self.rfile.read(int(self.headers.get("Content-Length", "0") or 0))
                self.close_connection = True
                return False
            return True

        def body(self) -> Any:
            if not self.headers.get("Content-Type", "").startswith("application/json"):
                self.violation("Content-Type must be application/json")
                return None
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            try:
                data = json.loads(raw)
            except ValueError:
                self.violation("body is not JSON")
                return None
            problems = errors(data, "macroRequest")
            if problems:
                self.violation("; ".join(problems))
                return None
            return data

        def do_GET(self) -> None:
            if not self.common():
                return
            url = urllib.parse.urlsplit(self.path)
            if url.path != "/api/v2/macros":
                self.reply(404, {"error": "InvalidEndpoint"})
                return
            query = urllib.parse.parse_qs(url.query)
            per_page = int(query.get("per_page", ["100"])[0])
            page = int(query.get("page", ["1"])[0])
            if not 1 <= per_page <= 100 or page < 1:
                self.violation("per_page must be 1..100 and page >= 1")
                return
            base = state.next_page_base or state.base_url
            if state.endless_pages:
                more = page < state.endless_pages
                link = f"{base}/api/v2/macros?page={page + 1}&per_page={per_page}"
                self.reply(200, {"macros": [], "next_page": link if more else None, "previous_page": None, "count": 0})
                return
            size = min(per_page, state.page_size)
            items = [state.macros[k] for k in sorted(state.macros)]
            chunk = items[(page - 1) * size : page * size]
            more = page * size < len(items)
            body = {
                "macros": chunk,
                "next_page": f"{base}/api/v2/macros?page={page + 1}&per_page={per_page}" if more else None,
                "previous_page": None,
                "count": len(items),
            }
            assert not errors(body, "macrosResponse")
            self.reply(200, body)

        def do_POST(self) -> None:
            if not self.common():
                return
            if self.path != "/api/v2/macros":
                self.reply(404, {"error": "InvalidEndpoint"})
                return
            data = self.body()
            if data is None:
                return
            with state.lock:
                macro_id = state.add(data["macro"])
            self.reply(201, {"macro": state.macros[macro_id]})

        def do_PUT(self) -> None:
            if not self.common():
                return
            prefix = "/api/v2/macros/"
            tail = self.path[len(prefix) :] if self.path.startswith(prefix) else ""
            if not tail.isdigit() or int(tail) not in state.macros:
                self.reply(404, {"error": "RecordNotFound"})
                return
            data = self.body()
            if data is None:
                return
            with state.lock:
                state.macros[int(tail)].update(data["macro"], updated_at="2026-11-29T12:00:00Z")
            self.reply(200, {"macro": state.macros[int(tail)]})

    return Handler


@contextmanager
def serve() -> Iterator[FakeZendesk]:
    """A FakeZendesk on a free local port for the duration of the block."""
    state = FakeZendesk()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(state))
    httpd.daemon_threads = True
    state.base_url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert state.violations == [], "requests that break the schema"


def source_copy(dest: Path) -> Path:
    """The repository's YAML sources (guidelines, guideline text, macros) copied under `dest`: a root to import into."""
    shutil.copytree(ROOT / "macros", dest / "macros")
    (dest / "decision_tree").mkdir(parents=True)
    for path in (ROOT / "decision_tree").iterdir():
        if path.is_file() and path.suffix != ".py":
            shutil.copy(path, dest / "decision_tree" / path.name)
    return dest


def load_macros(root: Path = ROOT) -> list[dict[str, Any]]:
    """The macros as the CLI hands them to the Zendesk commands: the real bundle of the sources under `root`."""
    return load_bundle(root)["macros"]


def official(macros: list[dict[str, Any]], first_id: int = 360000000) -> list[dict[str, Any]]:
    """The same macros with bodies marked as official (as if imported), for tests that must send."""
    out = []
    for i, macro in enumerate(macros):
        body = dict(macro["body"], source={"kind": "zendesk", "id": first_id + i, "imported": "2026-11-29"})
        out.append(dict(macro, body=body))
    return out


def run_sync(state: FakeZendesk, *, dry_run: bool, token: str = TOKEN, macros=None, include_proposals: bool = False):
    """sync() against the fake; by default the fixtures marked official, so everything that differs is sent."""
    lines: list[str] = []
    plan = sync(macros if macros is not None else official(load_macros()), Instance("teste", EMAIL, token, state.base_url),
                dry_run=dry_run, out=lines.append, include_proposals=include_proposals)
    return plan, "\n".join(lines)
