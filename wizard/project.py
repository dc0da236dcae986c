"""Find the ConvoAI checkout the wizard works on, and its stable project id."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

STATE_DIR = ".convoai-setup"


@dataclass(frozen=True)
class Project:
    """A ConvoAI checkout: ``package.json`` plus a ``supabase/`` directory."""

    root: Path

    @property
    def state_dir(self) -> Path:
        return self.root / STATE_DIR

    @property
    def state_file(self) -> Path:
        return self.state_dir / "state.json"

    @property
    def package_json(self) -> Path:
        return self.root / "package.json"

    @property
    def name(self) -> str:
        try:
            data = json.loads(self.package_json.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return self.root.name
        name = data.get("name") if isinstance(data, dict) else None
        return name if isinstance(name, str) and name else self.root.name

    def existing_id(self) -> str | None:
        """The project id if one was assigned; reading it never creates anything."""
        try:
            value = (self.state_dir / "project-id").read_text(encoding="ascii").strip()
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
    from checklists.errors import ProjectError  # typing: only an error needs it

    origin = Path(start or ".").expanduser()
    try:
        origin = origin.resolve(strict=True)
    except OSError:
        raise ProjectError(
            f"Project directory {origin} does not exist.",
            "Pass --project with the path of your ConvoAI checkout.",
        ) from None
    if not origin.is_dir():
        raise ProjectError(f"{origin} is not a directory.", "Pass --project with a directory.")
    for candidate in (origin, *origin.parents):
        if (candidate / "package.json").is_file() and (candidate / "supabase").is_dir():
            return Project(candidate)
    raise ProjectError(
        f"{origin} is not a ConvoAI checkout (no package.json with a supabase/ directory).",
        "Run from your ConvoAI repository or pass --project DIR.",
    )
