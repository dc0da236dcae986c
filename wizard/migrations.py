"""Apply ``supabase/schema.sql`` and ``supabase/migrations/*.sql`` in order, tracked like the CLI.

Safety (see DESIGN, lesson 5):
- each file runs in its own transaction — ``BEGIN; INSERT history; <statements>; COMMIT`` — so a
  file is recorded only when it commits, and a failure rolls it back and records nothing;
- a pending file that PostgreSQL's parser rejects, or with a statement that would end or hand
  over that transaction (``COMMIT``, ``PREPARE TRANSACTION``, …) or cannot run inside one, is
  refused with ``file:line`` before anything runs (see ``migration_files``);
- a file whose statements differ from its record was edited after it was applied: it is
  reported and never re-run; recorded versions with no file are reported;
- a session ``pg_advisory_lock`` (key ``LOCK_KEY``) serialises concurrent runs: the second run
  waits up to ``lock_wait`` seconds, then fails with a clear message; once it has the lock it
  reads the history, so it never re-applies what the first run did. On the transaction pooler
  (port 6543) a session lock would stick to a pooled backend, so each file's transaction takes
  ``pg_advisory_xact_lock`` first, and its history INSERT (before the statements) fails on the
  version's primary key if another run recorded the file meanwhile;
- pgvector must be installable before anything runs; its installed version is reported after.
``--dry-run`` only reads: it takes no lock and creates nothing.

Round trips (issue 12: Supabase is 20–150 ms away): after the connection start-up, one pipeline
takes the lock, reads pgvector, the tables' state and the whole history (the read goes last: on a
fresh database it fails, and in a pipeline a failure only skips what follows it). Then each file
is one pipeline — BEGIN, its history INSERT, each statement, the pgvector version, COMMIT — sent
without waiting and answered once. Extended-protocol pipelining rather than one simple-query
message with the file's text: the INSERT keeps its bind parameters (the statements array is
never quoted by hand), the statements go one per message exactly as recorded (as
``supabase db push`` sends them), unnamed, so the transaction pooler works, and the server's
answer tells which statement failed, hence its ``file:line``, even for errors with no position.
A failure costs one more round trip (the ROLLBACK).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from wizard import migration_history as history
from wizard.migration_files import MigrationFile, discover, misnamed, skip_warning
from wizard.migration_history import STATUSES, MigrationStatus, record_summary, statuses_for
from wizard.project import Project

__all__ = [
    "STATUSES",
    "MigrationEvent",
    "MigrationFile",
    "MigrationReport",
    "MigrationStatus",
    "apply",
    "discover",
    "inspect",
    "record_summary",
]


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
    #: what service_role lacks after the run (``wizard.grants``); None when not asked or stopped
    grants: Any = None

    def count(self, status: str) -> int:
        return sum(1 for s in self.statuses if s.status == status)

    @property
    def ok(self) -> bool:
        return self.error is None and self.count("edited") == 0


class _Stop(Exception):
    """Ends a run with a one-line message (nothing more is applied)."""

    def __init__(self, message: str, file: MigrationFile | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.file = file


@dataclass
class _Start:
    recorded: list[history.Recorded]
    vector: Any  # providers.postgres.VectorInfo
    #: both history tables exist with the CLI's columns (else the first file creates them)
    tables_ready: bool


def _start(conn: Any, lock_wait: float | None) -> _Start:
    """The lock (unless ``lock_wait`` is None), pgvector and the history, in one round trip."""
    import psycopg

    from providers.postgres import VectorInfo

    # Where a failed query in the pipeline raises depends on psycopg's version: at its own
    # execute (3.2.1) or when the pipeline ends (3.3). Either way ``rows`` may hold no result.
    rows = None
    try:
        with conn.pipeline():
            if lock_wait is not None:
                timeout = f"{max(1, int(lock_wait * 1000))}ms"
                conn.execute("SELECT set_config('lock_timeout', %s, false)", (timeout,))
                conn.execute("SELECT pg_advisory_lock(%s)", (history.LOCK_KEY,))
                conn.execute("RESET lock_timeout")
            state = conn.execute(history.START_QUERY)
            rows = conn.execute(history.SELECT_ALL)
    except psycopg.errors.LockNotAvailable:
        raise _Stop(
            f"Another convoai-setup migrate is running against this database (advisory lock "
            f"{history.LOCK_KEY} held); waited {lock_wait:g}s. Let it finish, then run again."
        ) from None
    except (psycopg.errors.UndefinedTable, psycopg.errors.UndefinedColumn):
        pass  # no history yet, or only part of it: see below
    row = state.fetchone()
    assert row is not None  # a one-row query
    vector = VectorInfo(row[0], row[1], row[2])
    if rows is not None and rows.pgresult is not None:
        recorded = history.rows_of(rows.fetchall())
    elif row[4]:  # one table only (e.g. a database the Supabase CLI migrated): table by table
        recorded = history.read(conn)
    else:
        recorded = []
    return _Start(recorded, vector, bool(row[3]))


def inspect_database(
    db_url: str, project: Project, timeout: float = 10
) -> tuple[list[MigrationStatus], Any]:
    """Statuses and the ``VectorInfo``, read-only."""
    from providers.postgres import connect

    files = discover(project)
    conn, _ = connect(db_url, timeout)
    with conn:
        start = _start(conn, None)
    return statuses_for(files, start.recorded), start.vector


def inspect(db_url: str, project: Project, timeout: float = 10) -> list[MigrationStatus]:
    return inspect_database(db_url, project, timeout)[0]


def _record_outcome(project: Project, ok: bool, message: str = "") -> None:
    """Record the migrations step; whether Supabase is then done is the one rule's call."""
    from wizard.done import record_step, settle
    from wizard.phases import get_phase
    from wizard.state import StateFile

    with StateFile(project).update() as state:
        record_step(project, state, get_phase("supabase"), "migrations", ok, message)
        settle(project, state)


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
        message += (
            f" (pgvector is installed in schema {vector.schema}: write {vector.schema}.vector, "
            "or add that schema to search_path)"
        )
    return f"{where}:{line}: {message}"


@dataclass
class _Ran:
    """What one file's pipeline did."""

    #: False: another run recorded the file meanwhile (its INSERT hit the primary key)
    applied: bool
    #: pgvector's installed version after the file (None: not installed)
    vector: str | None = None


def _run_file(conn: Any, file: MigrationFile, pooled: bool, create_history: bool) -> _Ran:
    """Apply one file in one transaction and one round trip.

    Raises ``_StatementFailed`` (index of the failing statement) or, for the INSERT, the
    COMMIT or a lost connection, the ``psycopg.Error``; the transaction is then rolled back.
    """
    import psycopg

    sent: list[tuple[int, Any]] = []  # (statement index, its cursor)
    insert: Any = None
    try:
        with conn.pipeline():
            conn.execute("BEGIN")
            # A previous file's SET search_path must not leak (as the CLI resets it).
            conn.execute("RESET ALL")
            if pooled:
                conn.execute("SET LOCAL lock_timeout = '60s'")
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (history.LOCK_KEY,))
                conn.execute("SET LOCAL lock_timeout TO DEFAULT")
            if create_history:
                for statement in history.CREATE_HISTORY:
                    conn.execute(statement)
                conn.execute("SET LOCAL lock_timeout TO DEFAULT")
            insert = history.record(conn, file)
            for index, statement in enumerate(file.statements):
                if file.runnable[index]:  # comment-only entries are recorded, not sent
                    sent.append((index, conn.execute(statement)))
            vector = conn.execute(history.VECTOR_VERSION)
            conn.execute("COMMIT")
    except psycopg.Error as exc:
        if not conn.closed:
            conn.rollback()
        inserted = insert is not None and insert.pgresult is not None
        if not inserted and isinstance(exc, psycopg.errors.UniqueViolation):
            return _Ran(applied=False)
        failed = next((i for i, cur in sent if cur.pgresult is None), None)
        if inserted and failed is not None:
            raise _StatementFailed(failed, exc) from exc
        raise
    row = vector.fetchone()
    return _Ran(applied=True, vector=row[0] if row else None)


class _StatementFailed(Exception):
    """Statement ``index`` of a file failed with ``error`` (raised through the transaction)."""

    def __init__(self, index: int, error: Any) -> None:
        super().__init__(index)
        self.index = index
        self.error = error


def apply(
    db_url: str,
    project: Project,
    dry_run: bool = False,
    progress: Callable[[MigrationEvent], None] | None = None,
    timeout: float = 10,
    lock_wait: float = 60,
    check_grants: bool = False,
) -> MigrationReport:
    """Apply every pending file in order; connection problems raise ``PostgresError``.

    ``check_grants``: then read what ``service_role`` lacks (``wizard.grants``, one more round
    trip on the same connection) into ``report.grants``.
    """
    import psycopg

    from checklists.errors import PostgresError
    from providers.postgres import VECTOR_FIX, connect, first_line, scrub

    def emit(file: MigrationFile, stage: str, message: str = "") -> None:
        if progress is not None:
            progress(MigrationEvent(file, files.index(file) + 1, len(files), stage, message))

    files = discover(project)
    report = MigrationReport([], dry_run=dry_run)
    report.warnings += [skip_warning(name) for name in misnamed(project)]
    statuses: list[MigrationStatus] = []
    applied: set[str] = set()
    try:
        conn, target = connect(db_url, timeout)
    except PostgresError as exc:
        if not dry_run:
            _record_outcome(project, False, exc.line())
        raise
    # Nothing here runs twice in a way worth preparing; psycopg's auto-prepare of BEGIN/COMMIT
    # would only add statements to forget (and a round trip to forget them after a failure).
    conn.prepare_threshold = None
    with conn:
        try:
            start = _start(conn, None if dry_run or target.transaction_pooler else lock_wait)
            statuses = statuses_for(files, start.recorded)
            vector = start.vector
            report.vector = vector.installed
            pending = [s.file for s in statuses if s.status == "pending" and s.file]
            for f in pending:  # parse errors and refused statements: before anything runs
                if f.refusal:
                    raise _Stop(f"{_where(f, project)}:{f.refusal[0]}: {f.refusal[1]}", f)
            if pending and not vector.installed and not vector.available:
                raise _Stop(VECTOR_FIX)
            create_history = not start.tables_ready
            for s in statuses:
                if s.file is None:
                    continue
                if s.status == "applied":
                    emit(s.file, "skipped", "already applied")
                elif s.status == "edited":
                    emit(s.file, "skipped", "edited after it was applied: not re-run")
                elif dry_run:
                    emit(
                        s.file, "skipped", f"dry run: would apply {sum(s.file.runnable)} statements"
                    )
                else:
                    emit(s.file, "start", f"{sum(s.file.runnable)} statements")
                    started = time.perf_counter()
                    try:
                        ran = _run_file(conn, s.file, target.transaction_pooler, create_history)
                    except _StatementFailed as failed:
                        raise _Stop(
                            _failure(s.file, failed.index, failed.error, project, vector), s.file
                        ) from None
                    except psycopg.Error as exc:  # the history insert, COMMIT, or a lost connection
                        text = getattr(exc.diag, "message_primary", None) or first_line(str(exc))
                        raise _Stop(
                            f"{_where(s.file, project)}: {scrub(text, db_url)}", s.file
                        ) from None
                    create_history = create_history and not ran.applied  # else rolled back
                    applied.add(s.version)
                    if ran.applied:
                        report.applied.append(s.file)
                        report.vector = ran.vector
                    elapsed = f"{(time.perf_counter() - started) * 1000:.0f} ms"
                    emit(
                        s.file,
                        "done" if ran.applied else "skipped",
                        elapsed if ran.applied else "applied by another run",
                    )
            if check_grants:
                from wizard import grants

                report.grants = grants.inspect(conn)
        except psycopg.Error as exc:  # reading the history or the catalog failed
            report.error = f"Postgres error: {scrub(first_line(str(exc)), db_url)}"
        except _Stop as stop:
            report.error, report.failed = stop.message, stop.file
            if stop.file is not None:
                emit(stop.file, "failed", stop.message)
        if not statuses and files and not conn.closed:  # stopped before the read (the lock)
            with contextlib.suppress(psycopg.Error):
                statuses = statuses_for(files, _start(conn, None).recorded)
    # What we applied (or found applied by another run) is applied; the rest is as read.
    report.statuses = [
        MigrationStatus(s.file, s.version, s.name, "applied")
        if s.version in applied and s.file
        else s
        for s in statuses
    ]
    unknown = [s.version for s in report.statuses if s.status == "unknown"]
    if unknown:
        report.warnings.append(
            f"recorded in the database but no file here: {', '.join(unknown)} (migrated by "
            "something else?)"
        )
    if not dry_run:
        record_summary(project, report.statuses, report.vector)
        edited = [s.file.path.name for s in report.statuses if s.status == "edited" and s.file]
        message = report.error or (
            f"edited after they were applied: {', '.join(edited)}" if edited else ""
        )
        _record_outcome(project, report.ok and report.count("pending") == 0, message)
    return report
