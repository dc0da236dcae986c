"""Typed dialogs: each ``dismiss``es its answer (frogmouth's ``YesNoDialog`` pattern)."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

#: every dialog's CSS: Textual reads it when the first dialog is shown, not for the first frame
DIALOG_CSS = Path(__file__).with_name("dialogs.tcss")


class YesNoModal(ModalScreen[bool]):
    """A question with Yes / No; Escape means No."""

    CSS_PATH = DIALOG_CSS

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss(False)", "No", show=False)]

    def __init__(self, question: str, yes: str = "Yes", no: str = "No") -> None:
        super().__init__(classes="dialog")
        self.question = question
        self.yes, self.no = yes, no

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(self.question, classes="dialog-text")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.yes, id="yes", variant="warning")
                yield Button(self.no, id="no", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    @on(Button.Pressed)
    def answer(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")


class ErrorModal(ModalScreen[None]):
    """A long error (migration failure, API error) with its title; any key closes it."""

    CSS_PATH = DIALOG_CSS

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,enter", "dismiss(None)", "Close")]

    def __init__(self, title: str, message: str) -> None:
        super().__init__(classes="dialog")
        self.title_text, self.message = title, message

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box error-box"):
            yield Label(self.title_text, classes="dialog-title")
            with VerticalScroll(classes="dialog-scroll"):
                yield Static(self.message, markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Close", id="close", variant="primary")

    @on(Button.Pressed, "#close")
    def close(self) -> None:
        self.dismiss(None)


HELP_TEXT = """\
[b]Moving around[/b]
  Ctrl+N / Ctrl+B   next / previous phase       Esc      back to the overview
  Tab / Shift+Tab   next / previous field       Ctrl+P   command palette
  F2 … F5           the tabs, left to right     PgUp/PgDn scroll
[b]On the overview[/b]
  Up/Down Home/End  move through the phases     Enter    open the phase
[b]On a phase[/b]
  Ctrl+S  save the changed fields (secrets go to the secret store)
  Ctrl+R  validate: run this phase's live checks (press again to restart)
  Ctrl+T  show / hide secrets          Ctrl+G  generate JWT_SECRET
  Ctrl+F  done: verify the phase (stale checks run again), go on
[b]Anywhere[/b]
  Ctrl+O  export the checklist (markdown, json masked; dotenv: real values)
  F1      this help                    Ctrl+Q   quit (asks if unsaved)
"""


class HelpModal(ModalScreen[None]):
    """The keys, in one place."""

    CSS_PATH = DIALOG_CSS

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,f1,q", "dismiss(None)", "Close")]

    def __init__(self) -> None:
        super().__init__(classes="dialog")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box help-box"):
            yield Label("convoai-setup: keys", classes="dialog-title")
            yield Static(HELP_TEXT)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Close", id="close", variant="primary")

    @on(Button.Pressed, "#close")
    def close(self) -> None:
        self.dismiss(None)
