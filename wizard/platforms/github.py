"""GitHub's adapter: are the generated files on the default branch? (Render and Vercel build
from it, so a file written here and not pushed does not exist for them.) Read only."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from providers.base import CheckContext
from providers.github import GitHubClient
from wizard.platforms.base import Values


@dataclass(frozen=True)
class FileOnBranch:
    path: str
    #: same | differs | missing (not on the branch) | local-missing (not in this checkout)
    status: str


class GitHubAdapter:
    def __init__(self, ctx: CheckContext, values: Values) -> None:
        self.api = GitHubClient(ctx, str(values.get("GITHUB_TOKEN") or ""))
        self.repo = str(values.get("GITHUB_REPOSITORY") or "")

    @property
    def writes(self) -> list[tuple[str, str]]:
        return self.api.writes

    async def default_branch(self) -> tuple[str, str]:
        """(the repository's current owner/name, its default branch)."""
        doc = await self.api.repository(self.repo)
        return str(doc.get("full_name") or self.repo), str(doc.get("default_branch") or "main")

    async def files(self, root: Path, paths: Sequence[str]) -> list[FileOnBranch]:
        """Each file compared with the default branch's copy, all read at once."""
        repo, _branch = await self.default_branch()
        remote = await asyncio.gather(*(self.api.file(repo, p) for p in paths))
        out = []
        for path, there in zip(paths, remote, strict=True):
            try:
                here: str | None = (root / path).read_text(encoding="utf-8")
            except OSError:
                here = None
            if here is None:
                status = "local-missing"
            elif there is None:
                status = "missing"
            else:
                status = "same" if there == here else "differs"
            out.append(FileOnBranch(path, status))
        return out
