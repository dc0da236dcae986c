"""PostgreSQL (``SUPABASE_DB_URL``): connection settings, error messages, pgvector, the live check.

Shared by the ``postgres`` check and the migration runner (``wizard.migrations``). The URL holds
the database password, so no message built here ever quotes the URL or libpq's text verbatim
when it could contain it: messages name the host, port and user only.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from psycopg import conninfo

from checklists.advice import do
from checklists.errors import Outcome, PostgresError
from providers.base import CheckContext, CheckResult, Stopwatch

SERVICE = "postgres"
PHASE = "supabase"
VARIABLES = ("SUPABASE_DB_URL",)
TRANSACTION_POOLER_PORT = 6543
COPY_AGAIN = "Copy the connection string again from Supabase > Connect"
VECTOR_FIX = (
    'The "vector" extension (pgvector) is not available on this server. On Supabase: '
    'Dashboard › Database › Extensions, search "vector" and enable it (hosted projects install '
    "it in the extensions schema: write the type as extensions.vector when search_path is "
    "empty). Self-hosted: install pgvector for this PostgreSQL version (e.g. apt install "
    f"postgresql-<major>-pgvector), then run {do('migrate')} again."
)
_DIRECT_HOST = re.compile(r"^db\.([a-z0-9]+)\.supabase\.co$")
_MIGRATION_FILE = re.compile(r"^([0-9]+)_(.*)\.sql$")
#: connections of checks running in worker threads: cancelled on SIGINT/SIGTERM (see
#: ``cancel_running``), since a signal only interrupts the main thread
_RUNNING: set[psycopg.Connection[Any]] = set()


@dataclass(frozen=True)
class Target:
    """Where a URL points, without its password (safe to show)."""

    host: str
    port: int
    user: str
    dbname: str

    @property
    def supabase(self) -> bool:
        return self.host.endswith((".supabase.co", ".supabase.com"))

    @property
    def transaction_pooler(self) -> bool:
        return self.port == TRANSACTION_POOLER_PORT

    def __str__(self) -> str:
        where = self.host if self.host.startswith("/") else f"{self.host}:{self.port}"
        return f"{where} as {self.user}"


def connect_params(url: str, timeout: float) -> tuple[dict[str, Any], Target]:
    """psycopg ``connect()`` keyword arguments for ``url``, and what it points at."""
    try:
        params: dict[str, Any] = conninfo.conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        # psycopg's text can quote a piece of the URL (the password included): never show it.
        raise PostgresError(
            "SUPABASE_DB_URL is not a valid PostgreSQL connection string.",
            f"{COPY_AGAIN} (URI tab), then: {do('vars set', 'SUPABASE_DB_URL')}",
            exit_code=2,
        ) from None
    host = str(params.get("host") or "localhost").split(",")[0]
    try:
        port = int(str(params.get("port") or 5432).split(",")[0])
    except ValueError:
        raise PostgresError(
            "The port in SUPABASE_DB_URL is not a number.", COPY_AGAIN, exit_code=2
        ) from None
    target = Target(
        host, port, str(params.get("user") or "postgres"), str(params.get("dbname") or "")
    )
    if target.supabase and "sslmode" not in params:
        # Supabase accepts plaintext on some paths; a production password must not travel that way.
        params["sslmode"] = "require"
    if "connect_timeout" not in params:
        params["connect_timeout"] = str(max(2, round(timeout)))  # libpq's minimum is 2 s
    if target.transaction_pooler:
        # Supavisor in transaction mode hands each transaction to any backend: prepared
        # statements would be missing on the next one ("prepared statement ... does not exist").
        params["prepare_threshold"] = None
    params["application_name"] = "convoai-setup"
    return params, target


def connect(url: str, timeout: float = 10) -> tuple[psycopg.Connection[Any], Target]:
    """An autocommit connection, or a ``PostgresError`` with one line a person can act on."""
    params, target = connect_params(url, timeout)
    try:
        conn = psycopg.connect(autocommit=True, **params)
    except psycopg.Error as exc:
        raise PostgresError(describe_error(exc, target, url)) from None
    return conn, target


def describe_error(exc: BaseException, target: Target, url: str = "") -> str:
    """One line for a connection failure: what went wrong and what to do, never the password."""
    text = str(exc)
    low = text.lower()
    direct = _DIRECT_HOST.match(target.host)
    if "password authentication failed" in low or ("sasl" in low and "auth" in low):
        return f"Postgres rejected the password for user {target.user}. {COPY_AGAIN}."
    if "no password supplied" in low or "password is required" in low:
        return (
            f"SUPABASE_DB_URL has no password for user {target.user}. {COPY_AGAIN} and fill in "
            "[YOUR-PASSWORD]."
        )
    if "tenant or user not found" in low:
        return (
            f"The pooler does not know user {target.user}: on the pooler the user is "
            f"postgres.<project-ref>. {COPY_AGAIN}."
        )
    unreachable = ("network is unreachable", "cannot assign requested address", "no route to host")
    dropped = "closed the connection unexpectedly" in low  # e.g. an IPv6 proxy that gives up
    if direct and (any(s in low for s in unreachable) or "timeout" in low or dropped):
        return (
            f"Cannot reach {target.host}: Supabase's direct host is IPv6-only, and this network "
            "has no working IPv6 route. Use the session pooler instead: Supabase > Connect "
            "> Session pooler "
            f"(postgres://postgres.{direct.group(1)}:[YOUR-PASSWORD]"
            "@aws-0-<region>.pooler.supabase.com:5432/postgres)."
        )
    if "could not translate host name" in low or "name or service not known" in low:
        return (
            f"Host {target.host} was not found (DNS). Check the host in SUPABASE_DB_URL; "
            f"{COPY_AGAIN}."
        )
    if "timeout" in low or "timed out" in low:
        return (
            f"Postgres at {target} did not answer in time (connection timeout). Check the host "
            "and port, or a firewall in between."
        )
    if "connection refused" in low:
        return (
            f"Postgres at {target} refused the connection: nothing listens on that host and port."
        )
    if any(s in low for s in unreachable):
        return (
            f"Cannot reach {target.host} (network unreachable). Check SUPABASE_DB_URL and your "
            "network."
        )
    if "does not support ssl" in low:
        return (
            f"Postgres at {target} does not support SSL but sslmode requires it; add "
            "?sslmode=disable only for a local server."
        )
    if "database" in low and "does not exist" in low:
        return f"Database {target.dbname!r} does not exist on {target.host}. {COPY_AGAIN}."
    return f"Could not connect to Postgres at {target}: {scrub(first_line(text), url)}"


def scrub(text: str, url: str) -> str:
    """``text`` with the URL and its password removed (belt and braces for server text)."""
    if not url:
        return text
    out = text.replace(url, "[SUPABASE_DB_URL]")
    try:
        password = conninfo.conninfo_to_dict(url).get("password")
    except psycopg.ProgrammingError:
        password = None
    if password:
        out = out.replace(str(password), "****")
    return out


def first_line(text: str) -> str:
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    return lines[-1] if lines else "unknown error"


@dataclass(frozen=True)
class VectorInfo:
    """pgvector on this server: the version it could install, and the one it has (if any)."""

    available: str | None
    installed: str | None
    schema: str | None


#: pgvector: the version the server could install, the installed one and its schema (one row)
VECTOR_QUERY = (
    "SELECT a.default_version, e.extversion, e.extnamespace::regnamespace::text"
    " FROM (SELECT 1) one"
    " LEFT JOIN pg_available_extensions a ON a.name = 'vector'"
    " LEFT JOIN pg_extension e ON e.extname = 'vector'"
)


def _probe_queries(
    conn: psycopg.Connection[Any], timeout: float
) -> tuple[VectorInfo, list[str] | None]:
    """pgvector and the CLI's recorded versions in one round trip (a pipeline).

    The history read goes last: on a database without the table it fails, and in a pipeline a
    failure only skips what follows it. The server version came with the connection start-up.
    """
    # psycopg may raise the history query's error at that query's execute (by timing) as well as
    # when the pipeline ends: until then the cursor is None.
    history: psycopg.Cursor[Any] | None = None
    with contextlib.suppress(psycopg.errors.UndefinedTable), conn.pipeline():
        conn.execute(
            "SELECT set_config('statement_timeout', %s, false)", (f"{int(timeout * 1000)}",)
        )
        vector = conn.execute(VECTOR_QUERY)
        history = conn.execute(
            "SELECT version FROM supabase_migrations.schema_migrations ORDER BY version"
        )
    row = vector.fetchone()
    assert row is not None  # a one-row query
    rows = history.fetchall() if history is not None and history.pgresult is not None else None
    return VectorInfo(row[0], row[1], row[2]), None if rows is None else [str(r[0]) for r in rows]


def cancel_running() -> None:
    """Cancel the statements of running checks on the server (called from a signal handler)."""
    for conn in list(_RUNNING):
        conn.cancel_safe(timeout=2)


def _local_versions(root: Path | None) -> set[str] | None:
    folder = root / "supabase" / "migrations" if root else None
    if folder is None or not folder.is_dir():
        return None
    return {m.group(1) for p in folder.glob("*.sql") if (m := _MIGRATION_FILE.match(p.name))}


def _probe(url: str, timeout: float, root: Path | None) -> list[tuple[str, Outcome, str]]:
    """The blocking part of the check: (check, outcome, message) triples."""
    out: list[tuple[str, Outcome, str]] = []
    try:
        conn, target = connect(url, timeout)
    except PostgresError as exc:
        return [("connect", "fail", exc.line())]
    version = conn.info.parameter_status("server_version") or "?"  # sent at start-up
    _RUNNING.add(conn)
    try:
        with conn:
            vec, recorded = _probe_queries(conn, timeout)
    finally:
        _RUNNING.discard(conn)
    out.append(("connect", "ok", f"connected to {target} (PostgreSQL {version})"))
    if vec.installed:
        out.append(("vector", "ok", f"pgvector {vec.installed} installed (schema {vec.schema})"))
    elif vec.available:
        out.append(
            (
                "vector",
                "warn",
                f"pgvector {vec.available} is available but not installed yet: "
                f"{do('migrate')} installs it",
            )
        )
    else:
        out.append(("vector", "fail", VECTOR_FIX))
    local = _local_versions(root)
    if recorded is None:
        out.append(
            (
                "migrations",
                "warn",
                f"no migration history on this database yet: run {do('migrate')}",
            )
        )
    elif local is None:
        out.append(
            (
                "migrations",
                "ok",
                f"{len(recorded)} migrations recorded (latest "
                f"{recorded[-1] if recorded else 'none'})",
            )
        )
    else:
        pending = len(local - set(recorded))
        unknown = len(set(recorded) - local)
        outcome: Outcome = "ok" if not pending and not unknown else "warn"
        msg = f"{len(recorded)} migrations recorded, {pending} pending"
        msg += f", {unknown} recorded with no local file" if unknown else ""
        out.append(
            (
                "migrations",
                outcome,
                msg + ("" if outcome == "ok" else f": run {do('migrate status')}"),
            )
        )
    return out


async def check_postgres(ctx: CheckContext) -> list[CheckResult]:
    """Connect with SUPABASE_DB_URL; pgvector installed or installable; migration history."""
    watch = Stopwatch()
    url = (ctx.values.get("SUPABASE_DB_URL") or "").strip()
    if not url:
        return [
            _result(
                "connect",
                "skip",
                f"SUPABASE_DB_URL is not set: {do('vars set', 'SUPABASE_DB_URL')}",
                watch,
            )
        ]
    root = getattr(ctx, "project_root", None)
    try:
        # connect_timeout and statement_timeout bound the thread; wait_for bounds the caller.
        rows = await asyncio.wait_for(
            asyncio.to_thread(_probe, url, ctx.timeout, root), ctx.timeout
        )
    except TimeoutError:
        rows = [
            (
                "connect",
                "fail",
                f"Postgres did not answer within {ctx.timeout:g}s; check the host and port "
                "in SUPABASE_DB_URL",
            )
        ]
    except psycopg.Error as exc:
        rows = [("connect", "fail", f"Postgres check failed: {scrub(first_line(str(exc)), url)}")]
    return [_result(check, outcome, message, watch) for check, outcome, message in rows]


def _result(check: str, outcome: Outcome, message: str, watch: Stopwatch) -> CheckResult:
    return CheckResult(SERVICE, check, outcome, message, VARIABLES, PHASE, "", watch.ms)
