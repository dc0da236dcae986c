"""The phase list beside every phase screen: where you are and what is done."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual.content import Content
from textual.widgets import Static

from screens.text import GLYPHS
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


class PhaseNav(Static):
    """One line per phase with its status glyph; the current one highlighted."""

    def __init__(self, current: str) -> None:
        super().__init__(id="nav")
        self.current = current

    def show(self, statuses: Sequence[PhaseStatus]) -> None:
        lines: list[Content] = [Content.styled("Phases", "bold")]
        for n, status in enumerate(statuses, 1):
            glyph, style = GLYPHS.get(status.status, ("?", "$text-muted"))
            title = f"{n} {status.phase.title}"
            line = Content.assemble((glyph, style), " ", title)
            if status.phase.id == self.current:
                line = line.stylize("reverse bold")
            lines.append(line)
        summary = "Summary"
        lines.append(
            Content.styled(f"  {summary}", "reverse bold" if self.current == "finish" else "")
        )
        self.update(Content("\n").join(lines))
