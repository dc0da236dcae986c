"""Widgets of the phase screens (not of the overview's first frame: see ``screens.widgets``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Button, Static

from screens.text import GLYPHS, MUTED

if TYPE_CHECKING:
    from wizard.done import PhaseStatus


class Pane(VerticalScroll, can_focus=False):
    """A tab's scrolling body, kept out of the Tab order (it has nothing to type into).

    The screen scrolls it with PageUp/PageDown instead (``PhaseScreen.action_scroll_pane``).
    """


class KeyButton(Button, can_focus=False):
    """A secondary button (Show, Generate) that Tab skips: it has its own key, shown in its
    label."""


class PhaseNav(Static):
    """One line per phase with its status glyph; the current one highlighted."""

    def __init__(self, current: str) -> None:
        super().__init__(id="nav")
        self.current = current

    def show(self, statuses: Sequence[PhaseStatus]) -> None:
        lines: list[Content] = [Content.styled("Phases", "bold")]
        for n, status in enumerate(statuses, 1):
            glyph, style = GLYPHS.get(status.status, ("?", MUTED))
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
