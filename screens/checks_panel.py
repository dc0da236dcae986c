"""The results of one check run: a row per service with a spinner, then each check's outcome."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.timer import Timer
from textual.widgets import Static

from screens.advice import for_screen
from screens.phase_widgets import Pane
from screens.text import GLYPHS, MUTED

SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
#: worst first: a service shows the worst outcome among its checks
SEVERITY = ("fail", "warn", "ok", "skip")


class ServiceRow(Static):
    """``⠋ stripe  checking…`` while its checks run, then ``✓ stripe  3 ok``."""

    def __init__(self, service: str) -> None:
        super().__init__(classes="service-row")
        self.service = service
        self.frame = 0
        self.outcomes: list[str] = []
        self.running = True
        self.timer: Timer | None = None

    def on_mount(self) -> None:
        if self.running:
            self.timer = self.set_interval(0.1, self.spin)
        self.draw()

    def spin(self) -> None:
        self.frame = (self.frame + 1) % len(SPINNER)
        self.draw()

    def add(self, outcome: str) -> None:
        self.outcomes.append(outcome)

    def finish(self) -> None:
        self.running = False
        if self.timer is not None:
            self.timer.stop()
        self.draw()

    def draw(self) -> None:
        if self.running:
            self.update(
                Content.assemble(f"{SPINNER[self.frame]} ", (self.service, "bold"), "  checking…")
            )
            return
        worst = next((o for o in SEVERITY if o in self.outcomes), "skip")
        glyph, style = GLYPHS[worst]
        counts = ", ".join(f"{self.outcomes.count(o)} {o}" for o in SEVERITY if o in self.outcomes)
        self.update(
            Content.assemble(
                (f"{glyph} ", style), (self.service, "bold"), f"  {counts or 'nothing ran'}"
            )
        )


class ChecksPanel(Pane):
    """Shows one run at a time; ``begin`` clears the previous run."""

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self.groups: dict[str, tuple[Vertical, ServiceRow]] = {}

    def compose(self) -> ComposeResult:
        yield Static("Press Validate (Ctrl+R) to run this phase's checks.", id="checks-hint")
        yield Vertical(id="check-rows")

    async def begin(self, services: Sequence[str]) -> None:
        """A spinner row per live service; offline findings get their own group on top."""
        rows = self.query_one("#check-rows", Vertical)
        await rows.remove_children()
        self.groups = {}
        hint = self.query_one("#checks-hint", Static)
        hint.update("Checking… (press Validate again to restart)")
        for service in dict.fromkeys(services):
            await self._group(service)

    async def _group(self, name: str) -> tuple[Vertical, ServiceRow]:
        if name in self.groups:
            return self.groups[name]
        rows = self.query_one("#check-rows", Vertical)
        row = ServiceRow(name)
        group = Vertical(row, classes="service")
        self.groups[name] = (group, row)
        await rows.mount(group, before=0 if name == OFFLINE and rows.children else None)
        return group, row

    async def add_result(self, result: Any, offline: bool = False) -> None:
        """One result under its service (or under the offline group)."""
        group, row = await self._group(OFFLINE if offline else result.service)
        glyph, style = GLYPHS.get(result.outcome, ("?", MUTED))
        timing = f" ({result.ms:.0f} ms)" if result.ms else ""
        line = Content.assemble(
            (glyph + " ", style), (result.check, "bold"), f"  {for_screen(result.message)}{timing}"
        )
        await group.mount(Static(line, classes=f"check-line -{result.outcome}"))
        row.add(result.outcome)
        # A live check reports all its results at once: the first one ends its spinner.
        row.finish()

    def finish(self, results: Sequence[Any], error: str = "") -> None:
        for _, row in self.groups.values():
            if row.running:
                row.finish()
        hint = self.query_one("#checks-hint", Static)
        if error:
            hint.update(Content.styled(for_screen(error), "$text-error"))
            return
        counts = {o: sum(r.outcome == o for r in results) for o in SEVERITY}
        summary = ", ".join(f"{n} {o}" for o, n in counts.items() if n)
        hint.update(f"Checked: {summary or 'nothing to check'}. Ctrl+R runs them again.")


#: the group of offline findings (formats, cross-variable rules)
OFFLINE = "offline"
