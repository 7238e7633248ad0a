"""The installed nginx with the Hospedagem page's file, for the benchmark (`make bench`'s server).

Over HTTPS and HTTP/2 on 127.0.0.1 (decision_tree/sitegen/local_nginx.py), so
the cache and compression behaviour measured is the one the users get; the
interface of bench/server.py's `Server`, its log read from nginx's access log.
"""

from __future__ import annotations

import time
import urllib.parse
from pathlib import Path

from server import ROOT, Hit, Log

from decision_tree.sitegen import hosting as hosting_module
from decision_tree.sitegen.local_nginx import LocalNginx


def link_tree(source: Path, target: Path) -> None:
    """`target` links every entry of `source`."""
    for entry in source.iterdir():
        (target / entry.name).symlink_to(entry)


def unlink_dir(folder: Path) -> None:
    """A linked folder becomes a real one that links each of its entries (so a file can be added beside them)."""
    if folder.is_symlink() and folder.is_dir():
        source = folder.resolve()
        folder.unlink()
        folder.mkdir()
        link_tree(source, folder)


class NginxLog(Log):
    """The hits of nginx's access log (`local_nginx.ACCESS_LOG_FORMAT`), read as they are asked for."""

    def __init__(self, file: Path, root: Path) -> None:
        super().__init__()
        self.file, self.root, self._offset = file, root, 0
        self._clock = time.time() - time.monotonic()  # nginx logs epoch times

    def _read(self) -> None:
        if not self.file.exists():
            return
        with self.file.open("rb") as f:
            f.seek(self._offset)
            chunk = f.read()
        done = chunk.rfind(b"\n") + 1  # a line nginx is still writing waits for the next read
        self._offset += done
        for line in chunk[:done].decode("utf-8", "replace").splitlines():
            msec, status, sent, body, _protocol, uri = line.split(" ", 5)
            path = urllib.parse.unquote(urllib.parse.urlsplit(uri.strip('"')).path)
            self.add(Hit(float(msec) - self._clock, path, int(status), int(sent), int(body), self._size(path) if status == "200" else 0))

    def _size(self, path: str) -> int:
        file = self.root.joinpath(*[p for p in path.split("/") if p not in ("", ".", "..")])
        file = file / "index.html" if file.is_dir() else file
        return file.stat().st_size if file.is_file() else 0

    def mark(self) -> int:
        self._read()
        return super().mark()

    def since(self, mark: int) -> list[Hit]:
        self._read()
        return super().since(mark)


class _Hidden:
    """`blocked` of NginxServer: a top-level folder added here is renamed away, so nginx answers 404 under it."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _names(self, prefix: str) -> tuple[Path, Path]:
        name = prefix.strip("/")
        if not name or "/" in name:
            raise ValueError(f"NginxServer can only hide a top-level folder, not {prefix!r}")
        return self.root / name, self.root / f".hidden-{name}"

    def add(self, prefix: str) -> None:
        shown, hidden = self._names(prefix)
        shown.rename(hidden)

    def discard(self, prefix: str) -> None:
        shown, hidden = self._names(prefix)
        if hidden.exists() or hidden.is_symlink():
            hidden.rename(shown)


class NginxServer:
    """`with NginxServer(root, overlay, workdir) as s:` the installed nginx serves `root` with the hosting page's file.

    The served folder links every entry of the site and holds the overlay's
    files (a linked folder that receives one becomes a folder of links), so
    nothing is written into the site; Chromium needs `chromium_args`
    to trust the throwaway certificate (and so to cache as with a real one)."""

    def __init__(self, root: Path, overlay: dict[str, bytes], workdir: Path, hosting: hosting_module.Hosting | None = None) -> None:
        served = workdir / "root"
        served.mkdir(parents=True)
        link_tree(Path(root).resolve(), served)
        for path, content in overlay.items():
            parts = path.strip("/").split("/")
            for depth in range(1, len(parts)):
                unlink_dir(served.joinpath(*parts[:depth]))
            file = served.joinpath(*parts)
            if file.exists() or file.is_symlink():
                raise ValueError(f"overlay path {path} is in the site already")
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_bytes(content)
        self.nginx = LocalNginx(served, hosting or hosting_module.for_project(ROOT), workdir / "nginx", worker_processes="auto")
        self.log = NginxLog(self.nginx.access_log, served)
        self.blocked = _Hidden(served)
        self.chromium_args = self.nginx.certificate.chromium_args()
        self.url = ""
        version = ".".join(map(str, self.nginx.version))
        self.description = (f"nginx {version} with the Hospedagem page's file (decision_tree/sitegen/hosting.py): 127.0.0.1, HTTPS with a "
                            "certificate Chromium trusts by its key, HTTP/2, gzip as configured; bytes = nginx's $bytes_sent")

    def __enter__(self) -> NginxServer:
        self.nginx.__enter__()
        self.url = self.nginx.url
        return self

    def __exit__(self, *exc: object) -> None:
        self.nginx.stop()

    def warm_gzip(self, paths: list[str]) -> None:
        """Nothing to warm: nginx compresses every response as it sends it, as it does for the users."""
