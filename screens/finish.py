"""The summary: every variable (masked) and every file, and Export from inside the app."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, Static

from screens.advice import for_screen
from screens.messages import ChangesPlanned, ErrorReported, ExportRequested, ShowOverview
from screens.nav import phase_statuses
from screens.phase_widgets import Pane, PhaseNav
from screens.text import badge, short_time
from screens.widgets import TitleBar

if TYPE_CHECKING:
    from wizard.values import Answers


class FinishScreen(Screen[None]):
    """Where things stand, to check before handing over; exports the checklist."""

    CSS_PATH = Path(__file__).with_name("steps.tcss")

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "overview", "Overview", id="overview", show=False)
    ]
    step_id = "finish"

    def __init__(self, answers: Answers) -> None:
        super().__init__()
        self.answers = answers
        #: "N of 7 phases done.", the summary's first line
        self._done_line = ""

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Horizontal(id="phase-body"):
            yield PhaseNav("finish")
            with Pane(id="finish"):
                yield Static(id="finish-summary", classes="step-hint")
                yield Static("[b]Variables[/b]")
                yield DataTable(
                    id="variables", cursor_type="row", zebra_stripes=True, fixed_columns=1
                )
                yield Static("[b]Files[/b]")
                yield DataTable(id="files", cursor_type="row")
                with Vertical():
                    yield Static("Export the checklist (values masked; dotenv holds real values):")
                    with Horizontal(classes="buttons"):
                        for fmt, label in (
                            ("markdown", "Markdown"),
                            ("json", "JSON"),
                            ("dotenv", "dotenv"),
                        ):
                            yield Button(label, id=f"export-{fmt}", compact=True, classes="export")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = "summary"
        statuses = phase_statuses(self.answers)
        self.query_one(PhaseNav).show(statuses)
        variables = self.query_one("#variables", DataTable)
        variables.focus()  # Up/Down walk the rows, Left/Right scroll to the cut-off columns
        # Name, status and value first: on an 80-column terminal the last columns are cut off,
        # and those three are what a person checks here.
        for label, width in (
            ("Variable", 24),
            ("Status", 10),
            ("Value", 36),
            ("Source", 14),
            ("Phase", 11),
            ("Verified live", 20),
        ):
            variables.add_column(label, width=width)
        files = self.query_one("#files", DataTable)
        files.add_column("File", width=26)
        files.add_column("Status", width=24)
        done = sum(s.status == "done" for s in statuses)
        text = (
            "All phases done."
            if done == len(statuses)
            else f"{done} of {len(statuses)} phases done."
        )
        self._done_line = text
        self.query_one("#finish-summary", Static).update(text)
        self.load_rows()

    @work(thread=True, exclusive=True, group="summary", exit_on_error=False)
    def load_rows(self) -> None:
        """Reads every secret (masked for display) and diffs every file: off the UI thread."""
        from checklists.errors import UsageError, describe
        from wizard.checklist import build_rows
        from wizard.outputs import PATHS, TARGETS, plan

        try:
            rows = build_rows(self.answers, reveal=False)
            values = self.answers.values()
            state = self.answers.state_file.read()  # once, for the four files
            # One file at a time: a file that can't be made yet (vercel.json before APP_URL is
            # set, as on every new project) is shown as such, not as an error for them all.
            files: list[tuple[str, str, str]] = []  # (path, badge status, what it says)
            blocked: list[str] = []
            for target in TARGETS:
                try:
                    [change] = plan(self.answers.project, values, [target], state)
                except UsageError as exc:
                    files.append((PATHS[target], "pending", "can't be written yet"))
                    why = exc.message.split(";")[0].rstrip(".")  # (not "nothing was written")
                    blocked.append(f"{PATHS[target]} can't be written yet: {why}. {exc.hint}")
                    continue
                files.append((change.relpath, change.status, _file_status(change)))
        except Exception as exc:
            self.post_message(ChangesPlanned([], describe(exc)))
            return
        self.post_message(ChangesPlanned([rows, files, blocked]))

    @on(ChangesPlanned)
    def loaded(self, message: ChangesPlanned) -> None:
        if message.error:
            self.post_message(ErrorReported("Summary", message.error))
            return
        rows, files_shown, blocked = message.changes
        if blocked:
            lines = [self._done_line, *map(for_screen, blocked)]
            self.query_one("#finish-summary", Static).update("\n".join(lines))
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
            table.add_row(
                row.name,
                badge(status, row.status),
                row.value_masked,
                row.source or "",
                catalog()[row.name].phase,
                short_time(row.verified_at) if row.verified_at else "",
            )
        files = self.query_one("#files", DataTable)
        files.clear()
        for relpath, status, words in files_shown:
            files.add_row(relpath, badge(status, words))

    @on(Button.Pressed, ".export")
    def export_pressed(self, event: Button.Pressed) -> None:
        self.post_message(ExportRequested((event.button.id or "").removeprefix("export-")))

    def action_overview(self) -> None:
        self.post_message(ShowOverview())


def _file_status(change: Any) -> str:
    status: str = change.status
    return {
        "unchanged": "written, up to date",
        "create": "not written yet",
        "update": "would change",
        "conflict": "edited by hand",
    }.get(status, status)
