"""The migration history tables: the Supabase CLI's, and ours for the unversioned ``schema.sql``.

Versioned files are recorded exactly as the Supabase CLI records them (supabase/cli
``pkg/migration/history.go``): same schema, table, columns, DDL and INSERT, so ``supabase
migration list`` and ``supabase db push`` see them as applied.

``supabase/schema.sql`` has no version prefix and the CLI has no file for it: a row for it in
``schema_migrations`` would be a remote version missing locally, and ``supabase db push`` would
then stop with "Remote migration versions not found in local migrations directory". So it is
recorded in a table of our own next to the CLI's, ``supabase_migrations.convoai_setup_baseline``,
with the same columns (version ``schema``, name ``schema``, statements) — the CLI never reads it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import psycopg

from wizard.migration_files import MigrationFile, same_text
from wizard.project import Project

STATUSES = ("applied", "pending", "edited", "unknown")

#: the CLI's DDL (its ``SET`` is ``SET LOCAL`` here: ours runs in an explicit transaction),
#: then our baseline table
CREATE_HISTORY = (
    "SET LOCAL lock_timeout = '4s'",
    "CREATE SCHEMA IF NOT EXISTS supabase_migrations",
    "CREATE TABLE IF NOT EXISTS supabase_migrations.schema_migrations (version text NOT "
    "NULL PRIMARY KEY)",
    "ALTER TABLE supabase_migrations.schema_migrations ADD COLUMN IF NOT EXISTS statements text[]",
    "ALTER TABLE supabase_migrations.schema_migrations ADD COLUMN IF NOT EXISTS name text",
    "CREATE TABLE IF NOT EXISTS supabase_migrations.convoai_setup_baseline ("
    "version text NOT NULL PRIMARY KEY, name text, statements text[], "
    "applied_at timestamptz NOT NULL DEFAULT now())",
)
INSERT_MIGRATION = (
    "INSERT INTO supabase_migrations.schema_migrations(version, name, statements) VALUES(%s, "
    "%s, %s)"
)
INSERT_BASELINE = (
    "INSERT INTO supabase_migrations.convoai_setup_baseline(version, name, statements) "
    "VALUES(%s, %s, %s)"
)
SELECT_MIGRATIONS = (
    "SELECT version, coalesce(name, '') as name, statements FROM "
    "supabase_migrations.schema_migrations"
)
SELECT_BASELINE = (
    "SELECT version, coalesce(name, '') as name, statements FROM "
    "supabase_migrations.convoai_setup_baseline"
)

#: both tables at once (a baseline flag first): fails if either is missing, see ``read_all``
SELECT_ALL = (
    "SELECT true, version, coalesce(name, ''), statements FROM "
    "supabase_migrations.convoai_setup_baseline"
    " UNION ALL SELECT false, version, coalesce(name, ''), statements FROM "
    "supabase_migrations.schema_migrations"
)
#: one row at the start of a run: pgvector (installable version, installed version, its schema),
#: then whether both history tables exist with the columns the CLI records into
START_QUERY = (
    "SELECT a.default_version, e.extversion, e.extnamespace::regnamespace::text,"
    " to_regclass('supabase_migrations.convoai_setup_baseline') IS NOT NULL"
    " AND (SELECT count(*) FROM pg_attribute"
    " WHERE attrelid = to_regclass('supabase_migrations.schema_migrations')"
    " AND attname IN ('name', 'statements') AND NOT attisdropped) = 2,"
    " to_regclass('supabase_migrations.convoai_setup_baseline') IS NOT NULL"
    " OR to_regclass('supabase_migrations.schema_migrations') IS NOT NULL"
    " FROM (SELECT 1) one"
    " LEFT JOIN pg_available_extensions a ON a.name = 'vector'"
    " LEFT JOIN pg_extension e ON e.extname = 'vector'"
)
VECTOR_VERSION = "SELECT extversion FROM pg_extension WHERE extname = 'vector'"

#: pg_advisory_lock key: the bytes of "convoai" (any fixed bigint would do; this one is findable)
LOCK_KEY = int.from_bytes(b"convoai", "big")


@dataclass(frozen=True)
class Recorded:
    version: str
    name: str
    #: None for rows written by tools that don't record statements (e.g. old CLI versions)
    statements: list[str] | None
    baseline: bool = False


@dataclass
class MigrationStatus:
    file: MigrationFile | None
    version: str
    name: str
    #: applied | pending | edited | unknown (recorded in the database, no file)
    status: str


def statuses_for(
    files: Sequence[MigrationFile], recorded: Sequence[Recorded]
) -> list[MigrationStatus]:
    """Each file's status against the history, then recorded versions that have no file."""
    by_key = {(r.baseline, r.version): r for r in recorded}
    out: list[MigrationStatus] = []
    for f in files:
        rec = by_key.pop((f.is_schema, f.version), None)
        if rec is None:
            status = "pending"
        elif (
            rec.statements is not None
            and list(rec.statements) != f.statements
            and not same_text(list(rec.statements), f)
        ):
            status = "edited"
        else:
            status = "applied"  # a NULL statements column (older CLI rows) can't be compared
        out.append(MigrationStatus(f, f.version, f.name, status))
    for rec in sorted(by_key.values(), key=lambda r: (r.baseline is False, r.version)):
        out.append(MigrationStatus(None, rec.version, rec.name, "unknown"))
    return out


def _exists(conn: psycopg.Connection[Any], table: str) -> bool:
    row = conn.execute("SELECT to_regclass(%s) IS NOT NULL", (table,)).fetchone()
    return bool(row and row[0])


def read(conn: psycopg.Connection[Any]) -> list[Recorded]:
    """Every recorded version, both tables; empty when nothing was ever recorded."""
    out: list[Recorded] = []
    for table, query, baseline in (
        ("supabase_migrations.convoai_setup_baseline", SELECT_BASELINE, True),
        ("supabase_migrations.schema_migrations", SELECT_MIGRATIONS, False),
    ):
        if _exists(conn, table):
            for version, name, statements in conn.execute(query).fetchall():
                out.append(Recorded(str(version), str(name), statements, baseline))
    return out


def rows_of(rows: Sequence[tuple[Any, ...]]) -> list[Recorded]:
    """``Recorded`` entries from rows of ``SELECT_ALL``."""
    return [Recorded(str(v), str(n), s, bool(b)) for b, v, n, s in rows]


def record(conn: psycopg.Connection[Any], file: MigrationFile) -> psycopg.Cursor[Any]:
    """Insert ``file``'s row (inside the caller's transaction, so only a commit records it)."""
    query = INSERT_BASELINE if file.is_schema else INSERT_MIGRATION
    return conn.execute(query, (file.version, file.name, file.statements))


def record_summary(
    project: Project, statuses: Sequence[MigrationStatus], vector: str | None = None
) -> None:
    """``state["migrations"]``, read by ``status`` and ``export``; keeps a known vector version."""
    from wizard.state import StateFile, now_iso

    with StateFile(project).update() as state:
        previous = state.get("migrations") or {}
        summary: dict[str, Any] = {s: sum(1 for x in statuses if x.status == s) for s in STATUSES}
        summary["at"] = now_iso()
        summary["vector"] = vector if vector is not None else previous.get("vector")
        state["migrations"] = summary
