"""Light widgets for the overview's first frame (measured: see bench/tui_startup.py).

Textual's ``Header`` (icon, clock, click-to-expand), a row of ``Button``s and an ``OptionList``
cost the first frame several milliseconds each (a scroll view, a widget per button); these
look and behave the same for the price of one Static each: ``TitleBar``, ``ActionBar`` (the
buttons) and ``RowList`` (the phase list).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.geometry import Offset
from textual.message import Message
from textual.widgets import Static

if TYPE_CHECKING:
    from textual.events import Click, MouseEvent, MouseMove


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


class Parts(Static):
    """A Static drawn as parts (rows, buttons) that knows the part under the mouse: a subclass
    says where each part is (:meth:`part_at`) and what a click on one does (:meth:`clicked`),
    and draws ``self.hovered`` as hovered."""

    def __init__(self, *, id: str | None = None, classes: str = "") -> None:
        super().__init__(id=id, classes=classes)
        #: the part under the mouse (None: none)
        self.hovered: int | None = None

    def part_at(self, offset: Offset) -> int | None:
        """The part at ``offset`` in the content area, if any."""
        raise NotImplementedError

    def clicked(self, part: int) -> None:
        raise NotImplementedError

    def _part_under(self, event: MouseEvent) -> int | None:
        offset = event.get_content_offset(self)
        return None if offset is None else self.part_at(offset)

    def on_mouse_move(self, event: MouseMove) -> None:
        part = self._part_under(event)
        if part != self.hovered:
            self.hovered = part
            self.refresh()

    def on_leave(self) -> None:
        if self.hovered is not None:
            self.hovered = None
            self.refresh()

    def on_click(self, event: Click) -> None:
        part = self._part_under(event)
        if part is not None:
            self.clicked(part)


class ActionBar(Parts, can_focus=True):
    """A row of buttons in one widget. Each button is a Tab stop of its own (``WizardApp``'s
    Tab asks :meth:`step` first); Left/Right choose too, Enter or space presses the chosen one,
    a click the one under the mouse. Three focusable Statics in a Horizontal cost the
    overview's first frame ~14,000 Python calls (profiled), this one ~5,000."""

    DEFAULT_CSS = """
    ActionBar {
        height: 1;
        & > .action-bar--button { background: $surface-lighten-1; color: $text; text-style: bold; }
        & > .action-bar--primary { background: $success-darken-1; }
        & > .action-bar--hover { background: $accent-darken-1; }
        &:focus > .action-bar--chosen { background: $accent; color: $text; }
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "action-bar--button",
        "action-bar--primary",
        "action-bar--hover",
        "action-bar--chosen",
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "step(-1)", "Previous", show=False),
        Binding("right", "step(1)", "Next", show=False),
        Binding("enter,space", "press", "Press", show=False),
    ]
    #: columns between two buttons
    GAP = 2

    class Pressed(Message):
        """The button ``button_id`` was pressed."""

        def __init__(self, bar: ActionBar, button_id: str) -> None:
            super().__init__()
            self.bar = bar
            self.button_id = button_id

        @property
        def control(self) -> ActionBar:
            return self.bar

    def __init__(
        self, buttons: Sequence[tuple[str, str]], *, id: str | None = None, classes: str = ""
    ) -> None:
        """``buttons``: (id, label) each; the first is the primary one."""
        super().__init__(id=id, classes=classes)
        self._buttons = list(buttons)
        #: the chosen button (shown while focused)
        self.chosen = 0

    @property
    def button_ids(self) -> list[str]:
        return [button_id for button_id, _ in self._buttons]

    def label(self, button_id: str) -> str:
        return next(label for bid, label in self._buttons if bid == button_id)

    def set_label(self, button_id: str, label: str) -> None:
        self._buttons = [(bid, label if bid == button_id else old) for bid, old in self._buttons]
        self.refresh()

    def button_offset(self, button_id: str) -> Offset:
        """A button's first column, relative to the widget (a click there presses it)."""
        start, _ = self._spans()[self.button_ids.index(button_id)]
        return Offset(self.styles.gutter.left + start, self.styles.gutter.top)

    def _spans(self) -> list[tuple[int, int]]:
        """Each button's columns, [start, end), padding included."""
        spans, x = [], 0
        for _, label in self._buttons:
            width = Content(label).cell_length + 2
            spans.append((x, x + width))
            x += width + self.GAP
        return spans

    def render(self) -> Content:
        parts: list[Content] = []
        for index, (_, label) in enumerate(self._buttons):
            names = ["action-bar--button"]
            if index == 0:
                names.append("action-bar--primary")
            if index == self.hovered:
                names.append("action-bar--hover")
            if index == self.chosen:
                names.append("action-bar--chosen")
            if parts:
                parts.append(Content(" " * self.GAP))
            parts.append(Content(f" {label} ").stylize(self.get_visual_style(*names)))
        return Content.assemble(*parts)

    def step(self, delta: int) -> bool:
        """Choose the next (+1) or previous (-1) button; False at either end."""
        index = self.chosen + delta
        if not 0 <= index < len(self._buttons):
            return False
        self.chosen = index
        self.refresh()
        return True

    def choose(self, index: int) -> None:
        """Choose a button by index (-1: the last)."""
        self.chosen = index % len(self._buttons)
        self.refresh()

    def action_step(self, delta: int) -> None:
        self.step(delta)

    def action_press(self) -> None:
        self.post_message(self.Pressed(self, self._buttons[self.chosen][0]))

    def press(self, button_id: str) -> None:
        """Press a button by its id, as a click would."""
        self.choose(self.button_ids.index(button_id))
        self.action_press()

    def part_at(self, offset: Offset) -> int | None:
        spans = enumerate(self._spans())
        return next((i for i, (start, end) in spans if start <= offset.x < end), None)

    def clicked(self, part: int) -> None:
        self.press(self._buttons[part][0])


class RowList(Parts, can_focus=True):
    """Rows of one line each, one of them highlighted: Up/Down/Home/End move the highlight,
    Enter or a click selects, the row under the mouse is shown. A light ``OptionList`` for a
    short list that never scrolls: one Content rendered like a Static's, where OptionList's
    scroll view and per-option rendering cost the overview's first frame ~10,000 more Python
    calls (profiled)."""

    DEFAULT_CSS = """
    RowList {
        height: auto;
        background: $surface;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        &:focus { background-tint: $foreground 5%; }
        & > .row-list--highlighted {
            color: $foreground;
            background: $block-cursor-blurred-background;
        }
        &:focus > .row-list--highlighted {
            color: $block-cursor-foreground;
            background: $block-cursor-background;
            text-style: $block-cursor-text-style;
        }
        & > .row-list--hover { background: $block-hover-background; }
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"row-list--highlighted", "row-list--hover"}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(-1)", "Up", show=False),
        Binding("down", "move(1)", "Down", show=False),
        Binding("home", "move_to(0)", "First", show=False),
        Binding("end", "move_to(-1)", "Last", show=False),
        Binding("enter", "select", "Select", show=False),
    ]

    class Highlighted(Message):
        """The highlight moved to the row ``row_id``."""

        def __init__(self, rows: RowList, row_id: str) -> None:
            super().__init__()
            self.rows = rows
            self.row_id = row_id

        @property
        def control(self) -> RowList:
            return self.rows

    class Selected(Highlighted):
        """The row ``row_id`` was chosen (Enter or a click)."""

    def __init__(self, rows: Sequence[tuple[str, Content]], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._rows = list(rows)
        #: the highlighted row's index
        self.highlighted = 0

    @property
    def row_ids(self) -> list[str]:
        return [row_id for row_id, _ in self._rows]

    def row(self, row_id: str) -> Content:
        """The row shown for ``row_id``."""
        return next(text for rid, text in self._rows if rid == row_id)

    def set_rows(self, rows: Sequence[tuple[str, Content]]) -> None:
        """Show ``rows`` instead, keeping the highlight's place."""
        self._rows = list(rows)
        self.highlighted = min(self.highlighted, max(0, len(self._rows) - 1))
        self.refresh(layout=True)

    def render(self) -> Content:
        # The width the layout gave: ``content_size`` would look the widget up in the
        # compositor's full map, which building costs more than the whole rendering.
        width = self.outer_size.width - self.styles.gutter.width
        # the row under the mouse, and the highlighted one (which wins if they are the same)
        marked = {self.hovered: "row-list--hover", self.highlighted: "row-list--highlighted"}
        lines = []
        for index, (_, text) in enumerate(self._rows):
            if index in marked:
                text = text.pad_right(width - text.cell_length).stylize_before(
                    self.get_visual_style(marked[index])
                )
            lines.append(text)
        return Content("\n").join(lines)

    def action_move(self, step: int) -> None:
        self.action_move_to(max(0, min(len(self._rows) - 1, self.highlighted + step)))

    def action_move_to(self, index: int) -> None:
        if not self._rows:
            return
        index %= len(self._rows)
        if index != self.highlighted:
            self.highlighted = index
            self.refresh()
            self.post_message(self.Highlighted(self, self._rows[index][0]))

    def action_select(self) -> None:
        if self._rows:
            self.post_message(self.Selected(self, self._rows[self.highlighted][0]))

    def part_at(self, offset: Offset) -> int | None:
        return offset.y if offset.y < len(self._rows) else None

    def clicked(self, part: int) -> None:
        self.action_move_to(part)
        self.action_select()
