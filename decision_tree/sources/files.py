"""Which files of the repository the build may read: regular files that stay inside it.

A source (decision_tree/guidelines.yml, decision_tree/diretriz.txt, a macro, a
file under docs/) that is a symbolic link leaving the repository (to
/proc/self/environ, to ~/.ssh/...), a link into a hidden folder (.git/, .env...),
a dangling link, a directory where a file is expected, or a special file (a
FIFO, a device, a socket) is refused with `path:1: what; how to fix it`, before
a single byte of it is read: nothing of such a file is ever printed or published.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


class UnsafeFile(Exception):
    """`path:1: why it is refused; how to fix it` (the file's content is never read)."""


def _shown(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def check_file(root: Path, path: Path) -> Path:
    """`path` if it may be read as a source of the repository at `root`; UnsafeFile otherwise.
    FileNotFoundError when there is nothing at all at `path` (the caller words it)."""
    shown = _shown(root, path)
    if path.is_symlink():
        try:
            target = path.resolve(strict=True)
        except (OSError, RuntimeError):
            raise UnsafeFile(f"{shown}:1: is a symbolic link to {os.readlink(path)!r}, which does not exist (or loops); "
                             "remove the link or point it at a file of the repository") from None
        _check_target(root, path, target,
                      outside="is a symbolic link that leaves the repository ({link}); the build reads only files of the "
                              "repository: copy the file in or remove the link",
                      hidden="is a symbolic link into a hidden folder or file of the repository ({link}); the build does not "
                             "publish those: remove the link")
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise UnsafeFile(f"{shown}:1: cannot be read ({exc.strerror}); fix its permissions or remove it") from None
    if stat.S_ISDIR(mode):
        raise UnsafeFile(f"{shown}:1: is a folder, not a file; remove or rename the folder")
    if not stat.S_ISREG(mode):
        raise UnsafeFile(f"{shown}:1: is a special file (a FIFO, a device or a socket), not a regular file; remove it")
    return path


def tree_files(root: Path, folder: Path) -> list[Path]:
    """Every regular file under `folder` (links followed only where they stay inside the repository, each
    folder once); UnsafeFile for the first entry that is refused (dangling or outward links, special files)."""
    found: list[Path] = []
    seen: set[Path] = set()
    problems: list[str] = []
    if folder.is_symlink():
        check_dir_link(root, folder)  # the folder itself may be a link too
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=True):
        here = Path(dirpath)
        real = here.resolve()
        if real in seen:  # a link back to a folder already read
            dirnames[:] = []
            continue
        seen.add(real)
        kept = []
        for name in sorted(dirnames):
            sub = here / name
            if sub.is_symlink():
                try:
                    check_dir_link(root, sub)
                except UnsafeFile as exc:
                    problems.append(str(exc))
                    continue
            if "__pycache__" != name:
                kept.append(name)
        dirnames[:] = kept
        for name in sorted(filenames):
            try:
                found.append(check_file(root, here / name))
            except UnsafeFile as exc:
                problems.append(str(exc))
            except FileNotFoundError:  # removed while walking
                continue
    if problems:
        raise UnsafeFile("\n".join(problems))
    return sorted(found)


def check_dir_link(root: Path, path: Path) -> None:
    _check_target(root, path, path.resolve(),
                  outside="is a symbolic link to a folder outside the repository ({link}); copy the files in or remove the link",
                  hidden="is a symbolic link into a hidden folder of the repository ({link}); remove the link")


def _check_target(root: Path, path: Path, target: Path, *, outside: str, hidden: str) -> None:
    """UnsafeFile (`outside` or `hidden`, `{link}` the link's own text) when the link `path`, resolved to `target`,
    leaves the repository or enters a hidden folder or file of it."""
    real_root = root.resolve()
    why = outside if not target.is_relative_to(real_root) else (
        hidden if any(part.startswith(".") for part in target.relative_to(real_root).parts) else None)
    if why:
        raise UnsafeFile(f"{_shown(root, path)}:1: " + why.format(link=repr(os.readlink(path))))
