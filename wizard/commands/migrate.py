"""``convoai-setup migrate [--dry-run]`` and ``convoai-setup migrate status [--json]``.

After applying, ``migrate`` asks the server what ``service_role`` lacks on what the migrations
created (``wizard.grants``): missing Data API grants are reported (exit 1), and ``migrate
--grants`` writes ``supabase/migrations/<next>_service_role_grants.sql`` and applies it.

Exit codes: 0 success; 1 a migration failed, was refused, or a file was edited after it was
applied, or service_role lacks grants; 2 configuration (no SUPABASE_DB_URL, an unreadable URL or file); 130 SIGINT and 143
SIGTERM (the running statement is cancelled on the server, its file rolls back, the lock is
released).
"""

from __future__ import annotations

import argparse
from typing import Any

from wizard.commands import print_json, project_of


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "migrate",
        parents=[common],
        help="apply supabase/schema.sql and supabase/migrations in order",
        description="Apply supabase/schema.sql, then supabase/migrations/<version>_<name>.sql by "
        "version, each in its own transaction, recorded in supabase_migrations.schema_migrations "
        "as the Supabase CLI does. Then it checks that service_role (the backend's key) may use "
        "every table, sequence and function of public the migrations created; --grants writes "
        "supabase/migrations/<next>_service_role_grants.sql for what is missing and applies it. "
        "'migrate status' lists applied / pending / edited files (exit 1 if a file was edited "
        "after it was applied). Uses SUPABASE_DB_URL from the secret store.",
    )
    p.add_argument("action", nargs="?", choices=["status"], help="show status instead of applying")
    p.add_argument("--dry-run", action="store_true", help="show what would run; change nothing")
    p.add_argument(
        "--grants",
        action="store_true",
        help="write and apply a migration granting service_role what it lacks (Data API)",
    )
    p.add_argument("--json", action="store_true", help="with status: one JSON document on stdout")
    p.add_argument("--timeout", type=float, default=10.0, metavar="S", help="connect timeout (s)")
    p.set_defaults(handler=run)


def _db_url(project: Any) -> str:
    from checklists.errors import UsageError
    from wizard.values import Answers

    url = Answers(project).resolve("SUPABASE_DB_URL").value
    if not url:
        raise UsageError(
            "SUPABASE_DB_URL is not set (the Postgres connection string migrations run with).",
            "Set it: convoai-setup vars set SUPABASE_DB_URL",
        )
    return url


def _db_url_while_importing(project: Any) -> str:
    """Unlock the secret and import psycopg at the same time.

    Unlocking the vault spends ~50 ms in scrypt, which releases the GIL, and importing psycopg
    takes ~90 ms: overlapping them is most of the difference to plain psql. Only done when no
    prompt is needed: a passphrase prompt belongs on the main thread.
    """
    import os
    import threading

    if not os.environ.get("CONVOAI_SETUP_PASSPHRASE"):
        return _db_url(project)
    found: list[str] = []
    failed: list[BaseException] = []

    def unlock() -> None:
        try:
            found.append(_db_url(project))
        except BaseException as exc:  # re-raised on the main thread below
            failed.append(exc)

    worker = threading.Thread(target=unlock, name="unlock-secret", daemon=True)
    worker.start()
    import psycopg  # noqa: F401  (the import is the point: it runs while scrypt does)

    import wizard.migrations  # noqa: F401

    worker.join()
    if failed:
        raise failed[0]
    return found[0]


def run(args: argparse.Namespace) -> int:
    from checklists.errors import UsageError
    from wizard.signals import install

    # SIGTERM like SIGINT: psycopg cancels the running statement on the server, the file's
    # transaction rolls back and closing the session releases the advisory lock (exit 143/130).
    install()

    if args.action == "status" and args.dry_run:
        raise UsageError("--dry-run goes with 'migrate', not 'migrate status'.")
    if args.action is None and args.json:
        raise UsageError("--json goes with 'migrate status'.")
    if args.action == "status" and args.grants:
        raise UsageError("--grants goes with 'migrate', not 'migrate status'.")
    project = project_of(args)
    url = _db_url_while_importing(project)
    return _status(project, url, args) if args.action == "status" else _apply(project, url, args)


def _status(project: Any, url: str, args: argparse.Namespace) -> int:
    from wizard.console import paint, table, warn
    from wizard.done import confirm_migrations
    from wizard.migration_files import misnamed, skip_warning
    from wizard.migrations import STATUSES, inspect_database, record_summary

    statuses, vector = inspect_database(url, project, args.timeout)
    record_summary(project, statuses, vector.installed)
    confirm_migrations(project, statuses)  # all applied, none edited: the step is done
    for name in misnamed(project):
        warn(skip_warning(name))
    counts = {s: sum(1 for x in statuses if x.status == s) for s in STATUSES}
    if args.json:
        print_json(
            {
                "migrations": [
                    {
                        "version": s.version,
                        "name": s.name,
                        "file": s.file.path.relative_to(project.root).as_posix()
                        if s.file
                        else None,
                        "status": s.status,
                    }
                    for s in statuses
                ],
                "counts": counts,
                "vector": {
                    "installed": vector.installed,
                    "available": vector.available,
                    "schema": vector.schema,
                },
            }
        )
    else:
        rows = [[s.version, s.name, s.status] for s in statuses]
        print(table(["VERSION", "NAME", "STATUS"], rows, status_col=2))
        print(", ".join(f"{n} {s}" for s, n in counts.items()))
        vec = (
            f"pgvector {vector.installed} installed"
            if vector.installed
            else (
                f"pgvector {vector.available} available, not installed"
                if vector.available
                else "pgvector not available"
            )
        )
        print(paint(vec, "dim"))
    return 1 if counts["edited"] else 0


def _apply(project: Any, url: str, args: argparse.Namespace) -> int:
    from wizard.console import error, info, warn
    from wizard.migrations import MigrationEvent, apply

    def progress(event: MigrationEvent) -> None:
        name = event.file.path.name
        verb = {"start": "applying", "done": "applied", "skipped": "skipped", "failed": "FAILED"}[
            event.stage
        ]
        if event.stage != "failed":  # the failure is printed once, below
            info(
                f"[{event.index}/{event.total}] {verb} {name}"
                + (f" ({event.message})" if event.message else "")
            )

    report = apply(
        url,
        project,
        dry_run=args.dry_run,
        progress=progress,
        timeout=args.timeout,
        check_grants=True,
    )
    for line in report.warnings:
        warn(line)
    for s in report.statuses:
        if s.status == "edited" and s.file:
            warn(
                f"{s.file.path.name} was edited after it was applied: it is not re-run. "
                "Restore it, or put the change in a new migration."
            )
    if report.error:
        error(report.error)
        return 1
    counts = ", ".join(f"{report.count(s)} {s}" for s in ("applied", "pending", "edited"))
    vec = f"pgvector {report.vector}" if report.vector else "pgvector not installed"
    verb = "Dry run: nothing changed" if args.dry_run else f"Applied {len(report.applied)} files"
    info(f"{verb}. {counts}; {vec}.")
    granted = _grants(project, url, args, report, progress)
    if not args.dry_run:
        from wizard.commands.check import _say_status

        _say_status(project, ["supabase"])
    return 0 if report.ok and granted else 1


def _grants(project: Any, url: str, args: argparse.Namespace, report: Any, progress: Any) -> bool:
    """Report what service_role lacks; with --grants write and apply the file. True: nothing
    is missing (or there is no service_role: not a Supabase database)."""
    from wizard import grants
    from wizard.console import error, info, warn
    from wizard.data_api_grants import grant
    from wizard.migrations import discover

    found = report.grants
    if found is None or not found.role_exists or found.ok:
        if args.grants:
            info(
                "service_role holds every privilege the backend needs."
                if found is not None and found.role_exists
                else "This database has no service_role role (it is not Supabase's): there "
                "are no Data API grants to write."
            )
        return True
    pending = [s.version for s in report.statuses if s.status == "pending"]
    waiting = grants.pending_file(project, pending)
    name = (
        waiting.name if waiting else f"{grants.next_version(discover(project))}_{grants.NAME}.sql"
    )
    if not args.grants:
        warn(
            f"{found.summary()}: the backend's queries will fail with 42501 permission denied. "
            f"Run: convoai-setup migrate --grants (writes supabase/migrations/{name} and "
            "applies it)"
        )
        return False
    if args.dry_run:
        what = "apply" if waiting else "write"
        count = "" if waiting else f" ({len(found.missing)} GRANT statements) and apply it"
        info(f"Dry run: would {what} supabase/migrations/{name}{count}.")
        return True
    from checklists.errors import ProviderError

    try:
        info(grant(url, project, found, pending, progress, args.timeout) + ".")
    except ProviderError as exc:
        error(exc.line())
        return False
    return True
