"""Helpers for the migration tests: a Project on the example copy, and reading the database."""

from __future__ import annotations

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
