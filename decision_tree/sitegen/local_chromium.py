"""Debian's Chromium as the tests and the benchmark launch it against the built site (one place for both).

Playwright cannot download a browser on this network, so it drives the
Chromium of Debian's package. The flags keep it from calling home (its
connections would be refused, many at a time) and let it run as root in a
container; `LocalNginx.chromium_args` adds trust for the test certificate.
"""

from __future__ import annotations

import os

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
