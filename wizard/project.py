"""Find the ConvoAI checkout the wizard works on, and its stable project id.

``status`` reads a project on every run, so finding one needs ``os.path`` only: ``pathlib``
(with ``urllib.parse`` and ``ipaddress``) costs more than ``status``'s own work, and
``Project.root`` is made a ``Path`` only when something asks for it.
"""

from __future__ import annotations

import os

#: ``typing.TYPE_CHECKING`` without importing ``typing`` (mypy treats the name the same way)
TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

STATE_DIR = ".convoai-setup"


class Project:
    """A ConvoAI checkout: ``package.json`` plus a ``supabase/`` directory.

    Compared and hashed by its root, as the frozen dataclass it replaces was.
    """

    __slots__ = ("_root", "root_dir")

    def __init__(self, root: Path | str) -> None:
        #: the root as a string, for code on the start-up path (no ``pathlib``)
        self.root_dir: str = os.fspath(root)
        self._root: Path | None = None if isinstance(root, str) else root

    @property
    def root(self) -> Path:
        if self._root is None:
            from pathlib import Path

            self._root = Path(self.root_dir)
        return self._root

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Project):
            return NotImplemented
        return self.root == other.root

    def __hash__(self) -> int:
        return hash(self.root)

    def __repr__(self) -> str:
        return f"Project(root={self.root!r})"

    @property
    def state_dir(self) -> Path:
        return self.root / STATE_DIR

    @property
    def state_file(self) -> Path:
        return self.state_dir / "state.json"

    @property
    def package_json(self) -> Path:
        return self.root / "package.json"

    def file(self, *parts: str) -> str:
        """A path inside the project, as a string (``os.path.join``; no ``pathlib``)."""
        return os.path.join(self.root_dir, *parts)

    @property
    def name(self) -> str:
        import json

        try:
            with open(self.file("package.json"), encoding="utf-8") as fh:
                data = json.loads(fh.read())
        except (OSError, ValueError):
            return os.path.basename(self.root_dir)
        name = data.get("name") if isinstance(data, dict) else None
        return name if isinstance(name, str) and name else os.path.basename(self.root_dir)

    def existing_id(self) -> str | None:
        """The project id if one was assigned; reading it never creates anything."""
        try:
            with open(self.file(STATE_DIR, "project-id"), encoding="ascii") as fh:
                value = fh.read().strip()
        except (OSError, UnicodeDecodeError):
            return None
        return value or None

    def project_id(self) -> str:
        """Stable id naming this project's secrets (``convoai-setup:<id>``), created once.

        It lives in its own file, not in state.json, so a corrupt state never orphans secrets.
        """
        existing = self.existing_id()
        if existing:
            return existing
        # Only when creating: keeps locks, tempfile and secrets off the start-up path.
        import secrets

        from wizard.fsutil import atomic_write
        from wizard.locks import file_lock

        self.ensure_state_dir()
        # Many processes may start on a fresh project at once: one creates the id, under the
        # lock, and every other one reads the winner's (a second id would orphan secrets).
        with file_lock(self.state_dir / "project-id.lock", f"the project id of {self.root}"):
            existing = self.existing_id()
            if existing:
                return existing
            new_id = f"{_slug(self.name)}-{secrets.token_hex(4)}"
            atomic_write(self.state_dir / "project-id", (new_id + "\n").encode("ascii"))
        return new_id

    def ensure_state_dir(self) -> None:
        self.state_dir.mkdir(mode=0o700, exist_ok=True)
        gitignore = self.state_dir / ".gitignore"
        if not gitignore.exists():
            from wizard.fsutil import atomic_write

            # The directory holds no secrets, but it is per-machine state: keep it out of git.
            atomic_write(gitignore, b"*\n")


def _slug(text: str) -> str:
    cleaned = "".join(ch if ch.isalnum() else "-" for ch in text.lower()).strip("-")
    return cleaned[:40] or "project"


def find_project(start: Path | str | None = None) -> Project:
    """The ConvoAI checkout at ``start`` or its nearest parent; a ``ProjectError`` if none."""
    # As Path(start).expanduser().resolve(strict=True) finds it, in os.path terms.
    origin = os.path.expanduser(os.fspath(start or "."))
    try:
        resolved = os.path.realpath(origin, strict=True)
    except OSError:
        from pathlib import Path  # the path as it was always shown

        raise _error(
            f"Project directory {Path(origin)} does not exist.",
            "Pass --project with the path of your ConvoAI checkout.",
        ) from None
    if not os.path.isdir(resolved):
        raise _error(f"{resolved} is not a directory.", "Pass --project with a directory.")
    candidate = resolved
    while True:
        if os.path.isfile(os.path.join(candidate, "package.json")) and os.path.isdir(
            os.path.join(candidate, "supabase")
        ):
            return Project(candidate)
        parent = os.path.dirname(candidate)
        if parent == candidate:
            break
        candidate = parent
    raise _error(
        f"{resolved} is not a ConvoAI checkout (no package.json with a supabase/ directory).",
        "Run from your ConvoAI repository or pass --project DIR.",
    )


def _error(message: str, hint: str) -> Exception:
    """A ``ProjectError`` (``checklists.errors`` is imported only when one is raised)."""
    from checklists.errors import ProjectError

    return ProjectError(message, hint)
