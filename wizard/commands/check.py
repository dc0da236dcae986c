"""``convoai-setup check [ID ...] [--json] [--timeout S] [--send-test-event]``: live validation."""

from __future__ import annotations

import argparse
from typing import Any

from wizard.commands import print_json, project_of


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "check",
        parents=[common],
        help="validate every value live, all services at once",
        description="Check every value of the chosen phases (all by default): formats and "
        "cross-variable rules offline first, then each service live and concurrently. "
        "Exit 0 when nothing failed, 1 otherwise. Nothing stored is changed.",
    )
    p.add_argument("phases", nargs="*", metavar="ID", help="phase ids (default: all)")
    p.add_argument("--json", action="store_true", help="one JSON document on stdout")
    p.add_argument(
        "--timeout", type=float, default=10.0, metavar="S", help="seconds per check (default 10)"
    )
    p.add_argument(
        "--send-test-event", action="store_true", help="post a real test event to SENTRY_DSN"
    )
    p.set_defaults(handler=run)


def _cancel_running_checks() -> None:
    """On SIGINT/SIGTERM: cancel the Postgres check's query, which runs in a worker thread.

    asyncio cancels the other checks itself, but waits for worker threads before it returns.
    Looked up in ``sys.modules``: if the check never started, there is nothing to cancel.
    """
    import sys

    postgres = sys.modules.get("providers.postgres")
    if postgres is not None:
        postgres.cancel_running()


def run(args: argparse.Namespace) -> int:
    import asyncio
    import os

    from checklists.errors import EXIT_FAILED, UsageError
    from wizard.checks import record_results, run_checks, select_services
    from wizard.phases import PHASE_IDS
    from wizard.signals import install
    from wizard.values import Answers

    install(on_signal=_cancel_running_checks)
    unknown = [p for p in args.phases if p not in PHASE_IDS]
    if unknown:
        raise UsageError(
            f"{', '.join(unknown)}: not a phase.", f"Phases are: {', '.join(PHASE_IDS)}."
        )
    if not args.timeout > 0:
        raise UsageError("--timeout must be a positive number of seconds.")
    project = project_of(args)
    answers = Answers(project)
    basis = answers.state_file.read()
    values = answers.values()
    results = asyncio.run(
        run_checks(
            values,
            args.phases or None,
            args.timeout,
            os.environ,
            args.send_test_event,
            project_root=project.root,
        )
    )
    order = {p: i for i, p in enumerate(PHASE_IDS)}
    results.sort(key=lambda r: order.get(r.phase, len(order)))  # stable: arrival order within
    services = select_services(args.phases or None)
    record_results(project, results, services, basis)
    counts = {o: sum(r.outcome == o for r in results) for o in ("ok", "warn", "fail", "skip")}
    if args.json:
        print_json(
            {
                "ok": counts["fail"] == 0,
                "phases": list(args.phases or PHASE_IDS),
                "timeout": args.timeout,
                "summary": counts,
                "results": [
                    {
                        "service": r.service,
                        "check": r.check,
                        "phase": r.phase,
                        "outcome": r.outcome,
                        "message": r.message,
                        "variables": list(r.variables),
                        "ms": r.ms,
                    }
                    for r in results
                ],
            }
        )
    else:
        from wizard.console import info, table

        # The message goes last: it is the long column, and nothing should be padded after it.
        rows = [[r.service, r.check, r.outcome, f"{r.ms:.0f}", r.message] for r in results]
        print(table(["SERVICE", "CHECK", "RESULT", "MS", "MESSAGE"], rows, status_col=2))
        info(", ".join(f"{n} {o}" for o, n in counts.items()))
        _say_status(project, list(args.phases or PHASE_IDS))
    return EXIT_FAILED if counts["fail"] else 0


def _say_status(project: Any, phase_ids: list[str]) -> None:
    """Each checked phase's status by the one rule (what else it needs, when not done)."""
    from wizard.console import info
    from wizard.done import phase_status
    from wizard.phases import get_phase
    from wizard.state import StateFile

    state = StateFile(project).read()
    for phase_id in phase_ids:
        status = phase_status(project, state, get_phase(phase_id))
        note = "" if status.status == "done" else f": {status.message}"
        info(f"{phase_id}: {status.status}{note}")
