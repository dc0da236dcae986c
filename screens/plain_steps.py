"""The plain flow's phase-specific steps: migrations, file writes, post-deploy actions (the
custom domain is in ``screens.plain_platforms``, with push and drift)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import questionary

from checklists.advice import do
from checklists.errors import describe
from screens.plain_prompts import GLYPHS, confirm, fail, say
from wizard.phases import Phase

if TYPE_CHECKING:
    from providers.base import CheckResult
    from screens.plain import PlainWizard


def run_steps(wizard: PlainWizard, phase: Phase) -> list[str]:
    """Run the steps of ``phase`` (``Phase.steps``, in order); returns what failed, one line
    each, printed as it failed."""
    from screens.plain_platforms import custom_domain

    runners: dict[str, Callable[[PlainWizard, Phase], list[str]]] = {
        "migrations": migrations,
        "files": write_files,
        "api-domain": api_domain,
        "custom-domain": custom_domain,
        "stripe-webhook": stripe_webhook,
        "sentry-test-event": sentry_test_event,
        "verify": verify_site,
    }
    failed: list[str] = []
    for step in phase.steps:
        failed += runners[step](wizard, phase)
    return failed


def migrations(wizard: PlainWizard, phase: Phase) -> list[str]:
    from wizard.migrations import MigrationEvent, apply, inspect

    url = wizard.answers.resolve("SUPABASE_DB_URL").value
    if not url:
        return [fail("SUPABASE_DB_URL is not set, so the migrations were not applied")]
    try:
        statuses = inspect(url, wizard.project)
    except Exception as exc:
        return [fail(describe(exc))]
    for s in statuses:
        say(f"  {s.status:8} {s.file.path.name if s.file else s.version}")
    pending = [s for s in statuses if s.status == "pending"]
    if pending and not confirm(f"Apply {len(pending)} pending migrations now?"):
        return [fail(f"{len(pending)} migrations are pending")]

    def show(e: MigrationEvent) -> None:
        if e.stage != "skipped":  # the files already applied are no news
            say(f"  [{e.index}/{e.total}] {e.file.path.name}: {e.stage} {e.message}")

    try:
        # With nothing pending this only reads what service_role may use (one round trip).
        report = apply(url, wizard.project, progress=show, check_grants=True)
    except Exception as exc:
        return [fail(describe(exc))]
    if report.error:
        return [fail(report.error)]
    if pending:
        say(f"  applied {len(report.applied)} files")
    return data_api_grants(wizard, url, report, show)


def data_api_grants(
    wizard: PlainWizard, url: str, report: Any, show: Callable[[Any], None]
) -> list[str]:
    """What service_role lacks after the migrations, and the grants file, confirmed (the same
    ``grant`` call as ``migrate --grants``)."""
    from screens.grants_text import offer
    from wizard.data_api_grants import grant

    offered = offer(wizard.project, report)
    if offered is None:
        return []
    say(f"  ! {offered.lacking()}")
    if not confirm(offered.question()):
        return [fail(f"{offered.found.summary()} (later: {do('migrate', '--grants')})")]
    try:
        line = grant(url, wizard.project, offered.found, offered.pending, show)
    except Exception as exc:
        return [fail(describe(exc))]
    say(f"  {line}.")
    return []


def write_files(wizard: PlainWizard, phase: Phase) -> list[str]:
    from wizard.outputs import apply, plan

    try:
        changes = plan(wizard.project, wizard.answers.values(), list(phase.writes))
    except Exception as exc:
        return [fail(describe(exc))]
    todo = [c for c in changes if c.status != "unchanged"]
    if not todo:
        say("  " + ", ".join(c.relpath for c in changes) + " up to date")
        return []
    for change in todo:
        say(f"\n  {change.relpath}: {change.status}")
        say(change.diff)
    names = ", ".join(c.relpath for c in todo)
    if not confirm(f"Write {names}?"):
        return [fail(f"{names} not written")]
    force = False
    if any(c.status == "conflict" for c in todo):
        force = confirm("Overwrite the hand-edited file (a .bak copy is kept)?", default=False)
        if not force:
            return [fail(f"{names} not written (edited by hand)")]
    try:
        written = apply(wizard.project, changes, force=force)
    except Exception as exc:
        return [fail(describe(exc))]
    say("  wrote " + (", ".join(c.relpath for c in written) or "nothing"))
    return []


def api_domain(wizard: PlainWizard, phase: Phase) -> list[str]:
    """The API's own domain: APP_URL and VITE_API_URL become https://DOMAIN (both or neither).

    Not CUSTOM_DOMAIN, which is the site's domain on Vercel (asked with the phase's values).
    """
    from wizard.actions import domain_of, set_api_domain

    def check(text: str) -> bool | str:
        domain = domain_of(text)
        if not domain:
            return True
        from checklists.catalog import validate_format

        problems = validate_format("CUSTOM_DOMAIN", domain)
        return problems[0] if problems else True

    current = wizard.answers.resolve("APP_URL").value or ""
    say(f"\nThe API's own domain (optional): APP_URL and VITE_API_URL are {current or 'not set'}.")
    ask = "API domain, e.g. api.example.com (Enter keeps them):"
    text = questionary.text(ask, validate=check).unsafe_ask() or ""
    if not domain_of(text):
        return []
    try:
        done = set_api_domain(wizard.answers, text)
    except Exception as exc:
        return [fail(describe(exc))]
    wizard.saved += 2
    say(f"  {done.message}")
    return []


def stripe_webhook(wizard: PlainWizard, phase: Phase) -> list[str]:
    from wizard.webhook import create_and_store

    if not confirm("Create the Stripe webhook endpoint through the API?", default=False):
        return []
    try:
        outcome = asyncio.run(create_and_store(wizard.answers))
    except Exception as exc:
        return [fail(describe(exc))]
    if outcome.created:
        wizard.saved += 1
    say(f"  {outcome.message}")
    return []


def sentry_test_event(wizard: PlainWizard, phase: Phase) -> list[str]:
    from wizard.actions import send_sentry_test_event

    if not wizard.answers.resolve("SENTRY_DSN").value:
        return []
    if not confirm("Send a Sentry test event?", default=False):
        return []
    try:
        result = asyncio.run(send_sentry_test_event(wizard.answers))
    except Exception as exc:
        return [fail(describe(exc))]
    if result.outcome == "fail":
        return [fail(result.message)]
    say(f"  {result.outcome}: {result.message}")
    return []


def verify_site(wizard: PlainWizard, phase: Phase) -> list[str]:
    """``verify``: the live site's smoke test (``wizard.verify``), results recorded like
    ``check``'s. Offered once there is an APP_URL to test."""
    from wizard.checks import record_results
    from wizard.verify import run_verify

    if not wizard.answers.resolve("APP_URL").value:
        return []
    question = (
        "Smoke test the live site now (backend, SPA fallback, API proxy, widget headers, "
        "certificates)?"
    )
    if not confirm(question, default=False):
        return []
    webhook = confirm(
        "Also POST a signed Stripe test event (of a type the app ignores) to the webhook?",
        default=False,
    )

    def show(result: CheckResult) -> None:
        say(f"  {GLYPHS.get(result.outcome, '?')} {result.check}: {result.message}")

    try:
        values = wizard.answers.values()
        report = asyncio.run(run_verify(values, send_test_webhook=webhook, on_result=show))
        record_results(wizard.project, report.results)
    except Exception as exc:
        return [fail(describe(exc))]
    head, *_ = report.summary().splitlines()
    if not report.ok:
        return [fail(head)]
    say(f"  {head}")
    return []
