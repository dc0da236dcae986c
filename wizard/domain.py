"""``domain set``: the plan's section 6.2 (custom domain), automated, for every front end.

Adds DOMAIN to the Vercel project (and API_DOMAIN, if given, to the Render service: the one
push writes to), hands the DNS records to create to the caller, polls both platforms until they
verify the domains, then sets CUSTOM_DOMAIN, FRONTEND_URL and (with API_DOMAIN) APP_URL /
VITE_API_URL here and runs the push operation (``wizard.push``) for those variables: it compares
with what the platforms have, so running ``domain set`` again finishes a push that was declined,
and the Stripe webhook endpoint follows APP_URL. Adding is idempotent, so stopping (Ctrl-C, Esc)
and re-running later is always safe.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from checklists.advice import do
from checklists.catalog import catalog, normalise, validate_format
from checklists.errors import ProviderError, UsageError
from wizard.platforms import with_capability
from wizard.platforms.base import DnsRecord, DomainStatus, HasDomains
from wizard.values import Answers

if TYPE_CHECKING:
    from wizard.frontend import FrontEnd
    from wizard.platforms.plan import PushPlan
    from wizard.push import PushOutcome

Progress = Callable[[int, Sequence[DomainStatus]], None]


@dataclass
class DomainOutcome:
    verified: bool
    records: list[DnsRecord]
    #: name -> new value of every variable that changed here (empty unless verified)
    changed: dict[str, str] = field(default_factory=dict)
    #: phases that were done and are stale now
    stale: list[str] = field(default_factory=list)
    #: what the user should run next
    next_steps: list[str] = field(default_factory=list)
    #: the push of the domain's variables (None: no platform receives them)
    pushed: PushOutcome | None = None

    @property
    def ok(self) -> bool:
        return self.verified and (self.pushed is None or self.pushed.ok)


def clean_domain(raw: str, what: str) -> str:
    """``https://App.Example.com/`` -> ``app.example.com``; a usage error when it is no host."""
    domain = normalise(raw).lower().removeprefix("https://").removeprefix("http://").rstrip("/.")
    problems = validate_format("CUSTOM_DOMAIN", domain)
    if problems:
        why = problems[0].split(" should ", 1)[-1]
        raise UsageError(f"{what} {raw!r} is not a host name: {why}; nothing was changed.")
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
    """What is left for the person after the push (files in git, the smoke test)."""
    steps: list[str] = []
    if "APP_URL" in changed:
        steps.append(
            f"{do('write', 'vercel')}   (vercel.json's /api rewrites follow APP_URL); commit "
            "and push it"
        )
    steps.append(f"{do('verify', '--send-test-webhook')}   (proves the site on its new address)")
    return steps


def receivers(names: Sequence[str]) -> list[str]:
    """The platforms that receive any of ``names``, in the registry's order."""
    wanted = {d for n in names for d in catalog()[n].destinations}
    return [p.id for p in with_capability("push") if p.id in wanted]


def _require(values: Mapping[str, str | None], api_domain: str | None) -> None:
    if not values.get("VERCEL_TOKEN") or not values.get("VERCEL_PROJECT"):
        raise UsageError(
            "VERCEL_TOKEN and VERCEL_PROJECT are needed to use the Vercel API; nothing was "
            "changed.",
            f"Set them: {do('vars set', 'VERCEL_TOKEN')}, then "
            f"{do('vars set', 'VERCEL_PROJECT', 'NAME')}",
        )
    if api_domain and not values.get("RENDER_API_KEY"):
        raise UsageError(
            "RENDER_API_KEY is needed to add the API domain on Render; nothing was changed.",
            f"Set it: {do('vars set', 'RENDER_API_KEY')}",
        )


async def set_domain(
    answers: Answers,
    domain: str,
    api_domain: str | None,
    front: FrontEnd[PushPlan],
    *,
    env: Mapping[str, str] = os.environ,
    timeout: float = 20.0,
    interval: float = 10.0,
    max_wait: float | None = None,
    on_records: Callable[[list[DnsRecord]], None] = lambda records: None,
    on_progress: Progress = lambda attempt, statuses: None,
    on_updated: Callable[[Mapping[str, str], list[str]], None] = lambda changed, stale: None,
    deploy: bool = True,
) -> DomainOutcome:
    """Add, show records, poll until verified (or ``max_wait`` s), then set the variables and
    push them (``front`` confirms, shows and says, as for ``push``)."""
    from wizard.platforms.remembered import known
    from wizard.platforms.session import Session
    from wizard.push import push

    domain = clean_domain(domain, "DOMAIN")
    api_domain = clean_domain(api_domain, "API_DOMAIN") if api_domain else None
    if api_domain == domain:
        raise UsageError(
            "DOMAIN and --api must differ: the site proxies /api to the API's domain; nothing "
            "was changed."
        )
    values = await asyncio.to_thread(answers.values)
    _require(values, api_domain)
    memory = await asyncio.to_thread(known, answers.project)
    async with Session(values, timeout, env, memory) as session:
        wanted: list[tuple[HasDomains, str]] = [(session.adapter("vercel"), domain)]
        if api_domain:
            wanted.append((session.adapter("render"), api_domain))
        try:
            records = [r for adapter, name in wanted for r in await adapter.add_domain(name)]
            on_records(records)
            verified = await _poll(wanted, interval, max_wait, on_progress)
        except ProviderError as exc:
            raise ProviderError(exc.message + " Nothing was changed locally.", exc.hint) from None
    if not verified:
        return DomainOutcome(False, records)
    settings = new_values(domain, api_domain)
    changed, stale = await asyncio.to_thread(update_variables, answers, settings)
    on_updated(changed, stale)
    outcome = DomainOutcome(True, records, changed, stale, next_steps(settings))
    targets = receivers(list(settings))
    if targets:
        outcome.pushed = await push(
            answers,
            targets,
            front,
            only=list(settings),
            deploy=deploy,
            create=False,
            timeout=timeout,
            env=env,
            by="domain set",
        )
    return outcome


async def _poll(
    wanted: list[tuple[HasDomains, str]],
    interval: float,
    max_wait: float | None,
    on_progress: Progress,
) -> bool:
    """True once every domain is verified; False when ``max_wait`` runs out first."""
    deadline = None if max_wait is None else time.monotonic() + max_wait
    attempt = 0
    while True:
        attempt += 1
        statuses = list(await asyncio.gather(*(a.domain_status(d) for a, d in wanted)))
        on_progress(attempt, statuses)
        if all(s.verified for s in statuses):
            return True
        if deadline is not None and time.monotonic() + interval > deadline:
            return False
        await asyncio.sleep(interval)
