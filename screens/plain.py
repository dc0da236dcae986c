"""``--plain``: the same phases, fields, checks and writes as line-by-line questionary prompts.

Prompts are built from the catalog entries, as the TUI's fields are (copier: questions are
data). Every confirmed answer is stored at once, so an interrupt loses nothing confirmed.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import questionary

from checklists.catalog import Variable, for_phase, mask, normalise, normalise_for, validate_format
from checklists.errors import EXIT_INTERRUPTED
from screens.plain_prompts import GLYPHS, confirm, fail, say
from wizard.done import all_status, stale_after_change
from wizard.phases import PHASES, TODOS, Phase
from wizard.values import Answers

if TYPE_CHECKING:
    from providers.base import CheckResult
    from wizard.done import PhaseStatus


def wrong_kind(var: Variable, value: str, context: dict[str, str]) -> list[str]:
    """The cross-variable rules' verdict on a value that passes the format check: an anon key
    where the service_role key belongs, a test key for production, an Anthropic key as the
    OpenAI key, … (``providers.rules``, the same rules ``check`` runs offline).

    A warning counts too: a ``sk_test_`` key with NODE_ENV=production works but takes no
    money, which is exactly the value to offer again while the person has the dashboard open.
    """
    from providers.rules import apply_rules

    results = apply_rules({**context, var.name: value})
    return [r.message for r in results if r.outcome in ("fail", "warn") and var.name in r.variables]


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
        #: a push to a platform was confirmed in this session (Ctrl-C then says so)
        self.sent = False

    def run(self, phase_id: str | None = None) -> int:
        try:
            for phase in self.phases_to_run(phase_id):
                self.run_phase(phase)
            if phase_id is None:  # the whole wizard, after its last phase: Deploy everything
                from screens.plain_up import offer_up

                offer_up(self)
        except KeyboardInterrupt:
            rest = (
                "what was sent to the platforms is reported above"
                if self.sent
                else "nothing else changed"
            )
            print(
                f"\nInterrupted: {self.saved} values you confirmed were saved; {rest}.",
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
        from screens import plain_platforms, plain_provision, plain_steps

        # Create it (from the vendor's token) or paste the values, asked before the values.
        created = plain_provision.before_values(self, phase)
        for var in for_phase(phase.id):
            self.ask(var)
        failed = plain_provision.after_values(self, created)
        failed += plain_steps.run_steps(self, phase)
        verified = None
        if phase.services and confirm(f"Verify {phase.title} now (runs its live checks)?"):
            verified = self.verify(phase)
        # Once the values check out: compare with the phase's platforms, and push (confirmed).
        sent = self.sent
        failed += plain_platforms.platform_steps(self, phase)
        if verified is not None and self.sent and not sent:
            verified = self.verify(phase, quiet=True)  # e.g. the service exists now
        self.finish(phase, before, failed, verified)

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

    def verify(self, phase: Phase, quiet: bool = False) -> PhaseStatus:
        """Run the phase's checks that have no passing result on the current values
        (``finish_phase``), each printed as it lands; a value whose check failed is offered
        again at once, then its checks run again. ``quiet``: print nothing and offer nothing
        (the verdict says where the phase stands)."""
        from wizard.checks import finish_phase

        declined: set[str] = set()
        results: list[CheckResult] = []

        def show(result: CheckResult) -> None:
            results.append(result)
            glyph = GLYPHS.get(result.outcome, "?")
            say(f"  {glyph} {result.service} {result.check}: {result.message}")

        while True:
            results.clear()
            status = asyncio.run(
                finish_phase(self.answers, phase.id, on_result=None if quiet else show)
            )
            if quiet or not self.offer_again(phase, results, declined):
                return status

    def offer_again(self, phase: Phase, results: list[CheckResult], declined: set[str]) -> bool:
        """Offer to enter again each value of this phase whose check failed; True when one
        changed (its checks then run again). A value declined or kept is not offered again."""
        from wizard.done import MISSING

        own = {v.name: v for v in for_phase(phase.id)}
        # (a value not set yet was skipped a moment ago: the verdict says it is missing)
        failed = [r for r in results if r.outcome == "fail" and r.detail != MISSING]
        # A value that fails a check on its own comes first: a rejected Stripe key also fails
        # each price check, and once it is offered those are not offered again this round.
        failed.sort(key=lambda r: len([n for n in r.variables if n in own]))
        offered: set[str] = set()
        changed = False
        for result in failed:
            mine = {n for n in result.variables if n in own}
            names = [n for n in result.variables if n in own and n not in declined]
            if not names or mine & offered:
                continue
            offered.update(names)
            if len(names) == 1:
                name = names[0] if confirm(f"Enter {names[0]} again?") else None
            else:
                keep = "none: keep them"
                picked = questionary.select(
                    f"{result.service} {result.check} failed: enter which value again?",
                    choices=[*names, keep],
                    default=keep,
                ).unsafe_ask()
                name = None if picked == keep else str(picked)
            if name is None:
                declined.update(names)
                continue
            before = self.answers.resolve(name).value
            self.ask(own[name])
            if self.answers.resolve(name).value == before:
                declined.add(name)
            else:
                changed = True
        return changed

    def finish(
        self,
        phase: Phase,
        before: dict[str, Any],
        failed: list[str],
        verified: PhaseStatus | None,
    ) -> None:
        """Say where the phase stands by the one rule, as the TUI's Done does.

        ``verified``: the status the checks just settled (``verify``), so "done" never rests on
        results from before a change; None: read it from the state. The steps' failures were
        printed as they happened; the verdict points back at them.
        """
        from wizard.done import phase_status

        status = verified or phase_status(self.project, self.answers.state_file.read(), phase)
        if status.status != "done":
            more = f" (and {len(failed)} failed above)" if failed else ""
            say(f"{phase.title}: not done yet ({status.status}): {status.message}{more}")
            return
        stale = stale_after_change(self.project, before, self.answers.state_file.read())
        say(f"{phase.title}: done." + (f" Now stale: {', '.join(stale)}." if stale else ""))
