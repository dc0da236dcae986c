"""Where the wizard goes next: the summary's step id, every phase's status, the first not done.

The phase list drawn beside each phase screen is ``screens.phase_widgets.PhaseNav``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from wizard.done import PhaseStatus, all_status

if TYPE_CHECKING:
    from wizard.values import Answers

#: the summary's step id (after the last phase)
FINISH = "finish"


def phase_statuses(answers: Answers) -> list[PhaseStatus]:
    """Every phase's status, read fresh from the state file."""
    return all_status(answers.project, answers.state_file.read())


def resume_step(statuses: Sequence[PhaseStatus]) -> str:
    """The first phase that is not done (the summary when all are)."""
    return next((s.phase.id for s in statuses if s.status != "done"), FINISH)
