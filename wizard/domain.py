"""``domain set``: the plan's section 6.2 (custom domain), automated.

Adds DOMAIN to the Vercel project (and API_DOMAIN, if given, to the Render service), hands the
DNS records to create to the caller, polls both platforms until they verify the domains, then
updates CUSTOM_DOMAIN, FRONTEND_URL and (with API_DOMAIN) APP_URL / VITE_API_URL, reports the
phases that became stale, and calls ``push_changed_variables_and_move_webhook``: the changed
Render / Vercel variables are pushed (after a confirmation) and the Stripe webhook endpoint moves.
Adding is idempotent, so stopping (Ctrl-C) and re-running later is always safe.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from checklists.catalog import normalise, validate_format
from providers.base import CheckContext, ProviderError
from providers.domains import (
    DnsRecord,
    DomainStatus,
    MissingSetting,
    Render,
    Vercel,
    vercel_records,
)
from wizard.errors import UsageError
from wizard.values import Answers

WEBHOOK_PATH = "/api/subscriptions/webhook"

if TYPE_CHECKING:
    from wizard.domain_push import Confirm, FollowUp
    from wizard.push import DestPlan


@dataclass
class DomainOutcome:
    verified: bool
    records: list[DnsRecord]
    #: name -> new value of every variable that changed (empty unless verified)
    changed: dict[str, str] = field(default_factory=dict)
    #: phases that were done and are stale now
    stale: list[str] = field(default_factory=list)
    #: what the user should run next
    next_steps: list[str] = field(default_factory=list)
    #: the push / webhook follow-ups (None: nothing changed, so nothing to follow up)
    follow_up: FollowUp | None = None


def clean_domain(raw: str, what: str) -> str:
    """``https://App.Example.com/`` -> ``app.example.com``; a usage error when it is no host."""
    domain = normalise(raw).lower().removeprefix("https://").removeprefix("http://").rstrip("/.")
    problems = validate_format("CUSTOM_DOMAIN", domain)
    if problems:
        raise UsageError(
            f"{what} {raw!r} is not a host name: {problems[0].split(' should ', 1)[-1]}; "
            "nothing was changed."
        )
    return domain


def new_values(domain: str, api_domain: str | None) -> dict[str, str]:
    """The variables a verified domain (and API domain) set."""
    out = {"CUSTOM_DOMAIN": domain, "FRONTEND_URL": f"https://{domain}"}
    if api_domain:
        out |= {"APP_URL": f"https://{api_domain}", "VITE_API_URL": f"https://{api_domain}"}
    return out


def update_variables(
    answers: Answers, values: Mapping[str, str]
) -> tuple[dict[str, str], list[str]]:
    """Store ``values``; (the ones that changed, the phases that became stale)."""
    from wizard.done import stale_after_change

    current = answers.values(values)
    changed = {n: v for n, v in values.items() if current.get(n) != v}
    if not changed:
        return {}, []
    before = answers.state_file.read()
    answers.set_many(changed, source="entered")
    return changed, stale_after_change(answers.project, before, answers.state_file.read())


def next_steps(changed: Mapping[str, str]) -> list[str]:
    """What is left for the person after the follow-ups (files in git, the smoke test)."""
    steps: list[str] = []
    if "APP_URL" in changed:
        steps.append(
            "convoai-setup write vercel   (vercel.json's /api rewrites follow APP_URL); "
            "commit and push it"
        )
    steps.append("convoai-setup verify --send-test-webhook   (proves the site on its new address)")
    return steps


async def push_changed_variables_and_move_webhook(
    answers: Answers,
    changed: Mapping[str, str],
    *,
    confirm: Confirm | None = None,
    show: Callable[[DestPlan], None] = lambda plan: None,
    progress: Callable[[str], None] = lambda line: None,
    deploy: bool = True,
    env: Mapping[str, str] = os.environ,
    timeout: float = 20.0,
) -> FollowUp:
    """THE call point for "push the changed variables and move the Stripe webhook".

    The changed Render / Vercel variables go through ``push``'s core (masked plan via ``show``,
    ``confirm``, upserts with read-back, deploy followed via ``progress``); the remembered
    Stripe endpoint is moved to the new APP_URL. ``confirm`` None (no terminal, no --yes):
    nothing is sent and ``FollowUp.commands`` holds what to run. See ``wizard.domain_push``.
    """
    from wizard.domain_push import follow_up

    return await follow_up(
        answers,
        changed,
        confirm=confirm,
        show=show,
        progress=progress,
        deploy=deploy,
        env=env,
        timeout=timeout,
    )


Progress = Callable[[int, Sequence[DomainStatus]], None]


async def set_domain(
    answers: Answers,
    domain: str,
    api_domain: str | None = None,
    *,
    env: Mapping[str, str] = os.environ,
    timeout: float = 20.0,
    interval: float = 10.0,
    max_wait: float | None = None,
    on_records: Callable[[list[DnsRecord]], None] | None = None,
    on_progress: Progress | None = None,
    confirm: Confirm | None = None,
    show_plan: Callable[[DestPlan], None] = lambda plan: None,
    on_deploy: Callable[[str], None] = lambda line: None,
    deploy: bool = True,
    on_updated: Callable[[Mapping[str, str], list[str]], None] | None = None,
) -> DomainOutcome:
    """Add, show records, poll until verified (or ``max_wait`` s), then update the variables
    and follow up (``push_changed_variables_and_move_webhook``, with ``confirm`` etc.)."""
    from providers.http import make_client

    domain = clean_domain(domain, "DOMAIN")
    api_domain = clean_domain(api_domain, "API_DOMAIN") if api_domain else None
    if api_domain == domain:
        raise UsageError(
            "DOMAIN and --api must differ: the site proxies /api to the API's domain; "
            "nothing was changed."
        )
    values = answers.values()
    async with make_client(env, timeout) as client:
        ctx = CheckContext(values, client, timeout, env)
        try:
            vercel = Vercel(ctx, values)
            render = Render(ctx, values) if api_domain else None
            added = await vercel.add_domain(domain)
            records = vercel_records(domain, added, await vercel.config(domain))
            if render is not None and api_domain:
                records += render.records(api_domain, await render.add_domain(api_domain))
            if on_records is not None:
                on_records(records)
            verified = await _poll(
                vercel, render, domain, api_domain, interval, max_wait, on_progress
            )
        except MissingSetting as exc:
            raise UsageError(exc.message + " Nothing was changed.", exc.hint) from None
        except ProviderError as exc:
            raise ProviderError(exc.message + " Nothing was changed locally.", exc.hint) from None
    if not verified:
        return DomainOutcome(False, records)
    changed, stale = update_variables(answers, new_values(domain, api_domain))
    if not changed:
        return DomainOutcome(True, records)
    if on_updated is not None:
        on_updated(changed, stale)
    done = await push_changed_variables_and_move_webhook(
        answers,
        changed,
        confirm=confirm,
        show=show_plan,
        progress=on_deploy,
        deploy=deploy,
        env=env,
        timeout=timeout,
    )
    return DomainOutcome(True, records, changed, stale, next_steps(changed), done)


async def _poll(
    vercel: Vercel,
    render: Render | None,
    domain: str,
    api_domain: str | None,
    interval: float,
    max_wait: float | None,
    on_progress: Progress | None,
) -> bool:
    """True once every domain is verified; False when ``max_wait`` runs out first."""
    deadline = None if max_wait is None else time.monotonic() + max_wait
    attempt = 0
    while True:
        attempt += 1
        checks = [vercel.status(domain)]
        if render is not None and api_domain:
            checks.append(render.status(api_domain))
        statuses = list(await asyncio.gather(*checks))
        if on_progress is not None:
            on_progress(attempt, statuses)
        if all(s.verified for s in statuses):
            return True
        if deadline is not None and time.monotonic() + interval > deadline:
            return False
        await asyncio.sleep(interval)
