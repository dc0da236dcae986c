"""The deployed site of the world: the Express API as Render runs it and the SPA as Vercel
serves it (``tests.verify.standin``), wired to what was actually deployed.

The backend verifies Stripe's signature with the STRIPE_WEBHOOK_SECRET of the service's live
deploy on the Render stand-in (what was pushed and deployed, not what the wizard stored); the
frontend serves the files the repository's default branch holds (what Vercel built), and its
rewrites reach the backend by the name Render assigned, resolved the way the world resolves it.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

import httpx
from werkzeug import Request, Response

from tests.verify.standin import HOP_BY_HOP, INDEX_HTML, Backend, Frontend


@dataclass
class LiveBackend(Backend):
    """``webhook_secret`` is read at each request: the secret the live deploy runs with."""

    secret_of: Callable[[], str] = field(default=lambda: "")

    def webhook(self, request: Request) -> Response:
        self.webhook_secret = self.secret_of()
        return super().webhook(request)


@dataclass
class DeployedFrontend(Frontend):
    """Vercel serving what was pushed: ``project`` is the build of the default branch."""

    #: name -> loopback address (the world's hosts file), for the rewrites' destinations
    resolve: Mapping[str, str] = field(default_factory=dict)

    def handle(self, request: Request) -> Response:
        if not (self.project / "vercel.json").is_file():
            return Response("The deployment could not be found\n\nDEPLOYMENT_NOT_FOUND\n", 404)
        return super().handle(request)

    def build(self, files: Mapping[str, str]) -> None:
        """What Vercel's build of a pushed commit leaves to serve."""
        for path, text in files.items():
            target = self.project / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        public = self.project / str(self.config().get("outputDirectory", "public"))
        (public / "assets").mkdir(parents=True, exist_ok=True)
        (public / "index.html").write_text(INDEX_HTML)
        (public / "assets" / "app.js").write_text("console.log('spa');\n")

    def proxy(self, request: Request, url: str) -> Response:
        """An external rewrite, sent to the address the destination's name resolves to here."""
        parts = urlsplit(url)
        host = parts.hostname or ""
        address = self.resolve.get(host, host)
        netloc = address + (f":{parts.port}" if parts.port else "")
        headers = {
            k: v for k, v in request.headers.items() if k.lower() not in ("host", "content-length")
        }
        headers["Host"] = parts.netloc
        with httpx.Client(
            verify=ssl.create_default_context(cafile=self.ca_file), timeout=5
        ) as client:
            upstream = client.request(
                request.method,
                urlunsplit(parts._replace(netloc=netloc)),
                headers=headers,
                content=request.get_data(),
                extensions={"sni_hostname": host},
            )
        kept = [(k, v) for k, v in upstream.headers.items() if k.lower() not in HOP_BY_HOP]
        return Response(upstream.content, upstream.status_code, headers=kept)
