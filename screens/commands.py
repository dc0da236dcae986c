"""Command-palette provider: ``phase: jump to …``, ``check: re-run …``, ``export: …``."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from screens.app import WizardApp

EXPORTS = {
    "markdown": "export: markdown checklist",
    "json": "export: json checklist",
    "dotenv": "export: Render .env file (real values, git-ignored)",
}


class WizardCommands(Provider):
    """The wizard's own commands, namespaced like posting's (``export: copy as curl``)."""

    def _commands(self) -> list[tuple[str, Callable[[], object], str]]:
        from wizard.phases import PHASES

        app: WizardApp = self.app  # type: ignore[assignment]
        out: list[tuple[str, Callable[[], object], str]] = []
        for phase in PHASES:
            out.append(
                (f"phase: jump to {phase.title}", partial(app.open_step, phase.id), phase.plan)
            )
        for phase in PHASES:
            if phase.services:
                out.append(
                    (
                        f"check: re-run {phase.title}",
                        partial(self._recheck, phase.id),
                        f"run the live checks of {phase.title}",
                    )
                )
        out.append(("phase: summary and export", partial(app.open_step, "finish"), "finish"))
        out.append(("phase: overview", app.show_overview, "every phase and its status"))
        for fmt, text in EXPORTS.items():
            out.append((text, partial(app.action_export, fmt), "write it into the project"))
        return out

    def _recheck(self, phase_id: str) -> None:
        app: WizardApp = self.app  # type: ignore[assignment]
        if app.current_step() == phase_id:
            app.screen.action_validate()  # type: ignore[attr-defined]
            return
        app.open_step(phase_id)
        app.call_after_refresh(app.screen.action_validate)  # type: ignore[attr-defined]

    async def discover(self) -> Hits:
        for text, command, help_text in self._commands():
            yield DiscoveryHit(text, command, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, command, help_text in self._commands():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), command, text=text, help=help_text)
