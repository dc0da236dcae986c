"""Apply ``supabase/schema.sql`` and ``supabase/migrations/*.sql`` in order, tracked like the CLI.

Safety (see DESIGN, lesson 5):
- each file runs in its own transaction — ``BEGIN; <statements>; INSERT history; COMMIT`` — so a
  file is recorded only when it commits, and a failure rolls it back and records nothing;
- a pending file containing its own ``BEGIN``/``COMMIT``/``ROLLBACK``/``END`` at top level is
  refused before anything runs (found with the CLI's own statement splitter, so ``BEGIN`` in a
  ``$$`` body or ``BEGIN ATOMIC`` is not a false positive);
- a file whose statements differ from its record was edited after it was applied: it is
  reported and never re-run; recorded versions with no file are reported;
- a session ``pg_advisory_lock`` (key ``LOCK_KEY``) serialises concurrent runs: the second run
  waits up to ``lock_wait`` seconds, then fails with a clear message; once it has the lock it
  re-reads the history, so it never re-applies what the first run did. On the transaction pooler
  (port 6543) a session lock would stick to a pooled backend, so each file's transaction takes
  ``pg_advisory_xact_lock`` and re-checks the history instead;
- pgvector must be installable before anything runs; its installed version is reported after.
``--dry-run`` only reads: it takes no lock and creates nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from wizard import migration_history as history
from wizard.migration_files import MigrationFile, discover
from wizard.migration_history import STATUSES, MigrationStatus, record_summary, statuses_for
from wizard.project import Project

__all__ = ["STATUSES", "MigrationEvent", "MigrationFile", "MigrationReport", "MigrationStatus",
           "apply", "discover", "inspect", "record_summary"]  # fmt: skip


@dataclass
class MigrationEvent:
    file: MigrationFile
    #: 1-based position among all files, for a progress bar
    index: int
    total: int
    #: start | done | skipped | failed
    stage: str
    message: str = ""


@dataclass
class MigrationReport:
    statuses: list[MigrationStatus]
    applied: list[MigrationFile] = field(default_factory=list)
    dry_run: bool = False
    #: the installed pgvector version after the run (None: not installed)
    vector: str | None = None
    #: one line (file:line: server message), None on success
    error: str | None = None
    failed: MigrationFile | None = None
    warnings: list[str] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for s in self.statuses if s.status == status)

    @property
    def ok(self) -> bool:
        return self.error is None and self.count("edited") == 0


class _StatementFailed(Exception):
    """Statement ``index`` of a file failed with ``error`` (raised through the transaction)."""

    def __init__(self, index: int, error: Any) -> None:
        super().__init__(index)
        self.index = index
        self.error = error


class _Stop(Exception):
    """Ends a run with a one-line message (nothing more is applied)."""

    def __init__(self, message: str, file: MigrationFile | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.file = file


def inspect_database(
    db_url: str, project: Project, timeout: float = 10
) -> tuple[list[MigrationStatus], Any]:
    """Statuses and the ``VectorInfo``, read-only."""
    from providers.postgres import connect, vector_info

    files = discover(project)
    conn, _ = connect(db_url, timeout)
    with conn:
        return statuses_for(files, history.read(conn)), vector_info(conn)


def inspect(db_url: str, project: Project, timeout: float = 10) -> list[MigrationStatus]:
    return inspect_database(db_url, project, timeout)[0]


def _record_outcome(project: Project, ok: bool, message: str = "") -> None:
    from wizard.phases import get_phase, missing_inputs, record_outcome
    from wizard.state import StateFile

    with StateFile(project).update() as state:
        if ok and missing_inputs(state, get_phase("supabase")):
            return  # migrated, but SUPABASE_URL / SUPABASE_SERVICE_KEY still to enter: not done
        record_outcome(project, state, "supabase", ok=ok, message=message)


def _lock(conn: Any, wait: float) -> None:
    import psycopg

    conn.execute("SELECT set_config('lock_timeout', %s, false)", (f"{max(1, int(wait * 1000))}ms",))
    try:
        conn.execute("SELECT pg_advisory_lock(%s)", (history.LOCK_KEY,))
    except psycopg.errors.LockNotAvailable:
        raise _Stop(
            f"Another convoai-setup migrate is running against this database (advisory lock "
            f"{history.LOCK_KEY} held); waited {wait:g}s. Let it finish, then run again."
        ) from None
    finally:
        conn.execute("RESET lock_timeout")


def _where(file: MigrationFile, project: Project) -> str:
    if file.path.is_relative_to(project.root):
        return file.path.relative_to(project.root).as_posix()
    return str(file.path)


def _failure(file: MigrationFile, index: int, exc: Any, project: Project, vector: Any) -> str:
    diag = exc.diag
    where = _where(file, project)
    line = file.line_of(index, int(diag.statement_position) if diag.statement_position else None)
    message = diag.message_primary or type(exc).__name__
    if 'type "vector" does not exist' in message and vector.installed:
        message += (f" (pgvector is installed in schema {vector.schema}: write {vector.schema}.vector, "
                    "or add that schema to search_path)")  # fmt: skip
    return f"{where}:{line}: {message}"


def _run_file(conn: Any, file: MigrationFile, pooled: bool) -> bool:
    """Apply one file in one transaction; False if another run recorded it meanwhile."""
    import psycopg

    conn.execute("RESET ALL")  # a previous file's SET search_path must not leak (as the CLI does)
    with conn.transaction():
        if pooled:
            conn.execute("SET LOCAL lock_timeout = '60s'")
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (history.LOCK_KEY,))
            conn.execute("SET LOCAL lock_timeout TO DEFAULT")
            if history.is_recorded(conn, file):
                return False
        for index, statement in enumerate(file.statements):
            if not file.runnable[index]:
                continue  # a comment-only entry: recorded, as the CLI does, but not sent
            try:
                conn.execute(statement)
            except psycopg.Error as exc:
                raise _StatementFailed(index, exc) from exc
        history.record(conn, file)
    return True


def apply(
    db_url: str,
    project: Project,
    dry_run: bool = False,
    progress: Callable[[MigrationEvent], None] | None = None,
    timeout: float = 10,
    lock_wait: float = 60,
) -> MigrationReport:
    """Apply every pending file in order; connection problems raise ``PostgresError``."""
    import psycopg

    from providers.postgres import (
        VECTOR_FIX,
        PostgresError,
        connect,
        first_line,
        scrub,
        vector_info,
    )

    def emit(file: MigrationFile, stage: str, message: str = "") -> None:
        if progress is not None:
            progress(MigrationEvent(file, files.index(file) + 1, len(files), stage, message))

    files = discover(project)
    report = MigrationReport([], dry_run=dry_run)
    statuses: list[MigrationStatus] = []
    try:
        conn, target = connect(db_url, timeout)
    except PostgresError as exc:
        if not dry_run:
            _record_outcome(project, False, exc.line())
        raise
    with conn:
        try:
            if not dry_run and not target.transaction_pooler:
                _lock(conn, lock_wait)
            statuses = statuses_for(files, history.read(conn))
            vector = vector_info(conn)
            pending = [s.file for s in statuses if s.status == "pending" and s.file]
            for f in pending:  # parse errors and refused statements: before anything runs
                if f.refusal:
                    raise _Stop(f"{_where(f, project)}:{f.refusal[0]}: {f.refusal[1]}", f)
            if pending and not vector.installed and not vector.available:
                raise _Stop(VECTOR_FIX)
            if pending and not dry_run:
                history.ensure_tables(conn)
            for s in statuses:
                if s.file is None:
                    continue
                if s.status == "applied":
                    emit(s.file, "skipped", "already applied")
                elif s.status == "edited":
                    emit(s.file, "skipped", "edited after it was applied: not re-run")
                elif dry_run:
                    emit(
                        s.file,
                        "skipped",
                        f"dry run: would apply {len(s.file.statements)} statements",
                    )
                else:
                    emit(s.file, "start", f"{len(s.file.statements)} statements")
                    started = time.perf_counter()
                    try:
                        ran = _run_file(conn, s.file, target.transaction_pooler)
                    except _StatementFailed as failed:
                        raise _Stop(
                            _failure(s.file, failed.index, failed.error, project, vector), s.file
                        ) from None
                    except psycopg.Error as exc:  # the history insert, COMMIT, or a lost connection
                        raise _Stop(
                            f"{s.file.path.name}: {scrub(str(exc).strip(), db_url)}", s.file
                        ) from None
                    if ran:
                        report.applied.append(s.file)
                    emit(
                        s.file,
                        "done" if ran else "skipped",
                        f"{(time.perf_counter() - started) * 1000:.0f} ms"
                        if ran
                        else "applied by another run",
                    )
        except psycopg.Error as exc:  # reading the history or the catalog failed
            stop = _Stop(f"Postgres error: {scrub(first_line(str(exc)), db_url)}")
            report.error = stop.message
        except _Stop as stop:
            report.error, report.failed = stop.message, stop.file
            if stop.file is not None:
                emit(stop.file, "failed", stop.message)
        try:
            report.statuses = statuses_for(files, history.read(conn))
            report.vector = vector_info(conn).installed
        except psycopg.Error:  # connection gone: the failure above already says why
            report.statuses = statuses
    unknown = [s.version for s in report.statuses if s.status == "unknown"]
    if unknown:
        report.warnings.append(
            f"recorded in the database but no file here: {', '.join(unknown)} (migrated by something else?)"
        )
    if not dry_run:
        record_summary(project, report.statuses, report.vector)
        edited = [s.file.path.name for s in report.statuses if s.status == "edited" and s.file]
        message = report.error or (
            f"edited after they were applied: {', '.join(edited)}" if edited else ""
        )
        _record_outcome(project, report.ok and report.count("pending") == 0, message)
    return report
