"""Post-deploy: create the Stripe webhook, set a custom domain, send a Sentry test event."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from textual import on, work
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Static, TabPane

from screens.advice import for_screen
from screens.domain import CustomDomain
from screens.messages import ActionDone
from screens.phase import PhaseScreen
from screens.phase_widgets import Pane


class PostDeployScreen(PhaseScreen):
    """Phase 6: the steps that need the deployed backend."""

    STEP_TAB = "tab-actions"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("f3", "tab('step')", "Actions", id="tab-step")]

    def extra_tabs(self) -> Iterator[Widget]:
        with TabPane("Actions", id="tab-actions"), Pane(id="post-actions"):
            yield Static(
                "Stripe webhook: create APP_URL/api/subscriptions/webhook for the plan's four "
                "events and store the whsec_ secret Stripe returns.",
                classes="step-hint",
            )
            with Horizontal(classes="action-row"):
                yield Button("Create Stripe webhook", id="webhook", compact=True)
            yield Static("", id="webhook-result", classes="action-result")
            yield Static(
                "API domain: points APP_URL and VITE_API_URL at https://DOMAIN (phases using "
                "them become stale); nothing is added on Render or pushed.",
                classes="step-hint",
            )
            with Horizontal(classes="action-row"):
                yield Input(placeholder="e.g. api.example.com", id="domain", compact=True)
                yield Button("Set domain", id="set-domain", compact=True)
            yield Static("", id="domain-result", classes="action-result")
            yield CustomDomain(self.answers)
            yield Static("Sentry: send a test event with SENTRY_DSN.", classes="step-hint")
            with Horizontal(classes="action-row"):
                yield Button("Send Sentry test event", id="sentry", compact=True)
            yield Static("", id="sentry-result", classes="action-result")
            yield Static(
                "Verify: smoke test the live site (backend, SPA fallback, API proxy, widget "
                "headers, certificates); optionally POST a signed Stripe test event.",
                classes="step-hint",
            )
            with Horizontal(classes="action-row"):
                yield Checkbox("send a Stripe test event", id="verify-webhook", compact=True)
                yield Button("Verify deployment", id="verify", compact=True)
            yield Static("", id="verify-result", classes="action-result")

    # -- Stripe webhook ------------------------------------------------------------------------
    @on(Button.Pressed, "#webhook")
    def webhook_pressed(self) -> None:
        self.query_one("#webhook-result", Static).update("Creating the endpoint…")
        self.create_webhook()

    @work(exclusive=True, group="webhook", exit_on_error=False)
    async def create_webhook(self) -> None:
        from checklists.errors import describe
        from wizard.webhook import create_and_store

        try:
            outcome = await create_and_store(self.answers)
        except Exception as exc:
            self.post_message(ActionDone("webhook", False, describe(exc)))
            return
        self.post_message(ActionDone("webhook", True, outcome.message))

    # -- custom domain -------------------------------------------------------------------------
    @on(Button.Pressed, "#set-domain")
    @on(Input.Submitted, "#domain")
    def set_domain(self) -> None:
        from checklists.errors import ValidationError
        from wizard.actions import set_api_domain

        result = self.query_one("#domain-result", Static)
        try:
            done = set_api_domain(self.answers, self.query_one("#domain", Input).value)
        except ValidationError as exc:
            result.update(Content(f"✗ {for_screen(exc.message)}"))
            return
        except Exception as exc:
            self.report_error(exc, "Domain not set")
            return
        result.update(Content(f"✓ {done.message}"))
        self.notify(f"API domain {done.domain} set. {done.message}", title="API domain", timeout=8)
        self.refresh_status()

    # -- Sentry --------------------------------------------------------------------------------
    @on(Button.Pressed, "#sentry")
    def sentry_pressed(self) -> None:
        self.query_one("#sentry-result", Static).update("Sending…")
        self.send_sentry_event()

    @work(exclusive=True, group="sentry", exit_on_error=False)
    async def send_sentry_event(self) -> None:
        from checklists.errors import describe
        from wizard.actions import send_sentry_test_event

        try:
            result = await send_sentry_test_event(self.answers)
        except Exception as exc:
            self.post_message(ActionDone("sentry", False, describe(exc)))
            return
        self.post_message(ActionDone("sentry", result.outcome in ("ok", "warn"), result.message))

    # -- verify --------------------------------------------------------------------------------
    @on(Button.Pressed, "#verify")
    def verify_pressed(self) -> None:
        self.query_one("#verify-result", Static).update("Checking the live site…")
        self.verify_deployment(self.query_one("#verify-webhook", Checkbox).value)

    @work(exclusive=True, group="verify", exit_on_error=False)
    async def verify_deployment(self, send_test_webhook: bool) -> None:
        from checklists.errors import describe
        from wizard.verify import verify_site

        try:
            report = await verify_site(self.answers, send_test_webhook=send_test_webhook)
        except Exception as exc:
            self.post_message(ActionDone("verify", False, describe(exc)))
            return
        self.post_message(ActionDone("verify", report.ok, report.summary()))

    @on(ActionDone)
    def step_finished(self, message: ActionDone) -> None:
        glyph = "✓" if message.ok else "✗"
        self.query_one(f"#{message.action}-result", Static).update(
            Content(f"{glyph} {for_screen(message.message)}")
        )
        # A custom domain sets variables even when a follow-up fails; unsaved edits are kept.
        if (message.action == "webhook" and message.ok) or message.action == "custom-domain":
            self.load_values()
        if not message.ok:
            self.notify(
                for_screen(message.message),
                title=message.action.capitalize(),
                severity="error",
                timeout=8,
            )
        self.refresh_status()
