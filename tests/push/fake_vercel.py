"""A stateful stand-in for Vercel's API (PUSH-CONTRACTS, Vercel) on a real loopback server.

Projects can belong to a team: they are visible only when the request names it (``teamId`` or
``slug``), as on Vercel. Encrypted variables are ciphertext in lists and plaintext one by one;
``POST …/env`` answers 201 with a ``failed`` list when told to; deployments go through
QUEUED → BUILDING → READY (or ERROR with a message), one step per GET.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import Any

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.providers.fakes import bearer, json_response

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


@dataclass
class FakeVercel:
    token: str
    #: (team id, slug) owning the projects; None: a personal account
    team: tuple[str, str] | None = None
    projects: dict[str, dict[str, Any]] = field(default_factory=dict)
    envs: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    deployments: list[dict[str, Any]] = field(default_factory=list)
    #: keys that POST …/env reports in ``failed`` (still with 201)
    fail_keys: set[str] = field(default_factory=set)
    #: how a redeploy ends: READY or ERROR
    outcome: str = "READY"
    #: names whose <name>.vercel.app is taken elsewhere: a new project gets a suffixed domain
    taken: set[str] = field(default_factory=set)
    #: (method, path, query) of every request
    log: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    created: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    _n: int = 0

    def _id(self, prefix: str) -> str:
        self._n += 1
        return f"{prefix}{self._n:04d}"

    def add_project(
        self, name: str, envs: list[dict[str, Any]] | None = None, deployed: bool = True
    ) -> str:
        pid = self._id("prj_")
        suffix = f"-{pid[-4:]}x" if name in self.taken else ""
        self.projects[pid] = {
            "id": pid,
            "name": name,
            "link": {"type": "github", "repo": "convoai", "productionBranch": "main"},
            # not in Vercel's project answer: where GET …/domains finds its own domain
            "_domain": f"{name}{suffix}.vercel.app",
        }
        self.envs[pid] = [{"id": self._id("env_"), "updatedAt": 1, **e} for e in envs or []]
        if deployed:
            self.deployments.append(
                {
                    "uid": self._id("dpl_"),
                    "name": name,
                    "projectId": pid,
                    "target": "production",
                    "readyState": "READY",
                    "url": f"{name}-old.vercel.app",
                    "created": 1,
                    "step": 9,
                }
            )
        return pid

    def writes(self) -> list[tuple[str, str]]:
        return [(m, p) for m, p, _ in self.log if m in WRITE_METHODS]

    def install(self, server: HTTPServer) -> None:
        server.expect_request(re.compile(r"^/v\d+/.*")).respond_with_handler(self.handle)

    # -- the API -------------------------------------------------------------------------------
    def handle(self, request: Request) -> Response:
        with self.lock:
            self.log.append((request.method, request.path, dict(request.args)))
            if bearer(request) != self.token:
                return json_response(
                    {
                        "error": {
                            "code": "forbidden",
                            "message": "Not authorized",
                            "invalidToken": True,
                        }
                    },
                    403,
                )
            return self._route(request)

    def _scoped(self, request: Request) -> bool:
        """Whether the request names the team that owns the projects (if any)."""
        if self.team is None:
            return True
        return (
            request.args.get("teamId") == self.team[0] or request.args.get("slug") == self.team[1]
        )

    def _project(self, request: Request, id_or_name: str) -> dict[str, Any] | None:
        if not self._scoped(request):
            return None
        return next((p for p in self.projects.values() if id_or_name in (p["id"], p["name"])), None)

    def _route(self, request: Request) -> Response:
        m, parts = request.method, request.path.strip("/").split("/")
        if parts[0] == "v11" and parts[1:] == ["projects"] and m == "POST":
            return self._create(request)
        if parts[1] == "projects" and len(parts) >= 3:
            project = self._project(request, parts[2])
            if project is None:
                return json_response(
                    {"error": {"code": "not_found", "message": "Project not found"}}, 404
                )
            if len(parts) == 3 and m == "GET":
                return json_response({k: v for k, v in project.items() if k != "_domain"})
            if parts[3:] == ["domains"] and m == "GET":
                return json_response({"domains": self._domains(project), "pagination": None})
            if parts[3] == "env":
                return self._env(request, project["id"], parts[4] if len(parts) > 4 else None)
        if parts[1] == "deployments":
            return self._deployments(request, parts[2] if len(parts) > 2 else None)
        return json_response({"error": {"code": "not_found", "message": "Not found"}}, 404)

    @staticmethod
    def _domains(project: dict[str, Any]) -> list[dict[str, Any]]:
        """``GET /v9/projects/{p}/domains``: the project's own production domain."""
        name = project["_domain"]
        return [
            {
                "name": name,
                "apexName": "vercel.app",
                "projectId": project["id"],
                "verified": True,
                "redirect": None,
                "gitBranch": None,
            }
        ]

    def _create(self, request: Request) -> Response:
        body = request.get_json()
        if any(p["name"] == body.get("name") for p in self.projects.values()):
            return json_response(
                {"error": {"code": "conflict", "message": "Project name taken"}}, 409
            )
        self.created.append(body)
        envs = [
            {
                "key": e["key"],
                "value": e["value"],
                "type": e.get("type", "encrypted"),
                "target": e["target"],
            }
            for e in body.get("environmentVariables", [])
        ]
        pid = self.add_project(body["name"], envs, deployed=False)
        shown = {k: v for k, v in self.projects[pid].items() if k != "_domain"}
        return json_response({**shown, "framework": body.get("framework")})

    def _env(self, request: Request, pid: str, env_id: str | None) -> Response:
        envs = self.envs[pid]
        if env_id is not None:  # GET /v1/projects/{p}/env/{id}: one variable, decrypted
            env = next((e for e in envs if e["id"] == env_id), None)
            if env is None:
                return json_response(
                    {"error": {"code": "not_found", "message": "Env not found"}}, 404
                )
            shown = {k: v for k, v in env.items() if k != "value" or env["type"] != "sensitive"}
            return json_response({**shown, "decrypted": env["type"] != "sensitive"})
        if request.method == "GET":
            listed = [{**e, "value": self._listed(e)} for e in envs]
            return json_response({"envs": listed})
        if request.method == "POST":
            if request.args.get("upsert") != "true":
                return json_response(
                    {"error": {"code": "ENV_ALREADY_EXISTS", "message": "exists"}}, 403
                )
            body = request.get_json()
            created, failed = [], []
            for item in body if isinstance(body, list) else [body]:
                if item["key"] in self.fail_keys:
                    failed.append(
                        {
                            "error": {
                                "code": "invalid_value",
                                "message": "The value is invalid",
                                "key": item["key"],
                            }
                        }
                    )
                    continue
                targets = set(item["target"])
                for old in [
                    e for e in envs if e["key"] == item["key"] and targets & set(e["target"])
                ]:
                    envs.remove(old)
                entry = {
                    "id": self._id("env_"),
                    "key": item["key"],
                    "value": item["value"],
                    "type": item["type"],
                    "target": item["target"],
                    "updatedAt": self._n,
                }
                envs.append(entry)
                created.append({k: v for k, v in entry.items() if k != "value"})
            return json_response({"created": created, "failed": failed}, 201)
        return json_response({"error": {"code": "not_found", "message": "Not found"}}, 404)

    @staticmethod
    def _listed(env: dict[str, Any]) -> str:
        if env["type"] == "plain":
            return str(env["value"])
        return "" if env["type"] == "sensitive" else f"enc:{hash(env['value']) & 0xFFFF:x}"

    def _deployments(self, request: Request, did: str | None) -> Response:
        if did is None and request.method == "GET":
            pid = request.args.get("projectId")
            found = [
                d
                for d in reversed(self.deployments)
                if d["projectId"] == pid
                and d["target"] == request.args.get("target", d["target"])
                and d["readyState"] == request.args.get("state", d["readyState"])
            ]
            return json_response(
                {
                    "deployments": [
                        self._public(d) for d in found[: int(request.args.get("limit", 20))]
                    ]
                }
            )
        if did is None and request.method == "POST":
            body = request.get_json()
            source = next(
                (d for d in self.deployments if d["uid"] == body.get("deploymentId")), None
            )
            if source is None or body.get("name") != source["name"]:
                return json_response(
                    {"error": {"code": "not_found", "message": "Deployment not found"}}, 404
                )
            new = {
                "uid": self._id("dpl_"),
                "name": source["name"],
                "projectId": source["projectId"],
                "target": body.get("target") or "preview",
                "readyState": "QUEUED",
                "url": f"{source['name']}-new.vercel.app",
                "created": self._n,
                "step": 0,
            }
            self.deployments.append(new)
            return json_response(self._public(new))
        deployment = next((d for d in self.deployments if d["uid"] == did), None)
        if deployment is None:
            return json_response(
                {"error": {"code": "not_found", "message": "Deployment not found"}}, 404
            )
        deployment["step"] += 1
        states = ["QUEUED", "BUILDING", self.outcome]
        deployment["readyState"] = states[min(deployment["step"], 2)]
        return json_response(self._public(deployment))

    def _public(self, d: dict[str, Any]) -> dict[str, Any]:
        doc = {
            "id": d["uid"],
            "uid": d["uid"],
            "name": d["name"],
            "url": d["url"],
            "readyState": d["readyState"],
            "target": d["target"],
            "inspectorUrl": f"https://vercel.com/acme/{d['name']}/{d['uid']}",
        }
        if d["readyState"] == "ERROR":
            doc.update(
                errorCode="BUILD_FAILED", errorMessage='Command "npm run build" exited with 1'
            )
        return doc
