"""One HTTP exchange with no redirects, a total deadline and a size limit (plain `urllib`).

`urllib` follows redirects by default, resending the Authorization header to
whatever host they name; here a redirect is just an answer. Its timeout bounds
each network operation, not the exchange: `Deadline` shuts the connection's
socket down when the whole exchange (connection, headers, body) takes too long,
which wakes any blocked read.
"""

from __future__ import annotations

import functools
import http.client
import socket
import ssl
import threading
import urllib.error
import urllib.request
from email.message import Message
from typing import Any

CHUNK = 65536


class Deadline:
    """A timer that shuts down every socket it watches when it fires."""

    def __init__(self, seconds: float):
        self.expired = False
        self._lock = threading.Lock()
        self._socks: list[socket.socket] = []
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()
        with self._lock:
            socks, self._socks = self._socks, []
        for sock in socks:
            sock.close()

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            socks = list(self._socks)
        for sock in socks:
            _shutdown(sock)

    def create_connection(self, address: Any, *args: Any, **kwargs: Any) -> socket.socket:
        """`socket.create_connection`, watched: a duplicate of the socket survives its TLS wrapping."""
        sock = socket.create_connection(address, *args, **kwargs)
        watched = sock.dup()
        with self._lock:
            self._socks.append(watched)
            expired = self.expired
        if expired:
            _shutdown(watched)
        return sock


def _shutdown(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


class _HTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args: Any, deadline: Deadline, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._create_connection = deadline.create_connection


class _HTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args: Any, deadline: Deadline, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._create_connection = deadline.create_connection


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # the 3xx reaches the caller as an answer


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, deadline: Deadline):
        super().__init__()
        self._deadline = deadline

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(functools.partial(_HTTPConnection, deadline=self._deadline), req)


@functools.cache
def _tls() -> ssl.SSLContext:
    return ssl.create_default_context()  # certificates and host names verified; made once (it is slow)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, deadline: Deadline):
        super().__init__(context=_tls())
        self._deadline = deadline

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(functools.partial(_HTTPSConnection, deadline=self._deadline), req, context=_tls())


def _opener(deadline: Deadline) -> urllib.request.OpenerDirector:
    """`build_opener` without redirects, FTP, files or data URLs, and with watched connections."""
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),  # HTTPS_PROXY and friends, as urllib does by default
        urllib.request.UnknownHandler(),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPErrorProcessor(),
        _NoRedirect(),
        _HTTPHandler(deadline),
        _HTTPSHandler(deadline),
    ):
        opener.add_handler(handler)
    return opener


def _read(source: Any, max_bytes: int) -> bytes:
    """The whole body, chunk by chunk; OverflowError past `max_bytes`, IncompleteRead if cut short."""
    chunks: list[bytes] = []
    total = 0
    read = getattr(source, "read1", source.read)
    while chunk := read(CHUNK):
        total += len(chunk)
        if total > max_bytes:
            raise OverflowError(total)
        chunks.append(chunk)
    body = b"".join(chunks)
    length = source.headers.get("Content-Length") if hasattr(source, "headers") else None
    if length and length.isdigit() and len(body) < int(length):
        raise http.client.IncompleteRead(body, int(length) - len(body))
    return body


def open_request(req: urllib.request.Request, deadline: Deadline, timeout: float, max_bytes: int) -> tuple[int, Message, bytes]:
    """(status, headers, body) of `req`, any status; raises OSError/HTTPException on network failures."""
    try:
        resp = _opener(deadline).open(req, timeout=timeout)
    except urllib.error.HTTPError as exc:  # any status but 2xx: still an answer
        with exc:
            body = _read(exc.fp, max_bytes) if exc.fp is not None else b""
        if deadline.expired:
            raise TimeoutError from None
        return exc.code, exc.headers, body
    with resp:
        body = _read(resp, max_bytes)
    if deadline.expired:
        raise TimeoutError
    return resp.status, resp.headers, body

