"""Stateful stand-ins of the Vercel and Render domain endpoints (PUSH-CONTRACTS.md).

A domain starts unverified; it becomes verified only after ``verify_after`` verification
attempts (the DNS records "propagate"), so the code under test has to poll.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.providers.fakes import bearer, json_response

VERCEL_401 = {"error": {"code": "forbidden", "message": "Not authorized"}}
RENDER_401 = {"id": "unauthorized", "message": "unauthorized"}


def _apex(domain: str) -> str:
    return ".".join(domain.split(".")[-2:])


@dataclass
class FakeVercel:
    token: str
    project: str = "convoai"
    project_id: str = "prj_FAKE123"
    #: a team project: invisible unless the request names the team, as Vercel documents it:
    #: ?teamId=<team> or ?slug=<team_slug>
    team: str | None = None
    team_slug: str | None = None
    verify_after: int = 2
    domains: dict[str, dict[str, Any]] = field(default_factory=dict)
    verify_calls: dict[str, int] = field(default_factory=dict)
    #: deployments of the project, newest last (GET /v6/deployments)
    deployments: list[dict[str, Any]] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    #: domains another Vercel project owns: adding them is a 409
    taken: set[str] = field(default_factory=set)

    def _denied(self, request: Request) -> Response | None:
        self.requests.append(f"{request.method} {request.path}?{request.query_string.decode()}")
        if bearer(request) != self.token:
            return json_response(VERCEL_401, 401)
        named = request.args.get("teamId") == self.team or (
            self.team_slug is not None and request.args.get("slug") == self.team_slug
        )
        if self.team and not named:
            return json_response(
                {"error": {"code": "not_found", "message": "Project not found"}}, 404
            )
        return None

    def _project_ok(self, name: str) -> bool:
        return name in (self.project, self.project_id)

    def handle(self, request: Request) -> Response:
        if denied := self._denied(request):
            return denied
        path, method = request.path, request.method
        if m := re.fullmatch(r"/v9/projects/([^/]+)", path):
            if not self._project_ok(m[1]):
                return json_response(
                    {"error": {"code": "not_found", "message": "Project not found"}}, 404
                )
            return json_response({"id": self.project_id, "name": self.project})
        if path == "/v6/deployments" and method == "GET":
            if request.args.get("projectId") not in (self.project, self.project_id):
                return json_response({"deployments": []})
            ready = [d for d in self.deployments if d["readyState"] == "READY"]
            return json_response({"deployments": sorted(ready, key=lambda d: -d["created"])})
        if (m := re.fullmatch(r"/v10/projects/([^/]+)/domains", path)) and method == "POST":
            name = json.loads(request.get_data())["name"]
            if name in self.taken:
                return json_response(
                    {
                        "error": {
                            "code": "domain_taken",
                            "message": f"The domain {name} is already in use by a different project.",
                        }
                    },
                    409,
                )
            if name in self.domains:
                return json_response(
                    {
                        "error": {
                            "code": "domain_already_in_use",
                            "message": f"Cannot add {name} since it's already assigned to another "
                            "project.",
                        }
                    },
                    400,
                )
            self.domains[name] = {
                "name": name,
                "apexName": _apex(name),
                "projectId": self.project_id,
                "verified": False,
                "verification": [
                    {
                        "type": "TXT",
                        "domain": f"_vercel.{_apex(name)}",
                        "value": f"vc-domain-verify={name},fake123",
                        "reason": "pending_domain_verification",
                    }
                ],
            }
            return json_response(self.domains[name])
        if m := re.fullmatch(r"/v9/projects/([^/]+)/domains/([^/]+)(/verify)?", path):
            name = m[2]
            if name not in self.domains:
                return json_response(
                    {"error": {"code": "not_found", "message": "Domain not found"}}, 404
                )
            if m[3] and method == "POST":
                self.verify_calls[name] = self.verify_calls.get(name, 0) + 1
                if self.verify_calls[name] < self.verify_after:
                    return json_response(
                        {
                            "error": {
                                "code": "missing_txt_record",
                                "message": "Domain _vercel TXT record is missing",
                            }
                        },
                        400,
                    )
                self.domains[name]["verified"] = True
            return json_response(self.domains[name])
        if (m := re.fullmatch(r"/v6/domains/([^/]+)/config", path)) and method == "GET":
            verified = self.domains.get(m[1], {}).get("verified", False)
            return json_response(
                {
                    "configuredBy": "CNAME" if verified else None,
                    "misconfigured": not verified,
                    "recommendedIPv4": [
                        {"rank": 2, "value": ["76.76.21.99"]},
                        {"rank": 1, "value": ["76.76.21.21"]},
                    ],
                    "recommendedCNAME": [
                        {"rank": 1, "value": "cname.vercel-dns-017.com."},
                        {"rank": 2, "value": "cname.vercel-dns.com."},
                    ],
                }
            )
        return json_response({"error": {"code": "not_found", "message": "Not found"}}, 404)

    def install(self, server: HTTPServer) -> None:
        server.expect_request(re.compile("^/")).respond_with_handler(self.handle)


@dataclass
class FakeRender:
    key: str
    name: str = "convoai-backend"
    service_id: str = "srv-FAKE1"
    verify_after: int = 2
    domains: dict[str, dict[str, Any]] = field(default_factory=dict)
    verify_calls: dict[str, int] = field(default_factory=dict)

    def handle(self, request: Request) -> Response:
        if bearer(request) != self.key:
            return json_response(RENDER_401, 401)
        path, method = request.path, request.method
        if path == "/v1/services" and method == "GET":
            service = {
                "id": self.service_id,
                "name": self.name,
                "type": "web_service",
                "serviceDetails": {"url": f"https://{self.name}.onrender.com"},
            }
            wanted = request.args.get("name", "").split(",")
            found = [{"service": service, "cursor": "c1"}] if self.name in wanted else []
            return json_response(found)
        base = f"/v1/services/{self.service_id}/custom-domains"
        if path == base and method == "POST":
            name = json.loads(request.get_data())["name"]
            if name in self.domains:
                return json_response(
                    {"id": "conflict", "message": "custom domain already exists"}, 409
                )
            kind = "apex" if name.count(".") == 1 else "subdomain"
            self.domains[name] = {
                "id": f"cdm-{len(self.domains) + 1}",
                "name": name,
                "domainType": kind,
                "verificationStatus": "unverified",
                "createdAt": "2026-11-29T00:00:00Z",
            }
            return json_response([self.domains[name]], 201)
        if (m := re.fullmatch(re.escape(base) + r"/([^/]+)(/verify)?", path)) and m[
            1
        ] in self.domains:
            if m[2] and method == "POST":
                self.verify_calls[m[1]] = self.verify_calls.get(m[1], 0) + 1
                if self.verify_calls[m[1]] >= self.verify_after:
                    self.domains[m[1]]["verificationStatus"] = "verified"
                return Response(status=202)  # "Queued", no body
            return json_response(self.domains[m[1]])
        return json_response({"id": "not_found", "message": "not found"}, 404)

    def install(self, server: HTTPServer) -> None:
        server.expect_request(re.compile("^/")).respond_with_handler(self.handle)
