"""``--plain``'s migration step applies with the Data API grants check, through a real pty, on a
real PostgreSQL + pgvector set up as Supabase sets up projects today (the API roles get nothing
by default): it says what service_role lacks and offers the grants file; a no writes nothing and
is said as the phase's failure with the command for later; the next run offers it again and a
yes writes and applies it like any migration."""

from __future__ import annotations

from pathlib import Path

import pexpect
import psycopg
import pytest

from tests.conftest import scan_for_secrets
from tests.plain.drive import answer, finish, keep_values, spawn, transcript
from tests.provision.test_grants import grant_files, rows, supabase_db, supabase_pg
from tests.push.conftest import store

__all__ = ["supabase_db", "supabase_pg"]  # fixtures, used by name

#: (the rest of the question, "service_role only; row level security stays on) and apply it
#: like any migration?", wraps at the pty's 100 columns)
QUESTION = r"Write supabase/migrations/005_service_role_grants\.sql \(13 GRANT statements, "


def through_the_values(child: pexpect.spawn) -> None:
    child.expect(r"SUPABASE_ACCESS_TOKEN is not set")  # no provisioning token: not asked
    keep_values(child, "supabase")


def to_the_end(child: pexpect.spawn) -> int:
    answer(child, r"Verify Supabase now", "n\r")
    return finish(child)


def test_the_grants_are_offered_declined_then_written_and_applied_on_the_next_run(
    supabase_db: str, project: Path
) -> None:
    store(project, {"SUPABASE_DB_URL": supabase_db})
    child = spawn(project, "phase", "supabase")
    through_the_values(child)
    answer(child, r"Apply 5 pending migrations now\?", "\r")
    child.expect(r"applied 5 files")
    child.expect(
        r"! service_role lacks privileges on 7 tables, 1 sequence and 5 functions of public: "
        r"the backend's queries will fail with 42501 permission denied\."
    )
    answer(child, QUESTION, "")
    answer(child, r"\(Y/n\)", "n\r")
    child.expect(r"✗ service_role lacks privileges on 7 tables.*migrate --grants\)")
    assert to_the_end(child) == 0
    first = transcript(child)
    assert grant_files(project) == []  # declined: no file, nothing applied
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        rows(supabase_db, "SELECT count(*) FROM organizations", "service_role")

    child = spawn(project, "phase", "supabase")
    through_the_values(child)
    answer(child, QUESTION, "")  # nothing pending now: the grants are offered at once
    answer(child, r"\(Y/n\)", "\r")
    child.expect(r"wrote and applied supabase/migrations/005_service_role_grants\.sql")
    assert to_the_end(child) == 0
    second = transcript(child)
    assert "pending migrations" not in second
    assert grant_files(project) == ["005_service_role_grants.sql"]
    recorded = rows(supabase_db, "SELECT version FROM supabase_migrations.schema_migrations")
    assert ("005",) in recorded
    assert rows(supabase_db, "SELECT count(*) FROM organizations", "service_role") == [(0,)]
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        rows(supabase_db, "SELECT count(*) FROM organizations", "anon")

    child = spawn(project, "phase", "supabase")  # granted: nothing more to offer
    through_the_values(child)
    assert to_the_end(child) == 0
    assert "lacks privileges" not in transcript(child)
    secret = {"SUPABASE_DB_URL": supabase_db}
    assert [n for n, v in secret.items() if v in first + second] == []
    assert scan_for_secrets(project, secret) == []
