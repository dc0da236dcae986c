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
from typing import TYPE_CHECKING

from checklists.advice import do
from checklists.catalog import catalog, validate_format
from providers.base import CURRENT_DEADLINE, CheckContext, CheckResult, Deadline, Stopwatch
from providers.registry import BY_ID, PROVIDERS, Provider
from wizard.done import (
    MISSING,
    PhaseStatus,
    phase_status,
    record_check_run,
    settle,
    world_of,
)
from wizard.phases import PHASE_IDS, get_phase
from wizard.project import Project
from wizard.state import StateData, StateFile, now_iso

if TYPE_CHECKING:
    from wizard.values import Answers

Values = Mapping[str, str | None]


def select_services(phases: Sequence[str] | None) -> list[str]:
    """Registry ids of the live checks that belong to ``phases`` (all when None or empty)."""
    return [p.id for p in PROVIDERS if not phases or p.phase in phases]


def _vite_sources(env: Mapping[str, str], project_root: Path | None) -> list[dict[str, str]]:
    """VITE_* names outside the catalog: the environment and the project's .env."""
    sources = [{k: v for k, v in env.items() if k.startswith("VITE_")}]
    dotenv = project_root / ".env" if project_root else None
    if dotenv is not None and dotenv.is_file():
        from dotenv import dotenv_values

        sources.append(
            {
                k: v
                for k, v in dotenv_values(dotenv, interpolate=False).items()
                if k.startswith("VITE_") and v
            }
        )
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
                out.append(
                    CheckResult(
                        service,
                        f"{var.name} set",
                        "fail",
                        f"{var.name} is not set: {do('vars set', var.name)} (find "
                        f"it at: {var.where})",
                        (var.name,),
                        var.phase,
                        MISSING,
                    )
                )
            continue
        problems = validate_format(var.name, value)
        if problems:
            more = f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""
            out.append(
                CheckResult(
                    service,
                    f"{var.name} format",
                    "fail",
                    problems[0] + more,
                    (var.name,),
                    var.phase,
                )
            )
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
        return [
            CheckResult(
                p.service,
                "live",
                "fail",
                f"{p.service} did not answer within {ctx.timeout:g}s; retry, or raise --timeout",
                p.requires,
                p.phase,
                ms=watch.ms,
            )
        ]
    try:
        return task.result()
    except Exception as exc:  # a bug in one check must not sink the run or print a traceback
        return [
            CheckResult(
                p.service,
                "live",
                "fail",
                f"the {p.id} check stopped unexpectedly ({type(exc).__name__}); report it",
                p.requires,
                p.phase,
                ms=watch.ms,
            )
        ]


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


def record_results(
    project: Project,
    results: Sequence[CheckResult],
    services: Sequence[str] | None = None,
    basis: StateData | None = None,
) -> None:
    """Record outcomes (never values), each with the digests of the values it checked.

    ``services``: the live checks that ran (default: every one of the results' phases);
    ``basis``: the state the checked values were read from (default: the state now).
    """
    from providers.registry import BY_ID

    ran = (
        list(services)
        if services is not None
        else select_services(sorted({r.phase for r in results if r.phase in PHASE_IDS}) or ["-"])
    )
    with StateFile(project).update() as state:
        base = basis if basis is not None else state
        at = now_iso()
        checks = state.setdefault("checks", {})
        mine = {
            pid: [
                r for r in results if (r.service, r.phase) == (BY_ID[pid].service, BY_ID[pid].phase)
            ]
            for pid in ran
        }
        owned = {id(r): pid for pid, rs in mine.items() for r in rs}
        for r in results:
            key = f"{r.service}.{r.check}"
            if r.outcome == "skip":
                # A skipped check verifies nothing: drop what an earlier run said about it.
                checks.pop(key, None)
                continue
            checks[key] = {
                "service": r.service,
                "check": r.check,
                "phase": r.phase,
                "outcome": r.outcome,
                "message": r.message,
                "variables": list(r.variables),
                "at": at,
                "detail": r.detail,
                "provider": owned.get(id(r), ""),
                "inputs": dict(sorted(_digests(base, r.variables).items())),
                "world": world_of(base, owned.get(id(r), "")),
            }
        for pid, rs in mine.items():
            failed = [r for r in rs if r.outcome == "fail" and r.detail != MISSING]
            if any(r.detail == MISSING for r in rs) and not failed:
                continue  # a required value is not set yet: nothing was verified
            outcome = (
                "fail"
                if failed
                else "ok"
                if any(r.outcome in ("ok", "warn") for r in rs)
                else "skip"
            )
            record_check_run(state, BY_ID[pid], outcome, failed[0].message if failed else "", base)
        settle(project, state)


def _digests(state: StateData, names: Sequence[str]) -> dict[str, str | None]:
    from wizard.phases import value_digests

    return value_digests(state, names)


def stale_services(project: Project, state: StateData, phase_id: str) -> list[str]:
    """Live checks of the phase without a passing run on the current values."""
    from providers.registry import BY_ID
    from wizard.done import run_current

    out = []
    for pid in get_phase(phase_id).services:
        p, run = BY_ID[pid], state.get("check_runs", {}).get(pid)
        if not run or not run_current(run, state, p) or run.get("outcome") == "fail":
            out.append(pid)
    return out


async def finish_phase(
    answers: Answers,
    phase_id: str,
    *,
    timeout: float = 10.0,
    env: Mapping[str, str] = os.environ,
    on_result: Callable[[CheckResult], None] | None = None,
) -> PhaseStatus:
    """Done / Finish, in every front end: verify, then say where the phase stands.

    Checks without a passing result on the current values (never run, run on values that
    changed since, or failed) run again now instead of being read from before; files that are
    already exactly what the current values produce are recorded as current. The status is then
    the one rule's (``wizard.done``), so a phase is never called done on old evidence.
    """
    project, phase = answers.project, get_phase(phase_id)
    state = await asyncio.to_thread(answers.state_file.read)
    rerun = stale_services(project, state, phase_id)
    if rerun:
        values = await asyncio.to_thread(answers.values)
        results = await run_checks(
            values,
            [phase_id],
            timeout,
            env,
            on_result=on_result,
            project_root=project.root,
            services=rerun,
        )
        await asyncio.to_thread(record_results, project, results, rerun, state)
    if phase.writes:
        await asyncio.to_thread(_confirm_files, answers, phase.writes)

    def settled() -> PhaseStatus:
        with answers.state_file.update() as now:
            settle(project, now)
            return phase_status(project, now, phase)

    return await asyncio.to_thread(settled)


def _confirm_files(answers: Answers, targets: Sequence[str]) -> None:
    """Record files that already hold what the current values render (nothing is written)."""
    from checklists.catalog import catalog
    from wizard.outputs import apply, plan

    names = [v.name for v in catalog().values() if not v.secret]
    changes = plan(answers.project, answers.values(names), list(targets))
    current = [c for c in changes if c.status == "unchanged"]
    if current:
        apply(answers.project, current)
