"""Supabase for the whole world: the Management API stand-in (``tests.provision.supabase_fake``)
whose projects get a real database, and each project's Data API (PostgREST) at
``https://<ref>.supabase.co`` answering from that database.

The pooler's connection string names the pooler's user ``postgres.<ref>`` and the pooler stand-in
in front of the real PostgreSQL (``tests.up.database``); the password is the one sent at creation.
The Data API lists what PostgREST would: the tables and functions of ``public`` that
``service_role`` may use, read from the database itself, so it says "missing" before the
migrations, "denied" (42501) before the grants, and everything after.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from werkzeug import Request, Response

from tests.providers.fakes import json_response
from tests.provision.supabase_fake import FakeSupabase
from tests.up.database import Cluster

EXPOSED = """
SELECT '/' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
  AND has_table_privilege('service_role', c.oid, 'SELECT')
UNION ALL
SELECT '/rpc/' || p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = 'public' AND p.prokind = 'f'
  AND has_function_privilege('service_role', p.oid, 'EXECUTE')
"""
TABLE = """
SELECT has_table_privilege('service_role', c.oid, 'SELECT') FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relname = %s
"""


@dataclass
class SupabaseWorld(FakeSupabase):
    cluster: Cluster | None = None
    #: project ref -> its database password as Supabase holds it
    passwords: dict[str, str] = field(default_factory=dict)
    #: called with each new project's ref once its database exists (a test's fault goes there)
    on_database: Callable[[str], None] | None = None

    def _create(self, request: Request) -> Response:
        before = set(self.projects)
        response = super()._create(request)
        for ref in set(self.projects) - before:  # the project just created: its database
            password = str(self.projects[ref]["db_pass"])
            assert self.cluster is not None
            self.cluster.create_project(ref, password)
            self.passwords[ref] = password
            if self.on_database is not None:
                self.on_database(ref)
        return response

    def _route(self, request: Request) -> Response:
        response = super()._route(request)
        parts = request.path.strip("/").split("/")
        reset = request.method == "PATCH" and parts[3:] == ["database", "password"]
        if reset and response.status_code == 200 and self.cluster is not None:
            ref = parts[2]
            self.cluster.set_password(ref, str(self.projects[ref]["db_pass"]))
        return response

    def pooler_entries(self, ref: str) -> list[dict[str, Any]]:
        """The pooler's one entry, pointing at the pooler stand-in (its port is not 6543: the
        wizard keeps it as it is)."""
        assert self.cluster is not None
        port, name = self.cluster.pooler.port, self.cluster.databases[ref]
        text = f"postgres://postgres.{ref}:[YOUR-PASSWORD]@localhost:{port}/{name}"
        return [
            {
                "identifier": ref,
                "database_type": "PRIMARY",
                "is_using_scram_auth": True,
                "db_user": f"postgres.{ref}",
                "db_host": "localhost",
                "db_port": port,
                "db_name": name,
                "connection_string": text,
                "connectionString": text,
                "default_pool_size": 15,
                "max_client_conn": 200,
                "pool_mode": "transaction",
            }
        ]

    # -- the Data API of each project ----------------------------------------------------------
    def data_api(self, request: Request) -> Response:
        """PostgREST at ``https://<ref>.supabase.co/rest/v1/``."""
        ref = request.host.split(":")[0].removesuffix(".supabase.co")
        if ref not in self.projects or self.cluster is None or ref not in self.cluster.databases:
            return json_response({"message": "no project here"}, 404)
        key = request.headers.get("apikey", "")
        if not key:
            return json_response(
                {
                    "message": "No API key found in request",
                    "hint": "No `apikey` request header or url param was found.",
                },
                401,
            )
        if key not in (self.service_jwt(ref), self.secret_key(ref)):
            return json_response({"message": "Invalid API key"}, 401)
        path = request.path.removeprefix("/rest/v1")
        if path in ("", "/"):
            paths = [row[0] for row in self.cluster.rows(ref, EXPOSED)]
            doc = {
                "swagger": "2.0",
                "info": {"title": "PostgREST API"},
                "paths": {"/": {}, **{p: {} for p in paths}},
            }
            return Response(json.dumps(doc), content_type="application/openapi+json")
        table = path.strip("/")
        found = self.cluster.rows(ref, TABLE, (table,))
        if not found:
            message = f"Could not find the table 'public.{table}' in the schema cache"
            return json_response({"code": "PGRST205", "message": message}, 404)
        if not found[0][0]:
            message = f"permission denied for table {table}"
            return json_response({"code": "42501", "message": message}, 401)
        return json_response([])
