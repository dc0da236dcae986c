"""A stateful stand-in for Render's API (PUSH-CONTRACTS, Render) on a real loopback server.

It keeps owners, services, their variables and deploys, pages every list with cursors, answers
``POST …/deploys`` with 202 and no body, can answer one write with 429 (``Retry-After``),
filters services by name loosely (the contract does not promise an exact match) and implements
the replace-all PUT and DELETE faithfully, so a client that used them would destroy data here.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.providers.fakes import bearer, json_response

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


@dataclass
class FakeRender:
    key: str
    owners: list[dict[str, Any]] = field(
        default_factory=lambda: [{"id": "tea-acme01", "name": "acme", "type": "team"}]
    )
    services: dict[str, dict[str, Any]] = field(default_factory=dict)
    env: dict[str, dict[str, str]] = field(default_factory=dict)
    #: service id -> deploys, newest first; each {"id", "status", "script": [...]}
    deploys: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    #: statuses a new deploy goes through, one per GET
    script: tuple[str, ...] = ("queued", "build_in_progress", "update_in_progress", "live")
    #: status code of POST …/deploys: 202 (no body) or 201 (the deploy)
    deploy_status: int = 202
    #: answer the first env-var PUT with 429 once
    limit_once: bool = False
    #: variables whose upsert is refused (400), to leave a push half done
    reject: set[str] = field(default_factory=set)
    #: the first PUT of each of these keys is applied, then the connection is dropped unanswered
    drop_first_put: set[str] = field(default_factory=set)
    #: every PUT of these keys is applied, then never answered (the server waits ``hang``)
    never_answer: set[str] = field(default_factory=set)
    hang: float = 5.0
    #: these keys answer 200 but keep a different value (a platform that mangles a value)
    keep_wrong: set[str] = field(default_factory=set)
    #: repositories Render's GitHub app can reach (None: all)
    reachable: set[str] | None = None
    #: names already taken on onrender.com: a new service there gets a suffixed URL, as on Render
    taken: set[str] = field(default_factory=set)
    #: seconds to wait before every answer (the benchmark's latency)
    delay: float = 0.0
    #: (method, path) of every request
    log: list[tuple[str, str]] = field(default_factory=list)
    created: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    _limited: bool = False
    _n: int = 0
    _dropped: set[str] = field(default_factory=set)
    #: what to do to the connection after this answer ("drop", "hang"; set under the lock)
    _fault: str = ""

    # -- setup ---------------------------------------------------------------------------------
    def add_service(
        self,
        name: str,
        env: dict[str, str] | None = None,
        owner: str = "tea-acme01",
        health_path: str = "",
    ) -> str:
        self._n += 1
        sid = f"srv-{name}-{self._n}"
        host = f"{name}-x7k{self._n}" if name in self.taken else name
        self.services[sid] = {
            "id": sid,
            "name": name,
            "ownerId": owner,
            "type": "web_service",
            "repo": "https://github.com/acme/convoai",
            # Render answers "" for a web service without a health check path.
            "serviceDetails": {
                "url": f"https://{host}.onrender.com",
                "healthCheckPath": health_path,
            },
        }
        self.env[sid] = dict(env or {})
        self.deploys[sid] = []
        return sid

    def writes(self) -> list[tuple[str, str]]:
        return [(m, p) for m, p in self.log if m in WRITE_METHODS]

    def install(self, server: HTTPServer) -> None:
        server.expect_request(re.compile(r"^/v1/.*")).respond_with_handler(self.handle)

    # -- the API -------------------------------------------------------------------------------
    def handle(self, request: Request) -> Response:
        if self.delay:
            time.sleep(self.delay)
        with self.lock:
            self.log.append((request.method, request.path))
            if bearer(request) != self.key:
                return json_response({"id": "unauthorized", "message": "unauthorized"}, 401)
            response = self._route(request)
            fault, self._fault = self._fault, ""
        if fault == "drop":  # the write is applied; the answer never leaves
            connection = request.environ["werkzeug.socket"]
            connection.shutdown(socket.SHUT_RDWR)
            connection.close()
        elif fault == "hang":
            time.sleep(self.hang)
        return response

    def _route(self, request: Request) -> Response:
        m, path = request.method, request.path.removeprefix("/v1")
        parts = path.strip("/").split("/")
        if path == "/owners" and m == "GET":
            return self._page(request, "owner", self.owners, lambda o: o["id"])
        if path == "/services" and m == "GET":
            return self._list_services(request)
        if path == "/services" and m == "POST":
            return self._create(request)
        if len(parts) < 3 or parts[1] not in self.services:
            return json_response({"id": "not_found", "message": "service not found"}, 404)
        sid = parts[1]
        if parts[2] == "env-vars":
            return self._env_vars(request, sid, parts[3] if len(parts) > 3 else None)
        if parts[2] == "deploys":
            return self._deploys(request, sid, parts[3] if len(parts) > 3 else None)
        return json_response({"id": "not_found", "message": "not found"}, 404)

    def _page(
        self, request: Request, field_name: str, items: list[Any], cursor_of: Any
    ) -> Response:
        limit = min(int(request.args.get("limit", 20)), 100)
        cursor = request.args.get("cursor")
        start = 0
        if cursor:
            keys = [cursor_of(i) for i in items]
            start = keys.index(cursor) + 1 if cursor in keys else len(items)
        page = items[start : start + limit]
        return json_response([{field_name: i, "cursor": cursor_of(i)} for i in page])

    def _list_services(self, request: Request) -> Response:
        name, owner = request.args.get("name", ""), request.args.get("ownerId")
        # Loose on purpose: the contract does not say the name filter is exact.
        found = [
            s for s in self.services.values() if name in s["name"] and owner in (None, s["ownerId"])
        ]
        return self._page(request, "service", found, lambda s: s["id"])

    def _create(self, request: Request) -> Response:
        body = request.get_json()
        details = body.get("serviceDetails") or {}
        specific = details.get("envSpecificDetails") or {}
        if (
            body.get("type") != "web_service"
            or not body.get("name")
            or not body.get("ownerId")
            or details.get("runtime") != "node"
            or not specific.get("buildCommand")
            or not specific.get("startCommand")
        ):
            return json_response({"id": "invalid", "message": "invalid service definition"}, 400)
        if body["ownerId"] not in {o["id"] for o in self.owners}:
            return json_response({"id": "not_found", "message": "owner not found"}, 404)
        if self.reachable is not None and body.get("repo") not in self.reachable:
            return json_response(
                {
                    "id": "invalid",
                    "message": "could not access repo: make sure the Render GitHub app is installed",
                },
                400,
            )
        self.created.append(body)
        sid = self.add_service(
            body["name"],
            {e["key"]: e["value"] for e in body.get("envVars", [])},
            body["ownerId"],
            str(details.get("healthCheckPath") or ""),
        )
        deploy = self._new_deploy(sid)
        return json_response({"service": self.services[sid], "deployId": deploy["id"]}, 201)

    def _env_vars(self, request: Request, sid: str, key: str | None) -> Response:
        env, m = self.env[sid], request.method
        if key is None and m == "GET":
            items = [{"key": k, "value": v} for k, v in env.items()]
            return self._page(request, "envVar", items, lambda e: e["key"])
        if key is None and m == "PUT":  # replace-all: every key not sent is deleted
            self.env[sid] = {e["key"]: e["value"] for e in request.get_json()}
            return json_response(
                [{"envVar": {"key": k, "value": v}, "cursor": k} for k, v in self.env[sid].items()]
            )
        if key is not None and m == "PUT":
            if self.limit_once and not self._limited:
                self._limited = True
                return json_response(
                    {"id": "rate_limited", "message": "rate limit exceeded"},
                    429,
                    {"Retry-After": "1", "Ratelimit-Remaining": "0"},
                )
            if key in self.reject:
                return json_response({"id": "invalid", "message": f"invalid value for {key}"}, 400)
            value = json.loads(request.get_data())["value"]
            env[key] = value + "-mangled" if key in self.keep_wrong else value
            if key in self.drop_first_put and key not in self._dropped:
                self._dropped.add(key)
                self._fault = "drop"
            elif key in self.never_answer:
                self._fault = "hang"
            return json_response({"key": key, "value": value})
        if key is not None and m == "DELETE":
            env.pop(key, None)
            return Response(status=204)
        return json_response({"id": "not_found", "message": "not found"}, 404)

    def _new_deploy(self, sid: str) -> dict[str, Any]:
        self._n += 1
        deploy = {
            "id": f"dep-{self._n}",
            "status": "created",
            "step": 0,
            "commit": {"id": "abc123"},
        }
        self.deploys[sid].insert(0, deploy)
        return deploy

    def _deploys(self, request: Request, sid: str, did: str | None) -> Response:
        if did is None and request.method == "POST":
            deploy = self._new_deploy(sid)
            if self.deploy_status == 202:
                return Response(status=202)  # "Queued", no body
            return json_response(self._public(deploy), 201)
        if did is None:
            return self._page(
                request, "deploy", [self._public(d) for d in self.deploys[sid]], lambda d: d["id"]
            )
        found = [d for d in self.deploys[sid] if d["id"] == did]
        if not found:
            return json_response({"id": "not_found", "message": "deploy not found"}, 404)
        deploy = found[0]
        if deploy["step"] < len(self.script):
            deploy["status"] = self.script[deploy["step"]]
            deploy["step"] += 1
        return json_response(self._public(deploy))

    @staticmethod
    def _public(deploy: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in deploy.items() if k != "step"}
