"""A stateful stand-in for Supabase's Management API (PROVISION-CONTRACTS §1) on a real loopback
HTTPS server.

It keeps organizations and projects; pages an organization's projects with offset and limit
and matches ``search`` loosely (a substring, as a name search does), so only an exact re-check
finds the right one; creates a project with status COMING_UP that walks ``script`` one status per
``GET /v1/projects/{ref}``; answers the API keys with secret values ``null`` unless
``reveal=true`` (and a 403 naming ``missing_permissions`` when reveal is not allowed); serves the
pooler's connection strings with the literal ``[YOUR-PASSWORD]``; puts ``X-RateLimit-*`` on every
answer and can answer polls with 429; can drop the connection of a create it carried out. Every
request is logged (method, path, query).
"""

from __future__ import annotations

import base64
import json
import random
import socket
import string
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.providers.fakes import bearer, json_response

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
#: what an organization's project list says of a database (its own, shorter, enum)
DATABASE_STATUSES = {"ACTIVE_HEALTHY", "ACTIVE_UNHEALTHY", "COMING_UP", "GOING_DOWN", "UNKNOWN"}
LIMIT = 120
STATUSES = [
    "INACTIVE",
    "ACTIVE_HEALTHY",
    "ACTIVE_UNHEALTHY",
    "COMING_UP",
    "UNKNOWN",
    "GOING_DOWN",
    "INIT_FAILED",
    "REMOVED",
    "RESTORING",
    "UPGRADING",
    "PAUSING",
    "RESTORE_FAILED",
    "RESTARTING",
    "PAUSE_FAILED",
    "RESIZING",
]


def jwt(claims: dict[str, Any]) -> str:
    """An unsigned JWT-shaped string carrying ``claims`` (the check reads the role claim)."""

    def part(doc: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(doc).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'HS256', 'typ': 'JWT'})}.{part(claims)}.FAKEsignature0123456789"


def new_ref() -> str:
    return "".join(random.choices(string.ascii_lowercase, k=20))


@dataclass
class FakeSupabase:
    token: str
    orgs: list[dict[str, Any]] = field(
        default_factory=lambda: [{"id": "acme", "slug": "acme", "name": "Acme"}]
    )
    projects: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: statuses a new project walks, one per GET of it (the last one stays)
    script: tuple[str, ...] = ("COMING_UP", "COMING_UP", "ACTIVE_HEALTHY")
    #: polls of a project answered 429 (with X-RateLimit-Reset) before the next status
    limited_polls: int = 0
    #: seconds X-RateLimit-Reset says on a 429
    reset_seconds: int = 1
    #: requests left in the window, as every answer says it (None: counted per endpoint)
    window_left: int | None = None
    #: reveal=true refused with 403 + missing_permissions (a scoped token without the secret read)
    reveal_forbidden: bool = False
    #: the legacy-keys endpoint answers 404 ("will be removed in the future")
    legacy_endpoint_gone: bool = False
    #: the pooler lists a session-mode entry on 5432 too (else transaction mode on 6543 only)
    session_entry: bool = False
    #: carry out the next create, then close the connection without answering
    drop_create: bool = False
    #: called once a create is carried out, before it is answered (a test kills the client)
    on_create: Callable[[], None] | None = None
    #: (method, path, query string) of every request
    log: list[tuple[str, str, str]] = field(default_factory=list)
    #: bodies of the creates received (they hold the generated password)
    created: list[dict[str, Any]] = field(default_factory=list)
    #: every exchange: (method, path, query, request JSON or None, status, answer JSON)
    exchanges: list[tuple[str, str, str, Any, int, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    _window: dict[str, list[float]] = field(default_factory=dict)

    # -- setup ---------------------------------------------------------------------------------
    def add_project(
        self,
        name: str,
        org: str = "acme",
        status: str = "ACTIVE_HEALTHY",
        password: str = "",
        legacy: bool = True,
    ) -> str:
        ref = new_ref()
        self.projects[ref] = {
            "ref": ref,
            "name": name,
            "organization_slug": org,
            "region": "us-west-1",
            "status": status,
            "created_at": "2026-11-01T10:00:00Z",
            "db_pass": password,
            "legacy": legacy,
            "script": [],
        }
        return ref

    def writes(self) -> list[tuple[str, str]]:
        return [(m, p) for m, p, _ in self.log if m in WRITE_METHODS]

    def install(self, server: HTTPServer) -> None:
        server.expect_request(re_all()).respond_with_handler(self.handle)

    # -- keys ----------------------------------------------------------------------------------
    def service_jwt(self, ref: str) -> str:
        return jwt({"iss": "supabase", "ref": ref, "role": "service_role", "iat": 1700000000})

    def secret_key(self, ref: str) -> str:
        return f"sb_secret_FAKE{ref[:8]}0123456789abcdef"

    def _keys(self, project: dict[str, Any], reveal: bool) -> list[dict[str, Any]]:
        ref = project["ref"]

        def key(name: str, kind: str, value: str, secret: bool, role: str = "") -> dict[str, Any]:
            return {
                "name": name,
                "type": kind,
                "api_key": value if reveal or not secret else None,
                "id": f"{name}-{ref}",
                "prefix": value[:12] if kind in ("publishable", "secret") else None,
                "description": None,
                "hash": "h",
                "secret_jwt_template": {"role": role} if role else None,
                "inserted_at": project["created_at"],
                "updated_at": project["created_at"],
            }

        anon = jwt({"iss": "supabase", "ref": ref, "role": "anon", "iat": 1700000000})
        return [
            key("anon", "legacy", anon, False),
            key("service_role", "legacy", self.service_jwt(ref), True),
            key("default", "publishable", f"sb_publishable_FAKE{ref[:8]}000000", False),
            key("default", "secret", self.secret_key(ref), True, "service_role"),
        ]

    def pooler_entries(self, ref: str) -> list[dict[str, Any]]:
        host = "aws-0-us-west-1.pooler.supabase.com"
        entry = {
            "identifier": ref,
            "database_type": "PRIMARY",
            "is_using_scram_auth": True,
            "db_user": f"postgres.{ref}",
            "db_host": host,
            "db_port": 6543,
            "db_name": "postgres",
            "connection_string": f"postgres://postgres.{ref}:[YOUR-PASSWORD]@{host}:6543/postgres",
            "connectionString": f"postgres://postgres.{ref}:[YOUR-PASSWORD]@{host}:6543/postgres",
            "default_pool_size": 15,
            "max_client_conn": 200,
            "pool_mode": "transaction",
        }
        out = [entry]
        if self.session_entry:
            session = {**entry, "db_port": 5432, "pool_mode": "session"}
            session["connection_string"] = entry["connection_string"].replace(":6543/", ":5432/")
            out.insert(0, {**entry, "database_type": "READ_REPLICA", "identifier": ref + "-rr"})
            out.append(session)
        return out

    # -- the API -------------------------------------------------------------------------------
    def handle(self, request: Request) -> Response:
        with self.lock:
            query = request.query_string.decode()
            self.log.append((request.method, request.path, query))
            response = self._answer(request)
            sent = request.get_json(silent=True) if request.data else None
            answer = json.loads(response.get_data() or b"null")
            self.exchanges.append(
                (request.method, request.path, query, sent, response.status_code, answer)
            )
            return response

    def _answer(self, request: Request) -> Response:
        if bearer(request) != self.token:
            return json_response({"message": "Unauthorized"}, 401)
        limited = self._count(request)
        if limited is not None:
            return limited
        response = self._route(request)
        response.headers.update(self._limits(request))
        return response

    def _endpoint(self, request: Request) -> str:
        parts = request.path.strip("/").split("/")
        # /v1/projects/<ref>/... counts per project and endpoint
        return "/".join("{ref}" if p in self.projects else p for p in parts) + request.method

    def _count(self, request: Request) -> Response | None:
        now = time.monotonic()
        hits = [t for t in self._window.get(self._endpoint(request), []) if now - t < 60]
        hits.append(now)
        self._window[self._endpoint(request)] = hits
        poll = request.method == "GET" and self._is_project_get(request)
        if len(hits) > LIMIT or (poll and self.limited_polls > 0):
            if poll and self.limited_polls > 0:
                self.limited_polls -= 1
            headers = {
                "X-RateLimit-Limit": str(LIMIT),
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset": str(self.reset_seconds),
            }
            return json_response({"message": "Too many requests"}, 429, headers)
        return None

    def _limits(self, request: Request) -> dict[str, str]:
        used = len(self._window.get(self._endpoint(request), []))
        left = max(0, LIMIT - used) if self.window_left is None else self.window_left
        return {
            "X-RateLimit-Limit": str(LIMIT),
            "X-RateLimit-Remaining": str(left),
            "X-RateLimit-Reset": "60",
        }

    def _is_project_get(self, request: Request) -> bool:
        parts = request.path.strip("/").split("/")
        return len(parts) == 3 and parts[:2] == ["v1", "projects"]

    def _route(self, request: Request) -> Response:
        m, parts = request.method, request.path.strip("/").split("/")[1:]
        if parts == ["organizations"] and m == "GET":
            return json_response(self.orgs)
        if len(parts) == 3 and parts[0] == "organizations" and parts[2] == "projects":
            return self._org_projects(request, parts[1])
        if parts == ["projects"] and m == "POST":
            return self._create(request)
        if len(parts) < 2 or parts[0] != "projects" or parts[1] not in self.projects:
            return json_response({"message": "Project not found"}, 404)
        project = self.projects[parts[1]]
        rest = "/".join(parts[2:])
        if rest == "" and m == "GET":
            if project["script"]:
                project["status"] = project["script"].pop(0)
            return json_response(self._summary(project))
        if rest == "api-keys" and m == "GET":
            reveal = request.args.get("reveal") == "true"
            if reveal and self.reveal_forbidden:
                return json_response(
                    {
                        "message": "Your account does not have the necessary privileges to "
                        "access this endpoint.",
                        "missing_permissions": ["api_gateway_keys_secret_read"],
                    },
                    403,
                )
            return json_response(self._keys(project, reveal))
        if rest == "api-keys/legacy" and m == "GET":
            if self.legacy_endpoint_gone:
                return json_response({"message": "Not found"}, 404)
            return json_response({"enabled": project["legacy"]})
        if rest == "config/database/pooler" and m == "GET":
            return json_response(self.pooler_entries(project["ref"]))
        if rest == "database/password" and m == "PATCH":
            body = request.get_json(silent=True) or {}
            password = body.get("password")
            if not isinstance(password, str) or len(password) < 4:
                return json_response({"message": "password must be at least 4 characters"}, 400)
            project["db_pass"] = password
            return json_response({"message": "Database password updated"})
        return json_response({"message": "Not found"}, 404)

    def _summary(self, project: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": project["ref"],
            "ref": project["ref"],
            "organization_id": project["organization_slug"],
            "organization_slug": project["organization_slug"],
            "name": project["name"],
            "region": project["region"],
            "created_at": project["created_at"],
            "status": project["status"],
            "database": {
                "host": f"db.{project['ref']}.supabase.co",
                "version": "17.6.1.011",
                "postgres_engine": "17",
                "release_channel": "ga",
            },
        }

    def _org_projects(self, request: Request, slug: str) -> Response:
        if slug not in {o["slug"] for o in self.orgs}:
            return json_response({"message": "Organization not found"}, 404)
        search = request.args.get("search", "").lower()
        limit = min(max(int(request.args.get("limit", 100)), 1), 100)
        offset = int(request.args.get("offset", 0))
        found = [
            p
            for p in self.projects.values()
            if p["organization_slug"] == slug and search in p["name"].lower()
        ]
        page = found[offset : offset + limit]
        listed = [
            {
                "ref": p["ref"],
                "name": p["name"],
                "cloud_provider": "AWS",
                "region": p["region"],
                "is_branch": False,
                "status": p["status"],
                "inserted_at": p["created_at"],
                "databases": [
                    {
                        "identifier": p["ref"],
                        "type": "PRIMARY",
                        "status": p["status"] if p["status"] in DATABASE_STATUSES else "UNKNOWN",
                        "region": p["region"],
                        "cloud_provider": "AWS",
                    }
                ],
            }
            for p in page
        ]
        pagination = {"count": len(found), "limit": limit, "offset": offset}
        return json_response({"projects": listed, "pagination": pagination})

    def _create(self, request: Request) -> Response:
        body = request.get_json(silent=True) or {}
        name, org, password = body.get("name"), body.get("organization_slug"), body.get("db_pass")
        selection = body.get("region_selection")
        if not (isinstance(name, str) and 0 < len(name) <= 256) or not isinstance(password, str):
            return json_response({"message": "name and db_pass are required"}, 400)
        if "region" in body and selection is not None:
            return json_response({"message": "only one of region and region_selection"}, 400)
        if not (
            isinstance(selection, dict)
            and selection.get("type") in ("specific", "smartGroup")
            and isinstance(selection.get("code"), str)
        ):
            return json_response({"message": "region_selection is invalid"}, 400)
        if org not in {o["slug"] for o in self.orgs}:
            return json_response({"message": "Organization not found"}, 404)
        self.created.append(body)
        ref = self.add_project(name, org, status="COMING_UP", password=password)
        project = self.projects[ref]
        project["region"] = selection["code"]
        project["script"] = list(self.script)
        if self.on_create is not None:
            self.on_create()
        if self.drop_create:
            self.drop_create = False
            drop(request)
        answer = {k: v for k, v in self._summary(project).items() if k != "database"}
        return json_response(answer, 201)


def drop(request: Request) -> None:
    """Close the connection under the request: the client gets no answer at all."""
    sock = request.environ.get("werkzeug.socket")
    assert isinstance(sock, socket.socket), "werkzeug no longer exposes the socket"
    sock.shutdown(socket.SHUT_RDWR)


def re_all() -> Any:
    import re

    return re.compile(r"^/v1/.*")
