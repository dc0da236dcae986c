"""Data API grants: what ``service_role`` may do with what the migrations created, and the
migration that grants what is missing.

Projects created since 30 May 2026 (and every project since 30 October 2026) no longer grant new
``public`` tables and functions to the Data API roles. ConvoAI's backend reaches its tables
through supabase-js with the service key, and none of the plan's SQL files grants anything, so on
such a project every query fails with ``42501 permission denied for table``.

The server decides what is missing (``has_schema_privilege`` / ``has_table_privilege`` /
``has_sequence_privilege`` / ``has_function_privilege`` for ``service_role``), on what the
migrations created: the tables, views, sequences and functions of ``public`` that the migrating
role owns, extensions' objects left out. The fix is a migration file,
``supabase/migrations/<next>_service_role_grants.sql``, applied like any other so git and the
Supabase CLI's history agree. It grants ``service_role`` only (the frontend never talks to
Supabase directly: ``anon`` and ``authenticated`` get nothing) and leaves row level security as
it is (``service_role`` bypasses it by design).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from wizard.migration_files import MIGRATION_FILE, MigrationFile
from wizard.project import Project

ROLE = "service_role"
SCHEMA = "public"
NAME = "service_role_grants"
#: what the backend does with a table through the Data API (Supabase's former default grant)
TABLE = ("SELECT", "INSERT", "UPDATE", "DELETE")
SEQUENCE = ("USAGE", "SELECT")

#: one round trip: whether the role exists, then each object lacking a privilege. With an empty
#: search_path every name comes out schema-qualified (``public.f(extensions.vector)``), so the
#: file also runs where the search_path is empty (the Supabase CLI's ``db push``).
QUERY = """
WITH r AS (SELECT to_regrole(%(role)s)::oid AS role, current_user::regrole::oid AS me),
objects AS (
  SELECT 0 AS rank, 'schema' AS kind, quote_ident(n.nspname) AS name,
         ARRAY(SELECT p FROM unnest(ARRAY['USAGE']) p
               WHERE NOT has_schema_privilege(r.role, n.oid, p)) AS missing
  FROM pg_namespace n, r WHERE n.nspname = %(schema)s
  UNION ALL
  SELECT CASE c.relkind WHEN 'S' THEN 2 ELSE 1 END,
         CASE c.relkind WHEN 'S' THEN 'sequence' WHEN 'v' THEN 'view'
              WHEN 'm' THEN 'materialized view' WHEN 'f' THEN 'foreign table' ELSE 'table' END,
         c.oid::regclass::text,
         ARRAY(SELECT p FROM unnest(CASE c.relkind WHEN 'S' THEN %(sequence)s::text[]
                                    WHEN 'm' THEN ARRAY['SELECT'] ELSE %(table)s::text[] END) p
               WHERE NOT CASE WHEN c.relkind = 'S' THEN has_sequence_privilege(r.role, c.oid, p)
                              ELSE has_table_privilege(r.role, c.oid, p) END)
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, r
  WHERE n.nspname = %(schema)s AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
    AND NOT c.relispartition AND c.relowner = r.me
    AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                    AND d.objid = c.oid AND d.deptype = 'e')
  UNION ALL
  SELECT 3, 'function', p.oid::regprocedure::text,
         ARRAY(SELECT 'EXECUTE' WHERE NOT has_function_privilege(r.role, p.oid, 'EXECUTE'))
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace, r
  WHERE n.nspname = %(schema)s AND p.prokind = 'f' AND p.proowner = r.me
    AND p.prorettype NOT IN ('pg_catalog.trigger'::regtype, 'pg_catalog.event_trigger'::regtype)
    AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass
                    AND d.objid = p.oid AND d.deptype = 'e')
)
SELECT r.role IS NOT NULL, o.kind, o.name, o.missing
FROM r LEFT JOIN objects o ON cardinality(o.missing) > 0
ORDER BY o.rank, o.name
"""


@dataclass(frozen=True)
class Missing:
    """One object ``service_role`` lacks privileges on."""

    #: schema | table | view | materialized view | foreign table | sequence | function
    kind: str
    #: as SQL takes it: ``public.documents``, ``public.match_documents(extensions.vector, uuid)``
    name: str
    privileges: tuple[str, ...]

    def grant(self) -> str:
        on = {"schema": "SCHEMA", "sequence": "SEQUENCE", "function": "FUNCTION"}.get(
            self.kind, "TABLE"
        )
        return f"GRANT {', '.join(self.privileges)} ON {on} {self.name} TO {ROLE};"


@dataclass
class GrantsReport:
    #: False: no service_role role, so this is no Supabase database and there is nothing to grant
    role_exists: bool
    missing: list[Missing] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.missing

    def summary(self) -> str:
        """ "service_role lacks privileges on 7 tables, 1 sequence and 5 functions of public"."""
        counts: dict[str, int] = {}
        for m in self.missing:
            counts[m.kind] = counts.get(m.kind, 0) + 1
        parts = [f"{n} {kind}{'' if n == 1 else 's'}" for kind, n in counts.items()]
        listed = ", ".join(parts[:-1]) + f" and {parts[-1]}" if len(parts) > 1 else parts[0]
        return f"{ROLE} lacks privileges on {listed} of {SCHEMA}"


def inspect(conn: Any) -> GrantsReport:
    """What ``service_role`` lacks, read on an open autocommit connection (one round trip)."""
    params = {"role": ROLE, "schema": SCHEMA, "table": list(TABLE), "sequence": list(SEQUENCE)}
    with conn.pipeline():
        conn.execute("SET search_path = ''")
        rows = conn.execute(QUERY, params)
        conn.execute("RESET search_path")
    found = rows.fetchall()
    report = GrantsReport(bool(found and found[0][0]))
    report.missing = [Missing(k, n, tuple(p)) for _, k, n, p in found if k is not None]
    return report


def check(db_url: str, timeout: float = 10) -> GrantsReport:
    """``inspect`` on a connection of its own."""
    from providers.postgres import connect

    conn, _ = connect(db_url, timeout)
    with conn:
        return inspect(conn)


def render_sql(report: GrantsReport) -> str:
    """The migration file's text: a header saying why, then one GRANT per object."""
    header = (
        f"-- Data API grants for {ROLE}, written by convoai-setup (its migrate --grants).\n"
        "--\n"
        "-- Supabase no longer grants new tables and functions in public to the Data API roles\n"
        "-- (new projects since 30 May 2026, every project since 30 October 2026). ConvoAI's\n"
        "-- backend reaches them through supabase-js with the service key (role service_role),\n"
        "-- so it needs these privileges. Only service_role: the frontend never talks to\n"
        "-- Supabase directly, so anon and authenticated get nothing. Row level security is\n"
        "-- left as it is (service_role bypasses it).\n\n"
    )
    return header + "\n".join(m.grant() for m in report.missing) + "\n"


def next_version(files: Sequence[MigrationFile], now: datetime | None = None) -> str:
    """The version after the last one, in the project's own style: ``005`` after ``004``, or a
    UTC timestamp (the Supabase CLI's ``20261205120000``) after timestamps or none."""
    versions = [f.version for f in files if not f.is_schema]
    last = max(versions, key=int, default="")
    if last and len(last) < 14:
        return str(int(last) + 1).zfill(len(last))
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d%H%M%S")
    return stamp if not last or int(stamp) > int(last) else str(int(last) + 1)


def pending_file(project: Project, pending: Sequence[str]) -> Path | None:
    """A grants file already written and not applied yet (versions in ``pending``)."""
    folder = project.root / "supabase" / "migrations"
    for path in sorted(folder.glob(f"*_{NAME}.sql")):
        match = MIGRATION_FILE.match(path.name)
        if match and match.group(1) in pending:
            return path
    return None


def write_file(project: Project, report: GrantsReport, files: Sequence[MigrationFile]) -> Path:
    """Write ``supabase/migrations/<next>_service_role_grants.sql`` (atomically)."""
    from wizard.fsutil import atomic_write

    folder = project.root / "supabase" / "migrations"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{next_version(files)}_{NAME}.sql"
    atomic_write(path, render_sql(report).encode("utf-8"))
    return path
