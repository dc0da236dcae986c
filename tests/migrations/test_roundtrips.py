"""Round trips of ``migrate``, ``--dry-run``, ``status`` and the Postgres check (issue 12).

Counted by a relay between the client and the real server (``relay.py``): the server answering
after the client spoke is one round trip. The connection start-up is one round trip here (trust
authentication, no TLS); SCRAM adds two, TLS one or two, on a real Supabase.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest

from providers.base import CheckContext
from providers.postgres import check_postgres
from tests.migrations.conftest import add_migration, query, table_exists
from tests.migrations.relay import CountingRelay, counting_relay, relayed_url, socket_path
from wizard.migration_files import split_statements
from wizard.migration_history import LOCK_KEY
from wizard.migrations import MigrationEvent, MigrationReport, apply, inspect
from wizard.project import Project

START_UP = 1  # the connection's start-up: trust authentication over plain TCP


@pytest.fixture
def relay(pg_database: str) -> Iterator[CountingRelay]:
    with counting_relay(socket_path(pg_database)) as relay:
        yield relay


def test_the_example_takes_one_round_trip_per_file(
    pg_database: str, relay: CountingRelay, proj: Project
) -> None:
    url = relayed_url(pg_database, relay)
    report = apply(url, proj)
    assert report.ok and len(report.applied) == 5
    # start-up, the lock + pgvector + history read, then one per file (issue 12's goal: <= 12)
    assert relay.round_trips == START_UP + 1 + 5 and relay.connections == 1
    state = json.loads(proj.state_file.read_text())
    assert state["migrations"]["applied"] == 5 and state["migrations"]["vector"] == report.vector
    assert report.vector == query(pg_database, "SELECT extversion FROM pg_extension")[-1][0]

    for name, run in (
        ("nothing pending", lambda: apply(url, proj)),
        ("dry run", lambda: apply(url, proj, dry_run=True)),
        ("status", lambda: inspect(url, proj)),
    ):
        relay.reset()
        run()
        assert relay.round_trips == START_UP + 1, name


def test_dry_run_and_status_on_a_fresh_database(
    pg_database: str, relay: CountingRelay, proj: Project
) -> None:
    url = relayed_url(pg_database, relay)
    report = apply(url, proj, dry_run=True)
    assert report.error is None and report.count("pending") == 5
    assert relay.round_trips == START_UP + 1
    assert query(pg_database, "SELECT to_regnamespace('supabase_migrations')") == [(None,)]


def test_a_failure_in_the_middle_of_a_pipelined_file(
    pg_database: str, relay: CountingRelay, proj: Project
) -> None:
    # 1/0 fails at run time: the server gives no position, so the line must come from knowing
    # which statement of the pipeline failed. The multibyte text before it must not shift it.
    add_migration(
        proj.root,
        "005_middle.sql",
        "CREATE TABLE mid_a (id int);\n-- é😀 and a ; in a comment\nINSERT INTO mid_a "
        "VALUES (1);\n\n"
        "INSERT INTO mid_a\n  VALUES (1 / 0);\nCREATE TABLE mid_b (id int);\n",
    )
    add_migration(proj.root, "006_later.sql", "CREATE TABLE later (id int);\n")
    events: list[MigrationEvent] = []
    report = apply(relayed_url(pg_database, relay), proj, progress=events.append)
    assert report.error == "supabase/migrations/005_middle.sql:5: division by zero"
    assert events[-1].stage == "failed" and events[-1].file.version == "005"
    assert [f.version for f in report.applied] == ["schema", "001", "002", "003", "004"]
    for table in ("public.mid_a", "public.mid_b", "public.later"):
        assert not table_exists(pg_database, table)
    versions = query(
        pg_database, "SELECT version FROM supabase_migrations.schema_migrations ORDER BY 1"
    )
    assert versions == [("001",), ("002",), ("003",), ("004",)]
    assert {s.version: s.status for s in report.statuses}["005"] == "pending"
    # the failing file's pipeline and its ROLLBACK
    assert relay.round_trips == START_UP + 1 + 5 + 2


def test_a_failing_commit_records_nothing(pg_database: str, proj: Project) -> None:
    # A deferred constraint fails at COMMIT, after every statement succeeded.
    add_migration(
        proj.root,
        "005_deferred.sql",
        "CREATE TABLE parent (id int PRIMARY KEY);\n"
        "CREATE TABLE child (pid int REFERENCES parent DEFERRABLE INITIALLY DEFERRED);\n"
        "INSERT INTO child VALUES (42);\n",
    )
    report = apply(pg_database, proj)
    assert report.error is not None
    assert report.error.startswith("supabase/migrations/005_deferred.sql: ")
    assert "violates foreign key constraint" in report.error
    assert not table_exists(pg_database, "public.child")
    assert query(
        pg_database,
        "SELECT count(*) FROM supabase_migrations.schema_migrations WHERE version = '005'",
    ) == [(0,)]


def _check(url: str, root: Path) -> list[tuple[str, str]]:
    async def run() -> list[tuple[str, str]]:
        async with httpx.AsyncClient() as client:
            ctx = CheckContext({"SUPABASE_DB_URL": url}, client, 5.0, {}, project_root=root)
            return [(r.check, r.outcome) for r in await check_postgres(ctx)]

    return asyncio.run(run())


def test_the_postgres_check_takes_one_round_trip_after_start_up(
    pg_database: str, relay: CountingRelay, project: Path
) -> None:
    url = relayed_url(pg_database, relay)
    assert _check(url, project) == [("connect", "ok"), ("vector", "warn"), ("migrations", "warn")]
    assert relay.round_trips == START_UP + 1
    assert apply(pg_database, Project(project)).ok
    relay.reset()
    assert _check(url, project) == [("connect", "ok"), ("vector", "ok"), ("migrations", "ok")]
    assert relay.round_trips == START_UP + 1


@pytest.fixture
def pooler_relay(pg_database: str) -> Iterator[CountingRelay]:
    """The relay on port 6543, so the URL reads as Supabase's transaction pooler."""
    with counting_relay(socket_path(pg_database), port=6543) as relay:
        yield relay


def test_transaction_pooler_path(
    pg_database: str, pooler_relay: CountingRelay, proj: Project
) -> None:
    """No session lock; each file takes the xact lock; a file recorded meanwhile is skipped."""
    url = relayed_url(pg_database, pooler_relay)
    reports: list[MigrationReport] = []
    schema = proj.root / "supabase" / "schema.sql"
    with psycopg.connect(pg_database) as other:  # another run, inside its first file
        other.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))
        worker = threading.Thread(target=lambda: reports.append(apply(url, proj)))
        worker.start()
        waiting = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
        deadline = time.monotonic() + 60  # a hang guard
        while query(pg_database, waiting) == [(0,)]:
            assert worker.is_alive() and time.monotonic() < deadline
            time.sleep(0.05)
        # ... which applies and records schema.sql, then commits (releasing the xact lock)
        for statement in split_statements(schema.read_text()):
            other.execute(statement)
        other.execute("CREATE SCHEMA supabase_migrations")
        other.execute(
            "CREATE TABLE supabase_migrations.convoai_setup_baseline (version text PRIMARY KEY,"
            " name text, statements text[], applied_at timestamptz NOT NULL DEFAULT now())"
        )
        other.execute(
            "INSERT INTO supabase_migrations.convoai_setup_baseline VALUES ('schema', "
            "'schema', '{}')"
        )
    worker.join(60)
    report = reports[0]
    assert report.ok, report.error
    assert [f.version for f in report.applied] == ["001", "002", "003", "004"]
    assert {s.version: s.status for s in report.statuses}["schema"] == "applied"
    assert query(pg_database, "SELECT count(*) FROM supabase_migrations.schema_migrations") == [
        (4,)
    ]
