"""The post-deploy actions, each one core function both front ends call.

The Stripe webhook lives in ``wizard.webhook`` (also the ``stripe create-webhook`` command);
here: pointing the app at the API's own domain, and sending a Sentry test event. (The site's
domain on Vercel, with DNS records and verification, is ``convoai-setup domain set``.)
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from checklists.catalog import normalise, validate_format
from checklists.errors import ValidationError
from providers.base import CheckResult
from wizard.values import Answers


@dataclass(frozen=True)
class ApiDomainSet:
    domain: str
    #: https://DOMAIN, now APP_URL and VITE_API_URL
    url: str
    #: phases that were done and are stale now (their inputs changed)
    stale: list[str]

    @property
    def message(self) -> str:
        note = f" Now stale: {', '.join(self.stale)}." if self.stale else ""
        return f"APP_URL and VITE_API_URL are now {self.url}.{note}"


def domain_of(text: str) -> str:
    """What people paste for a domain, reduced to the host: ``https://api.x.com/`` ->
    ``api.x.com``."""
    value = normalise(text)
    for scheme in ("https://", "http://"):
        if value.lower().startswith(scheme):
            value = value[len(scheme) :]
    return value.rstrip("/.").lower()  # host names are case-insensitive


def set_api_domain(answers: Answers, text: str) -> ApiDomainSet:
    """Point APP_URL and VITE_API_URL at ``https://DOMAIN`` (the API's domain), both or neither.

    Raises ``ValidationError`` (nothing stored) for something that is not a host name.
    CUSTOM_DOMAIN is the site's domain (``domain set``), so it is not touched here.
    """
    from wizard.done import stale_after_change

    domain = domain_of(text)
    problems = validate_format("CUSTOM_DOMAIN", domain) if domain else ["the domain is empty"]
    if problems:
        raise ValidationError(problems[0] + "; nothing was changed.")
    url = f"https://{domain}"
    before = answers.state_file.read()
    answers.set_many({"APP_URL": url, "VITE_API_URL": url})
    stale = stale_after_change(answers.project, before, answers.state_file.read())
    return ApiDomainSet(domain, url, stale)


async def send_sentry_test_event(
    answers: Answers, timeout: float = 10.0, env: Mapping[str, str] = os.environ
) -> CheckResult:
    """Post one test event to SENTRY_DSN; the result says whether Sentry took it.

    The result is recorded like any check run of the Sentry check, so the phase's status sees
    it at once.
    """
    import asyncio

    from wizard.checks import record_results, run_checks

    state = await asyncio.to_thread(answers.state_file.read)
    values = await asyncio.to_thread(answers.values)
    if not values.get("SENTRY_DSN"):
        return CheckResult(
            "sentry",
            "test event",
            "fail",
            "SENTRY_DSN is not set; enter it first (Sentry: Settings > Client Keys)",
            ("SENTRY_DSN",),
            "post-deploy",
        )
    results = await run_checks(
        values,
        ["post-deploy"],
        timeout,
        env,
        send_test_event=True,
        services=["sentry"],
        project_root=answers.project.root,
    )
    await asyncio.to_thread(record_results, answers.project, results, ["sentry"], state)
    live = [r for r in results if r.service == "sentry"] or results
    worst = next((r for r in live if r.outcome == "fail"), live[0] if live else None)
    if worst is None:
        return CheckResult(
            "sentry", "test event", "fail", "No Sentry check ran.", (), "post-deploy"
        )
    return worst
