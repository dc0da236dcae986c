"""Two runs against one database are serialised by ``pg_advisory_lock``."""

from __future__ import annotations

import threading
import time

import psycopg

from tests.migrations.conftest import query
from wizard.migration_history import LOCK_KEY
from wizard.migrations import MigrationReport, apply
from wizard.project import Project

WAITING = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND objid = %s"


def _waiters(url: str) -> int:
    return int(query(url, WAITING, (LOCK_KEY & 0xFFFFFFFF,))[0][0])


def test_second_run_waits_for_the_lock_then_applies(pg_database: str, proj: Project) -> None:
    reports: list[MigrationReport] = []
    with psycopg.connect(pg_database, autocommit=True) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", (LOCK_KEY,))
        worker = threading.Thread(target=lambda: reports.append(apply(pg_database, proj)))
        worker.start()
        deadline = time.monotonic() + 30
        while _waiters(pg_database) == 0:  # the run is queued behind our lock, not running
            assert time.monotonic() < deadline, "the run never waited for the advisory lock"
            time.sleep(0.05)
        assert query(
            pg_database, "SELECT to_regclass('supabase_migrations.schema_migrations')"
        ) == [(None,)]
        holder.execute("SELECT pg_advisory_unlock(%s)", (LOCK_KEY,))
    worker.join(60)
    assert reports and reports[0].ok and len(reports[0].applied) == 5


def test_lock_wait_ends_with_a_clear_message(pg_database: str, proj: Project) -> None:
    with psycopg.connect(pg_database, autocommit=True) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", (LOCK_KEY,))
        report = apply(pg_database, proj, lock_wait=0.3)
    assert report.error is not None and report.error.startswith(
        "Another convoai-setup migrate is running"
    )
    assert report.applied == [] and report.count("pending") == 5


def test_concurrent_runs_apply_each_file_once(pg_database: str, proj: Project) -> None:
    reports: list[MigrationReport] = []
    threads = [
        threading.Thread(target=lambda: reports.append(apply(pg_database, proj))) for _ in range(2)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert len(reports) == 2 and all(r.ok for r in reports)
    assert sorted(len(r.applied) for r in reports) == [0, 5]
    assert query(pg_database, "SELECT count(*) FROM supabase_migrations.schema_migrations") == [
        (4,)
    ]
