"""Light widgets for the overview's first frame (measured: see bench/tui_startup.py).

Textual's ``Header`` (icon, clock, click-to-expand) and ``Button`` cost ~15 ms each to mount;
these look and behave the same for the price of a Static.
"""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Static


class TitleBar(Static):
    """The app title and the screen's ``sub_title``, kept in sync."""

    DEFAULT_CSS = """
    TitleBar {
        dock: top;
        width: 100%;
        height: 1;
        background: $panel;
        color: $foreground;
        text-style: bold;
        content-align: center middle;
    }
    """

    def on_mount(self) -> None:
        self.watch(self.screen, "sub_title", self._show)
        self.watch(self.app, "title", self._show)

    def _show(self, _: object = None) -> None:
        sub = self.screen.sub_title
        self.update(f"{self.app.title} — {sub}" if sub else self.app.title)


class ActionLink(Static, can_focus=True):
    """A focusable one-line button: Enter, space or a click posts ``ActionLink.Pressed``."""

    DEFAULT_CSS = """
    ActionLink {
        width: auto;
        height: 1;
        padding: 0 1;
        margin-right: 2;
        background: $surface-lighten-1;
        color: $text;
        text-style: bold;
    }
    ActionLink.-primary { background: $success-darken-1; }
    ActionLink:focus { background: $accent; color: $text; }
    ActionLink:hover { background: $accent-darken-1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter,space", "press", "Press", show=False)]

    class Pressed(Message):
        def __init__(self, link: ActionLink) -> None:
            super().__init__()
            self.link = link

        @property
        def control(self) -> ActionLink:
            return self.link

    @property
    def label(self) -> str:
        return str(self.render())

    def action_press(self) -> None:
        self.post_message(self.Pressed(self))

    def on_click(self) -> None:
        self.action_press()
