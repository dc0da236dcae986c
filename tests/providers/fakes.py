"""Local stand-ins for the vendors' APIs, answering exactly as API-CONTRACTS.md documents.

Each ``install_*`` registers werkzeug handlers on a real ``pytest-httpserver`` (HTTPS with the
test CA): the provider code under test makes real requests over real sockets. Handlers check
the credential the way the vendor does and answer with the vendor's documented error bodies.
"""

from __future__ import annotations

import json
import re
import secrets
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

Handler = Callable[[Request], Response]


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        json.dumps(body), status=status, headers=headers, content_type="application/json"
    )


def bearer(request: Request) -> str:
    auth = request.headers.get("Authorization", "")
    return auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else ""


# -- Stripe (API-CONTRACTS §3) ------------------------------------------------------------------
STRIPE_401 = {
    "error": {
        "message": "Invalid API Key provided: sk_test_****1234",
        "type": "invalid_request_error",
    }
}


def price(
    pid: str, *, live: bool = False, active: bool = True, recurring: bool = True
) -> dict[str, Any]:
    return {
        "id": pid,
        "object": "price",
        "active": active,
        "livemode": live,
        "currency": "usd",
        "unit_amount": 2900,
        "type": "recurring" if recurring else "one_time",
        "recurring": {"interval": "month", "interval_count": 1, "usage_type": "licensed"}
        if recurring
        else None,
        "product": "prod_FAKE",
    }


@dataclass
class FakeStripe:
    key: str
    live: bool = False
    prices: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: price ids that exist in the other mode ("a similar object exists in … mode")
    other_mode: set[str] = field(default_factory=set)
    endpoints: list[dict[str, Any]] = field(default_factory=list)
    created: list[dict[str, Any]] = field(default_factory=list)

    def _auth(self, request: Request) -> Response | None:
        return None if bearer(request) == self.key else json_response(STRIPE_401, 401)

    def balance(self, request: Request) -> Response:
        return self._auth(request) or json_response(
            {"object": "balance", "livemode": self.live, "available": [], "pending": []}
        )

    def get_price(self, request: Request) -> Response:
        if denied := self._auth(request):
            return denied
        pid = request.path.rsplit("/", 1)[-1]
        if pid in self.prices:
            return json_response(self.prices[pid])
        mode = "test" if self.live else "live"
        message = f"No such price: '{pid}'"
        if pid in self.other_mode:
            message += (
                f"; a similar object exists in {mode} mode, but a "
                f"{'live' if self.live else 'test'} mode key was used to make this request."
            )
        return json_response(
            {
                "error": {
                    "code": "resource_missing",
                    "message": message,
                    "param": "price",
                    "type": "invalid_request_error",
                }
            },
            404,
        )

    def webhook_endpoints(self, request: Request) -> Response:
        if denied := self._auth(request):
            return denied
        if request.method == "GET":
            listed = [{k: v for k, v in e.items() if k != "secret"} for e in self.endpoints]
            return json_response(
                {
                    "object": "list",
                    "data": listed,
                    "has_more": False,
                    "url": "/v1/webhook_endpoints",
                }
            )
        endpoint = {
            "id": f"we_{secrets.token_hex(8)}",
            "object": "webhook_endpoint",
            "enabled_events": request.form.getlist("enabled_events[]"),
            "livemode": self.live,
            "status": "enabled",
            "url": request.form["url"],
            "secret": f"whsec_{secrets.token_hex(16)}",
        }
        self.endpoints.append(endpoint)
        self.created.append(endpoint)
        return json_response(endpoint)

    def webhook_endpoint(self, request: Request) -> Response:
        """``GET /v1/webhook_endpoints/{id}``: the endpoint without its secret, or 404."""
        if denied := self._auth(request):
            return denied
        endpoint_id = request.path.rsplit("/", 1)[-1]
        for e in self.endpoints:
            if e["id"] == endpoint_id:
                return json_response({k: v for k, v in e.items() if k != "secret"})
        message = f"No such webhook endpoint: '{endpoint_id}'"
        return json_response({"error": {"code": "resource_missing", "message": message}}, 404)

    def install(self, server: HTTPServer) -> None:
        server.expect_request("/v1/balance").respond_with_handler(self.balance)
        server.expect_request("/v1/webhook_endpoints").respond_with_handler(self.webhook_endpoints)
        server.expect_request(
            re.compile(r"^/v1/webhook_endpoints/we_\w+$"), method="GET"
        ).respond_with_handler(self.webhook_endpoint)
        for pid in [*self.prices, *self.other_mode, "price_missing0000"]:
            server.expect_request(f"/v1/prices/{pid}").respond_with_handler(self.get_price)


# -- OpenAI / Anthropic (§4, §5) ----------------------------------------------------------------
def install_openai(server: HTTPServer, key: str) -> None:
    def models(request: Request) -> Response:
        if bearer(request) != key:
            return json_response(
                {
                    "error": {
                        "message": "Incorrect API key provided: sk-…",
                        "type": "invalid_request_error",
                        "param": None,
                        "code": "invalid_api_key",
                    }
                },
                401,
            )
        return json_response(
            {
                "object": "list",
                "data": [
                    {"id": "gpt-4o-mini", "object": "model", "created": 1, "owned_by": "openai"}
                ],
            }
        )

    server.expect_request("/v1/models").respond_with_handler(models)


def install_anthropic(
    server: HTTPServer, key: str, models: int = 1, page_size: int = 20
) -> list[str | None]:
    """``GET /v1/models`` paged as documented: ``limit`` (the server may send fewer), ``after_id``,
    ``first_id``/``last_id``/``has_more``. Returns the ``after_id`` of every request, in order."""
    ids = ["claude-sonnet-4-5", *(f"claude-fake-{n:03d}" for n in range(1, models))]
    seen: list[str | None] = []

    def page(request: Request) -> Response:
        if request.headers.get("anthropic-version") != "2023-06-01":
            return json_response(
                {
                    "type": "error",
                    "error": {
                        "type": "invalid_request_error",
                        "message": "anthropic-version header is required",
                    },
                },
                400,
            )
        if request.headers.get("x-api-key") != key:
            return json_response(
                {
                    "type": "error",
                    "error": {"type": "authentication_error", "message": "invalid x-api-key"},
                },
                401,
            )
        after = request.args.get("after_id")
        seen.append(after)
        start = ids.index(after) + 1 if after in ids else 0
        size = min(int(request.args.get("limit", "20")), page_size)
        chunk = ids[start : start + size]
        data = [
            {"id": i, "type": "model", "display_name": i, "created_at": "2025-09-29T00:00:00Z"}
            for i in chunk
        ]
        return json_response(
            {
                "data": data,
                "first_id": chunk[0] if chunk else None,
                "last_id": chunk[-1] if chunk else None,
                "has_more": start + size < len(ids),
            }
        )

    server.expect_request("/v1/models").respond_with_handler(page)
    return seen


# -- Supabase (§1) ------------------------------------------------------------------------------
SCHEMA_PATHS = (
    "/organizations",
    "/chatbots",
    "/documents",
    "/conversations",
    "/messages",
    "/subscriptions",
    "/knowledge_base_entries",
    "/rpc/match_documents",
    "/rpc/chatbot_daily_stats",
    "/rpc/organization_usage",
    "/rpc/match_knowledge_base",
    "/rpc/chatbot_satisfaction",
)


def install_supabase(
    server: HTTPServer, service_key: str, paths: tuple[str, ...] = SCHEMA_PATHS
) -> None:
    def root(request: Request) -> Response:
        key = request.headers.get("apikey")
        if not key:
            return json_response(
                {
                    "message": "No API key found in request",
                    "hint": "No `apikey` request header or url param was found.",
                },
                401,
            )
        if key.startswith("sb_publishable_"):
            return json_response({"message": "Forbidden"}, 403)
        if key != service_key:
            return json_response(
                {
                    "message": "Invalid API key",
                    "hint": "Double check your Supabase `anon` or `service_role` API key.",
                },
                401,
            )
        return json_response(
            {
                "swagger": "2.0",
                "info": {"title": "PostgREST API"},
                "paths": {"/": {}, **{p: {} for p in paths}},
            }
        )

    server.expect_request("/rest/v1/").respond_with_handler(root)


# -- Render, Vercel, GitHub (§7, §8, §9) --------------------------------------------------------
def install_render(server: HTTPServer, key: str, services: tuple[str, ...]) -> None:
    def list_services(request: Request) -> Response:
        if bearer(request) != key:
            return json_response({"id": "unauthorized", "message": "unauthorized"}, 401)
        name = request.args.get("name")
        return json_response(
            [
                {"cursor": "c1", "service": {"id": f"srv-{n}", "name": n, "type": "web_service"}}
                for n in services
                if name in (None, n)
            ]
        )

    server.expect_request("/v1/services").respond_with_handler(list_services)


def install_vercel(server: HTTPServer, token: str, projects: tuple[str, ...]) -> None:
    def project(request: Request) -> Response:
        if bearer(request) != token:
            return json_response({"error": {"code": "forbidden", "message": "Not authorized"}}, 403)
        name = request.path.rsplit("/", 1)[-1]
        if name not in projects:
            return json_response(
                {"error": {"code": "not_found", "message": "Project not found"}}, 404
            )
        return json_response({"id": f"prj_{name}", "name": name})

    for name in (*projects, "missing-project"):
        server.expect_request(f"/v9/projects/{name}").respond_with_handler(project)


def install_github(server: HTTPServer, token: str, repos: tuple[str, ...]) -> None:
    def repo(request: Request) -> Response:
        if bearer(request) != token:
            return json_response(
                {
                    "message": "Bad credentials",
                    "documentation_url": "https://docs.github.com/rest",
                    "status": "401",
                },
                401,
            )
        full = request.path.removeprefix("/repos/")
        if full not in repos:
            return json_response({"message": "Not Found", "status": "404"}, 404)
        return json_response({"full_name": full, "private": True})

    for full in (*repos, "acme/missing"):
        server.expect_request(f"/repos/{full}").respond_with_handler(repo)
    for full in repos:  # no workflow pushed and no run yet (issue 11's read-back)
        server.expect_request(f"/repos/{full}/contents/.github/workflows/ci.yml").respond_with_json(
            {"message": "Not Found"}, 404
        )
        server.expect_request(f"/repos/{full}/actions/workflows/ci.yml/runs").respond_with_json(
            {"total_count": 0, "workflow_runs": []}
        )


# -- Sentry (§6) and the app ------------------------------------------------------------------
@dataclass
class FakeSentry:
    public_key: str
    project: str = "42"
    envelopes: list[tuple[dict[str, str], bytes]] = field(default_factory=list)

    def envelope(self, request: Request) -> Response:
        auth = request.headers.get("X-Sentry-Auth", "")
        if not auth:
            return json_response({"detail": "missing authorization information"}, 403)
        if f"sentry_key={self.public_key}" not in auth:
            return json_response({"detail": "invalid api key"}, 400)
        self.envelopes.append((dict(request.headers), request.get_data()))
        return json_response({"id": "0" * 32})

    def install(self, server: HTTPServer) -> None:
        server.expect_request(f"/api/{self.project}/envelope/", method="POST").respond_with_handler(
            self.envelope
        )


def install_app(server: HTTPServer, health: bool = True) -> None:
    if health:
        server.expect_request("/api/health").respond_with_json({"status": "ok"})
    else:
        server.expect_request("/api/health").respond_with_data("Cannot GET /api/health", 404)
        server.expect_request("/").respond_with_data("<!doctype html><title>ConvoAI</title>")


# -- a server that accepts and never answers -----------------------------------------------------
class SilentServer:
    """Accepts TCP connections and never sends a byte (until the test ends)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = int(self.sock.getsockname()[1])
        self.conns: list[socket.socket] = []
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        self.sock.settimeout(0.1)
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.conns.append(conn)

    def close(self) -> None:
        self._stop.set()
        self.thread.join(timeout=2)
        for conn in self.conns:
            conn.close()
        self.sock.close()


def silent_server() -> Iterator[SilentServer]:
    server = SilentServer()
    try:
        yield server
    finally:
        server.close()
