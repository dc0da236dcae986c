"""Export the filled checklist from inside the app: the dialog (Ctrl+O) and its one core call.

The dialog says what the file will hold before anything is written (``wizard.checklist.
export_notice``, the CLI's words too). Markdown and JSON are masked. A dotenv file holds real
values for one platform, so it needs a destination (a choice, as ``--destination`` is in the
CLI), says where it goes, that it is mode 0600 and kept out of git, and is written only once
the person has ticked an explicit confirmation (the CLI's ``--reveal``). Writing goes through
``render_export`` and ``write_export``, exactly as ``convoai-setup export`` does.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, RadioButton, RadioSet, Static

from screens.modals import DIALOG_CSS

if TYPE_CHECKING:
    from wizard.values import Answers

EXPORT_FORMATS = {"markdown": ".md", "json": ".json", "dotenv": ".env"}
#: "all" is the whole checklist (markdown and json only)
DESTINATIONS = ("all", "render", "vercel", "wizard")


@dataclass(frozen=True)
class ExportChoice:
    """What the person chose: written only as chosen."""

    fmt: str
    #: as typed: relative paths are inside the project
    path: str
    #: render | vercel | wizard; None: every variable
    destination: str | None
    #: real values (dotenv, confirmed)
    reveal: bool


def export_checklist(answers: Answers, choice: ExportChoice) -> tuple[Path, str, bool]:
    """Render and write the export as the CLI does; (the path, a git note, holds real values)."""
    from wizard.checklist import render_export, write_export

    result = render_export(answers, choice.fmt, choice.reveal, choice.destination)
    path, note = write_export(answers, result, Path(choice.path))
    return path, note, result.revealed


class ExportModal(ModalScreen[ExportChoice | None]):
    """Format, destination and file, what the file will hold, and for real values a
    confirmation; dismisses the ``ExportChoice`` or None."""

    CSS_PATH = DIALOG_CSS
    # Compact enough for an 80x24 terminal: the box must never hide its Export button.
    DEFAULT_CSS = """
    ExportModal RadioSet { layout: horizontal; width: 100%; }
    ExportModal RadioSet > RadioButton { width: auto; margin-right: 2; }
    ExportModal .dialog-box { overflow-y: auto; }
    ExportModal #path { margin-top: 1; }
    ExportModal #export-notice { margin-top: 1; }
    ExportModal #export-notice.-real { color: $warning; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Cancel", show=False)
    ]

    def __init__(self, root: Path, fmt: str = "markdown", stem: str = "convoai-checklist") -> None:
        super().__init__(classes="dialog")
        self.root, self.fmt, self.stem = root, fmt, stem
        self.destination = "render" if fmt == "dotenv" else "all"

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label("Export the environment checklist", classes="dialog-title")
            with RadioSet(id="format", compact=True):
                for fmt in EXPORT_FORMATS:
                    yield RadioButton(fmt, value=fmt == self.fmt, id=f"fmt-{fmt}")
            with RadioSet(id="destination", compact=True):
                for dest in DESTINATIONS:
                    yield RadioButton(dest, value=dest == self.destination, id=f"dest-{dest}")
            yield Input(self._default_path(), id="path", compact=True)
            yield Static(id="export-notice")
            yield Checkbox("Write real secret values to this file", id="reveal-ok", compact=True)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Export", id="export", variant="success")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self._refresh()

    # -- what is chosen ----------------------------------------------------------------------
    def _default_path(self) -> str:
        if self.fmt == "dotenv" and self.destination != "all":
            return f"convoai-{self.destination}.env"
        return self.stem + EXPORT_FORMATS[self.fmt]

    def missing(self) -> str | None:
        """What still stops the export (None: it can be written)."""
        real = self.fmt == "dotenv"
        if not self.query_one("#path", Input).value.strip():
            return "Type the file to write."
        if real and self.destination == "all":
            return "A .env file is for one platform: choose render, vercel or wizard."
        if real and not self.query_one("#reveal-ok", Checkbox).value:
            return "Tick the confirmation first: this file holds real secret values."
        return None

    def choice(self) -> ExportChoice | None:
        """The choice as it stands, or None while something is missing."""
        if self.missing() is not None:
            return None
        path = self.query_one("#path", Input).value.strip()
        destination = None if self.destination == "all" else self.destination
        return ExportChoice(self.fmt, path, destination, self.fmt == "dotenv")

    def _refresh(self) -> None:
        from screens.text import home_path
        from wizard.checklist import export_notice

        real = self.fmt == "dotenv"
        path = Path(self.query_one("#path", Input).value.strip() or ".")
        target = path if path.is_absolute() else self.root / path
        destination = None if self.destination == "all" else self.destination
        notice = self.query_one("#export-notice", Static)
        notice.update(export_notice(self.fmt, destination, home_path(target)))
        notice.set_class(real, "-real")
        confirm = self.query_one("#reveal-ok", Checkbox)
        confirm.display = real
        if not real:
            confirm.value = False
        self.query_one("#export", Button).disabled = self.choice() is None

    @on(RadioSet.Changed, "#format")
    def format_changed(self, event: RadioSet.Changed) -> None:
        self.fmt = str(event.pressed.label)
        if self.fmt == "dotenv" and self.destination == "all":
            self._press("dest-render")  # a .env file is for one platform
            self.destination = "render"
        self.query_one("#path", Input).value = self._default_path()
        self._refresh()

    @on(RadioSet.Changed, "#destination")
    def destination_changed(self, event: RadioSet.Changed) -> None:
        self.destination = str(event.pressed.label)
        self.query_one("#path", Input).value = self._default_path()
        self._refresh()

    def _press(self, button_id: str) -> None:
        button = self.query_one(f"#{button_id}", RadioButton)
        with self.prevent(RadioSet.Changed):
            button.value = True

    @on(Input.Changed, "#path")
    @on(Checkbox.Changed, "#reveal-ok")
    def inputs_changed(self) -> None:
        self._refresh()

    # -- answers -------------------------------------------------------------------------------
    @on(Button.Pressed, "#export")
    @on(Input.Submitted, "#path")
    def export(self) -> None:
        chosen = self.choice()
        if chosen is None:  # e.g. Enter before the confirmation: say what is missing, stay open
            self.notify(self.missing() or "", title="Not exported", severity="warning")
            return
        self.dismiss(chosen)

    @on(Button.Pressed, "#cancel")
    def cancel(self) -> None:
        self.dismiss(None)
