"""``convoai-setup write [TARGET ...] [--dry-run] [--force]``: the files the plan asks for."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from wizard.commands import project_of

if TYPE_CHECKING:
    from wizard.outputs import FileChange
    from wizard.project import Project

TARGET_NAMES = ("env-example", "vercel", "ci", "render")  # = wizard.outputs.TARGETS (kept light)
#: plans made before giving up when other processes keep changing the values
WRITE_ATTEMPTS = 3

DESCRIPTION = """\
Write .env.example, vercel.json, .github/workflows/ci.yml and render.yaml (all by default, or
the TARGETs named). A unified diff of each change is printed on stdout first; writes are atomic;
an existing vercel.json is merged, keeping what you added. Never prompts.

A file edited by hand since convoai-setup last wrote it (or one it didn't write) is a conflict:
nothing is written and the exit code is 1, unless --force, which overwrites it and keeps the
old file as NAME.bak. Bad input (no APP_URL, an http:// backend, an invalid vercel.json, a
symlink or an unwritable directory) is exit 2, with nothing written."""


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "write",
        parents=[common],
        help="write .env.example, vercel.json, ci.yml and render.yaml",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "targets",
        nargs="*",
        metavar="TARGET",
        help=f"what to write: {', '.join(TARGET_NAMES)} (default: all)",
    )
    p.add_argument("--dry-run", action="store_true", help="show the diffs, write nothing")
    p.add_argument(
        "--force", action="store_true", help="overwrite hand-edited files, keeping NAME.bak"
    )
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from checklists.errors import PlanOutdated
    from wizard.console import info

    project = project_of(args)
    # Another convoai-setup may change a value while we write: then nothing is written and we
    # plan again from the new values (a few times; if it keeps changing, say so and stop).
    attempt = 1
    while True:
        try:
            changes, written = _plan_and_apply(project, args)
            break
        except PlanOutdated as exc:
            if attempt == WRITE_ATTEMPTS:
                raise
            attempt += 1
            info(f"{exc.message} Planning again.")
    if written is None:
        return 0
    pending = [c for c in changes if c.status != "unchanged"]
    if not pending:
        info(f"Nothing to change: {len(changes)} file(s) already up to date.")
    for change in written:
        backup = (
            f" (previous version kept as {change.relpath}.bak)"
            if change.status == "conflict"
            else ""
        )
        info(f"wrote {change.relpath}{backup}")
    _say_status(project, [c.target for c in changes])
    return 0


def _plan_and_apply(
    project: Project, args: argparse.Namespace
) -> tuple[list[FileChange], list[FileChange] | None]:
    """Plan from one snapshot, show it, apply it; ``None`` written for --dry-run."""
    from checklists.catalog import catalog
    from wizard.console import info
    from wizard.outputs import apply, snapshot_plan
    from wizard.values import Answers

    answers = Answers(project)
    # Only non-secret values feed the files: the secret store is never opened here.
    names = [v.name for v in catalog().values() if not v.secret]
    changes = snapshot_plan(
        project,
        lambda state: {n: answers.resolve(n, state).value for n in names},
        args.targets or None,
    )
    for change in changes:
        if change.diff:
            sys.stdout.write(change.diff)
    sys.stdout.flush()
    pending = [c for c in changes if c.status != "unchanged"]
    for change in changes:
        note = (
            " (edited by hand since convoai-setup wrote it)" if change.status == "conflict" else ""
        )
        info(f"{change.relpath}: {change.status}{note}")
    if args.dry_run:
        info("--dry-run: nothing was written." if pending else "--dry-run: nothing to change.")
        return changes, None
    # Even with nothing to write, apply records the files and phases (a no-op when current).
    return changes, apply(project, changes, force=args.force)


def _say_status(project: Any, targets: list[str]) -> None:
    """Where each owning phase stands now, by the one rule: a written file alone is not done."""
    from wizard.console import info, warn
    from wizard.done import phase_status
    from wizard.phases import PHASES
    from wizard.state import StateFile

    state = StateFile(project).read()
    for phase in PHASES:
        if not set(phase.writes) & set(targets):
            continue
        status = phase_status(project, state, phase)
        if status.status == "done":
            info(f"{phase.id}: done.")
        else:
            warn(
                f"{phase.id}: {status.status}, not done: {status.message} "
                f"(see: convoai-setup status; verify with: convoai-setup check {phase.id})"
            )
