"""Command-palette provider: ``phase: jump to …``, ``check: re-run …``, ``export: …``.

Commands only post messages to the app (``OpenStep``, ``ShowOverview``, ``ExportRequested``):
the app decides what the current screen allows, e.g. asking before unsaved input is dropped.
"""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.message import Message

from screens.messages import DeployRequested, ExportRequested, OpenStep, ShowOverview

EXPORTS = {
    "markdown": "export: markdown checklist",
    "json": "export: json checklist",
    "dotenv": "export: Render .env file (real values, git-ignored)",
}


class WizardCommands(Provider):
    """The wizard's own commands, namespaced like posting's (``export: copy as curl``)."""

    def _commands(self) -> list[tuple[str, Message, str]]:
        from wizard.phases import PHASES

        out: list[tuple[str, Message, str]] = []
        for phase in PHASES:
            out.append((f"phase: jump to {phase.title}", OpenStep(phase.id), phase.plan))
        for phase in PHASES:
            if phase.services:
                out.append(
                    (
                        f"check: re-run {phase.title}",
                        OpenStep(phase.id, validate=True),
                        f"run the live checks of {phase.title}",
                    )
                )
        out.append(("phase: summary and export", OpenStep("finish"), "finish"))
        out.append(("phase: overview", ShowOverview(), "every phase and its status"))
        out.append(
            (
                "deploy: everything (up)",
                DeployRequested(),
                "from the values stored here to a verified live site: the plan, then each step",
            )
        )
        for fmt, text in EXPORTS.items():
            out.append((text, ExportRequested(fmt), "write it into the project"))
        return out

    def _post(self, message: Message) -> None:
        self.app.post_message(message)

    async def discover(self) -> Hits:
        for text, message, help_text in self._commands():
            yield DiscoveryHit(text, partial(self._post, message), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, message, help_text in self._commands():
            score = matcher.match(text)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(text),
                    partial(self._post, message),
                    text=text,
                    help=help_text,
                )
