"""Static servers for the benchmark, with the hosting of the "Hospedagem" page (decision_tree/sitegen/hosting.py).

`Server`, a Python server on plain HTTP/1.1:

- the Content-Type of every file, the CSP, `nosniff` and `Referrer-Policy`
  headers and `Cache-Control` of the hosting page (Material's hashed CSS/JS
  `immutable`, the Pyodide core and the engine snapshot (versioned folders) `immutable`, everything else —
  HTML, `pyodide-lock.json`, the engine wheel, the app's JS — `no-cache`),
  with `ETag`/`Last-Modified` so a revalidation costs a 304;
- gzip for the types the page compresses (compressed once, kept in memory);
- an overlay: extra files served from memory (the bare-Pyodide page) without
  writing into the built site;
- a log of every response with the bytes put on the wire (status line,
  headers and body), so a page's transfer size includes its worker's requests.

`NginxServer` (bench/nginx_server.py, what `make bench` uses) is the installed
nginx itself with the page's file; `Server` is the fallback (`run.py --python-server`).
"""

from __future__ import annotations

import email.utils
import gzip
import hashlib
import http.server
import threading
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from decision_tree.sitegen import hosting as hosting_module

ROOT = Path(__file__).resolve().parent.parent
GZIP_LEVEL = 1  # nginx's default gzip_comp_level


@dataclass
class Hit:
    t: float  # time.monotonic() when the response was written
    path: str
    status: int
    wire: int  # status line + headers + body, as sent
    body: int  # body bytes as sent (compressed if gzip)
    size: int  # body bytes before compression


class Log:
    def __init__(self) -> None:
        self._hits: list[Hit] = []
        self._lock = threading.Lock()

    def add(self, hit: Hit) -> None:
        with self._lock:
            self._hits.append(hit)

    def mark(self) -> int:
        with self._lock:
            return len(self._hits)

    def since(self, mark: int) -> list[Hit]:
        with self._lock:
            return list(self._hits[mark:])


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as a real server
    root: Path
    overlay: dict[str, bytes]
    log: Log
    use_gzip: bool
    gz_cache: dict[tuple[str, str], bytes]
    gz_lock: threading.Lock
    etags: dict[tuple[str, int, float], str]
    blocked: set[str]  # URL path prefixes answered with 404 (a diagnostic variant)
    hosting: hosting_module.Hosting

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def _resolve(self, path: str) -> tuple[bytes, float, str] | None | str:
        """(content, mtime, type), a redirect target (str), or None."""
        if path.endswith("/") and path + "index.html" in self.overlay:
            path += "index.html"
        elif path + "/index.html" in self.overlay:
            return path + "/"
        if path in self.overlay:
            return self.overlay[path], 0.0, hosting_module.content_type(path)
        parts = [p for p in path.split("/") if p not in ("", ".", "..")]
        file = self.root.joinpath(*parts)
        if file.is_dir():
            if not path.endswith("/"):
                return path + "/"
            file = file / "index.html"
        if not file.is_file():
            return None
        ctype = hosting_module.content_type(file.name)
        st = file.stat()
        return file.read_bytes(), st.st_mtime, ctype

    def _etag(self, path: str, content: bytes, mtime: float) -> str:
        # The files do not change while the benchmark runs: hash each one once.
        key = (path, len(content), mtime)
        with self.gz_lock:
            tag = self.etags.get(key)
        if tag is None:
            tag = '"' + hashlib.blake2b(content, digest_size=8).hexdigest() + '"'
            with self.gz_lock:
                self.etags[key] = tag
        return tag

    def _send(self, status: int, headers: list[tuple[str, str]], body: bytes, size: int, path: str, head: bool = False) -> None:
        lines = [f"{self.protocol_version} {status} {self.responses.get(status, ('',))[0]}"]
        lines += [f"{k}: {v}" for k, v in headers]
        raw = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        payload = b"" if head else body
        self.wfile.write(raw + payload)
        self.log.add(Hit(time.monotonic(), path, status, len(raw) + len(payload), len(payload), size))

    def _common(self) -> list[tuple[str, str]]:
        return [
            ("Date", email.utils.formatdate(usegmt=True)),
            ("Server", "bench"),
            *self.hosting.security_headers.items(),
        ]

    def do_HEAD(self) -> None:
        self.do_GET(head=True)

    def do_GET(self, head: bool = False) -> None:
        path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
        found = None if any(path.startswith(b) for b in self.blocked) else self._resolve(path)
        if found is None:
            body = b"not found"
            headers = [*self._common(), ("Content-Type", "text/plain"), ("Content-Length", str(len(body))), ("Cache-Control", "no-cache")]
            self._send(404, headers, body, len(body), path, head)
            return
        if isinstance(found, str):
            headers = [*self._common(), ("Location", found), ("Content-Length", "0")]
            self._send(301, headers, b"", 0, path, head)
            return
        content, mtime, ctype = found
        etag = self._etag(path, content, mtime)
        headers = [*self._common(), ("Cache-Control", hosting_module.cache_rule(path).value), ("ETag", etag)]
        if mtime:
            headers.append(("Last-Modified", email.utils.formatdate(mtime, usegmt=True)))
        compress = self.use_gzip and ctype.split(";")[0] in hosting_module.GZIP_TYPES
        if compress:
            headers.append(("Vary", "Accept-Encoding"))
        if etag in (self.headers.get("If-None-Match") or ""):
            self._send(304, headers, b"", 0, path, head)
            return
        body = content
        if compress and "gzip" in (self.headers.get("Accept-Encoding") or ""):
            key = (path, etag)
            with self.gz_lock:
                body = self.gz_cache.get(key) or b""
            if not body:
                body = gzip.compress(content, compresslevel=GZIP_LEVEL, mtime=0)
                with self.gz_lock:
                    self.gz_cache[key] = body
            headers.append(("Content-Encoding", "gzip"))
        headers += [("Content-Type", ctype), ("Content-Length", str(len(body)))]
        self._send(200, headers, body, len(content), path, head)


class _HTTPServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        import sys

        if isinstance(sys.exception(), ConnectionError):
            return  # the browser closed a connection (a context closed mid-transfer): not a server problem
        super().handle_error(request, client_address)  # type: ignore[arg-type]


class Server:
    """`with Server(root, overlay) as s:` serves on 127.0.0.1 (a free port) until the block ends."""

    chromium_args: list[str] = []

    def __init__(self, root: Path, overlay: dict[str, bytes] | None = None, use_gzip: bool = True,
                 hosting: hosting_module.Hosting | None = None) -> None:
        self.log = Log()
        self.blocked: set[str] = set()
        handler = type(
            "BenchHandler",
            (Handler,),
            {
                "root": Path(root),
                "overlay": dict(overlay or {}),
                "log": self.log,
                "use_gzip": use_gzip,
                "gz_cache": {},
                "gz_lock": threading.Lock(),
                "etags": {},
                "blocked": self.blocked,
                "hosting": hosting or hosting_module.for_project(ROOT),
            },
        )
        self.httpd = _HTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> Server:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(timeout=5)

    def warm_gzip(self, paths: list[str]) -> None:
        """Compress the big files once before measuring, so no sample pays for it."""
        import urllib.request

        for path in paths:
            req = urllib.request.Request(self.url + path.lstrip("/"), headers={"Accept-Encoding": "gzip"})
            with urllib.request.urlopen(req, timeout=60) as r:
                r.read()
