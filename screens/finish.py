"""The summary: every variable (masked) and every file, and Export from inside the app."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, Static

from screens.messages import ChangesPlanned
from screens.nav import PhaseNav
from screens.text import badge, short_time
from screens.widgets import TitleBar

if TYPE_CHECKING:
    from screens.app import WizardApp


class FinishScreen(Screen[None]):
    """Where things stand, to check before handing over; exports the checklist."""

    CSS_PATH = Path(__file__).with_name("steps.tcss")

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "overview", "Overview", id="overview", show=False)
    ]
    step_id = "finish"

    @property
    def wizard(self) -> WizardApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Horizontal(id="phase-body"):
            yield PhaseNav("finish")
            with VerticalScroll(id="finish"):
                yield Static(id="finish-summary", classes="step-hint")
                yield Static("[b]Variables[/b]")
                yield DataTable(id="variables", cursor_type="row", zebra_stripes=True)
                yield Static("[b]Files[/b]")
                yield DataTable(id="files", cursor_type="row")
                with Vertical():
                    yield Static("Export the checklist (values masked; dotenv holds real values):")
                    with Horizontal(classes="buttons"):
                        yield Button("Markdown", id="export-markdown", compact=True)
                        yield Button("JSON", id="export-json", compact=True)
                        yield Button("dotenv", id="export-dotenv", compact=True)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = "summary"
        self.query_one(PhaseNav).show(self.wizard.statuses())
        variables = self.query_one("#variables", DataTable)
        for label, width in (
            ("Variable", 24),
            ("Phase", 14),
            ("Status", 12),
            ("Source", 14),
            ("Value", None),
        ):
            variables.add_column(label, width=width)
        files = self.query_one("#files", DataTable)
        files.add_column("File", width=26)
        files.add_column("Status", width=24)
        statuses = self.wizard.statuses()
        done = sum(s.status == "done" for s in statuses)
        text = (
            "All phases done."
            if done == len(statuses)
            else f"{done} of {len(statuses)} phases done."
        )
        self.query_one("#finish-summary", Static).update(text)
        self.load_rows()

    @work(thread=True, exclusive=True, group="summary", exit_on_error=False)
    def load_rows(self) -> None:
        """Reads every secret (masked for display) and diffs every file: off the UI thread."""
        from wizard.checklist import build_rows
        from wizard.errors import describe
        from wizard.outputs import plan

        try:
            rows = build_rows(self.wizard.answers, reveal=False)
            changes = plan(self.wizard.project, self.wizard.answers.values())
        except Exception as exc:
            self.post_message(ChangesPlanned([], describe(exc)))
            return
        self.post_message(ChangesPlanned([rows, changes]))

    @on(ChangesPlanned)
    def loaded(self, message: ChangesPlanned) -> None:
        if message.error:
            self.wizard.report_error_text(message.error, "Summary")
            return
        rows, changes = message.changes
        from checklists.catalog import catalog

        table = self.query_one("#variables", DataTable)
        table.clear()
        for row in rows:
            status = {
                "verified": "ok",
                "set": "done",
                "missing": "pending",
                "invalid": "fail",
                "failed": "fail",
            }[row.status]
            label = row.status + (f" {short_time(row.verified_at)}" if row.verified_at else "")
            table.add_row(
                row.name,
                catalog()[row.name].phase,
                badge(status, label),
                row.source or "",
                row.value_masked,
            )
        files = self.query_one("#files", DataTable)
        files.clear()
        for change in changes:
            files.add_row(change.relpath, badge(change.status, _file_status(change)))

    @on(Button.Pressed, "#export-markdown")
    def export_markdown(self) -> None:
        self.wizard.action_export("markdown")

    @on(Button.Pressed, "#export-json")
    def export_json(self) -> None:
        self.wizard.action_export("json")

    @on(Button.Pressed, "#export-dotenv")
    def export_dotenv(self) -> None:
        self.wizard.action_export("dotenv")

    def action_overview(self) -> None:
        self.wizard.show_overview()


def _file_status(change: Any) -> str:
    status: str = change.status
    return {
        "unchanged": "written, up to date",
        "create": "not written yet",
        "update": "would change",
        "conflict": "edited by hand",
    }.get(status, status)
