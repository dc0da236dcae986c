"""The phase list beside every phase screen: where you are and what is done."""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content
from textual.widgets import Static

from screens.text import GLYPHS
from wizard.done import PhaseStatus


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
