"""Seed the evidence the done rule reads, as real runs would leave it, for tests of its readers.

The rule itself (``wizard.done``) is tested against real runs elsewhere (``tests/core/
test_done_rule.py``, the cross-front-end test); screens and status tests only need a project
"half-way through", without a full set of fake vendors.
"""

from __future__ import annotations

from pathlib import Path

from providers.registry import BY_ID
from wizard.done import PhaseStatus, record_check_run, record_step, settle
from wizard.phases import get_phase
from wizard.project import Project
from wizard.state import StateFile


def prove(root: Path, phase_id: str, *, failing: str = "") -> None:
    """Every check of the phase ran on the current values and passed (or the first failed
    with ``failing``); its files are really written; its migrations recorded as applied."""
    project = Project(root)
    phase = get_phase(phase_id)
    if phase.writes:
        from checklists.catalog import catalog
        from wizard.outputs import apply, plan
        from wizard.values import Answers

        names = [v.name for v in catalog().values() if not v.secret]
        apply(
            project, plan(project, Answers(project).values(names), list(phase.writes)), force=True
        )
    with StateFile(project).update() as state:
        # the failure lands on the first check that could run (its required values are set)
        runnable = [
            p for p in phase.services if all(n in state["values"] for n in BY_ID[p].requires)
        ]
        culprit = runnable[0] if failing and runnable else None
        for pid in phase.services:
            bad = pid == culprit
            record_check_run(
                state, BY_ID[pid], "fail" if bad else "ok", failing if bad else "", state
            )
        if "migrations" in phase.steps:
            record_step(project, state, phase, "migrations", True)
        settle(project, state)


def statuses(root: Path) -> dict[str, PhaseStatus]:
    """Every phase's status by the one rule, read as ``status`` reads it."""
    from wizard.done import all_status

    project = Project(root)
    return {s.phase.id: s for s in all_status(project, StateFile(project).read())}


def pin_times(root: Path, at: str) -> None:
    """Every timestamp in the state set to ``at`` (snapshots must not show the clock)."""
    with StateFile(Project(root)).update() as state:
        for record in state["phases"].values():
            record.update({k: at for k in ("at", "completed_at") if k in record})
            for step in (record.get("steps") or {}).values():
                step["at"] = at
        for group in ("values", "files", "checks", "check_runs"):
            for record in state.get(group, {}).values():
                record.update({k: at for k in ("updated_at", "written_at", "at") if k in record})
