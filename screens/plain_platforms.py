"""``--plain``'s platform steps: compare (``drift``) and push for the phase's platforms, and the
custom domain (Post-deploy). Each calls the same core operation as the CLI (``wizard.drift``,
``wizard.push``, ``wizard.domain``); this module only supplies the plain ``FrontEnd``: the masked
plan printed, a questionary confirm, progress printed line by line.

Which platforms a phase offers comes from the registry (``with_capability("push")`` rows name
their phase), as the TUI's Platform tab does.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from checklists.advice import do
from checklists.errors import describe
from screens.plain_prompts import confirm, confirm_async, fail, operation_lines, say
from wizard.phases import Phase

if TYPE_CHECKING:
    from screens.plain import PlainWizard
    from wizard.frontend import FrontEnd
    from wizard.platforms import Platform
    from wizard.platforms.base import DnsRecord, DomainStatus
    from wizard.platforms.plan import PushPlan

#: seconds between two checks of a new domain's DNS records (``domain set``'s default)
DOMAIN_INTERVAL = 10.0


def push_question(plans: Sequence[PushPlan], extras: Sequence[str], deploy: bool = True) -> str:
    """``Set 3 variable(s) on Render and move Stripe webhook endpoint …, then deploy?``"""
    from wizard.platforms import row

    parts = []
    for plan in plans:
        count, label = len(plan.named("add", "change")), row(plan.destination).label
        what = plan.target.replace(" (to create)", "")
        parts.append(
            f"create {what} on {label} with {count} variables"
            if plan.create
            else f"set {count} variable(s) on {label}"
        )
    question = " and ".join([*parts, *extras])
    then = ", then deploy" if deploy and plans else ""
    return f"{question[:1].upper()}{question[1:]}{then}?"


def front_end(wizard: PlainWizard, failed: list[str]) -> FrontEnd[PushPlan]:
    """The push operation's callbacks on a plain terminal; its errors go to ``failed``."""
    from screens.platform_text import plan_text
    from wizard.frontend import FrontEnd

    def show(plan: PushPlan) -> None:
        say("\n" + plan_text(plan) + "\n")

    async def ask(plans: list[PushPlan], extras: list[str]) -> bool:
        # Writes to production: nothing is sent unless the answer is an explicit yes.
        answer = await confirm_async(push_question(plans, extras), default=False)
        wizard.sent = wizard.sent or answer
        return answer

    return FrontEnd(ask, show, operation_lines(failed))


def platform_steps(wizard: PlainWizard, phase: Phase) -> list[str]:
    """Compare, then push, for every platform the phase's values go to (Render, Vercel)."""
    from wizard.platforms import with_capability

    failed: list[str] = []
    for platform in with_capability("push"):
        if platform.phase == phase.id:
            failed += compare_and_push(wizard, platform)
    return failed


def compare_and_push(wizard: PlainWizard, platform: Platform) -> list[str]:
    from screens.platform_text import drift_summary, drift_text
    from wizard.drift import drift
    from wizard.platforms import missing_tokens
    from wizard.push import push

    label = platform.label
    missing = missing_tokens(platform, wizard.answers.values(platform.tokens))
    if missing:
        say(
            f"\n{label}: {missing[0]} is not set, so there is nothing to compare or push yet "
            f"(set it above, or later: {do('vars set', missing[0])})."
        )
        return []
    say(f"\n{label}: compare this phase's values with what {label} has, then push.")
    if confirm(f"Compare with {label} now (reads {label}; sends nothing)?"):
        try:
            found = asyncio.run(drift(wizard.answers, [platform.id]))
        except Exception as exc:
            return [fail(describe(exc))]
        say("\n" + "\n".join(drift_text(d) for d in found))
        if any(d.error is not None for d in found):
            return [fail(drift_text(d)) for d in found if d.error is not None]
        say("  " + drift_summary(found))
        if all(d.in_sync for d in found):
            return []
    elif not confirm(
        f"Push to {label} now (the masked plan first, then one more question)?", False
    ):
        return []
    failed: list[str] = []
    try:
        outcome = asyncio.run(push(wizard.answers, [platform.id], front_end(wizard, failed)))
    except Exception as exc:
        return [*failed, fail(describe(exc))]
    if not outcome.ok and not failed:
        failed.append(fail(f"the push to {label} did not finish: see above"))
    return failed


def api_domain(app_url: str | None, domain: str) -> str | None:
    """The API's own domain: APP_URL's host, unless that is Render's (``*.onrender.com``)."""
    from wizard.actions import domain_of

    host = domain_of(app_url or "")
    if not host or host.endswith(".onrender.com") or host == domain:
        return None
    return host


def custom_domain(wizard: PlainWizard, phase: Phase) -> list[str]:
    """``domain set CUSTOM_DOMAIN [--api APP_URL's host]``: add, show the DNS records, wait
    until verified (Ctrl-C stops waiting), set the variables and push them (confirmed)."""
    from wizard.domain import set_domain

    names = ["CUSTOM_DOMAIN", "APP_URL", "VERCEL_TOKEN", "VERCEL_PROJECT"]
    values = wizard.answers.values(names)
    domain = values.get("CUSTOM_DOMAIN")
    if not domain:
        return []
    if not values.get("VERCEL_TOKEN") or not values.get("VERCEL_PROJECT"):
        say(
            f"\n{domain} is not added on Vercel from here: VERCEL_TOKEN and VERCEL_PROJECT are "
            f"not set (Vercel phase). Later: {do('domain set', domain)}"
        )
        return []
    api = api_domain(values.get("APP_URL"), domain)
    where = f"{domain} on Vercel" + (f" and {api} on Render" if api else "")
    say(
        f"\nCustom domain: adds {where}, shows the DNS records to create, checks every "
        f"{DOMAIN_INTERVAL:g} s until they are verified (Ctrl-C stops waiting), then sets the "
        "new URLs here and pushes them (you confirm first)."
    )
    if not confirm(f"Set up {where} now?", default=False):
        return []
    failed: list[str] = []
    updated: list[bool] = []

    def on_updated(changed: Mapping[str, str], stale: list[str]) -> None:
        updated.append(True)
        head = "  Verified. " + (
            "Set " + ", ".join(f"{n}={v}" for n, v in changed.items()) + "."
            if changed
            else "The variables already had these values."
        )
        say(head + (f" Now stale: {', '.join(stale)}." if stale else ""))

    try:
        outcome = asyncio.run(
            set_domain(
                wizard.answers,
                domain,
                api,
                front_end(wizard, failed),
                interval=DOMAIN_INTERVAL,
                on_records=show_records,
                on_progress=show_progress,
                on_updated=on_updated,
            )
        )
    except KeyboardInterrupt:
        if updated:  # verified and set here: the interrupt stops the wizard, as anywhere else
            say(f"  Stopped during the push: finish with {do('push')}.")
            raise
        return [
            fail(
                "Stopped waiting. The domains stay added on the platforms; nothing changed "
                "here. Once the DNS records are in place, run this phase again."
            )
        ]
    except Exception as exc:
        return [*failed, fail(describe(exc))]
    pushed = outcome.pushed
    if pushed is not None and pushed.confirmed is False and pushed.commands:
        say("  Not pushed; later: " + "; ".join(pushed.commands))
    for step in outcome.next_steps:
        say(f"  Next: {step}")
    if not outcome.ok and not failed:
        failed.append(fail("the custom domain's follow-ups did not finish: see above"))
    return failed


def show_records(records: list[DnsRecord]) -> None:
    from wizard.console import table

    rows = [[r.platform, r.type, r.name, r.value, r.why] for r in records]
    say("  Create these DNS records at your DNS provider:")
    say(table(["FOR", "TYPE", "NAME", "VALUE", "WHY"], rows))


def show_progress(attempt: int, statuses: Sequence[DomainStatus]) -> None:
    line = "; ".join(
        f"{s.domain} on {s.platform}: "
        + ("verified" if s.verified else f"waiting for {s.waiting_for}")
        for s in statuses
    )
    say(f"  [check {attempt}] {line}")
