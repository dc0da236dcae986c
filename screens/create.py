"""The "Create it for me" action: the provision operation (``wizard.provision``) for one
vendor, beside the fields it fills on the phase's Values tab, as ``provision VENDOR`` does.

Pressing it saves the changed fields first (the token may have just been typed), then plans
(the masked plan shown here, nothing written), asks in a modal when something would be created,
and prints the progress lines as they come; what was stored is then shown in its fields. When a
plan says only an option would go on (a Stripe price that differs from its amount, a Supabase
project whose database password is not known here), a second button offers it, asked first.
Esc stops a run (what was created stays; pressing it again finds it, never a duplicate).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from screens.advice import for_screen
from screens.messages import Provisioned
from screens.modals import YesNoModal
from screens.provision_text import OPTIONS, follow_ups, intro

if TYPE_CHECKING:
    from wizard.frontend import FrontEnd
    from wizard.platforms.provisioning import ResourcePlan
    from wizard.values import Answers

#: the worker group of a run
CREATE = "create"
#: the follow-up button of each option
OPTION_LABELS = {"replace_prices": "Replace prices", "reset_db_password": "Reset database password"}


@runtime_checkable
class SavesInput(Protocol):
    """A screen with fields of its own (the phase screen): what was typed is stored first.
    A protocol, not the phase screen's class: that screen holds this widget (no import cycle)."""

    def unsaved(self) -> list[str]: ...

    def action_save(self) -> bool: ...


class CreateForMe(Vertical):
    """The action, its follow-up, and what the operation said (plan, progress, result)."""

    def __init__(self, vendor: str, answers: Answers) -> None:
        super().__init__(id=f"create-{vendor}", classes="create")
        self.vendor = vendor
        self.answers = answers
        self.lines: list[str] = []
        self.running = False
        #: the creation was confirmed: writes may have started
        self.confirmed = False
        #: the option the follow-up button offers ("" when none)
        self.option = ""

    def compose(self) -> ComposeResult:
        with Horizontal(classes="create-row"):
            with Vertical(classes="create-buttons"):
                yield Button("Create it for me", classes="create-run", compact=True)
                option = Button("", classes="create-option", variant="warning", compact=True)
                option.display = False
                yield option
            yield Static(for_screen(intro(self.vendor)), classes="create-hint", markup=False)
        log = Static("", classes="create-log action-result", markup=False)
        log.display = False
        yield log

    # -- what the operation says ---------------------------------------------------------------
    def line(self, text: str) -> None:
        self.lines = [*self.lines, for_screen(text)]
        log = self.query_one(".create-log", Static)
        log.update("\n".join(self.lines))
        log.display = True

    def front_end(self) -> FrontEnd[ResourcePlan]:
        from screens.provision_text import create_question, plan_lines
        from wizard.frontend import FrontEnd

        def show(plan: ResourcePlan) -> None:
            for text in plan_lines(plan):
                self.line(text)

        def say(text: str, level: str) -> None:
            self.line(f"✗ {text}" if level == "error" else text)

        async def ask(plans: list[ResourcePlan], extras: list[str]) -> bool:
            question = "\n".join([create_question(plans), *extras])
            modal = YesNoModal(for_screen(question), yes="Create")
            answer: bool = await self.app.push_screen_wait(modal)
            self.confirmed = answer
            return answer

        return FrontEnd(ask, show, say)

    # -- pressing it ---------------------------------------------------------------------------
    @on(Button.Pressed, ".create-run")
    def create_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if self.busy():
            return
        screen = self.screen
        # The token (or an amount) may have just been typed: store it first, as Done does.
        if isinstance(screen, SavesInput) and screen.unsaved() and not screen.action_save():
            return
        self.start({})

    @on(Button.Pressed, ".create-option")
    def option_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if self.busy() or not self.option:
            return
        option = self.option

        def answered(yes: bool | None) -> None:
            if yes:
                self.start({option: True})

        label = OPTION_LABELS[option]
        self.app.push_screen(YesNoModal(OPTIONS[option], yes=label), answered)

    def busy(self) -> bool:
        if self.running:
            self.notify("Creating: Esc stops it.", title="Create it for me")
        return self.running

    def start(self, options: dict[str, Any]) -> None:
        self.lines = []
        self.query_one(".create-option", Button).display = False
        self.line("Reading what exists (nothing is written before you confirm)…")
        self.run_provision(options)

    def stop(self) -> None:
        """Esc: cancel the run (the state remembers what a creation is for)."""
        self.line("Stopping…")
        self.workers.cancel_group(self, CREATE)

    @work(exclusive=True, group=CREATE, exit_on_error=False)
    async def run_provision(self, options: dict[str, Any]) -> None:
        from checklists.errors import describe
        from wizard.platforms import missing_tokens, row
        from wizard.provision import provision

        self.running, self.confirmed = True, False
        platform = row(self.vendor)
        try:
            values = await asyncio.to_thread(self.answers.values, list(platform.tokens))
            missing = missing_tokens(platform, values)
            if missing:
                self.line(self.no_token(missing[0]))
                return
            outcome = await provision(
                self.answers, [self.vendor], self.front_end(), options=options
            )
        except asyncio.CancelledError:
            self.line(
                "Stopped. What was created stays: Create it for me finds it and stores its "
                "values, never a second one."
                if self.confirmed
                else "Stopped: nothing was created."
            )
            raise
        except Exception as exc:
            self.line(f"✗ {describe(exc)}")
            return
        finally:
            self.running = False
        self.finished(outcome)

    def no_token(self, name: str) -> str:
        from checklists.catalog import catalog

        return f"Enter {name} below and Save first. Where: {catalog()[name].where}"

    def finished(self, outcome: Any) -> None:
        stored = [n for r in outcome.results for n in r.stored]
        if stored:
            from checklists.catalog import catalog

            secret = any(catalog()[n].secret for n in stored if n in catalog())
            where = f" (secrets in the {self.answers.store.kind})" if secret else ""
            self.line(f"✓ Stored {', '.join(stored)}{where}.")
            self.post_message(Provisioned(self.vendor, stored))
        elif outcome.ok and outcome.confirmed is not False:
            self.line("✓ Nothing to store: the values are up to date.")
        offered = follow_ups(outcome.plans)
        if offered:
            self.option = offered[0]
            button = self.query_one(".create-option", Button)
            button.label = OPTION_LABELS[self.option]
            button.display = True
