"""The one rule that decides a phase's status, and the evidence it reads.

Every front end and command asks ``phase_status`` / ``all_status``; none decides by itself.
A phase is **done** only when

- its required inputs are set and valid (the state's ``values``, with ``format_ok``),
- each of its files is written and current (``files``: the file on disk is what was written,
  from the values it is rendered from now),
- each of its steps is applied on the current inputs (``phases[id].steps``: migrations),
- each of its live checks ran on the current values and passed (``check_runs``: every run
  keeps the digests of the values it checked, and of the state of the world it checked that
  the wizard itself changes — the Stripe endpoint's id and URL — so a changed value or a moved
  endpoint makes the run stale), and no offline rule failed on the current values (``checks``).

Writing a file, applying migrations and running checks only record evidence; ``settle``
then notes when a phase became done (for "done since …" and "stale: changed since …").
"""

from __future__ import annotations

from checklists.catalog import catalog
from checklists.frozen import Frozen
from wizard.phases import (
    OUTPUT_PATHS,
    PHASES,
    STEP_INPUTS,
    Phase,
    file_fingerprint,
    file_sha256,
    fingerprint,
    has_value,
    input_digests,
    input_parts,
    partial_fingerprint,
    value_digests,
)
from wizard.state import now_iso

#: ``typing.TYPE_CHECKING`` without importing ``typing`` (mypy treats the name the same way):
#: ``status`` asks this module on every run
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from typing import Any, Final

    from wizard.project import Project
    from wizard.state import StateData

#: ``CheckResult.detail`` of a required value that is simply not set yet (not a failure)
MISSING = "missing"
#: what a live check verifies besides its values: the state sections recording things the
#: wizard changes in the world (``stripe create-webhook`` and push move the endpoint). A run is
#: current only while they are as it saw them: the same APP_URL is not the same endpoint.
WORLD: dict[str, tuple[str, ...]] = {"stripe-webhook": ("stripe_webhook",)}


def world_of(state: StateData, provider_id: str) -> str:
    """A digest of the world ``provider_id``'s check depends on ("" when only its values)."""
    keys = WORLD.get(provider_id, ())
    if not keys:
        return ""
    import hashlib
    import json

    parts = {key: state.get(key) for key in keys}
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def run_current(run: Mapping[str, Any], state: StateData, provider: Any) -> bool:
    """The run checked the current values and the current world."""
    names = (*provider.requires, *provider.reads)
    return _current(run, state, names) and str(run.get("world") or "") == world_of(
        state, provider.id
    )


class PhaseStatus(Frozen):
    """A phase's status by the one rule, with what decided it."""

    __match_args__ = (
        "phase",
        "status",
        "at",
        "message",
        "verified_at",
        "changed",
        "todo",
        "failed",
    )
    __slots__ = __match_args__
    phase: Final[Phase]
    #: done | stale | pending | failed
    status: Final[str]
    at: Final[str | None]
    message: Final[str]
    #: the latest time every live check of this phase passed on the current values
    verified_at: Final[str | None]
    #: inputs whose value changed since the phase was done (for "stale")
    changed: Final[tuple[str, ...]]
    #: what is still to do, one line each, most basic first (empty when done)
    todo: Final[tuple[str, ...]]
    #: what failed on the current values, one line each
    failed: Final[tuple[str, ...]]

    def __init__(
        self,
        phase: Phase,
        status: str,
        at: str | None,
        message: str,
        verified_at: str | None,
        changed: tuple[str, ...],
        todo: tuple[str, ...] = (),
        failed: tuple[str, ...] = (),
    ) -> None:
        self.phase = phase
        self.status = status
        self.at = at
        self.message = message
        self.verified_at = verified_at
        self.changed = changed
        self.todo = todo
        self.failed = failed


# -- recording evidence ------------------------------------------------------------------------
def record_file(project: Project, state: StateData, phase: Phase, relpath: str, sha: str) -> None:
    """``relpath`` now holds ``sha``, rendered from the phase's current values (caller saves)."""
    files = state.setdefault("files", {})
    stamp = file_fingerprint(project, state, phase)
    record = files.get(relpath) or {}
    if record.get("sha256") != sha or record.get("fingerprint") != stamp:
        files[relpath] = {"sha256": sha, "written_at": now_iso(), "fingerprint": stamp}


def record_step(
    project: Project, state: StateData, phase: Phase, step: str, ok: bool, message: str = ""
) -> None:
    """A step (migrations) ran to the end (``ok``) or stopped with ``message`` (caller saves)."""
    stamp = partial_fingerprint(project, state, phase, STEP_INPUTS.get(step, ()))
    record = state.setdefault("phases", {}).setdefault(phase.id, {})
    steps = record.setdefault("steps", {})
    last_ok = stamp if ok else (steps.get(step) or {}).get("last_ok")
    steps[step] = {
        "ok": ok,
        "at": now_iso(),
        "message": message,
        "fingerprint": stamp,
        # the inputs it last ran to the end on: restoring them (an edited file put back)
        # is the state the database already has, so nothing needs applying again
        "last_ok": last_ok,
    }


def confirm_migrations(project: Project, statuses: Iterable[Any]) -> bool:
    """``migrate status`` found every local file applied and none edited: that is the step
    done on the current inputs, however it got there (a restored file, another tool). Saves;
    True when recorded."""
    from wizard.phases import get_phase
    from wizard.state import StateFile

    found = [s.status for s in statuses]
    if not found or "pending" in found or "edited" in found:
        return False
    with StateFile(project).update() as state:
        record_step(project, state, get_phase("supabase"), "migrations", True)
        settle(project, state)
    return True


def record_check_run(
    state: StateData,
    provider: Any,
    outcome: str,
    message: str,
    basis: StateData,
) -> None:
    """One live check's verdict, tied to the digests of the values it read (from ``basis``)."""
    names = (*provider.requires, *provider.reads)
    state.setdefault("check_runs", {})[provider.id] = {
        "phase": provider.phase,
        "service": provider.service,
        "outcome": outcome,
        "message": message,
        "at": now_iso(),
        "inputs": value_digests(basis, names),
        "world": world_of(basis, provider.id),
    }


def settle(project: Project, state: StateData) -> None:
    """Note the moment each phase became done, with what it was done on (caller saves)."""
    for phase in PHASES:
        if phase_status(project, state, phase).status != "done":
            continue
        record = state.setdefault("phases", {}).setdefault(phase.id, {})
        parts = input_parts(project, state, phase)
        current = fingerprint(project, state, phase)
        if record.get("fingerprint") != current:
            record.update(
                status="done",
                fingerprint=current,
                inputs=dict(parts["values"]),
                completed_at=now_iso(),
                message="",
            )


# -- the rule ----------------------------------------------------------------------------------
def _current(record: Mapping[str, Any], state: StateData, names: Iterable[str]) -> bool:
    return dict(record.get("inputs") or {}) == value_digests(state, names)


def _inputs(state: StateData, phase: Phase) -> tuple[list[str], list[str]]:
    todo, failed = [], []
    values = state.get("values", {})
    for name in phase.inputs:
        var, record = catalog()[name], values.get(name)
        if record is None:
            if var.required and not has_value(state, name):
                todo.append(f"enter {name} (find it at: {var.where})")
        elif record.get("format_ok") is False:
            failed.append(f"{name} is not valid; enter it again (find it at: {var.where})")
    return todo, failed


def _files(project: Project, state: StateData, phase: Phase) -> list[str]:
    todo = []
    stamp = ""  # what the files are rendered from: hashed once a written file is there
    for target in phase.writes:
        rel = OUTPUT_PATHS[target]
        record = state.get("files", {}).get(rel)
        if not record:
            todo.append(f"write {rel}")
        elif file_sha256(project.file(rel)) != record.get("sha256"):
            todo.append(f"{rel} changed on disk since it was written; write it again")
        else:
            stamp = stamp or file_fingerprint(project, state, phase)
            if record.get("fingerprint") != stamp:
                todo.append(f"write {rel} again: it was written from values that changed since")
    return todo


def _steps(project: Project, state: StateData, phase: Phase) -> tuple[list[str], list[str]]:
    todo, failed = [], []
    records = (state.get("phases", {}).get(phase.id) or {}).get("steps", {})
    for step in phase.steps:
        if step not in STEP_INPUTS:
            continue  # an optional action (webhook, domain, test event): checks verify its effect
        record = records.get(step)
        if not record:
            todo.append(f"apply the {step}")
            continue
        stamp = partial_fingerprint(project, state, phase, STEP_INPUTS[step])
        if record.get("fingerprint") != stamp and record.get("last_ok") == stamp:
            continue  # back on the inputs it last applied cleanly (a restored file)
        if record.get("fingerprint") != stamp:
            todo.append(f"apply the {step} again: the database or files changed")
        elif not record.get("ok"):
            failed.append(str(record.get("message") or f"the {step} failed"))
    return todo, failed


def _checks(
    state: StateData, phase: Phase, unset: set[str]
) -> tuple[list[str], list[str], str | None]:
    from providers.registry import BY_ID

    todo, failed, times = [], [], []
    runs = state.get("check_runs", {})
    for pid in phase.services:
        p = BY_ID[pid]
        if unset & set(p.requires):
            continue  # "enter X" already says it; the check can't run before
        run = runs.get(pid)
        if not run:
            todo.append(f"run the {p.service} check")
        elif not _current(run, state, (*p.requires, *p.reads)):
            todo.append(f"run the {p.service} check again: its values changed since it ran")
        elif not run_current(run, state, p):
            todo.append(
                f"run the {p.service} check again: what it checked changed since it ran "
                "(the webhook endpoint was created or moved)"
            )
        elif run.get("outcome") == "fail":
            failed.append(str(run.get("message") or f"the {p.service} check failed"))
        else:
            times.append(str(run.get("at") or ""))
    for result in state.get("checks", {}).values():
        offline = not result.get("provider")
        if (
            offline
            and result.get("phase") == phase.id
            and result.get("outcome") == "fail"
            and result.get("detail") != MISSING
            and _current(result, state, result.get("variables") or ())
        ):
            failed.append(str(result.get("message") or ""))
    verified = max(times) if times and not todo and not failed else None
    return todo, list(dict.fromkeys(failed)), verified


def phase_status(project: Project, state: StateData, phase: Phase) -> PhaseStatus:
    """The phase's status by the one rule (reads the state and the files; opens no store)."""
    todo, failed = _inputs(state, phase)
    unset = {n for n in phase.inputs if not has_value(state, n)}
    todo += _files(project, state, phase)
    step_todo, step_failed = _steps(project, state, phase)
    check_todo, check_failed, verified = _checks(state, phase, unset)
    todo, failed = todo + step_todo + check_todo, failed + step_failed + check_failed
    record = state.get("phases", {}).get(phase.id) or {}
    was_done = bool(record.get("fingerprint"))
    if not todo and not failed:
        # The time it became done, if it was done on these very inputs (hashing them only then).
        same = was_done and record.get("fingerprint") == fingerprint(project, state, phase)
        at = record.get("completed_at") if same else None
        return PhaseStatus(phase, "done", at or verified, "", verified, ())
    if failed:
        return PhaseStatus(
            phase, "failed", None, failed[0], verified, (), tuple(todo), tuple(failed)
        )
    if was_done:
        then = record.get("inputs", {})
        changed = tuple(n for n, d in input_digests(state, phase) if then.get(n) != d)
        why = f"changed since: {', '.join(changed)}" if changed else todo[0]
        return PhaseStatus(
            phase, "stale", record.get("completed_at"), why, verified, changed, tuple(todo)
        )
    return PhaseStatus(phase, "pending", None, todo[0], verified, (), tuple(todo))


def all_status(project: Project, state: StateData) -> list[PhaseStatus]:
    return [phase_status(project, state, p) for p in PHASES]


def stale_after_change(project: Project, before: StateData, after: StateData) -> list[str]:
    """Phase ids that were done in ``before`` and are stale in ``after`` (for "what became
    stale")."""
    out = []
    for phase in PHASES:
        was = phase_status(project, before, phase).status
        now = phase_status(project, after, phase).status
        if was == "done" and now == "stale":
            out.append(phase.id)
    return out
