"""A stateful stand-in for Sentry's API (PROVISION-CONTRACTS §4) on two real loopback HTTPS servers:
the base (``sentry.io``: the organization list) and the organization's region (``de.sentry.io``:
everything else). The base refuses what belongs to the region, so a client that ignores
``links.regionUrl`` fails here as it would on a cell-silo endpoint.

As Sentry does: Bearer token; lists paged by ``Link: <…>; rel="next"; results="true|false";
cursor="…"`` (this server serves fewer items per page than asked, as a server may); the
projects list's ``query=slug:`` narrows but is not promised exact; ``POST
/api/0/teams/{org}/{team}/projects/`` answers 201 with the project and gives it a ``Default``
client key, and 409 ``{"detail": "A project with this slug already exists."}`` for a taken slug;
one GET can be answered 429 once, with ``X-Sentry-Rate-Limit-Reset`` (epoch seconds). The
organization endpoint for projects is implemented too, faithfully: it makes a new team per call.
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.providers.fakes import json_response
from tests.provision.openapi_check import Recorded, record


@dataclass
class SentryStandIn:
    token: str
    #: items per page this server serves at most (Sentry caps per_page at 100)
    page_size: int = 2
    orgs: list[dict[str, Any]] = field(default_factory=list)
    #: org slug -> team slugs
    teams: dict[str, list[str]] = field(default_factory=dict)
    #: (org, slug) -> project
    projects: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    #: (org, slug) -> client keys
    keys: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    #: the path of the first GET to answer 429 once ("" for none)
    limit_once: str = ""
    #: a slug someone else creates just before the wizard's POST for it arrives
    race: str = ""
    log: list[Recorded] = field(default_factory=list)
    #: (server, method, path) of every request: which host each one reached
    hosts: list[tuple[str, str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    region_url: str = ""
    base_url: str = ""
    _n: int = 100

    # -- setup ---------------------------------------------------------------------------------
    def add_org(self, slug: str, teams: list[str], region_url: str | None = None) -> None:
        self._n += 1
        self.orgs.append(
            {
                "id": str(self._n),
                "slug": slug,
                "name": slug.title(),
                "status": {"id": "active", "name": "active"},
                "links": {
                    "organizationUrl": f"https://{slug}.sentry.io",
                    "regionUrl": region_url if region_url is not None else self.region_url,
                },
            }
        )
        self.teams[slug] = list(teams)

    def add_project(self, org: str, slug: str, team: str = "backend") -> dict[str, Any]:
        self._n += 1
        org_id = next(o["id"] for o in self.orgs if o["slug"] == org)
        project = {
            "id": str(self._n),
            "slug": slug,
            "name": slug,
            "platform": "node-express",
            "team": {"slug": team},
            "teams": [{"slug": team}],
        }
        self.projects[(org, slug)] = project
        public = secrets.token_hex(16)
        dsn = f"https://{public}@o{org_id}.ingest.de.sentry.io/{project['id']}"
        self.keys[(org, slug)] = [
            {
                "id": secrets.token_hex(16),
                "name": "Default",
                "label": "Default",
                "public": public,
                "secret": secrets.token_hex(16),
                "projectId": int(project["id"]),
                "isActive": True,
                "dsn": {"public": dsn, "secret": dsn.replace("@", ":x@", 1)},
            }
        ]
        return project

    def writes(self) -> list[tuple[str, str]]:
        return [(r.method, r.path) for r in self.log if r.writes]

    def install(self, base: HTTPServer, region: HTTPServer) -> None:
        self.base_url = base.url_for("").rstrip("/")
        self.region_url = region.url_for("").rstrip("/")
        base.expect_request(re.compile(r"^/.*")).respond_with_handler(
            lambda r: self.handle(r, "base")
        )
        region.expect_request(re.compile(r"^/.*")).respond_with_handler(
            lambda r: self.handle(r, "region")
        )

    # -- the API -------------------------------------------------------------------------------
    def handle(self, request: Request, server: str) -> Response:
        rec = record(request)
        with self.lock:
            self.log.append(rec)
            self.hosts.append((server, rec.method, rec.path))
            if rec.headers.get("Authorization") != f"Bearer {self.token}":
                return json_response({"detail": "Invalid token"}, 401)
            if rec.method == "GET" and rec.path == self.limit_once:
                self.limit_once = ""
                reset = str(int(time.time()))
                return json_response(
                    {"detail": "You are attempting to use this endpoint too frequently."},
                    429,
                    {"X-Sentry-Rate-Limit-Reset": reset, "X-Sentry-Rate-Limit-Remaining": "0"},
                )
            if rec.path == "/api/0/organizations/" and rec.method == "GET":
                return self.page(request, self.orgs)
            if server != "region":  # cell-silo endpoints live in the organization's region
                return json_response({"detail": "Not found"}, 404)
            return self.region(request, rec)

    def region(self, request: Request, rec: Recorded) -> Response:
        path, method = rec.path, rec.method
        if found := re.fullmatch(r"/api/0/organizations/([\w-]+)/teams/", path):
            teams = self.teams.get(found.group(1))
            if teams is None:
                return json_response({"detail": "The requested resource does not exist"}, 404)
            return self.page(request, [{"id": t, "slug": t, "name": t} for t in teams])
        if found := re.fullmatch(r"/api/0/organizations/([\w-]+)/projects/", path):
            org = found.group(1)
            if method == "POST":  # faithful: a personal team on every call
                self.teams[org].append(f"team-owner{len(self.teams[org])}")
                return self.create(org, self.teams[org][-1], rec.json)
            query = dict(rec.query).get("query", "")
            wanted = query.removeprefix("slug:") if query.startswith("slug:") else ""
            found_projects = [
                p for (o, s), p in self.projects.items() if o == org and wanted in s
            ]  # narrows by containment: exactness is the client's to check
            return self.page(request, found_projects)
        if found := re.fullmatch(r"/api/0/teams/([\w-]+)/([\w-]+)/projects/", path):
            org, team = found.groups()
            if method == "POST":
                if team not in self.teams.get(org, []):
                    return json_response({"detail": "The requested resource does not exist"}, 404)
                return self.create(org, team, rec.json)
        if found := re.fullmatch(r"/api/0/projects/([\w-]+)/([\w-]+)/", path):
            project = self.projects.get((found.group(1), found.group(2)))
            if project is None:
                return json_response({"detail": "The requested resource does not exist"}, 404)
            return json_response(project)
        if found := re.fullmatch(r"/api/0/projects/([\w-]+)/([\w-]+)/keys/", path):
            keys = self.keys.get((found.group(1), found.group(2)))
            if keys is None:
                return json_response({"detail": "The requested resource does not exist"}, 404)
            status = dict(rec.query).get("status")
            listed = [k for k in keys if status is None or k["isActive"] == (status == "active")]
            return self.page(request, listed)
        return json_response({"detail": "Not found"}, 404)

    def create(self, org: str, team: str, body: Any) -> Response:
        if not isinstance(body, dict) or not body.get("name"):
            return json_response({"name": ["This field is required."]}, 400)
        slug = body.get("slug") or str(body["name"]).lower().replace(" ", "-")
        if slug == self.race:
            self.race = ""
            self.add_project(org, slug, team)
        if not re.fullmatch(r"(?![0-9]+$)[a-z0-9_-]+", slug) or len(body["name"]) > 50:
            return json_response({"slug": ["Enter a valid slug."]}, 400)
        if (org, slug) in self.projects:
            return json_response({"detail": "A project with this slug already exists."}, 409)
        project = self.add_project(org, slug, team)
        project["platform"] = body.get("platform")
        return json_response(project, 201)

    def page(self, request: Request, items: list[Any]) -> Response:
        """One page, with Sentry's ``Link`` header (``cursor`` is ``<size>:<offset>:0``)."""
        asked = int(request.args.get("per_page", "100"))
        size = min(asked, 100, self.page_size)
        cursor = request.args.get("cursor", f"{size}:0:0")
        offset = int(cursor.split(":")[1])
        more = offset + size < len(items)

        def link(rel: str, at: int, results: bool) -> str:
            args = {k: v for k, v in request.args.items() if k != "cursor"}
            url = f"{request.host_url.rstrip('/')}{request.path}?"
            url += urlencode({**args, "cursor": f"{size}:{at}:0"})
            flag = "true" if results else "false"
            return f'<{url}>; rel="{rel}"; results="{flag}"; cursor="{size}:{at}:0"'

        header = ", ".join(
            [link("previous", max(offset - size, 0), offset > 0), link("next", offset + size, more)]
        )
        return json_response(items[offset : offset + size], 200, {"Link": header})
