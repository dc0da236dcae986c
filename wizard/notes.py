"""What ``status`` and the overview say of each phase: its message, then its platform's drift."""

from __future__ import annotations

#: ``typing.TYPE_CHECKING`` without importing ``typing`` (mypy treats the name the same way)
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable

    from wizard.done import PhaseStatus
    from wizard.state import StateData


def notes(state: StateData, statuses: Iterable[PhaseStatus]) -> dict[str, str]:
    """Phase id -> what ``status`` and the overview say of it: its message, then its platform's
    drift. ``wizard.drift`` is imported only once a push or drift has compared a platform (the
    state says so): until then there is no drift to tell, and start-up does not pay for it."""
    if not state.get("platforms"):
        return {s.phase.id: s.message for s in statuses}
    from wizard.drift import drift_note

    return {
        s.phase.id: "; ".join(m for m in (s.message, drift_note(state, s.phase.id)) if m)
        for s in statuses
    }
