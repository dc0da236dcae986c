"""Deploy everything: the ``up`` operation (``wizard.up``) from the overview, as
``convoai-setup up`` runs it. The plan first (every step, what it would do; nothing written),
then a confirm on the same screen, then one line per step with its state and time as the events
arrive, and at the end the URLs and what was created. Esc while a step runs lets it finish and
stops before the next one; the next run goes on from there (every step skips what is done).
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Footer, Static

from screens.advice import for_screen
from screens.messages import ShowOverview
from screens.phase_widgets import Pane
from screens.text import MUTED
from screens.widgets import TitleBar
from wizard.up.text import MARKS

if TYPE_CHECKING:
    from wizard.frontend import FrontEnd
    from wizard.up import StepEvent, UpOutcome, UpPlan
    from wizard.values import Answers

UP = "up"
#: a step's state -> its theme colour
STYLES = {
    "done": "$text-success",
    "skipped": MUTED,
    "failed": "$text-error",
    "stop": "$text-warning",
    "running": "$text-accent",
    "planned": MUTED,
}
#: a step's message is cut here in its row (a failed step's is in full below the steps)
ROW_TEXT = 110
INTRO = (
    "From the values stored here to a verified live site, in the plan's order; each step is "
    "skipped when what it makes is there and still true. Nothing is written until you confirm "
    "the plan. Esc stops after the step under way."
)


class StepRow(Horizontal):
    """``✓  3 checks     done       0.3s  12 checks passed``: the state in a column of its own,
    the message beside it (wrapped lines stay under the message)."""

    def __init__(self, number: int, step: str, text: str) -> None:
        super().__init__(classes="deploy-step")
        self.number, self.step = number, step
        self.head = Static(classes="deploy-step-head", markup=False)
        self.text = Static(classes="deploy-step-text", markup=False)
        self.show("planned", None, text)

    def compose(self) -> ComposeResult:
        yield self.head
        yield self.text

    def show(self, status: str, seconds: float | None, text: str) -> None:
        self.status = status
        text = for_screen(text)
        if len(text) > ROW_TEXT:
            text = text[: ROW_TEXT - 1] + "…"
        time = f"{seconds:5.1f}s" if seconds is not None else ""
        head = f"{MARKS.get(status, '?')} {self.number:>2} {self.step:<10} {status:<8} {time:>6}"
        self.head.update(Content.styled(head, STYLES.get(status, "")))
        self.text.update(text)

    def line(self) -> str:
        """The row as one line of text (for tests and screen readers)."""
        return f"{self.head.render()}  {self.text.render()}"


class DeployScreen(Screen[None]):
    """Deploy everything: plan, confirm, the steps as they run."""

    CSS_PATH = Path(__file__).with_name("steps.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "escape", "Stop / back", id="deploy-escape"),
        # The phases are one key away, but not while a step runs: leaving would cancel it.
        Binding("ctrl+n", "guarded('next_phase')", show=False),
        Binding("ctrl+b", "guarded('previous_phase')", show=False),
    ]

    def __init__(self, answers: Answers) -> None:
        super().__init__()
        self.answers = answers
        #: planning | asking | running | finished
        self.state = "planning"
        self.stop_requested = False
        #: the step under way (or the last one that ran)
        self.current = ""
        self.answer: asyncio.Future[bool] | None = None
        self.log_lines: list[str] = []
        #: step id -> its row (updated directly: an event may come before the row is mounted)
        self.rows: dict[str, StepRow] = {}

    @property
    def running(self) -> bool:
        return self.state != "finished"

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Pane(id="deploy"):
            yield Static(INTRO, id="deploy-intro", classes="step-hint")
            yield Static(
                "Working out the plan (reads every vendor; writes nothing)…", id="deploy-head"
            )
            # The answer sits under the question, above the plan: at 80x24 the plan scrolls.
            with Horizontal(id="deploy-confirm", classes="action-row"):
                yield Button("Deploy", id="deploy-yes", variant="warning", compact=True)
                yield Button("Cancel", id="deploy-no", variant="primary", compact=True)
            yield Vertical(id="deploy-steps")
            yield Static("", id="deploy-made", markup=False)
            yield Static("", id="deploy-log", classes="action-result", markup=False)
            with Horizontal(id="deploy-again-row", classes="action-row"):
                yield Button("Deploy everything again", id="deploy-again", compact=True)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = "deploy everything"
        self.query_one("#deploy-confirm").display = False
        self.query_one("#deploy-again-row").display = False
        self.run_up()

    # -- what the operation reports -------------------------------------------------------------
    def head(self, text: str, style: str = "") -> None:
        self.query_one("#deploy-head", Static).update(Content.styled(for_screen(text), style))

    def log_line(self, text: str) -> None:
        self.log_lines = [*self.log_lines, for_screen(text)]
        self.query_one("#deploy-log", Static).update("\n".join(self.log_lines))

    def front_end(self) -> FrontEnd[UpPlan]:
        from wizard.frontend import FrontEnd

        def show(plan: UpPlan) -> None:
            from wizard.up.text import plan_rows

            self.rows = {step: StepRow(n, step, line) for n, step, line in plan_rows(plan)}
            box = self.query_one("#deploy-steps", Vertical)
            box.remove_children()
            box.mount_all(self.rows.values())

        def say(text: str, level: str) -> None:
            self.log_line(f"✗ {text}" if level == "error" else text)

        return FrontEnd(self.ask, show, say)

    async def ask(self, plans: list[UpPlan], extras: list[str]) -> bool:
        """The confirm, on this screen beside the plan (a modal would hide it)."""
        self.state = "asking"
        self.answer = asyncio.get_running_loop().create_future()
        self.head("Carry out this plan? It creates and changes what the steps say.", "bold")
        self.query_one("#deploy-confirm").display = True
        self.query_one("#deploy-no", Button).focus()
        try:
            answer = await self.answer
        finally:
            self.query_one("#deploy-confirm").display = False
        self.state = "running" if answer else "finished"
        return answer

    def on_step(self, event: StepEvent) -> None:
        if event.status == "running":
            self.current = event.step
            self.head(f"Deploying: {event.message}…")
        row = self.rows.get(event.step)
        if row is not None:
            seconds = None if event.status == "running" else event.seconds
            row.show(event.status, seconds, event.message)
        if event.status == "failed":
            self.log_line(f"✗ {event.step}: {event.message}")

    # -- the run -------------------------------------------------------------------------------
    @work(exclusive=True, group=UP, exit_on_error=False)
    async def run_up(self) -> None:
        from checklists.errors import describe
        from wizard.up import up

        self.state, self.stop_requested, self.current = "planning", False, ""
        try:
            outcome = await up(
                self.answers,
                self.front_end(),
                on_step=self.on_step,
                # Esc while a step runs: it finishes, and up stops (and remembers) before the next
                stop_requested=lambda: self.stop_requested,
            )
        except asyncio.CancelledError:
            self.head("Stopped while planning: nothing was done.", "$text-warning")
            raise
        except Exception as exc:
            self.head(f"✗ {describe(exc)}", "$text-error")
            return
        finally:
            self.state = "finished"
            self.query_one("#deploy-again-row").display = True
        self.finished(outcome)

    def finished(self, outcome: UpOutcome) -> None:
        from checklists.advice import do
        from wizard.up.text import made_lines, total

        self.query_one("#deploy-made", Static).update("\n".join(made_lines(outcome)))
        took = f"{total(outcome):.1f}s"
        if outcome.confirmed is False:
            self.head("Not confirmed: nothing was done.")
        elif outcome.asked_to_stop:
            self.head(
                f"■ Stopped after {self.current} (Esc). Deploy everything again goes on from "
                "there.",
                "$text-warning",
            )
        elif outcome.ok:
            self.head(f"✓ Deployed and verified in {took}.", "$text-success")
            self.notify("Deployed and verified.", title="Deploy everything")
        elif outcome.stopped_at:
            self.head(
                f"✗ Stopped at {outcome.stopped_at} after {took}: fix what its line says, then "
                f"{do('up')} goes on from there.",
                "$text-error",
            )

    # -- keys and buttons ----------------------------------------------------------------------
    @on(Button.Pressed, "#deploy-yes")
    @on(Button.Pressed, "#deploy-no")
    def answered(self, event: Button.Pressed) -> None:
        if self.answer is not None and not self.answer.done():
            self.answer.set_result(event.button.id == "deploy-yes")

    @on(Button.Pressed, "#deploy-again")
    def again(self) -> None:
        if self.running:
            return
        self.query_one("#deploy-again-row").display = False
        self.query_one("#deploy-made", Static).update("")
        self.log_lines = []
        self.query_one("#deploy-log", Static).update("")
        self.head("Working out the plan (reads every vendor; writes nothing)…")
        self.run_up()

    def action_escape(self) -> None:
        """Esc: no to the plan; stop after the step under way; stop planning; else back."""
        if self.state == "asking" and self.answer is not None and not self.answer.done():
            self.answer.set_result(False)
        elif self.state == "running":
            if not self.stop_requested:
                self.stop_requested = True
                self.head(f"Stopping after {self.current} (it finishes first)…", "$text-warning")
        elif self.state == "planning":
            self.workers.cancel_group(self, UP)
        else:
            self.post_message(ShowOverview())

    async def action_guarded(self, action: str) -> None:
        if self.running:
            self.notify("Deploy everything is running: Esc stops it after the step under way.")
            return
        await self.app.run_action(action)
