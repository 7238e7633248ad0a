"""A fake Zendesk for the sidebar app's browser tests: a page on another 127.0.0.1 origin that frames the app.

It speaks the real ZAF SDK's postMessage protocol, as read in the SDK's source
(node_modules/zendesk_app_framework_sdk/lib/client.js): the app posts
`iframe.handshake`, the host answers `zaf.app.registered` (context and the
app's settings); then `get`/`set`/`invoke` requests `{id, request, params}` are
answered `{id, result}` or `{id, error}`, and `client.request(options)` posts
`request:N` and is answered with the events `zaf.request:N.done` or `.fail`.
The host's ticket (id, subject, organization, comments), its settings and the
calls to fail come in the page's hash as JSON; `window.calls` records every
message the app posted, `window.writes` the ones that change the ticket.
Served over HTTPS with the session's throwaway certificate, as Zendesk is.
"""

from __future__ import annotations

import http.server
import itertools
import json
import ssl
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

HOST_PAGE = """<!doctype html>
<html lang="pt-BR"><head><meta charset="utf-8"><title>Zendesk de teste</title><link rel="icon" href="data:,"></head>
<body>
<iframe id="app" title="Assistente" style="width:340px;height:1600px;border:1px solid #ccc"></iframe>
<script>
"use strict";
const cfg = JSON.parse(decodeURIComponent(location.hash.slice(1)));
const ticket = cfg.ticket;
const fail = cfg.fail || {};
window.calls = [];
window.writes = [];
const frame = document.getElementById("app");
const appOrigin = new URL(cfg.src).origin;
const post = (msg) => frame.contentWindow.postMessage(JSON.stringify(msg), appOrigin);
const lookup = (path) => path.split(".").reduce((v, key) => (v == null ? undefined : v[key]), { ticket });
const error = (text) => ({ name: "Error", message: text });

window.addEventListener("message", (event) => {
  if (event.source !== frame.contentWindow || event.origin !== appOrigin) return;
  const m = typeof event.data === "string" ? JSON.parse(event.data) : event.data;
  window.calls.push(m);
  if (m.key === "iframe.handshake") {
    post({ key: "zaf.app.registered", message: {
      context: { product: "support", location: "ticket_sidebar", ticketId: ticket.id, instanceGuid: m.instanceGuid,
                 account: { subdomain: "teste" } },
      metadata: { appId: 1, installationId: 1, name: "Assistente", settings: cfg.settings || {} } } });
  } else if (m.request === "get") {
    if (fail.get) return post({ id: m.id, error: error(fail.get) });
    const result = { errors: {} };
    for (const path of m.params) result[path] = lookup(path);
    post({ id: m.id, result });
  } else if (m.request === "set" || m.request === "invoke") {
    window.writes.push({ request: m.request, params: m.params });
    const name = Object.keys(m.params)[0];
    if (fail[`${m.request}:${name}`]) return post({ id: m.id, error: error(fail[`${m.request}:${name}`]) });
    if (m.request === "set" && name === "ticket.subject") ticket.subject = m.params[name];
    post({ id: m.id, result: {} });
  } else if (/^request:[0-9]+$/.test(m.key || "")) {
    const options = m.message;
    const method = (options.type || "GET").toUpperCase();
    if (method !== "GET") window.writes.push({ request: "request", params: options });
    const answer = (kind, args) => post({ key: `zaf.${m.key}.${kind}`, message: { responseArgs: args } });
    if (fail[`request:${method}`]) return answer("fail", [{ status: 422, statusText: "error", responseText: fail[`request:${method}`] }]);
    if (method === "GET") return answer("done", [{ comments: ticket.comments || [] }, "success"]);
    answer("done", [{ ticket: { id: ticket.id } }, "success"]);
  }
});
frame.src = cfg.src;
</script>
</body></html>
"""


class Host:
    def __init__(self, url: str) -> None:
        self.url = url  # "https://127.0.0.1:PORT/"
        self.origin = url.rstrip("/")
        self._opens = itertools.count(1)

    def _url(self, cfg: dict[str, Any]) -> str:
        # a new query each time: a page that differs only in its hash would not load again
        return f"{self.url}host.html?open={next(self._opens)}#{urllib.parse.quote(json.dumps(cfg))}"

    def page(self, app_url: str, ticket: dict[str, Any], settings: dict[str, str] | None = None,
             fail: dict[str, str] | None = None, app_guid: str = "app-guid-1") -> str:
        """The host page's address that frames `app_url` as Zendesk does (`?origin=…&app_guid=…`)."""
        query = urllib.parse.urlencode({"origin": self.origin, "app_guid": app_guid})
        cfg = {"src": f"{app_url}?{query}", "ticket": ticket, "settings": settings or {}, "fail": fail or {}}
        return self._url(cfg)

    def frame_page(self, url: str) -> str:
        """A host page that frames any page of the site (the normal pages must refuse)."""
        cfg = {"src": url, "ticket": {"id": 1}, "settings": {}, "fail": {}}
        return self._url(cfg)


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        if urllib.parse.urlsplit(self.path).path != "/host.html":
            self.send_error(404)
            return
        body = HOST_PAGE.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@contextmanager
def zendesk_host(cert: str, key: str) -> Iterator[Host]:
    """The fake Zendesk on a free port, over HTTPS with the given certificate."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield Host(f"https://127.0.0.1:{httpd.server_address[1]}/")
    finally:
        httpd.shutdown()
        httpd.server_close()
