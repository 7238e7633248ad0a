"""The published nginx file, run as the caller's own nginx process: for the tests and the benchmark.

`LocalNginx(site, hosting, workdir)` writes the file the "Hospedagem" page
publishes for the installed nginx (`Hosting.nginx`), changing only what a host
changes: the address (127.0.0.1 and a free port), the server name, the site's
folder and the certificate, a throwaway self-signed one made with `openssl`
(`chromium_args` makes Chromium trust it by its key, so its HTTP cache works as
with a real certificate). A minimal main file (a foreground nginx, logs, pid
and temporary files in `workdir`) includes it in `http`, as Debian's
nginx.conf includes sites-enabled/. `with LocalNginx(...) as n:` checks the
files with `nginx -t` (any warning is an error), serves at `n.url` and stops
nginx on exit, failure or not.
"""

from __future__ import annotations

import base64
import hashlib
import os
import pwd
import re
import shutil
import socket
import ssl
import subprocess
import time
from pathlib import Path

from decision_tree.sitegen.hosting import Hosting

NGINX = os.environ.get("NGINX", "/usr/sbin/nginx")
MIME_TYPES = Path("/etc/nginx/mime.types")  # included in `http` as Debian does; the site's server replaces it
ACCESS_LOG_FORMAT = '$msec $status $bytes_sent $body_bytes_sent $server_protocol "$request_uri"'


class NginxError(RuntimeError):
    """nginx is missing, rejects the configuration, or does not start; the message says why."""


def nginx_binary() -> str:
    found = NGINX if Path(NGINX).is_file() else shutil.which("nginx")
    if not found:
        raise NginxError(f"nginx not found at {NGINX}: install Debian's nginx package (scripts/setup.sh --test does)")
    return found


def installed_version(nginx: str | None = None) -> tuple[int, ...]:
    out = subprocess.run([nginx or nginx_binary(), "-v"], capture_output=True, text=True, timeout=30)
    found = re.search(r"nginx/(\d+)\.(\d+)\.(\d+)", out.stderr + out.stdout)
    if not found:
        raise NginxError(f"cannot read the version of nginx from: {out.stderr.strip()}")
    return tuple(int(n) for n in found.groups())


class Certificate:
    """A self-signed certificate for 127.0.0.1, valid two days; `spki` is the base64 SHA-256 of its public key."""

    def __init__(self, directory: Path) -> None:
        if not shutil.which("openssl"):
            raise NginxError("openssl not found: install Debian's openssl package (scripts/setup.sh --test does)")
        directory.mkdir(parents=True, exist_ok=True)
        self.cert, self.key = directory / "cert.pem", directory / "key.pem"
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
             "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(self.key), "-out", str(self.cert)],
            check=True, capture_output=True, timeout=60,
        )
        der = ssl.PEM_cert_to_DER_cert(self.cert.read_text())
        public = subprocess.run(["openssl", "x509", "-inform", "DER", "-pubkey", "-noout"], input=der, capture_output=True,
                                check=True, timeout=60).stdout
        spki = subprocess.run(["openssl", "pkey", "-pubin", "-outform", "DER"], input=public, capture_output=True, check=True,
                              timeout=60).stdout
        self.spki = base64.b64encode(hashlib.sha256(spki).digest()).decode("ascii")

    def chromium_args(self) -> list[str]:
        return [f"--ignore-certificate-errors-spki-list={self.spki}"]

    def ssl_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.cert))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LocalNginx:
    def __init__(self, site: Path, hosting: Hosting, workdir: Path, *, certificate: Certificate | None = None,
                 worker_processes: str = "1") -> None:
        self.site, self.hosting, self.dir = Path(site).resolve(), hosting, Path(workdir)
        self.nginx = nginx_binary()
        self.version = installed_version(self.nginx)
        self.certificate = certificate or Certificate(self.dir / "tls")
        self.worker_processes = worker_processes
        self.error_log, self.access_log = self.dir / "error.log", self.dir / "access.log"
        self.site_conf, self.main_conf = self.dir / "diretrizes.conf", self.dir / "nginx.conf"
        self.port = 0
        self.url = ""
        self._process: subprocess.Popen[bytes] | None = None

    def write(self, port: int) -> None:
        (self.dir / "tmp").mkdir(parents=True, exist_ok=True)
        self.port, self.url = port, f"https://127.0.0.1:{port}/"
        self.site_conf.write_text(self.hosting.nginx(self.version, listen=f"127.0.0.1:{port}", server_name="127.0.0.1", root=str(self.site),
                                                     certificate=str(self.certificate.cert), certificate_key=str(self.certificate.key)))
        user = f"user {pwd.getpwuid(os.geteuid()).pw_name};\n" if os.geteuid() == 0 else ""  # workers as the caller, who can read the site
        kinds = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        temp = "".join(f"    {kind}_temp_path {self.dir / 'tmp' / kind};\n" for kind in kinds)
        self.main_conf.write_text(
            f"# The caller's own nginx (decision_tree/sitegen/local_nginx.py), in the foreground.\n{user}"
            f"daemon off;\nworker_processes {self.worker_processes};\npid {self.dir / 'nginx.pid'};\n"
            f"error_log {self.error_log} warn;\nevents {{\n    worker_connections 256;\n}}\n"
            "http {\n"
            + (f"    include {MIME_TYPES};\n" if MIME_TYPES.is_file() else "")
            + f"    default_type application/octet-stream;\n    sendfile on;\n{temp}"
            f"    log_format local '{ACCESS_LOG_FORMAT}';\n    access_log {self.access_log} local;\n"
            f"    include {self.site_conf};\n}}\n"
        )

    def _command(self, *extra: str) -> list[str]:
        return [self.nginx, "-p", str(self.dir), "-e", str(self.error_log), "-c", str(self.main_conf), *extra]

    def check(self) -> str:
        """`nginx -t` on the files written; its output, or NginxError on an error or a warning."""
        out = subprocess.run(self._command("-t"), capture_output=True, text=True, timeout=60)
        text = (out.stdout + out.stderr).strip()
        if out.returncode != 0 or re.search(r"\[(warn|emerg|alert|crit|error)\]", text):
            raise NginxError(f"nginx -t rejects the published configuration ({self.site_conf}):\n{text}")
        return text

    def __enter__(self) -> LocalNginx:
        for _attempt in range(5):  # the free port may be taken again before nginx binds it
            self.write(free_port())
            self.check()
            self.error_log.write_text("")
            # setpriv: nginx gets SIGTERM if the caller dies without stopping it (a killed test worker, say)
            guard = ["setpriv", "--pdeathsig", "TERM", "--"] if shutil.which("setpriv") else []
            self._process = subprocess.Popen([*guard, *self._command()], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if self._wait_listening():
                return self
            self.stop()
            if "Address already in use" not in self.error_log.read_text():
                break
        raise NginxError(f"nginx did not start:\n{self.error_log.read_text()}")

    def _wait_listening(self, timeout: float = 20.0) -> bool:
        end = time.monotonic() + timeout
        while time.monotonic() < end and self._process is not None and self._process.poll() is None:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return True
            except OSError:
                time.sleep(0.05)
        return False

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()  # SIGTERM: nginx's fast shutdown, the workers with it
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)

    def __exit__(self, *exc: object) -> None:
        self.stop()
