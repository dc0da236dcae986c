"""Render and Vercel phases: the files (as ``FilesScreen``) plus a Platform tab that runs the push
operation (``wizard.push``) for the phase's platform, as ``convoai-setup push`` does: Plan reads
the platform and shows the masked plan (a dry run); Push plans again, asks in a modal, lands the
changes with read-back, then follows the deploy. Esc stops a running push cleanly: writes that
started are finished, read back and reported first.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Button, Static, TabPane

from screens.advice import for_screen
from screens.files import FilesScreen
from screens.messages import ErrorReported
from screens.modals import YesNoModal
from screens.widgets import Pane
from wizard.phases import Phase
from wizard.platforms import with_capability

if TYPE_CHECKING:
    from wizard.frontend import FrontEnd
    from wizard.platforms.plan import PushPlan
    from wizard.values import Answers

TABS = Binding.Group("Tabs")
PUSH = "push"


def pushes(phase: Phase) -> bool:
    """Whether the phase's screen has a Platform tab (a platform that receives pushes)."""
    return any(p.phase == phase.id for p in with_capability("push"))


def plan_text(plan: PushPlan) -> str:
    """The plan as the CLI prints it (values masked)."""
    from wizard.console import table
    from wizard.platforms.plan import plan_rows
    from wizard.platforms.plan import plan_text as head

    rows = table(["ACTION", "VARIABLE", "VALUE"], plan_rows(plan))
    return "\n".join([*head(plan), rows, *(for_screen(note) for note in plan.notes)])


class PushScreen(FilesScreen):
    """A file-writing phase whose values also go to a platform (Render or Vercel)."""

    #: F2-F5 walk the tabs left to right (F3 stays Files, as on every file-writing phase). One
    #: footer entry for the four: with a key each, an 80-column footer lost Help.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f2", "tab('tab-values')", "Values", id="tab-values", group=TABS),
        Binding("f3", "tab('step')", "Files", id="tab-step", group=TABS),
        Binding("f4", "tab('tab-checks')", "Checks", id="tab-checks", group=TABS),
        Binding("f5", "tab('tab-platform')", "Platform", id="tab-platform", group=TABS),
    ]

    def __init__(self, phase: Phase, answers: Answers, *, validate_on_open: bool = False) -> None:
        super().__init__(phase, answers, validate_on_open=validate_on_open)
        #: the lines the last push reported
        self.push_log: list[str] = []
        self.pushing = False

    @property
    def destination(self) -> str:
        return next(p.id for p in with_capability("push") if p.phase == self.phase.id)

    @property
    def label(self) -> str:
        from wizard.platforms import row

        return row(self.destination).label

    def late_tabs(self) -> Iterator[Widget]:
        # After Checks: push once the values check out (and F5 follows F4 left to right).
        with TabPane("Platform", id="tab-platform"), Pane(id="platform"):
            yield Static(
                f"Push this phase's variables to {self.label}: Plan shows what would change "
                "(masked); nothing is sent until you confirm Push.",
                classes="step-hint",
            )
            with Horizontal(classes="action-row"):
                yield Button("Plan", id="push-plan", compact=True)
                yield Button(
                    f"Push to {self.label}",
                    id="push-apply",
                    variant="warning",
                    compact=True,
                    disabled=True,
                )
            yield Static("", id="push-plan-text", markup=False)
            yield Static("", id="push-log", markup=False, classes="action-result")

    def front_end(self, confirm: bool) -> FrontEnd[PushPlan]:
        """The operation's callbacks: the plan into the tab, lines into the log, a modal."""
        from wizard.frontend import FrontEnd

        def show(plan: PushPlan) -> None:
            self.query_one("#push-plan-text", Static).update(plan_text(plan))
            self.query_one("#push-apply", Button).disabled = not plan.has_changes

        def say(line: str, level: str) -> None:
            self.push_log = [*self.push_log, for_screen(line)]
            self.query_one("#push-log", Static).update("\n".join(self.push_log))

        async def ask(plans: list[PushPlan], extras: list[str]) -> bool:
            count = sum(len(p.named("add", "change")) for p in plans)
            what = [f"set {count} variable(s) on {self.label}"] if plans else []
            if any(p.create for p in plans):
                what = [f"create {plans[0].target} with {count} variables"]
            question = " and ".join([*what, *extras])
            modal = YesNoModal(f"{question[:1].upper()}{question[1:]}, then deploy?", yes="Push")
            answer: bool = await self.app.push_screen_wait(modal)
            return answer

        return FrontEnd(ask if confirm else None, show, say)

    @on(Button.Pressed, "#push-plan")
    def plan_pressed(self) -> None:
        self.query_one("#push-apply", Button).disabled = True
        self.query_one("#push-plan-text", Static).update("Reading the platform…")
        self.push_log = []
        self.query_one("#push-log", Static).update("")
        self.run_push(dry_run=True)

    @on(Button.Pressed, "#push-apply")
    def apply_pressed(self) -> None:
        self.query_one("#push-apply", Button).disabled = True
        self.push_log = []
        self.query_one("#push-log", Static).update("")
        self.run_push(dry_run=False)

    @work(exclusive=True, group=PUSH, exit_on_error=False)
    async def run_push(self, dry_run: bool) -> None:
        from checklists.errors import describe
        from wizard.push import push

        self.pushing = True
        try:
            outcome = await push(
                self.answers, [self.destination], self.front_end(not dry_run), dry_run=dry_run
            )
        except Exception as exc:
            self.query_one("#push-plan-text", Static).update(
                Content.styled(for_screen(describe(exc)), "$text-error")
            )
            return
        finally:
            self.pushing = False
        if dry_run:
            return
        if outcome.confirmed and outcome.ok:
            self.notify(self.push_log[-1] if self.push_log else "Pushed.", title="Push")
        elif outcome.confirmed is not False and not outcome.ok:
            self.post_message(ErrorReported("Push", "\n".join(self.push_log)))
        self.refresh_status()

    def action_overview(self) -> None:
        """Esc: stops a running push first (what was sent is reported), else the overview."""
        if not self.pushing:
            super().action_overview()
            return
        self.workers.cancel_group(self, PUSH)
        self.pushing = False
        self.push_log = [*self.push_log, "Stopped: what was sent is reported above."]
        self.query_one("#push-log", Static).update("\n".join(self.push_log))
