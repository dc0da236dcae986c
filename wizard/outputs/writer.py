"""The mechanics every output shares: read safely, classify, diff, check, write atomically.

A file is ``conflict`` when it differs from what we would write and we can't tell it is ours
unchanged: edited by hand since we last wrote it (its SHA-256 differs from the one recorded in
the state), or present before the wizard ever wrote it. ``vercel.json`` is the exception: it is
merged (everything the user added kept, ours updated in place), whether the wizard never wrote
it or it was edited by hand since, so it is never a conflict.
"""

from __future__ import annotations

import difflib
import hashlib
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from checklists.errors import OutputError
from wizard.fsutil import atomic_write


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def refuse_symlinks(root: Path, path: Path) -> None:
    """Error if ``path`` or a directory between ``root`` and it is a symlink."""
    current = root
    for part in path.relative_to(root).parts:
        current = current / part
        if current.is_symlink():
            rel = current.relative_to(root).as_posix()
            raise OutputError(
                f"{rel} is a symlink; convoai-setup doesn't write through symlinks, so "
                "nothing was written.",
                f"Replace {rel} with a regular file or directory (or remove it), then run again.",
            )


def read_existing(root: Path, path: Path) -> str | None:
    """The file's text, None when it doesn't exist yet; clear errors for everything else."""
    refuse_symlinks(root, path)
    rel = path.relative_to(root).as_posix()
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise OutputError(f"{rel} is a directory; nothing was written.", "Move it aside.") from None
    except NotADirectoryError:
        parent = next(p for p in reversed(path.parents) if p.is_file())
        raise OutputError(
            f"{parent.relative_to(root).as_posix()} is a file, so {rel} can't be created; "
            "nothing was written.",
            "Move that file aside, then run again.",
        ) from None
    except OSError as exc:
        raise OutputError(f"Cannot read {rel} ({exc.strerror}); nothing was written.") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise OutputError(
            f"{rel} is not UTF-8 text; nothing was written.", "Fix or move it."
        ) from None


def classify(old: str | None, new: str, record: Mapping[str, Any] | None, merged: bool) -> str:
    """create | unchanged | update | conflict (see the module docstring)."""
    if old is None:
        return "create"
    if old == new:
        return "unchanged"
    if merged or (record is not None and record.get("sha256") == sha256(old)):
        return "update"
    return "conflict"


def unified_diff(rel: str, old: str | None, new: str) -> str:
    """A ``git diff``-style unified diff (``/dev/null`` for a new file)."""
    before = old.splitlines(keepends=True) if old is not None else []
    after = new.splitlines(keepends=True)
    lines = difflib.unified_diff(
        before, after, "/dev/null" if old is None else f"a/{rel}", f"b/{rel}"
    )
    return "".join(
        line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines
    )


def check_writable(root: Path, paths: Iterable[Path]) -> None:
    """Before writing anything: each file's directory (or its nearest existing parent) is a
    directory we can create files in. Probing beats ``os.access``, which lies for root."""
    for path in paths:
        directory = path.parent
        while not directory.exists() and directory != root:
            directory = directory.parent
        rel = directory.relative_to(root).as_posix() if directory != root else "."
        if not directory.is_dir():
            raise OutputError(
                f"{rel} is a file, so {path.relative_to(root).as_posix()} can't be created; "
                "nothing was written.",
                "Move that file aside, then run again.",
            )
        try:
            with tempfile.TemporaryFile(dir=directory):
                pass
        except OSError as exc:
            raise OutputError(
                f"Cannot write in {rel}/ ({exc.strerror}); nothing was written.",
                "Check the directory's permissions and owner, then run again.",
            ) from None


def write_file(path: Path, text: str, backup: bool) -> None:
    """Create parents, keep ``NAME.bak`` of the current file when asked, replace atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if backup and path.exists():
        mode = path.stat().st_mode & 0o777
        atomic_write(path.with_name(path.name + ".bak"), path.read_bytes(), mode=mode)
    atomic_write(path, text.encode("utf-8"))
