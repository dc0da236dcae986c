"""The overview: the project, the secret store in use, and every phase with its status."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, Header, Static

from screens.messages import StoreOpened
from screens.text import badge, home_path, short_time

if TYPE_CHECKING:
    from screens.app import WizardApp


class OverviewScreen(Screen[None]):
    """Start or resume from here; Enter on a phase opens it."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "open_selected", "Open", show=False)]

    @property
    def wizard(self) -> WizardApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="overview"):
            yield Static(id="project-line", classes="info")
            yield Static("Secrets   opening the secret store…", id="store-line", classes="info")
            yield Static(id="values-line", classes="info")
            table: DataTable[object] = DataTable(id="phases", cursor_type="row", zebra_stripes=True)
            yield table
            yield Static(id="row-detail", classes="info")
            yield Static(id="next-line", classes="info")
            with Horizontal(classes="buttons"):
                yield Button("Start", id="resume", variant="success", compact=True)
                yield Button("Summary & export", id="summary", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "overview"
        table = self.query_one("#phases", DataTable)
        for label, width in (("Phase", 16), ("Status", 9), ("Since", 16), ("Note", None)):
            table.add_column(label, width=width)
        project = self.wizard.project
        self.query_one("#project-line", Static).update(
            f"Project   [b]{project.name}[/b]  {home_path(project.root)}"
        )
        self.refresh_status()
        # Opening the store imports keyring and cryptography: after the first frame, not before.
        self.set_timer(0.05, self.open_store)
        table.focus()

    def on_screen_resume(self) -> None:
        self.refresh_status()

    def refresh_status(self) -> None:
        """Re-read the state and redraw the phase table."""
        from checklists.catalog import catalog

        state = self.wizard.answers.state_file.read()
        required = [v for v in catalog().values() if v.required]
        have = [v for v in required if v.name in state["values"] or v.default is not None]
        self.query_one("#values-line", Static).update(
            f"Values    {len(have)} of {len(required)} required values set"
        )
        table = self.query_one("#phases", DataTable)
        row = table.cursor_row
        table.clear()
        statuses = self.wizard.statuses()
        for status in statuses:
            note = status.message
            if status.verified_at:
                note = (
                    note + "; " if note else ""
                ) + f"verified live at {short_time(status.verified_at)}"
            table.add_row(
                status.phase.title,
                badge(status.status),
                short_time(status.at).removesuffix(" UTC"),
                note,
                key=status.phase.id,
            )
        table.move_cursor(row=row)
        done = sum(s.status == "done" for s in statuses)
        resume = self.wizard.resume_step()
        button = self.query_one("#resume", Button)
        if resume == "finish":
            self.query_one("#next-line", Static).update(f"All {done} phases done.")
            button.label = "Summary"
        else:
            title = next(s.phase.title for s in statuses if s.phase.id == resume)
            self.query_one("#next-line", Static).update(
                f"{done} of {len(statuses)} phases done. Next: [b]{title}[/b]"
            )
            button.label = f"{'Resume' if done else 'Start'}: {title}"

    @work(thread=True, exclusive=True, group="store")
    def open_store(self) -> None:
        """Opening may probe the OS keyring, which can be slow: never on the UI thread."""
        try:
            store = self.wizard.answers.store
        except Exception as exc:
            from screens.app import describe_error

            self.post_message(StoreOpened("", "", "", describe_error(exc)))
            return
        self.post_message(StoreOpened(store.kind, store.description, store.reason))

    @on(StoreOpened)
    def store_opened(self, message: StoreOpened) -> None:
        line = self.query_one("#store-line", Static)
        if message.error:
            line.update(Content.assemble("Secrets   ", (message.error, "$text-error")))
            return
        parts: list[str | tuple[str, str]] = ["Secrets   ", home_path_text(message.description)]
        if message.reason:
            parts.append(("\n          vault in use: " + message.reason, "$text-warning"))
        line.update(Content.assemble(*parts))

    @on(DataTable.RowHighlighted)
    def row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """The highlighted phase's todos and note, in full (the table cuts long notes)."""
        from wizard.phases import TODOS

        phase_id = str(event.row_key.value)
        status = next((s for s in self.wizard.statuses() if s.phase.id == phase_id), None)
        if status is None:
            return
        todos = "; ".join(f"{t}: {TODOS[t]}" for t in status.phase.todos)
        detail = f"Todo {todos}"
        if status.message:
            detail += f"\nNote {status.message}"
        self.query_one("#row-detail", Static).update(Content(detail))

    @on(Button.Pressed, "#resume")
    def resume(self) -> None:
        self.wizard.open_step(self.wizard.resume_step())

    @on(Button.Pressed, "#summary")
    def summary(self) -> None:
        self.wizard.open_step("finish")

    @on(DataTable.RowSelected)
    def row_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            self.wizard.open_step(str(event.row_key.value))

    def action_open_selected(self) -> None:
        table = self.query_one("#phases", DataTable)
        if table.row_count:
            self.wizard.open_step(
                str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
            )


def home_path_text(description: str) -> str:
    """``encrypted vault (/home/me/.local/…)`` with the home directory as ``~``."""
    head, sep, rest = description.partition("(")
    if not sep:
        return description
    return f"{head}({home_path(rest.rstrip(')'))})"
