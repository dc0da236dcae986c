"""Connection settings and failures: real libpq attempts, one clear line, never the password."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from providers.base import CheckContext
from providers.postgres import VECTOR_FIX, PostgresError, check_postgres, connect, connect_params
from tests.conftest import run_cli
from tests.fixtures.postgres import PASSWORD
from tests.migrations.conftest import query

SECRET = "S3cretPw-never-shown"


def _fails(url: str, timeout: float = 2) -> str:
    with pytest.raises(PostgresError) as info:
        connect(url, timeout)
    line = info.value.line()
    assert SECRET not in line and url not in line
    return line


def test_supabase_hosts_default_to_sslmode_require() -> None:
    params, target = connect_params(
        f"postgresql://postgres:{SECRET}@db.abcd.supabase.co:5432/postgres", 10
    )
    assert params["sslmode"] == "require" and target.supabase
    params, _ = connect_params(
        f"postgresql://postgres:{SECRET}@db.abcd.supabase.co/postgres?sslmode=verify-full", 10
    )
    assert params["sslmode"] == "verify-full"
    params, _ = connect_params(f"postgresql://postgres:{SECRET}@127.0.0.1:5432/postgres", 10)
    assert "sslmode" not in params


def test_transaction_pooler_disables_prepared_statements() -> None:
    url = f"postgres://postgres.abcd:{SECRET}@aws-1-eu-west-1.pooler.supabase.com:6543/postgres"
    params, target = connect_params(url, 10)
    assert target.transaction_pooler and params["prepare_threshold"] is None
    assert (
        connect_params(url.replace(":6543", ":5432"), 10)[0].get("prepare_threshold", 0) is not None
    )


def test_invalid_url_is_a_config_error_without_the_password() -> None:
    with pytest.raises(PostgresError) as info:
        connect(f"postgresql://postgres:{SECRET}@host:5432/db?bogus=1", 2)
    assert info.value.exit_code == 2 and SECRET not in info.value.line()


def test_wrong_password(pg_password_url: str) -> None:
    line = _fails(pg_password_url.replace(PASSWORD, SECRET))
    assert line.startswith(
        "Postgres rejected the password for user migrator. Copy the connection string again"
    )


def test_dns_failure() -> None:
    assert "was not found (DNS)" in _fails(
        f"postgresql://postgres:{SECRET}@no-such-host.invalid:5432/postgres"
    )


def test_refused_port() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    assert "refused the connection" in _fails(
        f"postgresql://postgres:{SECRET}@127.0.0.1:{port}/postgres"
    )


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A TCP port that accepts connections and never answers (a firewall-ish black hole)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


def test_timeout(silent_server: int) -> None:
    line = _fails(
        f"postgresql://postgres:{SECRET}@127.0.0.1:{silent_server}/postgres?sslmode=disable", 2
    )
    assert "did not answer in time (connection timeout)" in line


def test_ipv6_only_direct_host_suggests_the_session_pooler() -> None:
    # hostaddr makes libpq really dial an IPv6 address (the discard prefix 100::/64) for the
    # direct host name: unreachable here, or a timeout where IPv6 routes exist.
    url = f"postgresql://postgres:{SECRET}@db.abcdefghij.supabase.co:5432/postgres?hostaddr=100::1&connect_timeout=2"
    line = _fails(url)
    assert "Use the session pooler" in line and "postgres.abcdefghij" in line


def _check(url: str | None, root: Path | None = None) -> list[tuple[str, str, str]]:
    async def run() -> list[tuple[str, str, str]]:
        async with httpx.AsyncClient() as client:
            ctx = CheckContext({"SUPABASE_DB_URL": url}, client, 5.0, {}, project_root=root)
            return [(r.check, r.outcome, r.message) for r in await check_postgres(ctx)]

    return asyncio.run(run())


def test_check_postgres_on_a_migrated_database(pg_database: str, project: Path) -> None:
    from wizard.migrations import apply
    from wizard.project import Project

    assert [o for _, o, _ in _check(pg_database, project)] == ["ok", "warn", "warn"]  # fresh
    assert apply(pg_database, Project(project)).ok
    results = _check(pg_database, project)
    assert [(c, o) for c, o, _ in results] == [
        ("connect", "ok"),
        ("vector", "ok"),
        ("migrations", "ok"),
    ]
    assert "4 migrations recorded, 0 pending" in results[2][2]


def test_check_postgres_without_pgvector(pg_without_vector: str) -> None:
    results = _check(pg_without_vector)
    assert ("vector", "fail", VECTOR_FIX) in results


def test_check_postgres_wrong_password(pg_password_url: str) -> None:
    results = _check(pg_password_url.replace(PASSWORD, SECRET))
    assert results[0][:2] == ("connect", "fail") and SECRET not in results[0][2]


def test_cli_never_shows_the_password(
    pg_password_url: str, project: Path, isolated_env: Path
) -> None:
    """Correct and wrong passwords planted in SUPABASE_DB_URL: not in output, state, or files."""
    for url, expected in (
        (pg_password_url, 'The "vector" extension (pgvector) is not available'),
        (
            pg_password_url.replace(PASSWORD, SECRET),
            "Postgres rejected the password for user migrator",
        ),
    ):
        assert run_cli("vars", "set", "SUPABASE_DB_URL", project=project, input=url).returncode == 0
        for args in (("migrate",), ("migrate", "--dry-run"), ("migrate", "status", "--json")):
            result = run_cli(*args, project=project)
            if args[-1] == "--json" and url == pg_password_url:  # status reports, it doesn't fail
                assert result.returncode == 0 and '"available": null' in result.stdout
            else:
                assert result.returncode == 1, result.stderr
                assert expected in result.stderr
            for secret in (PASSWORD, SECRET):
                assert secret not in result.stdout + result.stderr
        for path in [*project.rglob("*"), *isolated_env.rglob("*")]:
            if path.is_file():
                data = path.read_bytes()
                assert PASSWORD.encode() not in data and SECRET.encode() not in data, path
    assert query(
        pg_password_url.replace(PASSWORD, PASSWORD),
        "SELECT to_regclass('supabase_migrations.schema_migrations')",
    ) == [(None,)]
