"""``--plain``'s "create it or paste the values": the provision operation (``wizard.provision``)
for the vendor whose token the phase asks for (Supabase, Upstash, Stripe's prices on Render,
Sentry on Post-deploy), with the same plain ``FrontEnd`` shape as the push: the masked plan
printed, a confirm that defaults to no before anything is created, progress line by line.

Before the phase's values: with the token set, the question is asked (create it, or paste the
values); without it, how to get the token is said. After the values: a token entered just now
(or an answer a blocked plan needed, such as a Stripe amount) brings the offer once more.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import questionary

from checklists.errors import describe
from screens.plain_prompts import confirm, confirm_async, fail, operation_lines, say
from screens.provision_text import FILLS, OPTIONS, follow_ups, intro, vendors_of

if TYPE_CHECKING:
    from screens.plain import PlainWizard
    from wizard.frontend import FrontEnd
    from wizard.phases import Phase
    from wizard.platforms.provisioning import ResourcePlan

CREATE, PASTE = "create it for me", "paste the values"


def front_end(wizard: PlainWizard, failed: list[str]) -> FrontEnd[ResourcePlan]:
    """The provision operation's callbacks on a plain terminal; its errors go to ``failed``."""
    from screens.provision_text import create_question, plan_lines
    from wizard.frontend import FrontEnd

    def show(plan: ResourcePlan) -> None:
        for line in plan_lines(plan):
            say(f"  {line}")

    async def ask(plans: list[ResourcePlan], extras: list[str]) -> bool:
        for extra in extras:
            say(f"  {extra}")
        # Creates something that may cost money: only an explicit yes goes ahead.
        answer = await confirm_async(create_question(plans), default=False)
        wizard.sent = wizard.sent or answer
        return answer

    return FrontEnd(ask, show, operation_lines(failed))


def missing(wizard: PlainWizard, vendor: str) -> tuple[list[str], list[str]]:
    """(its tokens not set, the values it fills not set)."""
    from wizard.platforms import missing_tokens, row

    platform = row(vendor)
    values = wizard.answers.values([*platform.tokens, *FILLS[vendor]])
    return missing_tokens(platform, values), [n for n in FILLS[vendor] if not values.get(n)]


def before_values(wizard: PlainWizard, phase: Phase) -> dict[str, Attempt]:
    """Ask, per vendor of the phase: create it, or paste the values (said how to get the token
    when it is not set). Each vendor's attempt: what happened and what failed."""
    from wizard.platforms import row

    done: dict[str, Attempt] = {}
    for vendor in vendors_of(phase.id):
        label = row(vendor).label
        tokens, unset = missing(wizard, vendor)
        if not unset:  # every value it fills is set: nothing to ask
            names, verb = " and ".join(FILLS[vendor]), "is" if len(FILLS[vendor]) == 1 else "are"
            say(f"\n{label}: {names} {verb} set already (Create it for me is not needed).")
            done[vendor] = Attempt("pasted")
            continue
        say(f"\n{label}: Create it for me {intro(vendor)}")
        if tokens:
            say(
                f"  {' and '.join(tokens)} {'is' if len(tokens) == 1 else 'are'} not set: enter "
                f"{'it' if len(tokens) == 1 else 'them'} below and it is offered after this "
                "phase's values; or paste the values."
            )
            done[vendor] = Attempt("no-token")
            continue
        choice = questionary.select(
            f"{label}: create it for me, or paste the values?",
            choices=[CREATE, PASTE],
            default=CREATE,
            use_shortcuts=True,  # 1 or 2, then Enter
        ).unsafe_ask()
        done[vendor] = create(wizard, vendor) if choice == CREATE else Attempt("pasted")
    return done


def after_values(wizard: PlainWizard, before: dict[str, Attempt]) -> list[str]:
    """Offer once more what could not be created before the values were asked (its token, or an
    answer its plan needed, was entered since) while something it fills is still missing; the
    failures of each vendor's last attempt, one line each."""
    from wizard.platforms import row

    failed: list[str] = []
    for vendor, attempt in before.items():
        tokens, unset = missing(wizard, vendor)
        if attempt.happened in ("no-token", "blocked") and not tokens and unset:
            label = row(vendor).label
            question = f"Create it for me now ({label}: {', '.join(unset)} not set)?"
            if attempt.happened == "blocked" and attempt.seen == values_seen(wizard):
                # The same values would fail the same way: say so once, don't ask again.
                say(f"{label}: Create it for me is not offered again: no value changed since.")
            elif confirm(question, default=True):
                attempt = create(wizard, vendor)
        failed += attempt.failed
    return failed


def values_seen(wizard: PlainWizard) -> str:
    """A fingerprint of every value (kept in memory only): what a failed attempt could read."""
    import hashlib

    values = sorted(wizard.answers.values().items())
    return hashlib.sha256(repr(values).encode()).hexdigest()


@dataclass
class Attempt:
    #: created | pasted | declined | blocked (a plan needed an answer, or a vendor failed) |
    #: no-token
    happened: str
    #: what failed, one line each (printed as it happened)
    failed: list[str] = field(default_factory=list)
    #: blocked: ``values_seen`` then (offered again after the values only if one changed)
    seen: str = ""


def create(wizard: PlainWizard, vendor: str) -> Attempt:
    """Run the provision operation for ``vendor``, then any follow-up its plan offers (asked
    first)."""
    from wizard.provision import provision

    failed: list[str] = []
    options: dict[str, Any] = {}
    while True:
        try:
            outcome = asyncio.run(
                provision(wizard.answers, [vendor], front_end(wizard, failed), options=options)
            )
        except Exception as exc:
            return Attempt("blocked", [*failed, fail(describe(exc))], values_seen(wizard))
        stored = [n for r in outcome.results for n in r.stored]
        wizard.saved += len(stored)
        if stored:
            say(f"  stored {', '.join(stored)}")
        if outcome.confirmed is False:
            return Attempt("declined")
        offered = [o for o in follow_ups(outcome.plans) if o not in options]
        if not offered or not confirm(OPTIONS[offered[0]], default=False):
            if outcome.ok:
                return Attempt("created", failed)
            return Attempt("blocked", failed, values_seen(wizard))
        options[offered[0]] = True
        failed = []
