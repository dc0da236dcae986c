"""One catalog variable as a form field: description, where to find it, input, format errors.

Built from the catalog entry alone (copier: questions are data), so every phase screen gets
the same field for the same variable.
"""

from __future__ import annotations

from typing import Any

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Input, Label, Static

from checklists.catalog import Variable, normalise, validate_format
from screens.advice import for_screen
from screens.phase_widgets import KeyButton


class ExampleInput(Input):
    """An input whose placeholder (``e.g. …``) is cut with ``…`` where the field ends.

    Textual wraps a too-long placeholder at its last space and shows the first line only, so
    ``e.g. postgresql://…`` showed as a bare ``e.g.``.
    """

    def __init__(self, example: str, **kwargs: Any) -> None:
        super().__init__(placeholder=example, **kwargs)
        self.example = example

    def on_resize(self, event: events.Resize) -> None:
        room = event.size.width - 1  # the cursor's cell
        text = self.example
        self.placeholder = text if len(text) <= room else text[: max(0, room - 1)] + "…"


class FieldRow(Vertical):
    """A labelled input for one variable; tracks the saved value to know what is unsaved."""

    def __init__(self, var: Variable) -> None:
        super().__init__(id=f"field-{var.name}", classes="field")
        self.var = var
        #: the value as stored (or resolved from a default/the environment), "" when none
        self.saved = ""
        self.source: str | None = None

    def compose(self) -> ComposeResult:
        var = self.var
        need = "required" if var.required else "optional"
        yield Label(
            Content.assemble((var.name, "bold"), f"  {need}", "  · secret" if var.secret else ""),
            classes="field-name",
        )
        yield Static(for_screen(var.description), classes="field-help", markup=False)
        with Horizontal(classes="field-input"):
            yield ExampleInput(
                f"e.g. {var.example}" if var.example else "",
                password=var.secret,
                id=f"input-{var.name}",
                compact=True,
                valid_empty=True,
            )
            if var.generator:
                yield KeyButton(
                    "Generate ^g", id=f"generate-{var.name}", compact=True, classes="generate"
                )
            if var.secret:
                yield KeyButton("Show ^t", id=f"reveal-{var.name}", compact=True, classes="reveal")
        yield Static(f"Where: {for_screen(var.where)}", classes="field-where", markup=False)
        yield Static("", classes="field-error", markup=False)

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    def load(self, value: str | None, source: str | None) -> None:
        """Show the resolved value without marking it unsaved."""
        self.saved = value or ""
        self.source = source
        self.input.value = self.saved
        if self.input.has_focus and self.input.select_on_focus:
            # The value comes from a worker, before or after the Focus event of the field the
            # screen focused on opening: selected either way, as Tab into a filled field leaves
            # it (one keystroke or paste replaces it), and not one or the other by timing.
            self.input.select_all()
        self.show_problems()

    @property
    def value(self) -> str:
        return normalise(self.input.value)

    @property
    def dirty(self) -> bool:
        return self.value != self.saved

    def problems(self) -> list[str]:
        """Format problems of the current input ("" is fine here: required is judged on Done)."""
        return validate_format(self.var.name, self.value) if self.value else []

    def show_problems(self) -> list[str]:
        problems = self.problems()
        error = self.query_one(".field-error", Static)
        error.update("\n".join(f"✗ {p}" for p in problems))
        error.display = bool(problems)
        self.set_class(bool(problems), "-invalid")
        self.set_class(self.dirty, "-dirty")
        return problems

    def mark_saved(self) -> None:
        self.saved = self.value
        self.source = "entered"
        self.show_problems()

    def reveal(self, show: bool) -> None:
        if not self.var.secret:
            return
        self.input.password = not show
        self.query_one(".reveal", Button).label = "Hide ^t" if show else "Show ^t"

    @on(Input.Changed)
    def changed(self, event: Input.Changed) -> None:
        event.stop()
        self.show_problems()

    @on(Button.Pressed, ".reveal")
    def toggle(self, event: Button.Pressed) -> None:
        event.stop()
        self.reveal(self.input.password)
