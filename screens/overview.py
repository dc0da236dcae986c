"""The overview: the project, the secret store in use, and every phase with its status."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, NamedTuple

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from screens.advice import for_screen
from screens.text import BREAKPOINTS, MUTED, badge, home_path, short_time
from screens.widgets import ActionBar, RowList, TitleBar

if TYPE_CHECKING:
    from textual.events import Resize, ScreenResume
    from textual.geometry import Size
    from textual.widget import Widget

    from screens.messages import StoreOpened
    from wizard.done import PhaseStatus
    from wizard.values import Answers


class OverviewView(NamedTuple):
    """The overview's changing text: the values line, the phase rows, what's next, the button."""

    values: str
    rows: list[tuple[str, Content]]
    next_line: Content
    button: str


#: column widths of the phase list (Phase, Status, Since); the note takes the rest
COLUMNS = (16, 10, 17)


class OverviewScreen(Screen[None]):
    """Start or resume from here; Enter on a phase opens it."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "open_selected", "Open", show=False)]

    def __init__(self, answers: Answers) -> None:
        super().__init__()
        self.answers = answers
        self._statuses: list[PhaseStatus] = []
        #: phase id -> its note as ``status`` writes it
        self._notes: dict[str, str] = {}
        #: compose filled the widgets (the first resume has nothing to redraw), until the
        #: first frame is shown; the terminal's size then
        self._composed_view = False
        self._composed_size: Size | None = None
        #: what ``#info`` and ``#detail`` show (each widget holds several lines)
        self._view = OverviewView("", [], Content(), "")
        self._store_text = Content("opening the secret store…")
        self._row_detail = ""

    def compose(self) -> ComposeResult:
        # Composed with what it shows: filled in after mounting, the first frame would be laid
        # out and rendered twice (some 40 ms of the start-up's CPU).
        view = self._view = self.read_view()
        if self._statuses:  # the list highlights its first row when focused: show its detail
            self._row_detail = self._detail_of(self._statuses[0].phase.id)
        self._composed_view = True
        # The width's breakpoint class (``WizardApp.HORIZONTAL_BREAKPOINTS``) set now, as Textual
        # would on the first resize: set then, it restyles and lays out the frame once more.
        self._composed_size = self.app.size
        width = self._composed_size.width
        self.add_class(next(name for edge, name in reversed(BREAKPOINTS) if width >= edge))
        # Few widgets, each holding lines that change together: every widget costs the first
        # frame ~2 ms (styled twice, composed, laid out, rendered), what it shows almost nothing.
        yield TitleBar()
        yield Static(self._info(), id="info")
        # Pre-formatted rows in a RowList: an OptionList costs ~10,000 more Python calls, a
        # DataTable ~25 ms more.
        yield RowList(view.rows, id="phases")
        yield Static(self._detail(), id="detail")
        yield ActionBar(
            [
                ("resume", view.button),
                ("summary", "Summary & export"),
                ("deploy", "Deploy everything"),
            ],
            id="overview-actions",
            classes="buttons",
        )
        # The Footer comes after the first frame (mount_rest).

    def on_mount(self) -> None:
        self.sub_title = "overview"
        # refresh_status runs from on_screen_resume, which fires when shown again (and when
        # first shown, where compose has just drawn the same).
        self.query_one("#phases", RowList).focus()

    def on_screen_resume(self, event: ScreenResume) -> None:
        if self._composed_view:
            # The start-up's resume: compose has just drawn the same, and every widget was
            # styled as it was mounted; restyling all of them again (Textual's default on a
            # resume) would change nothing (tests/ui/test_first_frame.py) and cost ~5 ms.
            event.refresh_styles = False
            return
        self.refresh_status()

    def on_resize(self, event: Resize) -> None:
        # Textual lays the whole screen out again for every Resize it is sent, even one of the
        # size it has: before the first frame three arrive, all of the terminal's size (the
        # app's first size, the same again on idle, the screen's own region), each a full
        # layout of the overview (~10 ms). Until the first frame is shown, one of the size it
        # was composed at is skipped (``prevent_default`` keeps Screen's handler from running);
        # a real resize, and every Resize after the first frame, goes on.
        if self._composed_view and event.size == self._composed_size:
            event.prevent_default()

    def after_first_frame(self) -> None:
        """From now on every resume redraws (even a first one, if a phase was opened first);
        what the first frame left out is mounted, and the secret store opened (keyring and
        cryptography: never before the frame)."""
        self._composed_view = False
        self.call_later(self.mount_rest)
        self.open_store()

    def _extend_compose(self, widgets: list[Widget]) -> None:
        # Textual adds its toast rack and tooltip to every screen it composes. Neither shows in
        # the overview's first frame, where the two cost ~4,500 Python calls (~1.5 ms: two more
        # widgets styled, laid out and rendered); mount_rest adds them. (Textual looks both up
        # by type, and does without them until then.)
        pass

    async def mount_rest(self) -> None:
        """Mount what the first frame left out: Textual's toast rack and tooltip, the Footer."""
        if not self.is_attached:  # the app quit as its first frame was shown
            return
        from textual.widgets import Footer  # (~2 ms to import: not before the first frame)

        textual_parts: list[Widget] = []
        super()._extend_compose(textual_parts)
        await self.mount_all(textual_parts, before=0)  # where Textual's compose puts them
        # Textual's Footer shows its keys only once the screen's bindings are published, a
        # frame after it is mounted: in the first frame it was an empty bar (~9,000 calls).
        await self.mount(Footer(compact=True))
        self.refresh_bindings()  # the Footer missed their first publication: ask again

    def read_view(self) -> OverviewView:
        """What the overview shows, read fresh from the state file (once: values and phases)."""
        from screens.nav import resume_step
        from wizard.done import all_status
        from wizard.notes import notes
        from wizard.phases import required_progress

        state = self.answers.state_file.read()
        have, required = required_progress(state)
        statuses = self._statuses = all_status(self.answers.project, state)
        self._notes = notes(state, statuses)  # what `status` says of each phase
        rows = []
        for status in statuses:
            note = for_screen(self._notes[status.phase.id])
            if status.verified_at:
                note = (
                    note + "; " if note else ""
                ) + f"verified live at {short_time(status.verified_at)}"
            since = short_time(status.at).removesuffix(" UTC")
            rows.append(
                (status.phase.id, _row(status.phase.title, badge(status.status), since, note))
            )
        done = sum(s.status == "done" for s in statuses)
        resume = resume_step(statuses)
        if resume == "finish":
            next_line, button = Content(f"All {done} phases done."), "Summary"
        else:
            title = next(s.phase.title for s in statuses if s.phase.id == resume)
            next_line = Content.assemble(
                f"{done} of {len(statuses)} phases done. Next: ", (title, "bold")
            )
            button = f"{'Resume' if done else 'Start'}: {title}"
        values = f"Values    {have} of {required} required values set"
        return OverviewView(values, rows, next_line, button)

    def refresh_status(self) -> None:
        """Re-read the state and redraw the phase table."""
        view = self._view = self.read_view()
        self.query_one("#info", Static).update(self._info())
        phases = self.query_one("#phases", RowList)
        phases.set_rows(view.rows)
        if phases.row_ids:  # the highlighted phase's note may have changed too
            self._row_detail = self._detail_of(phases.row_ids[phases.highlighted])
        self.query_one("#detail", Static).update(self._detail())
        self.query_one("#overview-actions", ActionBar).set_label("resume", view.button)

    def _info(self) -> Content:
        """The project, the secret store, the values set, and the phase list's heading."""
        project = self.answers.project
        return Content.assemble(
            "Project   ",
            (project.name, "bold"),
            f"  {home_path(project.root)}\n",
            "Secrets   ",
            self._store_text,
            f"\n{self._view.values}\n\n",
            _row("Phase", "Status", "Since", "Note").stylize(f"bold {MUTED}"),
        )

    def _detail(self) -> Content:
        """The highlighted phase's todos and note, then what's next."""
        return Content.assemble((self._row_detail, MUTED), "\n\n", self._view.next_line)

    def _detail_of(self, phase_id: str) -> str:
        """A phase's todos and note, in full (the list cuts long notes); "" if unknown."""
        from wizard.phases import TODOS

        status = next((s for s in self._statuses if s.phase.id == phase_id), None)
        if status is None:
            return ""
        todos = "; ".join(f"{t}: {TODOS[t]}" for t in status.phase.todos)
        detail = f"Todo {todos}"
        note = self._notes.get(status.phase.id, status.message)
        if note:
            detail += f"\nNote {for_screen(note)}"
        return detail

    @work(thread=True, exclusive=True, group="store")
    def open_store(self) -> None:
        """Opening may probe the OS keyring, which can be slow: never on the UI thread."""
        from screens.messages import StoreOpened

        try:
            store = self.answers.store
        except Exception as exc:
            from checklists.errors import describe

            self.post_message(StoreOpened("", "", "", describe(exc)))
            return
        self.post_message(StoreOpened(store.kind, store.description, store.reason))

    # By name, not ``@on(StoreOpened)``: screens.messages stays out of the first frame.
    def on_store_opened(self, message: StoreOpened) -> None:
        if message.error:
            self._store_text = Content.styled(message.error, "$text-error")
        else:
            parts: list[str | tuple[str, str]] = [home_path_text(message.description)]
            if message.reason:
                parts.append(("\n          vault in use: " + message.reason, "$text-warning"))
            self._store_text = Content.assemble(*parts)
        self.query_one("#info", Static).update(self._info())

    @on(RowList.Highlighted, "#phases")
    def row_highlighted(self, event: RowList.Highlighted) -> None:
        """The highlighted phase's todos and note, in full (the list cuts long notes)."""
        detail = self._detail_of(event.row_id)
        if detail and detail != self._row_detail:  # the first row's is composed with it
            self._row_detail = detail
            self.query_one("#detail", Static).update(self._detail())

    @on(ActionBar.Pressed, "#overview-actions")
    def action_pressed(self, event: ActionBar.Pressed) -> None:
        {"resume": self.resume, "summary": self.summary, "deploy": self.deploy}[event.button_id]()

    def resume(self) -> None:
        from screens.nav import phase_statuses, resume_step

        self.request_step(resume_step(phase_statuses(self.answers)))

    def summary(self) -> None:
        self.request_step("finish")

    def deploy(self) -> None:
        from screens.messages import DeployRequested

        self.post_message(DeployRequested())

    @on(RowList.Selected, "#phases")
    def row_selected(self, event: RowList.Selected) -> None:
        self.request_step(event.row_id)

    def action_open_selected(self) -> None:
        self.query_one("#phases", RowList).action_select()

    def request_step(self, step: str) -> None:
        """Ask the app to show ``step`` (a phase id or ``finish``)."""
        from screens.messages import OpenStep

        self.post_message(OpenStep(step))

    def status_text(self, phase_id: str) -> str:
        """The row shown for a phase, as plain text (for tests and screen readers)."""
        return str(self.query_one("#phases", RowList).row(phase_id))


def home_path_text(description: str) -> str:
    """``encrypted vault (/home/me/.local/…)`` with the home directory as ``~``."""
    head, sep, rest = description.partition("(")
    if not sep:
        return description
    return f"{head}({home_path(rest.rstrip(')'))})"


def _row(phase: str, status: str | Content, since: str, note: str) -> Content:
    """One line of the phase list, in fixed-width columns."""
    cells = [Content(phase), Content(status) if isinstance(status, str) else status, Content(since)]
    padded = [
        cell.pad_right(max(0, width - cell.cell_length))
        for cell, width in zip(cells, COLUMNS, strict=True)
    ]
    return Content.assemble(*padded, note)
