"""Keep a file of revealed secrets out of git: ignored where it is written, or not written.

``git add .`` must never pick up an export with real values. Inside a git work tree the path
has to be ignored; if it is not, it is added to the repository's own ``.git/info/exclude``
(local, never committed, no ``.gitignore`` edit to explain) and the caller says so. A path git
already tracks, or one that stays unignored (a ``!`` rule), is refused before anything is
written, with the fix.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from checklists.errors import UsageError


def _work_tree(directory: Path) -> Path | None:
    for parent in (directory, *directory.parents):
        if (parent / ".git").exists():
            return parent
    return None


def _git(top: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "-C", str(top), *args], capture_output=True, text=True, timeout=20, check=False
    )


def keep_out_of_git(path: Path) -> str:
    """Make sure ``path`` (not written yet) can't be committed; returns what was done ("": nothing).

    Raises ``UsageError`` when that can't be guaranteed: nothing should be written then.
    """
    path = path.absolute()
    top = _work_tree(path.parent)
    if top is None:
        return ""
    refuse = "; nothing was exported."
    fix = "Write it outside the repository (--output ~/convoai.env) or git-ignore the path first."
    if shutil.which("git") is None:
        raise UsageError(
            f"{path} is inside the git work tree {top} and git is not installed "
            "to check that it is ignored" + refuse,
            fix,
        )
    rel = path.relative_to(top).as_posix()
    if _git(top, "ls-files", "--error-unmatch", "--", rel).returncode == 0:
        raise UsageError(
            f"{rel} is tracked by git in {top}: real values written there would be "
            "committed" + refuse,
            fix,
        )
    if _git(top, "check-ignore", "-q", "--", rel).returncode == 0:
        return ""
    found = _git(top, "rev-parse", "--git-path", "info/exclude")
    if found.returncode != 0:
        raise UsageError(
            f"{rel} is inside the git work tree {top} and is not ignored" + refuse, fix
        )
    exclude = Path(found.stdout.strip())
    exclude = exclude if exclude.is_absolute() else top / exclude
    try:
        exclude.parent.mkdir(parents=True, exist_ok=True)
        old = exclude.read_text() if exclude.is_file() else ""
        line = "/" + rel.replace("\\", "\\\\").replace("*", "\\*").replace("?", "\\?").replace(
            "[", "\\["
        )
        with exclude.open("a") as fh:
            fh.write(
                ("" if not old or old.endswith("\n") else "\n")
                + "# added by convoai-setup export --reveal: real secret values\n"
                + line
                + "\n"
            )
    except OSError as exc:
        raise UsageError(
            f"{rel} is not git-ignored and {exclude} could not be updated "
            f"({exc.strerror})" + refuse,
            fix,
        ) from None
    if _git(top, "check-ignore", "-q", "--", rel).returncode != 0:
        raise UsageError(
            f"{rel} stays committable: a rule in .gitignore un-ignores it" + refuse, fix
        )
    rel_exclude = (
        exclude.relative_to(top).as_posix() if exclude.is_relative_to(top) else str(exclude)
    )
    return f"{rel} is git-ignored now (added to {rel_exclude}), so git add . won't commit it."
