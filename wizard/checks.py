"""The check runner shared by ``convoai-setup check`` and the TUI.

Offline checks (catalog formats, cross-variable rules, vercel.json) run first; then every live
check of the chosen phases runs concurrently on one ``httpx.AsyncClient``, each under a
``Deadline`` (see ``providers.base``) so a silent server can never hang a run. Nothing here
changes a value.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from checklists.catalog import catalog, validate_format
from providers.base import CURRENT_DEADLINE, CheckContext, CheckResult, Deadline, Stopwatch
from providers.registry import BY_ID, PROVIDERS, Provider
from wizard.phases import PHASE_IDS, get_phase, missing_inputs, record_outcome
from wizard.project import Project
from wizard.state import StateFile, now_iso

Values = Mapping[str, str | None]
#: phases with no file output: passing their checks is what completes them
CHECK_COMPLETED_PHASES = ("upstash", "post-deploy")


#: ``CheckResult.detail`` of a required value that is simply not set yet
MISSING = "missing"


def select_services(phases: Sequence[str] | None) -> list[str]:
    """Registry ids of the live checks that belong to ``phases`` (all when None or empty)."""
    return [p.id for p in PROVIDERS if not phases or p.phase in phases]


def _vite_sources(env: Mapping[str, str], project_root: Path | None) -> list[dict[str, str]]:
    """VITE_* names outside the catalog: the environment and the project's .env."""
    sources = [{k: v for k, v in env.items() if k.startswith("VITE_")}]
    dotenv = project_root / ".env" if project_root else None
    if dotenv is not None and dotenv.is_file():
        from dotenv import dotenv_values

        sources.append({k: v for k, v in dotenv_values(dotenv).items() if k.startswith("VITE_") and v})  # fmt: skip
    return sources


def offline_results(
    values: Values,
    phases: Sequence[str] | None,
    *,
    env: Mapping[str, str] | None = None,
    project_root: Path | None = None,
) -> list[CheckResult]:
    """Format and cross-variable problems of the chosen phases; no network, never raises.

    Only problems are reported (a passing format is not news). The leak guard runs whatever
    the phases: a secret in a VITE_* value is public the moment the frontend builds.
    """
    from providers.app import check_vercel_json
    from providers.rules import apply_rules, vite_leaks

    chosen = set(phases or PHASE_IDS)
    out = [r for r in apply_rules(values) if r.phase in chosen or r.check.startswith("leak")]
    seen = {r.check for r in out}
    for source in _vite_sources(env or {}, project_root):
        out += [r for r in vite_leaks(source) if r.check not in seen]
        seen |= {r.check for r in out}
    # A rule's message is more specific than the generic format message for its subject.
    explained = {r.variables[0] for r in out if r.outcome == "fail" and r.variables}
    for var in catalog().values():
        if var.phase not in chosen or var.name in explained:
            continue
        value = values.get(var.name)
        service = var.checks[0] if var.checks else "config"
        if not value:
            if var.required:
                out.append(CheckResult(service, f"{var.name} set", "fail",
                                       f"{var.name} is not set: convoai-setup vars set {var.name} (find it at: {var.where})",
                                       (var.name,), var.phase, MISSING))  # fmt: skip
            continue
        problems = validate_format(var.name, value)
        if problems:
            more = f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""
            out.append(CheckResult(service, f"{var.name} format", "fail", problems[0] + more, (var.name,), var.phase))  # fmt: skip
    if "vercel" in chosen:
        out += check_vercel_json(values, project_root)
    return out


def _skip(p: Provider, message: str) -> CheckResult:
    return CheckResult(p.service, "live", "skip", message, p.requires, p.phase)


#: seconds a check gets, after its deadline interrupted its requests, to return its results
GRACE = 1.0


async def _run_one(p: Provider, ctx: CheckContext) -> list[CheckResult]:
    watch = Stopwatch()
    try:
        check = p.load()
    except (ImportError, AttributeError):
        return [_skip(p, f"the {p.id} check is not available in this version")]
    deadline = Deadline(ctx.timeout)

    async def bounded() -> list[CheckResult]:
        CURRENT_DEADLINE.set(deadline)  # this task's context only
        return await check(ctx)

    task = asyncio.ensure_future(bounded())
    try:
        done, _ = await asyncio.wait({task}, timeout=ctx.timeout)
        if not done:
            deadline.expire()  # the check turns its interrupted requests into its own results
            done, _ = await asyncio.wait({task}, timeout=GRACE)
    except asyncio.CancelledError:
        task.cancel()
        raise
    if not done or task.cancelled():
        task.cancel()
        return [CheckResult(p.service, "live", "fail",
                            f"{p.service} did not answer within {ctx.timeout:g}s; retry, or raise --timeout",
                            p.requires, p.phase, ms=watch.ms)]  # fmt: skip
    try:
        return task.result()
    except Exception as exc:  # a bug in one check must not sink the run or print a traceback
        return [CheckResult(p.service, "live", "fail",
                            f"the {p.id} check stopped unexpectedly ({type(exc).__name__}); report it",
                            p.requires, p.phase, ms=watch.ms)]  # fmt: skip


async def run_checks(
    values: Values,
    phases: Sequence[str] | None = None,
    timeout: float = 10.0,
    env: Mapping[str, str] = os.environ,
    send_test_event: bool = False,
    on_result: Callable[[CheckResult], None] | None = None,
    *,
    project_root: Path | None = None,
    services: Sequence[str] | None = None,
) -> list[CheckResult]:
    """Offline results, then every live check at once; ``on_result`` sees each as it lands."""
    from providers.http import make_client

    results: list[CheckResult] = []

    def emit(result: CheckResult) -> None:
        results.append(result)
        if on_result is not None:
            on_result(result)

    offline = offline_results(values, phases, env=env, project_root=project_root)
    for result in offline:
        emit(result)
    broken = {n for r in offline if r.outcome == "fail" for n in r.variables}
    async with make_client(env, timeout * 0.9) as client:
        ctx = CheckContext(values, client, timeout, env, send_test_event, project_root)
        pending = []
        for pid in services if services is not None else select_services(phases):
            p = BY_ID[pid]
            missing = [n for n in p.requires if not values.get(n)]
            invalid = [n for n in p.requires if n in broken]
            if missing:
                note = " (optional)" if p.optional else ""
                emit(_skip(p, f"{', '.join(missing)} not set{note}"))
            elif invalid:
                emit(_skip(p, f"fix {', '.join(invalid)} first (see above)"))
            else:
                pending.append(asyncio.ensure_future(_run_one(p, ctx)))
        for finished in asyncio.as_completed(pending):
            for result in await finished:
                emit(result)
    return results


def record_results(project: Project, results: Sequence[CheckResult]) -> None:
    """Record outcomes (never values) in the state, and what they mean for each phase."""
    with StateFile(project).update() as state:
        at = now_iso()
        checks = state.setdefault("checks", {})
        for r in results:
            key = f"{r.service}.{r.check}"
            if r.outcome == "skip":
                # A skipped check verifies nothing: drop what an earlier run said about it.
                checks.pop(key, None)
                continue
            checks[key] = {
                "service": r.service, "check": r.check, "phase": r.phase, "outcome": r.outcome,
                "message": r.message, "variables": list(r.variables), "at": at,
            }  # fmt: skip
        for phase_id in dict.fromkeys(r.phase for r in results if r.phase in PHASE_IDS):
            mine = [r for r in results if r.phase == phase_id]
            failed = [r for r in mine if r.outcome == "fail"]
            if failed and all(r.detail == MISSING for r in failed):
                continue  # values not entered yet: the phase is unfinished, not failed
            if failed:
                record_outcome(project, state, phase_id, ok=False, message=failed[0].message)
                continue
            if phase_id not in CHECK_COMPLETED_PHASES or not any(r.outcome == "ok" for r in mine):
                continue
            if not missing_inputs(state, get_phase(phase_id)):
                record_outcome(project, state, phase_id, ok=True)
