"""``--plain``: the same phases, fields, checks and writes as line-by-line questionary prompts.

Prompts are built from the catalog entries, as the TUI's fields are (copier: questions are
data). Every confirmed answer is stored at once, so an interrupt loses nothing confirmed.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from typing import Any

import questionary

from checklists.catalog import Variable, for_phase, mask, normalise, normalise_for, validate_format
from checklists.errors import EXIT_INTERRUPTED
from screens.plain_prompts import confirm, fail, say
from wizard.done import all_status, stale_after_change
from wizard.phases import PHASES, TODOS, Phase
from wizard.values import Answers


def wrong_kind(var: Variable, value: str, context: dict[str, str]) -> list[str]:
    """The cross-variable rules' verdict on a value that passes the format check: an anon key
    where the service_role key belongs, a test key for production, an Anthropic key as the
    OpenAI key, … (``providers.rules``, the same rules ``check`` runs offline)."""
    from providers.rules import apply_rules

    results = apply_rules({**context, var.name: value})
    return [r.message for r in results if r.outcome == "fail" and var.name in r.variables]


def validator(var: Variable) -> Callable[[str], bool | str]:
    """questionary validator: the catalog's format check; empty keeps the stored value.

    Empty is accepted for a required value too: people often don't have every value at hand,
    and the phase simply stays unfinished until it is set (said when the phase ends).
    """

    def check(text: str) -> bool | str:
        if not normalise(text):
            return True
        problems = validate_format(var.name, text)
        return problems[0] if problems else True

    return check


class PlainWizard:
    """Walks the phases on a plain terminal."""

    def __init__(self, answers: Answers) -> None:
        self.answers = answers
        self.project = answers.project
        #: values confirmed and stored in this session (reported on Ctrl-C)
        self.saved = 0

    def run(self, phase_id: str | None = None) -> int:
        try:
            for phase in self.phases_to_run(phase_id):
                self.run_phase(phase)
        except KeyboardInterrupt:
            print(
                f"\nInterrupted: {self.saved} values you confirmed were saved; nothing "
                "else changed.",
                file=sys.stderr,
            )
            return EXIT_INTERRUPTED
        done = sum(
            s.status == "done" for s in all_status(self.project, self.answers.state_file.read())
        )
        say(f"\n{done} of {len(PHASES)} phases done. See them with: convoai-setup status")
        return 0

    def phases_to_run(self, phase_id: str | None) -> list[Phase]:
        """One phase, or every phase from the first one that is not done."""
        if phase_id:
            return [p for p in PHASES if p.id == phase_id]
        statuses = all_status(self.project, self.answers.state_file.read())
        first = next((n for n, s in enumerate(statuses) if s.status != "done"), len(PHASES))
        if first == len(PHASES):
            say("Every phase is done. Re-run one with: convoai-setup phase ID --plain")
        return list(PHASES[first:])

    # -- one phase -----------------------------------------------------------------------------
    def run_phase(self, phase: Phase) -> None:
        say(f"\n== {phase.plan} ==")
        say("Todo: " + "; ".join(TODOS[t] for t in phase.todos))
        before = self.answers.state_file.read()
        for var in for_phase(phase.id):
            self.ask(var)
        from screens import plain_steps

        failed = plain_steps.run_steps(self, phase)
        verify = bool(phase.services) and confirm(
            f"Verify {phase.title} now (runs its live checks)?"
        )
        self.finish(phase, before, failed, verify)

    def ask(self, var: Variable) -> None:
        current = self.answers.resolve(var.name)
        need = "required" if var.required else "optional"
        say(f"\n{var.name} ({need}{', secret' if var.secret else ''}): {var.description}")
        say(f"  Where: {var.where}")
        generate = f"Generate {var.name} now?"
        if var.generator and not current.value and confirm(generate, default=False):
            from wizard.generate import GENERATORS

            self.store(var, GENERATORS[var.generator](), "generated")
            return
        while True:
            value = self.prompt(var, current.value)
            new = bool(value) and (value != current.value or current.source == "default")
            if not new:
                break
            problems = wrong_kind(var, value, self.context(var))
            if not problems:
                self.store(var, value, "entered")
                break
            fail(problems[0])
            if not confirm(f"Enter {var.name} again?"):
                self.store(var, value, "entered")  # the person knows better; check will say
                break
        if not value and not current.value and var.required:
            say(f"  skipped {var.name} for now: the phase stays unfinished until it is set")

    def prompt(self, var: Variable, current: str | None) -> str:
        check = validator(var)
        if var.secret:
            hint = f" (Enter keeps {mask(var.name, current)})" if current else ""
            answer = questionary.password(f"{var.name}{hint}:", validate=check).unsafe_ask()
        else:
            answer = questionary.text(
                f"{var.name}:", default=current or "", validate=check
            ).unsafe_ask()
        return normalise_for(var.name, answer or "")

    def context(self, var: Variable) -> dict[str, str]:
        """The stored values the rules compare ``var`` with (its phase's, and NODE_ENV)."""
        names = {v.name for v in for_phase(var.phase)} | {"NODE_ENV"}
        return {k: v for k, v in self.answers.values(sorted(names - {var.name})).items() if v}

    def store(self, var: Variable, value: str, source: str) -> None:
        self.answers.set(var.name, value, source=source)
        self.saved += 1
        where = f"the {self.answers.store.kind}" if var.secret else "the project state"
        say(f"  saved {var.name} to {where}: {mask(var.name, value)}")

    def finish(self, phase: Phase, before: dict[str, Any], failed: list[str], verify: bool) -> None:
        """Say where the phase stands by the one rule, as the TUI's Done does.

        With ``verify`` the checks without a passing result on the current values run now
        (``finish_phase``), so "done" never rests on results from before a change. The steps'
        failures were printed as they happened; the verdict points back at them.
        """
        from wizard.checks import finish_phase
        from wizard.done import phase_status

        def show(result: Any) -> None:
            glyph = {"ok": "✓", "warn": "!", "fail": "✗", "skip": "-"}.get(result.outcome, "?")
            say(f"  {glyph} {result.service} {result.check}: {result.message}")

        if verify:
            status = asyncio.run(finish_phase(self.answers, phase.id, on_result=show))
        else:
            status = phase_status(self.project, self.answers.state_file.read(), phase)
        if status.status != "done":
            more = f" (and {len(failed)} failed above)" if failed else ""
            say(f"{phase.title}: not done yet ({status.status}): {status.message}{more}")
            return
        stale = stale_after_change(self.project, before, self.answers.state_file.read())
        say(f"{phase.title}: done." + (f" Now stale: {', '.join(stale)}." if stale else ""))
