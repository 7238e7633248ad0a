"""Build the engine as a pure-Python wheel for Pyodide.

The wheel holds only the standard-library modules that run in the browser
(the `core` subpackage) plus the JSON bundle built from the
YAML, as `decision_tree/bundle.json`: the worker then needs no request beyond
the ones Pyodide makes while it bootstraps. The archive is what `pip wheel`
makes of a pure package (METADATA, WHEEL, RECORD with sha256), written with
fixed timestamps and order so the same sources give the same bytes.
"""

from __future__ import annotations

import base64
import hashlib
import io
import zipfile
from pathlib import Path

from decision_tree import __version__

PACKAGE = "decision_tree"
DIST_NAME = "decision-tree"
CORE = "core"  # the subpackage that runs in the browser: the wheel ships exactly it (and the package's __init__)
BUNDLE_NAME = "bundle.json"
_EPOCH = (1980, 1, 1, 0, 0, 0)


def modules(package_dir: Path) -> list[str]:
    """The files the wheel ships, relative to the package: its __init__ and every module of `core/`."""
    return ["__init__.py", *sorted(f"{CORE}/{p.name}" for p in (package_dir / CORE).glob("*.py"))]


def wheel_name(version: str = __version__) -> str:
    return f"{PACKAGE}-{version}-py3-none-any.whl"


def _metadata(version: str) -> str:
    return (
        "Metadata-Version: 2.1\n"
        f"Name: {DIST_NAME}\n"
        f"Version: {version}\n"
        "Summary: TOTVS support escalation guidelines: decision tree engine and pricing (browser build)\n"
        "Requires-Python: >=3.12\n"
    )


def _wheel_file() -> str:
    return "Wheel-Version: 1.0\nGenerator: decision_tree.sitegen.wheel\nRoot-Is-Purelib: true\nTag: py3-none-any\n"


def _record_hash(data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"sha256={digest}"


def wheel_bytes(package_dir: Path, bundle_json: str | None, version: str = __version__) -> bytes:
    """The wheel's bytes: the engine modules from `package_dir` and, if given, the bundle."""
    files: list[tuple[str, bytes]] = [(f"{PACKAGE}/{name}", (package_dir / name).read_bytes()) for name in modules(package_dir)]
    if bundle_json is not None:
        files.append((f"{PACKAGE}/{BUNDLE_NAME}", bundle_json.encode("utf-8")))
    dist_info = f"{PACKAGE}-{version}.dist-info"
    files.append((f"{dist_info}/METADATA", _metadata(version).encode()))
    files.append((f"{dist_info}/WHEEL", _wheel_file().encode()))
    record = "".join(f"{name},{_record_hash(data)},{len(data)}\n" for name, data in files)
    record += f"{dist_info}/RECORD,,\n"
    files.append((f"{dist_info}/RECORD", record.encode()))

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, data in files:
            info = zipfile.ZipInfo(name, date_time=_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o100644 << 16
            info.create_system = 3
            zf.writestr(info, data, compresslevel=9)
    return out.getvalue()


def build_wheel(out_dir: Path, bundle_json: str | None, package_dir: Path | None = None) -> Path:
    """Write the wheel into `out_dir` and return its path."""
    package_dir = package_dir or Path(__file__).resolve().parent.parent
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / wheel_name()
    path.write_bytes(wheel_bytes(package_dir, bundle_json))
    return path
