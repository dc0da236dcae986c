"""Post-deploy: create the Stripe webhook, set a custom domain, send a Sentry test event."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from textual import on, work
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Button, Input, Static, TabPane

from checklists.catalog import normalise, validate_format
from screens.advice import for_screen
from screens.messages import ActionDone
from screens.phase import PhaseScreen
from screens.widgets import Pane


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
                "Custom domain: sets CUSTOM_DOMAIN and points APP_URL and VITE_API_URL at "
                "https://DOMAIN (phases using them become stale).",
                classes="step-hint",
            )
            with Horizontal(classes="action-row"):
                yield Input(placeholder="e.g. api.example.com", id="domain", compact=True)
                yield Button("Set domain", id="set-domain", compact=True)
            yield Static("", id="domain-result", classes="action-result")
            yield Static("Sentry: send a test event with SENTRY_DSN.", classes="step-hint")
            with Horizontal(classes="action-row"):
                yield Button("Send Sentry test event", id="sentry", compact=True)
            yield Static("", id="sentry-result", classes="action-result")
        yield from ()

    # -- Stripe webhook ------------------------------------------------------------------------
    @on(Button.Pressed, "#webhook")
    def webhook_pressed(self) -> None:
        self.query_one("#webhook-result", Static).update("Creating the endpoint…")
        self.create_webhook()

    @work(exclusive=True, group="webhook", exit_on_error=False)
    async def create_webhook(self) -> None:
        from screens.app import describe_error
        from wizard.webhook import create_and_store

        try:
            outcome = await create_and_store(self.answers)
        except Exception as exc:
            self.post_message(ActionDone("webhook", False, describe_error(exc)))
            return
        self.post_message(ActionDone("webhook", True, outcome.message))

    # -- custom domain -------------------------------------------------------------------------
    @on(Button.Pressed, "#set-domain")
    @on(Input.Submitted, "#domain")
    def set_domain(self) -> None:
        from wizard.phases import stale_after_change

        domain = (
            normalise(self.query_one("#domain", Input).value).removeprefix("https://").rstrip("/")
        )
        result = self.query_one("#domain-result", Static)
        problems = validate_format("CUSTOM_DOMAIN", domain)
        if problems:
            result.update(Content(f"✗ {problems[0]}"))
            return
        answers, project = self.answers, self.project
        url = f"https://{domain}"
        try:
            before = answers.state_file.read()
            answers.set_many({"CUSTOM_DOMAIN": domain, "APP_URL": url, "VITE_API_URL": url})
            stale = stale_after_change(project, before, answers.state_file.read())
        except Exception as exc:
            self.report_error(exc, "Domain not set")
            return
        note = f" Now stale: {', '.join(stale)}." if stale else ""
        result.update(Content(f"✓ APP_URL and VITE_API_URL are now {url}.{note}"))
        self.notify(f"Custom domain {domain} set.{note}", title="Custom domain", timeout=8)
        for row in self.fields():
            if row.var.name == "CUSTOM_DOMAIN":
                row.load(domain, "entered")
        self.refresh_status()

    # -- Sentry --------------------------------------------------------------------------------
    @on(Button.Pressed, "#sentry")
    def sentry_pressed(self) -> None:
        self.query_one("#sentry-result", Static).update("Sending…")
        self.send_sentry_event()

    @work(exclusive=True, group="sentry", exit_on_error=False)
    async def send_sentry_event(self) -> None:
        import asyncio

        from screens.app import describe_error
        from wizard.checks import run_checks

        try:
            values = await asyncio.to_thread(self.answers.values)
            results = await run_checks(
                values, ["post-deploy"], send_test_event=True, services=["sentry"]
            )
        except Exception as exc:
            self.post_message(ActionDone("sentry", False, describe_error(exc)))
            return
        live = [r for r in results if r.service == "sentry"] or results
        worst = next((r for r in live if r.outcome == "fail"), live[0] if live else None)
        if worst is None:
            self.post_message(ActionDone("sentry", False, "No Sentry check ran."))
        else:
            self.post_message(ActionDone("sentry", worst.outcome in ("ok", "warn"), worst.message))

    @on(ActionDone)
    def step_finished(self, message: ActionDone) -> None:
        glyph = "✓" if message.ok else "✗"
        self.query_one(f"#{message.action}-result", Static).update(
            Content(f"{glyph} {for_screen(message.message)}")
        )
        if message.action == "webhook" and message.ok:
            self.load_values()
        if not message.ok:
            self.notify(
                for_screen(message.message),
                title=message.action.capitalize(),
                severity="error",
                timeout=8,
            )
        self.refresh_status()
