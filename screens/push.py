"""Render and Vercel phases: the files (as ``FilesScreen``) plus a Platform tab that runs the push
operation (``wizard.push``) for the phase's platform, as ``convoai-setup push`` does: Plan reads
the platform and shows the masked plan (a dry run); Compare runs ``wizard.drift`` (as
``convoai-setup drift``: in sync / different / missing / extra per variable; the overview then
notes the drift as ``status`` does); Push plans again, asks in a modal, lands the changes with
read-back, then follows the deploy. Esc stops a running push cleanly: writes that started are
finished, read back and reported first, then the log says it stopped.
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
from screens.phase_widgets import Pane
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
        #: Esc was pressed during the push: the writes under way are being finished
        self.stopping = False
        #: the push was confirmed: writes may have started
        self.confirmed = False

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
                f"(masked), Compare whether {self.label} has these values; nothing is sent "
                "until you confirm Push.",
                classes="step-hint",
            )
            with Horizontal(classes="action-row"):
                yield Button("Plan", id="push-plan", compact=True)
                yield Button("Compare", id="push-compare", compact=True)
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
        from screens.platform_text import plan_text
        from wizard.frontend import FrontEnd

        def show(plan: PushPlan) -> None:
            self.query_one("#push-plan-text", Static).update(for_screen(plan_text(plan)))
            self.query_one("#push-apply", Button).disabled = not plan.has_changes

        def say(line: str, level: str) -> None:
            self.log_line(for_screen(line))

        async def ask(plans: list[PushPlan], extras: list[str]) -> bool:
            count = sum(len(p.named("add", "change")) for p in plans)
            what = [f"set {count} variable(s) on {self.label}"] if plans else []
            if any(p.create for p in plans):
                what = [f"create {plans[0].target} with {count} variables"]
            question = " and ".join([*what, *extras])
            modal = YesNoModal(f"{question[:1].upper()}{question[1:]}, then deploy?", yes="Push")
            answer: bool = await self.app.push_screen_wait(modal)
            self.confirmed = answer
            return answer

        return FrontEnd(ask if confirm else None, show, say)

    def log_line(self, line: str) -> None:
        self.push_log = [*self.push_log, line]
        self.query_one("#push-log", Static).update("\n".join(self.push_log))

    def clear(self, placeholder: str) -> None:
        self.query_one("#push-apply", Button).disabled = True
        self.query_one("#push-plan-text", Static).update(placeholder)
        self.push_log = []
        self.query_one("#push-log", Static).update("")

    def busy(self) -> bool:
        """A push is running: another press must not cancel it halfway (the group is
        exclusive); Esc is the way to stop it."""
        if self.pushing:
            self.notify("A push is running; Esc stops it cleanly.", title="Push")
        return self.pushing

    @on(Button.Pressed, "#push-plan")
    def plan_pressed(self) -> None:
        if self.busy():
            return
        self.clear("Reading the platform…")
        self.run_push(dry_run=True)

    @on(Button.Pressed, "#push-compare")
    def compare_pressed(self) -> None:
        if self.busy():
            return
        self.clear(f"Comparing with {self.label}…")
        self.run_compare()

    @on(Button.Pressed, "#push-apply")
    def apply_pressed(self) -> None:
        if self.busy():
            return
        self.query_one("#push-apply", Button).disabled = True
        self.push_log = []
        self.query_one("#push-log", Static).update("")
        self.run_push(dry_run=False)

    @work(exclusive=True, group=PUSH, exit_on_error=False)
    async def run_compare(self) -> None:
        """``wizard.drift`` for this platform: a row per variable; remembered for the overview."""
        from checklists.errors import describe
        from screens.platform_text import drift_summary, drift_text
        from wizard.drift import drift

        text = self.query_one("#push-plan-text", Static)
        try:
            found = await drift(self.answers, [self.destination])
        except Exception as exc:
            text.update(Content.styled(for_screen(describe(exc)), "$text-error"))
            return
        text.update(for_screen("\n".join(drift_text(d) for d in found)))
        summary = drift_summary(found)
        if not all(d.in_sync for d in found) and all(d.error is None for d in found):
            summary += f" Push to {self.label} sends them (you confirm first)."
            self.query_one("#push-apply", Button).disabled = False
        self.log_line(for_screen(summary))
        self.refresh_status()

    @work(exclusive=True, group=PUSH, exit_on_error=False)
    async def run_push(self, dry_run: bool) -> None:
        import asyncio

        from checklists.errors import describe
        from wizard.push import push

        self.pushing, self.stopping, self.confirmed = True, False, False
        try:
            outcome = await push(
                self.answers, [self.destination], self.front_end(not dry_run), dry_run=dry_run
            )
        except asyncio.CancelledError:
            # Esc: the operation has finished, read back and reported the writes under way.
            sent = "what was sent is reported above" if self.confirmed else "nothing was sent"
            self.log_line(f"Stopped: {sent}.")
            raise
        except Exception as exc:
            self.query_one("#push-plan-text", Static).update(
                Content.styled(for_screen(describe(exc)), "$text-error")
            )
            return
        finally:
            self.pushing = self.stopping = False
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
        if self.stopping:
            return  # a second Esc must not cut short the read-back of the writes under way
        self.stopping = True
        self.log_line(
            "Stopping: finishing the writes under way and reading them back…"
            if self.confirmed
            else "Stopping…"
        )
        self.workers.cancel_group(self, PUSH)
