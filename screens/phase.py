"""A screen per phase, built from the catalog: fields, Save, Validate (live checks), Done.

Phase kinds with extra steps subclass ``PhaseScreen`` and add a tab: Supabase (migrations),
the file-writing phases (diff, then Write), Post-deploy (webhook, custom domain, Sentry).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Footer, Input, Static, TabbedContent, TabPane, Tabs

from checklists.catalog import for_phase
from screens.advice import for_screen
from screens.checks_panel import ChecksPanel
from screens.create import CreateForMe
from screens.fields import FieldRow
from screens.messages import (
    CheckReported,
    ChecksFinished,
    ChecksStarted,
    ErrorReported,
    PhaseCompleted,
    PhaseFinished,
    Provisioned,
    ShowOverview,
    ValuesLoaded,
)
from screens.nav import phase_statuses
from screens.phase_widgets import Pane, PhaseNav
from screens.provision_text import anchors
from screens.text import short_time
from screens.widgets import TitleBar
from wizard.phases import PHASE_IDS, TODOS, Phase
from wizard.state import StateData

if TYPE_CHECKING:
    from wizard.values import Answers


class PhaseScreen(Screen[None]):
    """Fields of one phase, its live checks, and finishing it."""

    CSS_PATH = Path(__file__).with_name("steps.tcss")

    #: the pane F3 shows: the phase's own step (migrations, files, actions); None: no such tab
    STEP_TAB: ClassVar[str | None] = None

    BINDINGS: ClassVar[list[BindingType]] = [
        # The app's Export and Help, repeated here so the footer shows them first: the screen's
        # keys come before the app's, and at 80 columns the last ones are cut off.
        Binding("ctrl+o", "app.export", "Export", tooltip="Export the checklist"),
        Binding("f1", "app.help", "Help", tooltip="Keys and commands"),
        Binding("ctrl+s", "save", "Save", id="save"),
        Binding("ctrl+r", "validate", "Validate", id="validate"),
        Binding("ctrl+f", "done", "Done", id="done", tooltip="Record the phase and go on"),
        # One key per tab; subclasses re-declare F3 with their step's name (same footer slot).
        Binding("f2", "tab('tab-values')", "Values", id="tab-values"),
        Binding("f3", "tab('step')", "Step", id="tab-step"),
        Binding("f4", "tab('tab-checks')", "Checks", id="tab-checks"),
        # Shown on the Show / Generate buttons, which Tab skips.
        Binding("ctrl+t", "reveal", "Secrets", id="reveal", show=False),
        Binding("ctrl+g", "generate", "Generate", id="generate", show=False),
        Binding("pageup", "scroll_pane(-1)", "Scroll up", show=False),
        Binding("pagedown", "scroll_pane(1)", "Scroll down", show=False),
        Binding("escape", "overview", "Overview", id="overview", show=False),
    ]

    def __init__(self, phase: Phase, answers: Answers, *, validate_on_open: bool = False) -> None:
        super().__init__()
        self.phase = phase
        self.answers = answers
        self.project = answers.project
        #: run the live checks as soon as the screen is shown (the palette's "check: re-run …")
        self.validate_on_open = validate_on_open
        self.step_id = phase.id
        self.variables = for_phase(phase.id)
        self.generation = 0
        self.revealed = False
        #: the state when the screen opened: Done compares with it to say what became stale
        self.before: StateData = {}
        self.generated: dict[str, str] = {}

    @property
    def has_checks(self) -> bool:
        return bool(self.phase.services) or bool(self.variables)

    # -- layout --------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Horizontal(id="phase-body"):
            yield PhaseNav(self.phase.id)
            with Vertical(id="phase-main"):
                yield Static(id="phase-intro")
                with TabbedContent(id="tabs"):
                    if self.variables:
                        with TabPane("Values", id="tab-values"), Pane(id="fields"):
                            creates = anchors(self.phase.id, [v.name for v in self.variables])
                            for var in self.variables:
                                if var.name in creates:
                                    yield CreateForMe(creates[var.name], self.answers)
                                yield FieldRow(var)
                    yield from self.extra_tabs()
                    if self.has_checks:
                        with TabPane("Checks", id="tab-checks"):
                            yield ChecksPanel(id="checks")
                    yield from self.late_tabs()
                with Horizontal(id="actions", classes="buttons"):
                    yield from self.action_buttons()
        # No palette hint here: a phase has the most keys, and the hint (docked right) covered
        # the last of them. Ctrl+P works all the same, and F1 lists it.
        yield Footer(compact=True, show_command_palette=False)

    def extra_tabs(self) -> Iterator[Widget]:
        """Phase-specific tabs (subclasses)."""
        yield from ()

    def late_tabs(self) -> Iterator[Widget]:
        """Tabs after Checks (subclasses): steps best taken once the checks pass (a push)."""
        yield from ()

    def action_buttons(self) -> Iterator[Widget]:
        if self.variables:
            yield Button("Save", id="save", variant="primary", compact=True)
        if self.has_checks:
            yield Button("Validate", id="validate", compact=True)
        yield Button("Done", id="done", variant="success", compact=True)

    def on_mount(self) -> None:
        index = PHASE_IDS.index(self.phase.id) + 1
        self.sub_title = f"{index}. {self.phase.title}"
        self.before = self.answers.state_file.read()
        # The tab bar is not a stop for Tab: F2/F3/F4 (shown in the footer) switch tabs.
        self.query_one("#tabs", TabbedContent).query_one(Tabs).can_focus = False
        self.refresh_status()
        if self.variables:
            self.fields()[0].input.focus()
            self.load_values()
        self.start_steps()
        if self.validate_on_open:
            self.action_validate()

    def start_steps(self) -> None:
        """Phase-specific work once the screen is shown (subclasses).

        Not ``on_mount`` in the subclasses: Textual calls every class's ``on_mount`` in the
        MRO, so a subclass's ``super().on_mount()`` ran this screen's twice.
        """

    def refresh_status(self) -> None:
        statuses = phase_statuses(self.answers)
        self.query_one(PhaseNav).show(statuses)
        mine = next(s for s in statuses if s.phase.id == self.phase.id)
        todos = "; ".join(TODOS[t] for t in self.phase.todos)
        state = mine.status + (f" since {short_time(mine.at)}" if mine.at else "")
        if mine.message:
            message = for_screen(mine.message)
            note = message if len(message) <= 60 else message[:59] + "…"
            state += f" ({note})"
        if mine.verified_at:
            state += f"; verified live at {short_time(mine.verified_at)}"
        self.query_one("#phase-intro", Static).update(
            Content.assemble((self.phase.plan, "bold"), f"\nTodo: {todos}\nStatus: {state}")
        )

    def show_tab(self, pane_id: str) -> None:
        """Switch tabs and focus the first field or button of the new one.

        Focus left in a hidden pane would pull the tabs back to it; a pane with nothing to
        focus hands focus to its action button (Validate, Apply, Write), else the first button.
        """
        tabs = self.query_one("#tabs", TabbedContent)
        tabs.active = pane_id
        pane = tabs.get_pane(pane_id)
        focusable = [w for w in pane.query("*") if w.can_focus and _shown(w, pane)]
        # A field before a button ("Create it for me" heads some Values tabs): typing comes first.
        target = next((w for w in focusable if isinstance(w, Input)), None) or next(
            iter(focusable), None
        )
        if target is None:
            buttons = list(self.query("#actions Button"))
            wanted = TAB_BUTTONS.get(pane_id)
            target = next((b for b in buttons if b.id == wanted), buttons[0] if buttons else None)
        if target is not None:
            target.focus()

    def has_tab(self, pane_id: str) -> bool:
        return bool(self.query(f"#tabs TabPane#{pane_id}"))

    def action_tab(self, pane_id: str) -> None:
        """F2/F3/F4: Values, the phase's step, Checks."""
        pane = self.STEP_TAB if pane_id == "step" else pane_id
        if pane and self.has_tab(pane):
            self.show_tab(pane)

    def action_scroll_pane(self, direction: int) -> None:
        """PageUp/PageDown scroll the visible tab (its scroll area is not in the Tab order)."""
        tabs = self.query_one("#tabs", TabbedContent)
        pane = tabs.get_pane(tabs.active) if tabs.active else None
        area = next(iter(pane.query(Pane)), None) if pane else None
        if area is not None:
            (area.scroll_page_down if direction > 0 else area.scroll_page_up)()

    def fields(self) -> list[FieldRow]:
        return list(self.query(FieldRow))

    def unsaved(self) -> list[str]:
        """Names of fields whose input differs from what is stored (the app asks before leaving)."""
        return [f.var.name for f in self.fields() if f.dirty]

    # -- loading -------------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def load_values(self) -> None:
        """Secrets come from the store, which may need unlocking: never on the UI thread."""
        from checklists.errors import describe

        try:
            resolved = self.answers.resolve_all([v.name for v in self.variables])
        except Exception as exc:
            self.post_message(ValuesLoaded({}, describe(exc)))
            return
        self.post_message(ValuesLoaded({n: (r.value, r.source) for n, r in resolved.items()}))

    @on(ValuesLoaded)
    def values_loaded(self, message: ValuesLoaded) -> None:
        if message.error:
            self.notify(
                for_screen(message.error), title="Secret store", severity="error", timeout=10
            )
            return
        for row in self.fields():
            value, source = message.values.get(row.var.name, (None, None))
            if not row.dirty or not row.value:
                row.load(value, source)

    # -- save ----------------------------------------------------------------------------------
    def action_save(self) -> bool:
        """Store every changed, valid field; refuse (and say why) if any is invalid."""
        changed = [f for f in self.fields() if f.dirty]
        if not changed:
            self.notify("Nothing changed since the last save.")
            return True
        for row in changed:
            problems = row.show_problems()
            if problems:
                row.input.focus()
                self.notify(problems[0], title="Not saved", severity="error")
                return False
        answers = self.answers
        try:
            for row in changed:
                if not row.value:
                    answers.unset(row.var.name)
            by_source: dict[str, dict[str, str]] = {}
            for row in changed:
                if row.value:
                    source = (
                        "generated" if self.generated.get(row.var.name) == row.value else "entered"
                    )
                    by_source.setdefault(source, {})[row.var.name] = row.value
            for source, items in by_source.items():
                answers.set_many(items, source=source)
        except Exception as exc:
            self.report_error(exc, "Not saved")
            return False
        for row in changed:
            row.mark_saved()
        names = ", ".join(r.var.name for r in changed)
        secrets = [r for r in changed if r.var.secret and r.value]
        where = f"; secrets in the {answers.store.kind}" if secrets else ""
        self.notify(f"Saved {names}{where}.", title="Saved")
        self.refresh_status()
        self.after_save([r.var.name for r in changed])
        return True

    def after_save(self, names: list[str]) -> None:
        """Refresh what depends on the saved values (subclasses)."""

    # -- validate ------------------------------------------------------------------------------
    def action_validate(self) -> None:
        """Run the phase's checks; a second press cancels the running one and starts afresh."""
        self.generation += 1
        overlay = {f.var.name: f.value for f in self.fields() if f.value and not f.problems()}
        unsaved = bool(self.unsaved())
        self.show_tab("tab-checks")
        self.run_checks(self.generation, overlay, record=not unsaved)

    @work(exclusive=True, group="checks", exit_on_error=False)
    async def run_checks(self, generation: int, overlay: dict[str, str], record: bool) -> None:
        from checklists.errors import describe
        from wizard.checks import offline_results, record_results, run_checks, select_services

        project = self.project
        try:
            values = await asyncio.to_thread(self.answers.values)
            values.update(overlay)
            services = [s for s in select_services([self.phase.id])]
            self.post_message(ChecksStarted(generation, services))
            offline = set(offline_results(values, [self.phase.id], project_root=project.root))

            def report(result: Any) -> None:
                self.post_message(CheckReported(generation, (result, result in offline)))

            results = await run_checks(
                values, [self.phase.id], on_result=report, project_root=project.root
            )
            if record:
                await asyncio.to_thread(record_results, project, results)
        except Exception as exc:
            self.post_message(ChecksFinished(generation, [], describe(exc)))
            return
        self.post_message(ChecksFinished(generation, results))

    @on(ChecksStarted)
    async def checks_started(self, message: ChecksStarted) -> None:
        if message.generation == self.generation:
            from providers.registry import BY_ID

            await self.query_one(ChecksPanel).begin([BY_ID[s].service for s in message.services])

    @on(CheckReported)
    async def check_reported(self, message: CheckReported) -> None:
        if message.generation == self.generation:
            result, offline = message.result
            await self.query_one(ChecksPanel).add_result(result, offline)

    @on(ChecksFinished)
    def checks_finished(self, message: ChecksFinished) -> None:
        if message.generation != self.generation:
            return  # an older run that was cancelled: its results are stale
        self.query_one(ChecksPanel).finish(message.results, message.error)
        self.refresh_status()

    # -- done ----------------------------------------------------------------------------------
    def action_done(self) -> None:
        """Save, then verify by the one rule: stale checks run again, nothing is taken on trust."""
        if self.unsaved() and not self.action_save():
            return
        self.notify(f"Verifying {self.phase.title}…", title="Done", timeout=3)
        # An app worker, not the screen's: moving on to the next phase closes this screen,
        # which would cancel its own workers while this one is still returning.
        self.app.run_worker(
            self.finish_phase(self.before), group="finish", exclusive=True, exit_on_error=False
        )

    async def finish_phase(self, before: StateData) -> None:
        from checklists.errors import describe
        from wizard.checks import finish_phase
        from wizard.done import stale_after_change

        try:
            status = await finish_phase(self.answers, self.phase.id)
            after = await asyncio.to_thread(self.answers.state_file.read)
            stale = stale_after_change(self.project, before, after)
        except Exception as exc:
            self.post_message(PhaseFinished(None, [], describe(exc)))
            return
        self.post_message(PhaseFinished(status, stale))

    @on(PhaseFinished)
    def phase_finished(self, message: PhaseFinished) -> None:
        self.refresh_status()
        if message.error:
            self.post_message(ErrorReported("Not verified", message.error))
            return
        status = message.status
        if status.status != "done":
            self.notify(
                for_screen(f"{self.phase.title} is {status.status}: {status.message}"),
                title="Not done yet",
                severity="warning",
                timeout=8,
            )
            return
        note = f" Now stale: {', '.join(message.stale)}." if message.stale else ""
        self.notify(f"{self.phase.title} done.{note}", title="Done", timeout=8)
        self.post_message(PhaseCompleted(self.phase.id))

    # -- small actions -------------------------------------------------------------------------
    def action_reveal(self) -> None:
        self.revealed = not self.revealed
        for row in self.fields():
            row.reveal(self.revealed)

    def action_generate(self) -> None:
        """Generate into the field; replacing a stored value (a JWT_SECRET signs every session)
        is asked first."""
        rows = [row for row in self.fields() if row.var.generator]
        stored = self.answers.state_file.read()["values"]
        replacing = [row.var.name for row in rows if row.var.name in stored]
        if not replacing:
            self._generate(rows)
            return
        from screens.modals import YesNoModal
        from wizard.generate import SIGNS_OUT

        question = f"{', '.join(replacing)} is already stored; {SIGNS_OUT}.\nGenerate a new one?"

        def answered(replace: bool | None) -> None:
            if replace:
                self._generate(rows)

        self.app.push_screen(YesNoModal(question, yes="Replace", no="Keep"), answered)

    def _generate(self, rows: list[FieldRow]) -> None:
        from wizard.generate import GENERATORS

        for row in rows:
            value = GENERATORS[row.var.generator or ""]()
            self.generated[row.var.name] = value
            row.input.value = value
            self.notify(f"Generated {row.var.name} ({len(value)} characters); Save stores it.")

    @on(Provisioned)
    def provisioned(self, message: Provisioned) -> None:
        """Provisioning stored values: show them (unsaved edits of other fields stay)."""
        self.load_values()
        self.refresh_status()

    def action_overview(self) -> None:
        """Esc: stops a running "Create it for me" first, else back to the overview."""
        running = [c for c in self.query(CreateForMe) if c.running]
        for create in running:
            create.stop()
        if not running:
            self.post_message(ShowOverview())

    def report_error(self, exc: BaseException, title: str) -> None:
        """Ask the app to show a core error (a notification, or a dialog when it is long)."""
        from checklists.errors import describe

        self.post_message(ErrorReported(title, describe(exc)))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "tab":
            pane = self.STEP_TAB if parameters == ("step",) else str(parameters[0])
            return bool(pane) and self.has_tab(pane or "")
        if action == "generate":
            return any(v.generator for v in self.variables)
        if action == "reveal":
            return any(v.secret for v in self.variables)
        if action == "save":
            return bool(self.variables)
        if action == "validate":
            return self.has_checks
        return True

    @on(Button.Pressed, "#save")
    def save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#validate")
    def validate_pressed(self) -> None:
        self.action_validate()

    @on(Button.Pressed, "#done")
    def done_pressed(self) -> None:
        self.action_done()

    @on(Button.Pressed, ".generate")
    def generate_pressed(self) -> None:
        self.action_generate()


def _shown(widget: Widget, pane: Widget) -> bool:
    """``widget`` and every container between it and ``pane`` are displayed (a button in a
    hidden row, e.g. the grants offer before Apply, is not)."""
    node: Any = widget
    while node is not None and node is not pane:
        if not node.display:
            return False
        node = node.parent
    return True


#: the button that takes focus when a tab with nothing to type into is shown
TAB_BUTTONS = {"tab-checks": "validate", "tab-migrations": "apply", "tab-files": "write"}
