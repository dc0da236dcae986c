"""Render and Vercel phases: the files (as ``FilesScreen``) plus a Platform tab that pushes the
phase's variables, as ``convoai-setup push`` does: a masked plan first, a confirmation, the
upserts with read-back, then the deploy followed to the end. Nothing is sent before Push.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Static, TabPane

from screens.advice import for_screen
from screens.files import FilesScreen
from screens.messages import ErrorReported
from screens.modals import YesNoModal
from screens.widgets import Pane
from wizard.phases import Phase

if TYPE_CHECKING:
    from wizard.values import Answers

#: the phases whose values also go to a platform (``wizard.platforms.DESTINATIONS``, named
#: here so that choosing a screen does not import the platforms' HTTP clients)
LABELS = {"render": "Render", "vercel": "Vercel"}
TABS = Binding.Group("Tabs")


def pushes(phase: Phase) -> bool:
    """Whether the phase's screen has a Platform tab (its id is a push destination)."""
    return phase.id in LABELS


@dataclass
class PushPlanned(Message):
    """The plan for this phase's platform (``plan`` is a ``wizard.push.DestPlan``)."""

    plan: Any = None
    error: str = ""


@dataclass
class PushProgress(Message):
    line: str


@dataclass
class PushFinished(Message):
    ok: bool
    lines: list[str] = field(default_factory=list)


def plan_text(plan: Any) -> str:
    """The plan as the CLI prints it (values masked)."""
    from wizard.commands.push import plan_rows
    from wizard.console import table

    head = f"{LABELS[plan.destination]}: {plan.target}"
    if plan.create:
        head += "\ncreate with: " + ", ".join(
            f"{k} {v if v is not None else './'}" for k, v in plan.create.items()
        )
    return "\n".join([head, table(["ACTION", "VARIABLE", "VALUE"], plan_rows(plan)), *plan.notes])


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
        #: the last plan (a ``wizard.push.DestPlan``) and the lines the push reported
        self.plan: Any = None
        self.push_log: list[str] = []

    @property
    def destination(self) -> str:
        return self.phase.id

    def late_tabs(self) -> Iterator[Widget]:
        # After Checks: push once the values check out (and F5 follows F4 left to right).
        label = LABELS[self.destination]
        with TabPane("Platform", id="tab-platform"), Pane(id="platform"):
            yield Static(
                f"Push this phase's variables to {label}: Plan shows what would change "
                "(masked); nothing is sent until you confirm Push.",
                classes="step-hint",
            )
            with Horizontal(classes="action-row"):
                yield Button("Plan", id="push-plan", compact=True)
                yield Button(
                    f"Push to {label}",
                    id="push-apply",
                    variant="warning",
                    compact=True,
                    disabled=True,
                )
            yield Static("", id="push-plan-text", markup=False)
            yield Static("", id="push-log", markup=False, classes="action-result")

    @on(Button.Pressed, "#push-plan")
    def plan_pressed(self) -> None:
        self.query_one("#push-apply", Button).disabled = True
        self.query_one("#push-plan-text", Static).update("Reading the platform…")
        self.make_plan()

    @work(thread=True, exclusive=True, group="push", exit_on_error=False)
    def make_plan(self) -> None:
        import asyncio

        from wizard.errors import describe
        from wizard.platforms import Platforms, choose, known

        try:
            values = self.answers.values()
            choose(values, [self.destination])
            salt = self.answers.store.salt()

            async def run() -> Any:
                async with Platforms(values, 20.0, known=known(self.project)) as platforms:
                    return await platforms.plan(self.destination, salt)

            self.post_message(PushPlanned(asyncio.run(run())))
        except Exception as exc:
            self.post_message(PushPlanned(None, describe(exc)))

    @on(PushPlanned)
    def push_planned(self, message: PushPlanned) -> None:
        text = self.query_one("#push-plan-text", Static)
        if message.error:
            self.plan = None
            text.update(Content.styled(for_screen(message.error), "$text-error"))
            return
        self.plan = message.plan
        text.update(plan_text(message.plan))
        self.query_one("#push-apply", Button).disabled = not message.plan.has_changes
        if not message.plan.has_changes:
            self.notify(f"{LABELS[self.destination]} already has these values.", title="Push")

    @on(Button.Pressed, "#push-apply")
    def apply_pressed(self) -> None:
        if self.plan is None or not self.plan.has_changes:
            return
        plan = self.plan
        count = len(plan.named("add", "change"))
        what = (
            f"create {plan.target} with {count} variables"
            if plan.create
            else f"set {count} variable(s) on {plan.target}"
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self.query_one("#push-apply", Button).disabled = True
                self.push_log = []
                self.query_one("#push-log", Static).update("")
                self.apply_plan(plan)

        self.app.push_screen(
            YesNoModal(
                f"Push to {LABELS[self.destination]}: {what}, then deploy?", yes="Push", no="Cancel"
            ),
            answered,
        )

    @work(thread=True, exclusive=True, group="push", exit_on_error=False)
    def apply_plan(self, plan: Any) -> None:
        import asyncio

        from wizard.commands.push import report_lines
        from wizard.errors import describe
        from wizard.platforms import Platforms, known, record, summary

        def progress(line: str) -> None:
            self.post_message(PushProgress(line))

        async def run() -> PushFinished:
            salt = self.answers.store.salt()
            values = self.answers.values()
            async with Platforms(values, 20.0, known=known(self.project)) as platforms:
                applied = await platforms.apply(plan, salt)
                record(self.project, plan.destination, summary(plan, "push", applied))
                lines = report_lines(applied, plan)
                if not applied.ok:
                    return PushFinished(False, lines)
                for line in lines:
                    progress(line)
                outcome = await platforms.deploy(plan, applied, progress)
                return PushFinished(outcome.ok, [outcome.message])

        try:
            self.post_message(asyncio.run(run()))
        except Exception as exc:
            self.post_message(PushFinished(False, [describe(exc)]))

    @on(PushProgress)
    def push_progress(self, message: PushProgress) -> None:
        self.push_log = [*self.push_log, message.line]
        self.query_one("#push-log", Static).update("\n".join(self.push_log))

    @on(PushFinished)
    def push_finished(self, message: PushFinished) -> None:
        self.push_progress(PushProgress("\n".join(message.lines)))
        if message.ok:
            self.notify(message.lines[-1], title="Push")
        else:
            self.post_message(ErrorReported("Push", "\n".join(message.lines)))
        self.plan = None
        self.refresh_status()
