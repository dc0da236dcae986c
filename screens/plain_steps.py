"""The plain flow's phase-specific steps: migrations, file writes, post-deploy actions."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from checklists.catalog import Variable
from screens.plain import confirm, fail
from wizard.phases import Phase

if TYPE_CHECKING:
    from screens.plain import PlainWizard


def run_steps(wizard: PlainWizard, phase: Phase) -> list[str]:
    """Run the steps of ``phase``; returns what failed (one line each, printed as it failed)."""
    failed: list[str] = []
    if phase.id == "supabase":
        failed += migrations(wizard)
    if phase.writes:
        failed += write_files(wizard, phase)
    if phase.id == "post-deploy":
        failed += post_deploy(wizard)
    return failed


def migrations(wizard: PlainWizard) -> list[str]:
    from wizard.migrations import MigrationEvent, apply, inspect

    url = wizard.answers.resolve("SUPABASE_DB_URL").value
    if not url:
        return [fail("SUPABASE_DB_URL is not set, so the migrations were not applied")]
    try:
        statuses = inspect(url, wizard.project)
    except Exception as exc:
        return [fail(_line(exc))]
    for s in statuses:
        print(f"  {s.status:8} {s.file.path.name if s.file else s.version}")
    pending = [s for s in statuses if s.status == "pending"]
    if not pending:
        return []
    if not confirm(f"Apply {len(pending)} pending migrations now?"):
        return [fail(f"{len(pending)} migrations are pending")]

    def show(e: MigrationEvent) -> None:
        print(f"  [{e.index}/{e.total}] {e.file.path.name}: {e.stage} {e.message}")

    try:
        report = apply(url, wizard.project, progress=show)
    except Exception as exc:
        return [fail(_line(exc))]
    if report.error:
        return [fail(report.error)]
    print(f"  applied {len(report.applied)} files")
    return []


def write_files(wizard: PlainWizard, phase: Phase) -> list[str]:
    from wizard.outputs import apply, plan

    try:
        changes = plan(wizard.project, wizard.answers.values(), list(phase.writes))
    except Exception as exc:
        return [fail(_line(exc))]
    todo = [c for c in changes if c.status != "unchanged"]
    if not todo:
        print("  " + ", ".join(c.relpath for c in changes) + " up to date")
        return []
    for change in todo:
        print(f"\n  {change.relpath}: {change.status}")
        print(change.diff)
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
        return [fail(_line(exc))]
    print("  wrote " + (", ".join(c.relpath for c in written) or "nothing"))
    return []


def post_deploy(wizard: PlainWizard) -> list[str]:
    from wizard.phases import stale_after_change

    failed: list[str] = []
    answers = wizard.answers
    # CUSTOM_DOMAIN was asked with the phase's values: only offer to point the URLs at it.
    domain = answers.resolve("CUSTOM_DOMAIN").value or ""
    url = f"https://{domain}"
    current = answers.values(["APP_URL", "VITE_API_URL"])
    if (
        domain
        and set(current.values()) != {url}
        and confirm(f"Point APP_URL and VITE_API_URL at {url}?")
    ):
        before = answers.state_file.read()
        try:
            answers.set_many({"APP_URL": url, "VITE_API_URL": url})
            wizard.saved += 2
        except Exception as exc:
            failed.append(fail(_line(exc)))
        else:
            stale = stale_after_change(wizard.project, before, answers.state_file.read())
            print(f"  APP_URL and VITE_API_URL are now {url}." + (f" Now stale: {', '.join(stale)}." if stale else ""))  # fmt: skip
    if confirm("Create the Stripe webhook endpoint through the API?", default=False):
        failed += _webhook(wizard)
    if answers.resolve("SENTRY_DSN").value and confirm("Send a Sentry test event?", default=False):
        failed += _sentry(wizard)
    return failed


def _webhook(wizard: PlainWizard) -> list[str]:
    from wizard.webhook import create_and_store

    try:
        outcome = asyncio.run(create_and_store(wizard.answers))
    except Exception as exc:
        return [fail(_line(exc))]
    if outcome.created:
        wizard.saved += 1
    print(f"  {outcome.message}")
    return []


def _var(name: str) -> Variable:
    from checklists.catalog import variable

    return variable(name)


def _sentry(wizard: PlainWizard) -> list[str]:
    from wizard.checks import run_checks

    try:
        values = wizard.answers.values()
        results = asyncio.run(
            run_checks(values, ["post-deploy"], send_test_event=True, services=["sentry"])
        )
    except Exception as exc:
        return [fail(_line(exc))]
    for r in results:
        if r.service == "sentry":
            print(f"  {'✗' if r.outcome == 'fail' else r.outcome + ':'} {r.message}")
    return [r.message for r in results if r.service == "sentry" and r.outcome == "fail"]


def _line(exc: BaseException) -> str:
    line = getattr(exc, "line", None)
    return str(line()) if callable(line) else f"unexpected {type(exc).__name__}"
