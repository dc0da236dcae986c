"""SIGTERM and SIGINT during ``migrate`` and ``check``: real processes against real PostgreSQL.

Each test waits (with a hang guard, not a threshold) until the server shows the command's
statement running or waiting, sends the signal, and then asserts on the server: the statement
is gone and no advisory lock is held. Without a server-side cancel the backend would keep
sleeping or waiting after the client died, and the next ``migrate`` would wait for its lock.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from tests.conftest import REPO, run_cli
from tests.migrations.conftest import add_migration, query, table_exists
from wizard.migration_history import LOCK_KEY
from wizard.migrations import apply
from wizard.project import Project

ADVISORY = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = %s"
OURS = "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'convoai-setup'"


def _start(*args: str, project: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "wizard", *args, "--project", str(project)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ),
        cwd=REPO,
    )


def _wait_for(url: str, sql: str, proc: subprocess.Popen[str]) -> None:
    """Until ``sql`` counts a row (hang guard: 60 s, or the process ending first)."""
    deadline = time.monotonic() + 60
    while int(query(url, sql)[0][0]) == 0:
        if proc.poll() is not None:
            raise AssertionError(f"exited {proc.returncode} early: {proc.communicate()}")
        assert time.monotonic() < deadline, "the statement never showed up on the server"
        time.sleep(0.05)


def _gone(url: str, sql: str) -> bool:
    """Whether ``sql`` counts no row, within a hang guard: a backend ends just after its client."""
    deadline = time.monotonic() + 20
    while int(query(url, sql)[0][0]):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def _other_lines(stderr: str) -> list[str]:
    """stderr without the progress lines ("[3/6] applied …")."""
    return [line for line in stderr.splitlines() if line.strip() and not line.startswith("[")]


@pytest.mark.parametrize(
    ("signum", "code", "verb"),
    [(signal.SIGTERM, 143, "terminated"), (signal.SIGINT, 130, "interrupted")],
)
def test_a_signal_cancels_the_running_migration(
    pg_database: str, project: Path, signum: int, code: int, verb: str
) -> None:
    assert (
        run_cli("vars", "set", "SUPABASE_DB_URL", project=project, input=pg_database).returncode
        == 0
    )
    add_migration(
        project, "005_slow.sql", "CREATE TABLE slow_half (id int);\nSELECT pg_sleep(30);\n"
    )
    proc = _start("migrate", project=project)
    _wait_for(
        pg_database,
        "SELECT count(*) FROM pg_stat_activity WHERE position('pg_sleep(30)' in query) > 0 "
        "AND pid <> pg_backend_pid()",
        proc,
    )
    proc.send_signal(signum)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == code, stderr
    assert _other_lines(stderr) == [
        f"convoai-setup: {verb} ({signal.Signals(signum).name}); the running work was cancelled "
        "on the server and rolled back, what was already saved is kept."
    ]
    assert "Traceback" not in stderr
    # The file rolled back and is not recorded; the files before it are.
    assert not table_exists(pg_database, "public.slow_half")
    versions = query(
        pg_database, "SELECT version FROM supabase_migrations.schema_migrations ORDER BY 1"
    )
    assert versions == [("001",), ("002",), ("003",), ("004",)]
    # The statement is gone from the server, and no session holds the lock.
    assert _gone(pg_database, OURS)
    assert query(pg_database, ADVISORY, (LOCK_KEY & 0xFFFFFFFF,)) == [(0,)]
    # The next run takes the lock at once (a held lock would fail it after 0.5 s).
    add_migration(project, "005_slow.sql", "CREATE TABLE slow_half (id int);\n")
    report = apply(pg_database, Project(project), lock_wait=0.5)
    assert report.ok, report.error
    assert [f.version for f in report.applied] == ["005"]


def test_sigterm_during_check_cancels_its_query(pg_database: str, project: Path) -> None:
    assert apply(pg_database, Project(project)).ok
    assert (
        run_cli("vars", "set", "SUPABASE_DB_URL", project=project, input=pg_database).returncode
        == 0
    )
    with psycopg.connect(pg_database, autocommit=True) as holder:
        # The check's history read waits behind this lock (its timeout is 60 s).
        holder.execute("BEGIN")
        holder.execute("LOCK TABLE supabase_migrations.schema_migrations IN ACCESS EXCLUSIVE MODE")
        proc = _start("check", "supabase", "--timeout", "60", project=project)
        _wait_for(pg_database, OURS + " AND wait_event_type = 'Lock'", proc)
        proc.send_signal(signal.SIGTERM)
        stdout, stderr = proc.communicate(timeout=60)
        assert proc.returncode == 143, stderr
        assert stderr.strip().splitlines() == [
            "convoai-setup: terminated (SIGTERM); the running work was cancelled on the server "
            "and rolled back, what was already saved is kept."
        ]
        assert stdout == ""
        # Cancelled on the server while our lock is still held: it waits no more.
        assert _gone(pg_database, OURS)
        holder.execute("ROLLBACK")
