"""The files the wizard writes: ``.env.example``, ``vercel.json``, the CI workflow, ``render.yaml``.

``plan`` renders every requested file, merges ``vercel.json``, and diffs each against the disk
without touching anything (bad input raises a ``WizardError``). ``apply`` then writes the changes
atomically and records what it wrote (so a later hand edit is recognised); whether the phase is
then done is for the one rule in ``wizard.done`` to say: a file alone never completes a phase.
The CLI (``convoai-setup write``) and the TUI both call these two functions.

Between the two, another process may change a value or a file. ``snapshot_plan`` reads the state,
the values and the files under the state lock, so the plan sees one moment; ``apply`` re-checks,
under the lock, that the files and the owning phases' inputs are still what the plan saw, and
otherwise writes nothing (``PlanOutdated``): a phase is never recorded done with the fingerprint
of values newer than the file it wrote.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from checklists.errors import OutputConflict, OutputError, PlanOutdated, UsageError
from wizard.outputs import vercel
from wizard.outputs.env_example import render_env_example
from wizard.outputs.render_yaml import render_render_yaml
from wizard.outputs.workflow import read_package_json, render_ci_workflow
from wizard.outputs.writer import (
    check_writable,
    classify,
    read_existing,
    refuse_symlinks,
    sha256,
    unified_diff,
    write_file,
)
from wizard.phases import OUTPUT_PATHS, PHASES, fingerprint, get_phase, missing_inputs
from wizard.project import Project
from wizard.state import StateData, StateFile

__all__ = [
    "PATHS",
    "TARGETS",
    "FileChange",
    "apply",
    "plan",
    "snapshot_plan",
]


#: CLI names of the outputs, in the order they are written
TARGETS = ("env-example", "vercel", "ci", "render")
PATHS = OUTPUT_PATHS


@dataclass(frozen=True)
class FileChange:
    """One file as ``plan`` found it and as ``apply`` would leave it."""

    target: str
    path: Path
    #: the current text (None: the file doesn't exist)
    old: str | None
    new: str
    #: unified diff from ``old`` to ``new`` ("" when unchanged)
    diff: str
    #: create | update | unchanged | conflict (edited by hand since we last wrote it)
    status: str
    #: the owning phase's required inputs are all set (else placeholders stand in for them)
    ready: bool = True
    #: the owning phase's fingerprint in the state the plan was made from
    basis: str = ""

    @property
    def relpath(self) -> str:
        return PATHS[self.target]


def _chosen(targets: Sequence[str] | None) -> list[str]:
    unknown = [t for t in targets or () if t not in TARGETS]
    if unknown:
        raise UsageError(
            f"Unknown write target {unknown[0]!r}.", f"Targets are: {', '.join(TARGETS)}."
        )
    return [t for t in TARGETS if not targets or t in targets]


def _render(
    project: Project, target: str, values: Mapping[str, str | None], old: str | None
) -> str:
    if target == "env-example":
        return render_env_example()
    if target == "vercel":
        return vercel.render_text(old, vercel.backend_url(values), PATHS["vercel"])
    if target == "ci":
        return render_ci_workflow(read_package_json(project.package_json))
    return render_render_yaml(values)


def _owner(target: str) -> str:
    return next(p.id for p in PHASES if target in p.writes)


def _ready(state: StateData, target: str, values: Mapping[str, str | None]) -> bool:
    """Required inputs of the owning phase are set (secrets: recorded as stored in the state)."""
    if target not in ("vercel", "render"):
        return True
    return all(values.get(n) for n in missing_inputs(state, get_phase(_owner(target))))


def plan(
    project: Project,
    values: Mapping[str, str | None],
    targets: Sequence[str] | None = None,
    state: StateData | None = None,
) -> list[FileChange]:
    """Render, merge and diff the requested outputs (all by default); writes nothing.

    ``state`` is the state ``values`` were resolved from (read now when not given).
    """
    state = StateFile(project).read() if state is None else state
    records = state.get("files", {})
    changes = []
    for target in _chosen(targets):
        rel = PATHS[target]
        old = read_existing(project.root, project.root / rel)
        new = _render(project, target, values, old)
        status = classify(old, new, records.get(rel), merged=target == "vercel")
        diff = "" if status == "unchanged" else unified_diff(rel, old, new)
        ready = _ready(state, target, values)
        basis = fingerprint(project, state, get_phase(_owner(target)))
        path = project.root / rel
        changes.append(FileChange(target, path, old, new, diff, status, ready, basis))
    return changes


def snapshot_plan(
    project: Project,
    values_from: Callable[[StateData], Mapping[str, str | None]],
    targets: Sequence[str] | None = None,
) -> list[FileChange]:
    """``plan`` from one moment: state, values (``values_from(state)``) and files read under
    the state lock, so a concurrent ``vars set`` is either wholly before the plan or after it."""
    state_file = StateFile(project)
    if not project.state_dir.is_dir():
        # Nothing is stored yet, so there is nothing to lock against, and taking the lock would
        # create the state directory even when a value is then refused. ``apply`` re-checks
        # under the lock in any case.
        state = state_file.read()
        return plan(project, values_from(state), targets, state)
    with state_file.lock():
        state = state_file.read()
        return plan(project, values_from(state), targets, state)


def _still_current(project: Project, state: StateData, changes: Sequence[FileChange]) -> None:
    """Under the lock: every file and every owning phase's inputs are as the plan saw them."""
    for change in changes:
        if read_existing(project.root, change.path) != change.old:
            raise PlanOutdated(
                f"{change.relpath} changed while convoai-setup was writing it; nothing was "
                "written.",
                "Write again: the new diff is shown first.",
            )
        phase = get_phase(_owner(change.target))
        if change.basis and fingerprint(project, state, phase) != change.basis:
            raise PlanOutdated(
                f"The {phase.title} values changed while convoai-setup was writing "
                f"{change.relpath} (another convoai-setup set one); nothing was written.",
                "Write again: the file is then made from the new values.",
            )


def apply(project: Project, changes: Sequence[FileChange], force: bool = False) -> list[FileChange]:
    """Write what ``plan`` found; returns the files written.

    Without ``force`` a conflict stops everything before the first write. With it, the
    hand-edited file is kept as ``NAME.bak`` next to the new one.
    """
    conflicts = [c.relpath for c in changes if c.status == "conflict"]
    if conflicts and not force:
        raise OutputConflict(
            f"{', '.join(conflicts)} changed since convoai-setup last wrote "
            f"{'it' if len(conflicts) == 1 else 'them'} (or existed before); nothing was written.",
            "See the diff with --dry-run; rerun with --force to overwrite (a .bak copy is kept), "
            "or name only the other targets.",
        )
    todo = [c for c in changes if c.status != "unchanged"]
    for change in changes:
        refuse_symlinks(project.root, change.path)
    check_writable(project.root, [c.path for c in todo])
    written: list[FileChange] = []
    from wizard.done import record_file, settle

    with StateFile(project).update() as state:
        _still_current(project, state, changes)
        for change in changes:
            if change.status != "unchanged":
                try:
                    write_file(change.path, change.new, backup=change.status == "conflict")
                except OSError as exc:
                    done = ", ".join(c.relpath for c in written) or "nothing"
                    raise OutputError(
                        f"Writing {change.relpath} failed ({exc.strerror}); written before "
                        f"it: {done}."
                    ) from None
                written.append(change)
            # With placeholders (``ready`` False) the phase still misses inputs: not done.
            phase = get_phase(_owner(change.target))
            record_file(project, state, phase, change.relpath, sha256(change.new))
        settle(project, state)
    return written
