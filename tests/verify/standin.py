"""A stand-in of the deployed ConvoAI app, over real HTTPS on loopback.

``Backend`` plays the Express API on Render: a health route, the widget script, and the Stripe
webhook route, which verifies ``Stripe-Signature`` the way stripe-node's ``constructEvent`` does
(HMAC-SHA256 keyed with the whole ``whsec_`` string over ``"{t}.{raw body}"``, every ``v1``
compared in constant time, ``t`` at most 300 s old).

``Frontend`` plays Vercel: it reads the project's generated ``vercel.json`` on every request
and applies it as Vercel does: static files of ``outputDirectory`` first, then ``rewrites`` in
order (path-to-regexp sources, external destinations proxied), and the ``headers`` whose
source matches the request path. Nothing about the plan's rules is hard-coded here.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import ssl
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

ANY_PATH = re.compile("^/.*")
SUBSCRIBED = {
    "checkout.session.completed",
    "customer.subscription.created",
    "customer.subscription.updated",
    "customer.subscription.deleted",
}
WIDGET_JS = "(function(){var s=document.currentScript;window.ConvoAI={host:s&&s.src};})();\n"
INDEX_HTML = (
    '<!doctype html><html><head><script src="/assets/app.js"></script></head><body><div '
    'id="root"></div></body></html>\n'
)
HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "transfer-encoding",
    "content-length",
    "content-encoding",
    "server",
    "date",
}


def signature_valid(header: str, payload: bytes, secret: str, tolerance: int = 300) -> bool:
    """Stripe's scheme, as its SDKs implement it."""
    items = [part.split("=", 1) for part in header.split(",") if "=" in part]
    stamps = [v for k, v in items if k == "t"]
    signatures = [v for k, v in items if k == "v1"]
    if len(stamps) != 1 or not stamps[0].isdigit() or not signatures:
        return False
    expected = hmac.new(
        secret.encode(), stamps[0].encode() + b"." + payload, hashlib.sha256
    ).hexdigest()
    if not any(hmac.compare_digest(expected, s) for s in signatures):
        return False
    return abs(time.time() - int(stamps[0])) <= tolerance


@dataclass
class Backend:
    """The Express API. ``checks_signatures=False`` is the fault "accepts unsigned payloads"."""

    webhook_secret: str
    checks_signatures: bool = True
    #: GET routes and their status: an Express app without ``/`` answers 404 there
    routes: dict[str, int] = field(default_factory=lambda: {"/api/health": 200, "/": 200})
    #: event types the webhook accepted, in order
    received: list[str] = field(default_factory=list)
    handled: list[str] = field(default_factory=list)

    def handle(self, request: Request) -> Response:
        path = request.path
        if path in self.routes and request.method == "GET":
            status = self.routes[path]
            return Response(json.dumps({"status": "ok"}), status, content_type="application/json")
        if path == "/api/widget.js" and request.method == "GET":
            return Response(WIDGET_JS, content_type="application/javascript; charset=utf-8")
        if path == "/api/subscriptions/webhook" and request.method == "POST":
            return self.webhook(request)
        return Response(json.dumps({"error": "Not found"}), 404, content_type="application/json")

    def webhook(self, request: Request) -> Response:
        raw = request.get_data()
        header = request.headers.get("Stripe-Signature", "")
        if self.checks_signatures and not signature_valid(header, raw, self.webhook_secret):
            return Response(
                "Webhook Error: No signatures found matching the expected signature for payload",
                400,
            )
        event = json.loads(raw)
        self.received.append(event["type"])
        if event["type"] in SUBSCRIBED:
            self.handled.append(event["type"])
        return Response(json.dumps({"received": True}), content_type="application/json")

    def install(self, server: HTTPServer) -> None:
        server.expect_request(ANY_PATH).respond_with_handler(self.handle)


def source_regex(source: str) -> re.Pattern[str]:
    """A path-to-regexp source (``/api/:path*``, ``/widget.js``, ``/(.*)``) as a regex."""
    out, i = "", 0
    for match in re.finditer(r":(\w+)(\*|\+|\?)?|\((.*?)\)", source):
        out += re.escape(source[i : match.start()])
        name, modifier, group = match.groups()
        if group is not None:
            out += f"({group})"
        elif modifier == "*":
            # "/:path*" matches "" too: the slash before it is optional then.
            if out.endswith("/"):
                out = out[:-1] + f"(?:/(?P<{name}>.*))?"
            else:
                out += f"(?P<{name}>.*)"
        else:
            out += f"(?P<{name}>[^/]+)"
        i = match.end()
    return re.compile("^" + out + re.escape(source[i:]) + "$")


def substitute(destination: str, match: re.Match[str]) -> str:
    named = {k: v or "" for k, v in match.groupdict().items()}
    out = re.sub(r":(\w+)\*?", lambda m: named.get(m.group(1), m.group(0)), destination)
    return re.sub(r"\$(\d+)", lambda m: match.group(int(m.group(1))) or "", out)


@dataclass
class Frontend:
    """Vercel serving the built SPA of ``project`` with its ``vercel.json``."""

    project: Path
    ca_file: str

    def config(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((self.project / "vercel.json").read_text())
        return data

    def static_file(self, config: dict[str, Any], path: str) -> Response | None:
        root = (self.project / config.get("outputDirectory", "public")).resolve()
        target = (root / path.lstrip("/")).resolve()
        if path.endswith("/"):
            target = target / "index.html"  # Vercel serves a directory's index.html
        if target.is_file() and target.is_relative_to(root):
            kind = (
                "text/html; charset=utf-8" if target.suffix == ".html" else "application/javascript"
            )
            return Response(target.read_bytes(), content_type=kind)
        return None

    def proxy(self, request: Request, url: str) -> Response:
        headers = {
            k: v for k, v in request.headers.items() if k.lower() not in ("host", "content-length")
        }
        with httpx.Client(
            verify=ssl.create_default_context(cafile=self.ca_file), timeout=5
        ) as client:
            upstream = client.request(
                request.method, url, headers=headers, content=request.get_data()
            )
        kept = [(k, v) for k, v in upstream.headers.items() if k.lower() not in HOP_BY_HOP]
        return Response(upstream.content, upstream.status_code, headers=kept)

    def route(self, request: Request, config: dict[str, Any]) -> Response:
        path = request.path
        found = self.static_file(config, path)
        if found is not None:
            return found
        for rule in config.get("rewrites", []):
            match = source_regex(rule["source"]).match(path)
            if not match:
                continue
            destination = substitute(rule["destination"], match)
            if urlsplit(destination).scheme in ("http", "https"):
                return self.proxy(request, destination)
            found = self.static_file(config, destination)
            if found is not None:
                return found
        return Response(
            "The page could not be found\n\nNOT_FOUND\n",
            404,
            content_type="text/plain; charset=utf-8",
        )

    def handle(self, request: Request) -> Response:
        config = self.config()
        response = self.route(request, config)
        for entry in config.get("headers", []):
            if source_regex(entry["source"]).match(request.path):
                for header in entry.get("headers", []):
                    response.headers[header["key"]] = header["value"]
        return response

    def install(self, server: HTTPServer) -> None:
        public = self.project / str(self.config().get("outputDirectory", "public"))
        (public / "assets").mkdir(parents=True, exist_ok=True)
        (public / "index.html").write_text(INDEX_HTML)
        (public / "assets" / "app.js").write_text("console.log('spa');\n")
        server.expect_request(ANY_PATH).respond_with_handler(self.handle)
