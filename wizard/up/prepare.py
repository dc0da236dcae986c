"""Steps 1–4 of ``up``: what the app needs before anything is deployed. Provision what is
missing, generate JWT_SECRET, run the offline rules and the live checks of what exists, apply the
migrations and the Data API grants."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from checklists.advice import do
from checklists.errors import ProviderError, UsageError, ValidationError

if TYPE_CHECKING:
    from providers.base import CheckResult
    from wizard.up import Run

#: live checks of what exists before anything is deployed (the rest are the deploy's own)
CHECKS = ("supabase", "postgres", "upstash", "stripe", "openai", "anthropic", "github")
#: values a later step makes (Render's URL, the webhook's secret): not set yet is no failure
LATER = frozenset({"APP_URL", "VITE_API_URL", "STRIPE_WEBHOOK_SECRET", "FRONTEND_URL"})
#: offline checks of files the files step writes afterwards (from the values found by then)
WRITTEN_LATER = frozenset({"vercel.json"})


# -- 1. provision -----------------------------------------------------------------------------
def _vendors(values: dict[str, str | None]) -> list[str]:
    from wizard.platforms import missing_tokens, with_capability

    return [p.id for p in with_capability("provision") if not missing_tokens(p, values)]


async def _provision(run: Run, dry_run: bool) -> Any:
    from wizard.frontend import FrontEnd
    from wizard.platforms.provisioning import ResourcePlan
    from wizard.provision import provision

    values = await run.values()
    vendors = _vendors(values)
    if not vendors:
        return None
    say = (lambda line, level: None) if dry_run else run.front.say  # the plan says it in one line
    front: FrontEnd[ResourcePlan] = FrontEnd(lambda plans, extras: True, say=say)
    return await provision(
        run.answers, vendors, front, dry_run=dry_run, timeout=run.timeout, env=run.env
    )


async def describe_provision(run: Run) -> tuple[str, bool]:
    outcome = await _provision(run, dry_run=True)
    if outcome is None:
        return "no provisioning token is set: the values are used as stored", False
    creating = [f"{p.vendor} {p.resource}" for p in outcome.plans if p.action == "create"]
    blocked = [f"{p.vendor} {p.resource}: {p.why}" for p in outcome.plans if p.action == "blocked"]
    if blocked:
        return "blocked: " + "; ".join(blocked), False
    found = len(outcome.plans) - len(creating)
    line = f"create {', '.join(creating)}" if creating else "nothing to create"
    return f"{line}; {found} found, their values read back and stored", bool(creating)


async def run_provision(run: Run) -> tuple[str, str]:
    outcome = await _provision(run, dry_run=False)
    if outcome is None:
        return "skipped", "no provisioning token is set"
    if not outcome.ok:
        left = [r.left for r in outcome.results if not r.ok and r.left]
        left += [f"{p.vendor} {p.resource}: {p.why}" for p in outcome.plans if p.why]
        left += [e.line() for _, e in outcome.errors]
        error = UsageError if outcome.exit_code == 2 else ProviderError
        raise error("Provisioning stopped: " + "; ".join(left or ["see above"]))
    made = [f"{p.vendor} {p.resource}" for p in outcome.plans if p.action == "create"]
    run.outcome.created += made
    return ("done", f"created {', '.join(made)}") if made else ("skipped", "everything exists")


# -- 2. JWT_SECRET ----------------------------------------------------------------------------
def _jwt_problem(value: str | None) -> str:
    from checklists.catalog import validate_format

    problems = validate_format("JWT_SECRET", value) if value else []
    return problems[0] if problems else ""


async def describe_jwt(run: Run) -> tuple[str, bool]:
    value = (await run.values()).get("JWT_SECRET")
    if not value:
        return "generate JWT_SECRET", True
    problem = _jwt_problem(value)
    return (f"JWT_SECRET is set but unusable ({problem})", False) if problem else ("set", False)


async def run_jwt(run: Run) -> tuple[str, str]:
    from wizard.generate import jwt_secret

    value = (await run.values()).get("JWT_SECRET")
    if value:
        problem = _jwt_problem(value)
        if problem:
            # Never replaced unasked: the sessions it signs end when it changes.
            raise ValidationError(
                f"JWT_SECRET is set but unusable: {problem}; it was left as it is.",
                f"Replace it ({do('generate jwt-secret', '--store')}: signed-in users sign "
                f"in again), then {do('up')} goes on from here.",
            )
        return "skipped", "JWT_SECRET is set"
    await run.store({"JWT_SECRET": jwt_secret()}, "generated")
    return "done", "generated JWT_SECRET (stored, never shown)"


# -- 3. checks --------------------------------------------------------------------------------
async def describe_checks(run: Run) -> tuple[str, bool]:
    return f"offline rules, then the live checks of {', '.join(CHECKS)}", False


def _later(result: CheckResult) -> bool:
    """A result about what a later step of ``up`` makes: an unset value it sets, or a file it
    writes (judged there, on the values found by then)."""
    from wizard.done import MISSING

    if result.detail == MISSING:
        return set(result.variables) <= LATER
    return result.check in WRITTEN_LATER


async def run_checks(run: Run) -> tuple[str, str]:
    from wizard.checks import record_results
    from wizard.checks import run_checks as checks

    values = await run.values()
    state = await asyncio.to_thread(run.answers.state_file.read)
    root = run.answers.project.root
    results = await checks(values, None, run.timeout, run.env, services=CHECKS, project_root=root)
    results = [r for r in results if not _later(r)]
    await asyncio.to_thread(record_results, run.answers.project, results, list(CHECKS), state)
    failed = [r for r in results if r.outcome == "fail"]
    if failed:
        lines = "; ".join(f"{r.service} {r.check}: {r.message}" for r in failed)
        raise ProviderError(f"{len(failed)} check(s) failed: {lines}")
    passed = sum(r.outcome == "ok" for r in results)
    return "done", f"{passed} checks passed"


# -- 4. migrations ----------------------------------------------------------------------------
async def describe_migrations(run: Run) -> tuple[str, bool]:
    from wizard.migrations import inspect

    url = (await run.values()).get("SUPABASE_DB_URL")
    if not url:
        return "apply the migrations and the Data API grants (once provisioned)", True
    statuses = await asyncio.to_thread(inspect, url, run.answers.project, run.timeout)
    pending = [s for s in statuses if s.status == "pending"]
    if pending:
        return f"apply {len(pending)} pending migration(s), then the Data API grants", True
    return "the migrations are applied; check the Data API grants", False


async def run_migrations(run: Run) -> tuple[str, str]:
    from wizard.data_api_grants import grant
    from wizard.migrations import apply

    url = (await run.values()).get("SUPABASE_DB_URL")
    if not url:
        raise UsageError(
            "SUPABASE_DB_URL is not set, so the migrations cannot run.",
            f"Provision it ({do('provision', 'supabase')}) or {do('vars set', 'SUPABASE_DB_URL')}",
        )
    project = run.answers.project
    report = await asyncio.to_thread(apply, url, project, timeout=run.timeout, check_grants=True)
    if report.error:
        raise ProviderError(report.error, f"Fix the file, then {do('up')} goes on from here.")
    did = [f"applied {len(report.applied)} migration(s)"] if report.applied else []
    found = report.grants
    if found is not None and found.role_exists and not found.ok:
        pending = [s.version for s in report.statuses if s.status == "pending"]
        did.append(await asyncio.to_thread(grant, url, project, found, pending))
    return ("done", "; ".join(did)) if did else ("skipped", "the database is up to date")
