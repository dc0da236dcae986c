"""The Textual app: owns the project's ``Answers``, navigation between phases, quit and export.

The app is thin: every screen renders state read from ``wizard/`` and calls into it. Blocking
work runs in workers on the screens; the app only routes between them.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.command import Provider
from textual.screen import Screen

from screens.nav import FINISH, phase_statuses, resume_step
from screens.overview import OverviewScreen
from screens.text import BREAKPOINTS
from screens.widgets import ActionBar
from wizard.phases import PHASE_IDS

if TYPE_CHECKING:
    from screens.export import ExportChoice
    from screens.messages import (
        DeployRequested,
        ErrorReported,
        ExportRequested,
        OpenStep,
        PhaseCompleted,
        ShowOverview,
    )
    from wizard.done import PhaseStatus
    from wizard.values import Answers

#: the order Ctrl+N / Ctrl+B walk: every phase, then the summary
STEPS = (*PHASE_IDS, FINISH)


def wizard_commands() -> type[Provider]:
    """The palette's provider, imported when the palette first opens (not for the first frame)."""
    from screens.commands import WizardCommands

    return WizardCommands


#: errors longer than this open a dialog instead of a notification
LONG_ERROR = 160


class WizardApp(App[int], inherit_bindings=False):
    """``convoai-setup``: the overview, a screen per phase, and the summary."""

    CSS_PATH = Path(__file__).with_name("app.tcss")
    TITLE = "convoai-setup"
    COMMANDS: ClassVar[set[type[Provider] | Callable[[], type[Provider]]]] = App.COMMANDS | {
        wizard_commands
    }
    #: below 90 columns the phase list beside each screen is hidden (see app.tcss)
    HORIZONTAL_BREAKPOINTS = BREAKPOINTS
    #: Textual's own bindings are not inherited so that this list sets the footer's order:
    #: Export and Help first, since an 80-column footer cuts off the last ones.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+o", "export", "Export", id="export", tooltip="Export the checklist"),
        Binding("f1", "help", "Help", id="help", tooltip="Keys and commands"),
        Binding("ctrl+n", "next_phase", "Next", id="next_phase", tooltip="Next phase"),
        Binding("ctrl+b", "previous_phase", "Back", id="previous_phase", tooltip="Previous phase"),
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True),
        Binding("ctrl+c", "help_quit", show=False, system=True),
        # Focus moves are priority bindings, handled by the app the moment the key is read.
        # As ordinary bindings the Tab travelled through the focused Input's queue first, and
        # keys read in the same burst (tmux send-keys, a password manager's auto-type,
        # {USERNAME}{TAB}{PASSWORD}) were already forwarded to the old field by then.
        Binding("tab", "focus_next", show=False, priority=True),
        Binding("shift+tab", "focus_previous", show=False, priority=True),
    ]

    def __init__(self, answers: Answers, phase_id: str | None = None) -> None:
        super().__init__()
        self.answers = answers
        self.project = answers.project
        #: ``convoai-setup phase ID``: open that phase directly
        self.start_phase = phase_id

    # -- screens -------------------------------------------------------------------------------
    def get_default_screen(self) -> Screen[Any]:
        return OverviewScreen(self.answers)

    def on_mount(self) -> None:
        if self.start_phase:
            self.open_step(self.start_phase)

    def on_ready(self) -> None:
        import gc

        if not gc.isenabled():  # run_tui paused it for the start-up (see there)
            gc.freeze()
            gc.enable()
        # Opening the store imports keyring/cryptography: only once the first frame is shown.
        overview = self.screen_stack[0]
        if isinstance(overview, OverviewScreen):
            overview.after_first_frame()

    def statuses(self) -> list[PhaseStatus]:
        """Every phase's status, read fresh from the state file."""
        return phase_statuses(self.answers)

    def current_step(self) -> str | None:
        return getattr(self.screen, "step_id", None)

    def open_step(self, step: str, validate: bool = False) -> None:
        """Show a phase (or the summary), asking first if the current screen has unsaved input.

        ``validate`` runs the phase's live checks once it is shown: on the screen already open
        for it (its unsaved input is checked as typed), else on the new screen.
        """
        from screens.finish import FinishScreen
        from screens.for_phase import phase_screen
        from screens.phase import PhaseScreen

        current = self.screen
        if validate and isinstance(current, PhaseScreen) and current.phase.id == step:
            current.action_validate()
            return

        def show() -> None:
            new: Screen[None] = (
                FinishScreen(self.answers)
                if step == FINISH
                else phase_screen(step, self.answers, validate_on_open=validate)
            )
            if self.current_step() is not None:
                self.switch_screen(new)
            else:
                self.push_screen(new)

        self.leave_screen(show)

    def leave_screen(self, then: Any) -> None:
        """Run ``then`` now, or after the person agreed to drop unsaved input."""
        unsaved: list[str] = getattr(self.screen, "unsaved", list)()
        if not unsaved:
            then()
            return

        def answered(drop: bool | None) -> None:
            if drop:
                then()

        from screens.modals import YesNoModal

        question = f"Unsaved input: {', '.join(unsaved)}.\nLeave without saving it?"
        self.push_screen(YesNoModal(question, yes="Leave", no="Stay"), answered)

    def show_overview(self) -> None:
        def back() -> None:
            while len(self.screen_stack) > 1 and not isinstance(self.screen, OverviewScreen):
                self.pop_screen()
            if isinstance(self.screen, OverviewScreen):
                self.screen.refresh_status()

        self.leave_screen(back)

    # -- actions -------------------------------------------------------------------------------
    def action_next_phase(self) -> None:
        self._step(+1)

    def action_previous_phase(self) -> None:
        self._step(-1)

    def _step(self, delta: int) -> None:
        current = self.current_step()
        if current is None:
            if delta > 0:
                self.open_step(self.resume_step())
            return
        index = STEPS.index(current) + delta
        if 0 <= index < len(STEPS):
            self.open_step(STEPS[index])
        elif index < 0:
            self.show_overview()

    def resume_step(self, statuses: list[PhaseStatus] | None = None) -> str:
        """The first phase that is not done (the summary when all are)."""
        return resume_step(self.statuses() if statuses is None else statuses)

    # -- what the screens report ---------------------------------------------------------------
    # Handlers by name (``on_<message>``), not ``@on(Message)``: the messages module (a dozen
    # dataclasses, ~8 ms) is then imported when a screen first posts one, after the first frame.
    def on_open_step(self, message: OpenStep) -> None:
        self.open_step(message.step, validate=message.validate)

    def on_show_overview(self, message: ShowOverview) -> None:
        self.show_overview()

    def on_phase_completed(self, message: PhaseCompleted) -> None:
        # ``convoai-setup phase ID`` returns to the overview; the full wizard goes on.
        if self.start_phase:
            self.show_overview()
        else:
            self.action_next_phase()

    def on_deploy_requested(self, message: DeployRequested) -> None:
        """Deploy everything, on top of the overview (the phase screen asks about unsaved
        input first)."""
        from screens.deploy import DeployScreen

        if isinstance(self.screen, DeployScreen):
            return

        def show() -> None:
            while len(self.screen_stack) > 1 and not isinstance(self.screen, OverviewScreen):
                self.pop_screen()
            self.push_screen(DeployScreen(self.answers))

        self.leave_screen(show)

    def on_export_requested(self, message: ExportRequested) -> None:
        self.action_export(message.fmt)

    def on_error_reported(self, message: ErrorReported) -> None:
        self.report_error_text(message.text, message.title)

    def action_focus_next(self) -> None:
        self._tab(1)

    def action_focus_previous(self) -> None:
        self._tab(-1)

    def _tab(self, step: int) -> None:
        """Tab (+1) or Shift+Tab (-1). Each button of an ActionBar is a Tab stop, as separate
        buttons would be: entered at its first button going forward, its last going back."""
        if isinstance(self.focused, ActionBar) and self.focused.step(step):
            return
        if step > 0:
            self.screen.focus_next()
        else:
            self.screen.focus_previous()
        if isinstance(self.focused, ActionBar):
            self.focused.choose(0 if step > 0 else -1)

    def action_help(self) -> None:
        from screens.modals import HelpModal

        self.push_screen(HelpModal())

    def action_export(self, fmt: str = "markdown") -> None:
        from screens.export import ExportModal

        def chosen(answer: ExportChoice | None) -> None:
            if answer:
                self.export(answer)

        self.push_screen(ExportModal(self.answers.project.root, fmt), chosen)

    def export(self, choice: ExportChoice) -> None:
        """Write the export as chosen (a relative path is inside the project)."""
        from screens.export import export_checklist

        try:
            written, note, real = export_checklist(self.answers, choice)
        except Exception as exc:
            self.report_error(exc, "Export failed")
            return
        if real:
            line = f"Wrote real secret values to {written} (mode 0600): keep it private. {note}"
            self.notify(line.strip(), title="Export", severity="warning", timeout=10)
            return
        self.notify(
            f"Exported the {choice.fmt} checklist to {written}. {note}".strip(), title="Export"
        )

    async def action_quit(self) -> None:
        unsaved: list[str] = getattr(self.screen, "unsaved", list)()
        if not unsaved:
            self.exit(0)
            return

        def answered(quit_anyway: bool | None) -> None:
            if quit_anyway:
                self.exit(0)

        from screens.modals import YesNoModal

        question = f"Unsaved input: {', '.join(unsaved)}.\nQuit without saving it?"
        self.push_screen(YesNoModal(question, yes="Quit", no="Stay"), answered)

    # -- errors --------------------------------------------------------------------------------
    def _fatal_error(self) -> None:
        """A crash prints one line, not Textual's traceback: its locals could hold a secret."""
        if os.environ.get("CONVOAI_SETUP_DEBUG"):
            super()._fatal_error()
            return
        from rich.text import Text

        self.bell()
        name = type(self._exception).__name__ if self._exception else "error"
        self._exit_renderables.append(
            Text(
                f"convoai-setup: unexpected {name}; what was saved is kept. "
                "Re-run with CONVOAI_SETUP_DEBUG=1 for details and report it."
            )
        )
        self._return_code = 2
        self._close_messages_no_wait()

    def report_error(self, exc: BaseException, title: str = "Error") -> None:
        """A core error as a person reads it: a notification, or a dialog when it is long."""
        from checklists.errors import describe

        self.report_error_text(describe(exc), title)

    def report_error_text(self, text: str, title: str = "Error") -> None:
        from screens.advice import for_screen

        text = for_screen(text)
        if len(text) > LONG_ERROR or "\n" in text:
            from screens.modals import ErrorModal

            self.push_screen(ErrorModal(title, text))
        else:
            self.notify(text, title=title, severity="error", timeout=8)
