"""Steps 7–8 of ``up``: write the files (vercel.json now proxies to the APP_URL Render answered),
then confirm with GitHub that they are on the default branch, which Render and Vercel build.
Nothing is pushed from here: when a file is not there as written, the step stops with the exact
git commands, and the next ``up`` goes on from here."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

from checklists.advice import do
from checklists.errors import ProviderError, UsageError
from wizard.up.step import session_for

if TYPE_CHECKING:
    from wizard.up import Run

#: the files Render and Vercel build with, and CI runs: they must be on the default branch
FILES = ("vercel.json", "render.yaml", ".github/workflows/ci.yml", ".env.example")


# -- 7. files ---------------------------------------------------------------------------------
async def describe_files(run: Run) -> tuple[str, bool]:
    from wizard.outputs import plan

    values = await run.values()
    changes = await asyncio.to_thread(plan, run.answers.project, values)
    todo = [c.relpath for c in changes if c.status != "unchanged"]
    if not todo:
        return "the files are up to date", False
    return f"write {', '.join(todo)} (vercel.json proxies to the APP_URL found above)", True


async def run_files(run: Run) -> tuple[str, str]:
    from checklists.errors import OutputConflict
    from wizard.outputs import apply, snapshot_plan

    answers = run.answers

    def write() -> list[str]:
        changes = snapshot_plan(answers.project, lambda state: answers.values())
        mine = [c for c in changes if c.status == "conflict"]
        if mine:  # never overwritten from here: the person decides, with the write command
            paths = ", ".join(c.relpath for c in mine)
            targets = [c.target for c in mine]
            raise OutputConflict(
                f"{paths} {'was' if len(mine) == 1 else 'were'} edited by hand (or existed "
                "before convoai-setup); nothing was written.",
                f"See the difference ({do('write', *targets, '--dry-run')}), then keep yours and "
                f"make it match, or replace it ({do('write', *targets, '--force')}: a .bak copy "
                f"is kept); then {do('up')} goes on from here.",
            )
        written = apply(answers.project, changes)
        return [c.relpath for c in written]

    written = await asyncio.to_thread(write)
    return ("done", f"wrote {', '.join(written)}") if written else ("skipped", "files up to date")


# -- 8. GitHub --------------------------------------------------------------------------------
def committed_files(root: Path) -> list[str]:
    """What must be on the default branch: the files, and the grants migrations written here
    (step 4): without them the database's history names a file no other checkout has."""
    from wizard.grants import NAME

    folder = root / "supabase" / "migrations"
    grants = sorted(str(p.relative_to(root)) for p in folder.glob(f"*_{NAME}.sql"))
    return [*FILES, *grants]


async def describe_github(run: Run) -> tuple[str, bool]:
    files = committed_files(run.answers.project.root)
    return f"confirm {', '.join(files)} are on the default branch as written", False


async def run_github(run: Run) -> tuple[str, str]:
    values = await run.values()
    if not values.get("GITHUB_TOKEN") or not values.get("GITHUB_REPOSITORY"):
        raise UsageError(
            "GITHUB_TOKEN and GITHUB_REPOSITORY are needed to confirm that Render and Vercel "
            "build the files written here.",
            f"Set them: {do('vars set', 'GITHUB_TOKEN')}, {do('vars set', 'GITHUB_REPOSITORY')}",
        )
    root = run.answers.project.root
    async with session_for(run, values) as session:
        github = session.adapter("github")
        _repo, branch = await github.default_branch()
        files = await github.files(root, committed_files(root))
    behind = [f.path for f in files if f.status != "same"]
    if behind:
        paths = " ".join(behind)
        raise ProviderError(
            f"{', '.join(behind)} {'is' if len(behind) == 1 else 'are'} not on {branch} as "
            "written here, and Render and Vercel build from it.",
            f"Run: git add {paths} && git commit -m 'Deployment files from convoai-setup' && "
            f"git push origin {branch}; then {do('up')} goes on from here.",
        )
    return "skipped", f"every file is on {branch}"
