"""Post-deploy's "Custom domain" row: ``convoai-setup domain set`` on the screen.

Adds the site's domain to Vercel (and the API domain to Render), shows the DNS records to
create, polls until both platforms verify them (a second press or Esc stops waiting; nothing
changes locally then, as with Ctrl-C in the CLI), sets the variables, and asks before the
follow-ups push the changed variables and move the Stripe webhook.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Input, Static

from screens.messages import ActionDone

if TYPE_CHECKING:
    from wizard.frontend import FrontEnd
    from wizard.platforms.base import DnsRecord, DomainStatus
    from wizard.platforms.plan import PushPlan
    from wizard.values import Answers

ACTION = "custom-domain"
START, STOP = "Set custom domain", "Stop waiting"


class CustomDomain(Vertical):
    """Inputs for the site's and the API's domain, the DNS records, progress, then the result."""

    DEFAULT_CSS = """
    CustomDomain { height: auto; }
    CustomDomain #api-domain { margin-left: 1; }
    CustomDomain #custom-domain-records { display: none; margin-left: 2; }
    CustomDomain #custom-domain-progress { display: none; }
    """
    # Only while a run is going: otherwise Esc falls through to the screen (the overview).
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "stop", "Stop", show=False)]

    def __init__(self, answers: Answers, *, interval: float = 10.0) -> None:
        super().__init__(id="custom-domain-step")
        self.answers = answers
        #: what the push of the new URLs said, line by line
        self.pushed_lines: list[str] = []
        #: seconds between verification checks (the CLI's --interval default)
        self.interval = interval
        self.waiting = False

    def compose(self) -> ComposeResult:
        yield Static(
            "Custom domain: adds it on Vercel (API domain on Render), shows the DNS records, "
            "waits for verification, then sets and pushes the new URLs.",
            classes="step-hint",
        )
        with Horizontal(classes="action-row"):
            yield Input(placeholder="app.example.com", id="site-domain", compact=True)
            yield Input(placeholder="api.example.com (optional)", id="api-domain", compact=True)
            yield Button(START, id="custom-domain", compact=True)
        yield Static("", id="custom-domain-records")
        yield Static("", id="custom-domain-progress", classes="action-result")
        yield Static("", id="custom-domain-result", classes="action-result")

    @on(Button.Pressed, "#custom-domain")
    @on(Input.Submitted, "#site-domain, #api-domain")
    def pressed(self) -> None:
        if self.waiting:
            self.stop()
            return
        domain = self.query_one("#site-domain", Input).value.strip()
        api = self.query_one("#api-domain", Input).value.strip()
        if not domain:
            self._say(
                "#custom-domain-result", "✗ Enter the site's domain first, e.g. app.example.com."
            )
            return
        self.query_one("#custom-domain-records", Static).display = False
        self._say("#custom-domain-progress", "Adding the domain…")
        self._say("#custom-domain-result", "")
        self._waiting(True)
        self.run_domain_set(domain, api or None)

    def action_stop(self) -> None:
        if not self.waiting:
            raise SkipAction()
        self.stop()

    def stop(self) -> None:
        """Cancel the run while it adds or polls: the variables here are not touched yet."""
        self.workers.cancel_group(self, ACTION)
        self._waiting(False)
        self._say("#custom-domain-progress", "")
        self._say(
            "#custom-domain-result",
            "Stopped waiting. The domains stay added on the platforms; nothing changed "
            "here. Once the DNS records are in place, press Set custom domain again.",
        )

    @work(exclusive=True, group=ACTION, exit_on_error=False)
    async def run_domain_set(self, domain: str, api: str | None) -> None:
        from checklists.errors import describe
        from wizard.domain import set_domain

        try:
            outcome = await set_domain(
                self.answers,
                domain,
                api,
                self.front_end(),
                interval=self.interval,
                on_records=self.show_records,
                on_progress=self.show_progress,
                on_updated=self.updated,
            )
        except Exception as exc:
            self._waiting(False)
            self.post_message(ActionDone(ACTION, False, describe(exc)))
            return
        finally:
            self.query_one("#custom-domain", Button).disabled = False
        self._say("#custom-domain-progress", "")
        if not outcome.verified:
            self._waiting(False)
            self.post_message(
                ActionDone(
                    ACTION,
                    False,
                    "Not verified yet; nothing changed here. Press Set custom domain again later.",
                )
            )
            return
        lines = [set_line(outcome.changed, outcome.stale)]
        pushed = outcome.pushed
        if pushed is not None:
            lines += self.pushed_lines
            if pushed.confirmed is False and pushed.commands:
                lines.append("Not pushed: " + "; ".join(pushed.commands))
        lines += ["Next: " + step for step in outcome.next_steps]
        self.post_message(ActionDone(ACTION, outcome.ok, "\n".join(lines)))

    def updated(self, changed: Mapping[str, str], stale: list[str]) -> None:
        """Verified and set here: from now on the run is not stopped halfway."""
        self._waiting(False)
        self.query_one("#custom-domain", Button).disabled = True
        self.pushed_lines = []
        self._say("#custom-domain-result", "✓ " + set_line(changed, stale))

    def front_end(self) -> FrontEnd[PushPlan]:
        """The push operation's callbacks: a modal to confirm, progress into the row."""
        from screens.modals import YesNoModal
        from wizard.frontend import FrontEnd
        from wizard.platforms import row

        async def ask(plans: list[PushPlan], extras: list[str]) -> bool:
            names = [n for p in plans for n in p.named("add", "change")]
            parts = [
                f"push {', '.join(p.named('add', 'change'))} to {row(p.destination).label}"
                for p in plans
            ]
            question = " and ".join([*parts, *extras]) + (", then redeploy" if names else "")
            modal = YesNoModal(f"{question[:1].upper()}{question[1:]}?", yes="Push", no="Not now")
            answer: bool = await self.app.push_screen_wait(modal)
            return answer

        def say(line: str, level: str) -> None:
            self.pushed_lines.append(line)
            self._say("#custom-domain-progress", line)

        return FrontEnd(ask, say=say)

    def show_records(self, records: list[DnsRecord]) -> None:
        rows = [(r.platform, r.type, r.name, r.value) for r in records]
        widths = [max((len(row[i]) for row in rows), default=0) for i in range(3)]
        text = "\n".join(
            "  ".join([*(cell.ljust(w) for cell, w in zip(row[:3], widths, strict=True)), row[3]])
            for row in rows
        )
        table = self.query_one("#custom-domain-records", Static)
        table.update(Content("Create these DNS records at your DNS provider:\n" + text))
        table.display = True

    def show_progress(self, attempt: int, statuses: Sequence[DomainStatus]) -> None:
        line = "; ".join(
            f"{s.domain} on {s.platform}: "
            + ("verified" if s.verified else f"waiting for {s.waiting_for}")
            for s in statuses
        )
        waiting = "" if all(s.verified for s in statuses) else " (Esc stops waiting)"
        self._say("#custom-domain-progress", f"[check {attempt}] {line}{waiting}")

    def _waiting(self, waiting: bool) -> None:
        self.waiting = waiting
        self.query_one("#custom-domain", Button).label = STOP if waiting else START

    def _say(self, where: str, text: str) -> None:
        line = self.query_one(where, Static)
        line.update(Content(text))
        if where == "#custom-domain-progress":
            line.display = bool(text)


def set_line(changed: Mapping[str, str], stale: list[str]) -> str:
    """``Set CUSTOM_DOMAIN=…, FRONTEND_URL=…. Now stale: Vercel.``"""
    line = "Verified. Set " + ", ".join(f"{n}={v}" for n, v in changed.items()) + "."
    return line + (f" Now stale: {', '.join(stale)}." if stale else "")
