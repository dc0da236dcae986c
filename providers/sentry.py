"""Sentry: the DSN's shape, on request a real test event (an envelope, API-CONTRACTS §6), and the
one management API client (``SentryClient``: organizations, teams, projects, client keys).
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

from checklists.advice import do
from checklists.errors import ProviderError
from providers.base import CheckContext, CheckResult, Results, Stopwatch
from providers.client import ApiClient, Params
from providers.http import require_tls, send, status_message

VARIABLES = ("SENTRY_DSN",)
CLIENT = "convoai-setup/0.1"


def envelope_target(dsn: str) -> tuple[str, str]:
    """(envelope URL, public key) of a DSN; ``ProviderError`` when it has not the documented shape."""
    try:
        parts = urlsplit(dsn)
        host, port = parts.hostname, parts.port
    except ValueError:
        raise ProviderError(
            "SENTRY_DSN is not a URL; copy it from Sentry > Settings > Client Keys"
        ) from None
    path, _, project = parts.path.rstrip("/").rpartition("/")
    if not parts.username or not host or not project.isdigit():
        raise ProviderError(
            "SENTRY_DSN should look like https://PUBLIC_KEY@HOST/PROJECT_ID; copy it from "
            "Sentry > Settings > Client Keys"
        )
    netloc = f"[{host}]" if ":" in host else host
    netloc += f":{port}" if port else ""
    return f"{parts.scheme}://{netloc}{path}/api/{project}/envelope/", parts.username


def envelope(dsn: str) -> bytes:
    event = json.dumps({"message": "hello world", "level": "error"}).encode()
    header = {
        "event_id": uuid.uuid4().hex,
        "dsn": dsn,
        "sent_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
    }
    item = {"type": "event", "length": len(event)}
    return b"\n".join([json.dumps(header).encode(), json.dumps(item).encode(), event])


async def check_sentry(ctx: CheckContext) -> list[CheckResult]:
    out, watch = Results("sentry", "post-deploy"), Stopwatch()
    dsn = ctx.value("SENTRY_DSN")
    try:
        url, public_key = envelope_target(dsn)
        require_tls(url, "SENTRY_DSN")
        if not ctx.send_test_event:
            out.add(
                "test event",
                "skip",
                "DSN looks right; add --send-test-event to post a real test event",
                VARIABLES,
                watch,
            )
            return out.items
        headers = {
            "X-Sentry-Auth": (
                f"Sentry sentry_version=7, sentry_client={CLIENT}, sentry_key={public_key}"
            ),
            "Content-Type": "application/x-sentry-envelope",
        }
        response = await send(
            ctx, "Sentry", "POST", url, entered="SENTRY_DSN", headers=headers, content=envelope(dsn)
        )
        if response.status_code in (400, 403):
            raise ProviderError(
                f"Sentry refused the test event ({response.status_code}): the DSN's key is "
                "wrong or revoked. Copy the DSN again from Settings > Client Keys"
            )
        if not response.is_success:
            raise ProviderError(
                status_message(response, "Sentry", "Copy the DSN again from Settings > Client Keys")
            )
    except ProviderError as exc:
        out.error("test event", exc, VARIABLES, watch)
        return out.items
    out.add(
        "test event",
        "ok",
        "test event accepted: look for 'hello world' in Sentry > Issues",
        VARIABLES,
        watch,
    )
    return out.items


TOKEN_HINT = (
    "Create a user auth token in Sentry > User settings > Personal Tokens with Organization Read "
    f"and Project Read & Write, then: {do('vars set', 'SENTRY_AUTH_TOKEN')}"
)
#: pages of one list followed at most (100 items each)
MAX_PAGES = 50
LINK = re.compile(r"<([^>]*)>([^<]*)")


def next_page(link: str) -> str | None:
    """The ``rel="next"`` URL of a ``Link`` header, if it says ``results="true"``."""
    for url, attributes in LINK.findall(link):
        if 'rel="next"' in attributes and 'results="true"' in attributes:
            return str(url)
    return None


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc.lower()


def _sentry_host(host: str) -> bool:
    return host == "sentry.io" or host.endswith(".sentry.io")


def region_base(base: str, region_url: str) -> str:
    """The organization's API region (``links.regionUrl``, e.g. ``https://de.sentry.io``), if the
    token may go there: https (http only on loopback), and a sentry.io host when the base is
    sentry.io, else the base's own host (self-hosted). Anything else is refused, unsent."""
    require_tls(region_url, "the organization's regionUrl that Sentry answered")
    host = (urlsplit(region_url).hostname or "").lower()
    base_host = (urlsplit(base).hostname or "").lower()
    if not host or not (host == base_host or (_sentry_host(base_host) and _sentry_host(host))):
        raise ProviderError(
            f"Sentry named {host or 'no host'} as the organization's API region, which is neither "
            f"{base_host} nor a sentry.io host, so the token was not sent there.",
            "Check CONVOAI_SETUP_SENTRY_API (unset it for sentry.io).",
        )
    scheme, netloc = _origin(region_url)
    return f"{scheme}://{netloc}"


class SentryClient(ApiClient):
    """One auth token against ``CONVOAI_SETUP_SENTRY_API`` (default ``https://sentry.io``).

    Organizations are listed there; every later call goes to the organization's region
    (``use_region``), and the token is never sent to a host the vendor did not name (see
    ``region_base``). Lists are paged by the ``Link`` header and stay on the same origin.
    """

    label = "Sentry"
    base_env = "CONVOAI_SETUP_SENTRY_API"
    base_default = "https://sentry.io"
    auth_hint = TOKEN_HINT

    def __init__(self, ctx: CheckContext, token: str) -> None:
        super().__init__(ctx, {"Authorization": f"Bearer {token}", "Accept": "application/json"})
        #: scheme and host of the organization's region (the base until ``use_region``)
        self.region = self.base

    def use_region(self, org: Mapping[str, Any]) -> str:
        links = org.get("links")
        url = links.get("regionUrl") if isinstance(links, Mapping) else None
        if isinstance(url, str) and url:
            self.region = region_base(self.base, url)
        return self.region

    async def _pages(self, url: str, doing: str, params: Params | None = None) -> list[Any]:
        """Every item of a list, following ``Link: <…>; rel="next"; results="true"``."""
        out: list[Any] = []
        origin = _origin(url)
        query: Params | None = {"per_page": 100, **(params or {})}
        for _ in range(MAX_PAGES):
            response = await self.request("GET", url, query)
            if not response.is_success:
                raise self.fail(response, doing)
            page = self.json(response)
            if not isinstance(page, list):
                raise self.unexpected(f"{doing.lower()} with something else than a list")
            out += page
            following = next_page(response.headers.get("Link", ""))
            if following is None:
                return out
            if _origin(following) != origin:
                raise ProviderError(
                    f"{doing}: Sentry sent the next page to another host; it was not followed."
                )
            # The next URL carries the cursor and the filters; httpx would drop a query left in
            # the URL when params are given, so they travel as params.
            parts = urlsplit(following)
            url = parts._replace(query="").geturl()
            query = dict(parse_qsl(parts.query, keep_blank_values=True))
        raise ProviderError(f"{doing}: more than {MAX_PAGES} pages; narrow the token's access.")

    def _at(self, path: str) -> str:
        return self.region + path

    async def organizations(self) -> list[dict[str, Any]]:
        found = await self._pages(
            self.base + "/api/0/organizations/", "Listing Sentry organizations failed"
        )
        return [o for o in found if isinstance(o, dict) and o.get("slug")]

    async def teams(self, org: str) -> list[dict[str, Any]]:
        path = f"/api/0/organizations/{quote(org, safe='')}/teams/"
        found = await self._pages(self._at(path), "Listing the Sentry teams failed")
        return [t for t in found if isinstance(t, dict) and t.get("slug")]

    async def find_project(self, org: str, slug: str) -> dict[str, Any] | None:
        """The project whose slug is exactly ``slug`` (the query narrows, this decides)."""
        path = f"/api/0/organizations/{quote(org, safe='')}/projects/"
        found = await self._pages(
            self._at(path), "Listing the Sentry projects failed", {"query": f"slug:{slug}"}
        )
        same = [p for p in found if isinstance(p, dict) and p.get("slug") == slug]
        return same[0] if same else None

    def _project(self, org: str, slug: str) -> str:
        return self._at(f"/api/0/projects/{quote(org, safe='')}/{quote(slug, safe='')}/")

    async def project(self, org: str, slug: str) -> dict[str, Any] | None:
        response = await self.request("GET", self._project(org, slug))
        if response.status_code == 404:
            return None
        if not response.is_success:
            raise self.fail(response, f"Reading the Sentry project {slug} failed")
        doc = self.json(response)
        return doc if isinstance(doc, dict) else None

    async def create_project(self, org: str, team: str, slug: str) -> tuple[dict[str, Any], bool]:
        """``POST /api/0/teams/{org}/{team}/projects/`` (the organization endpoint would make a
        new team on every call); (the project, whether it existed: a 409 is read instead)."""
        url = self._at(f"/api/0/teams/{quote(org, safe='')}/{quote(team, safe='')}/projects/")
        body = {"name": slug, "slug": slug, "platform": "node-express"}
        response = await self.request("POST", url, json=body)
        if response.status_code == 409:
            existing = await self.project(org, slug)
            if existing is not None:
                return existing, True
        if response.status_code == 403:
            raise ProviderError(
                f"Sentry refused to create the project {slug} (403): the organization may allow "
                "only admins to create projects, or the token lacks project:write; nothing was "
                "created.",
                "Use a token of an owner/manager with Project Read & Write (or create the project "
                f"in Sentry), then run {do('provision', 'sentry')} again.",
            )
        if response.status_code not in (200, 201):
            raise self.fail(response, f"Creating the Sentry project {slug} failed")
        doc = self.json(response)
        if not isinstance(doc, dict):
            raise self.unexpected("the project's creation without a project")
        return doc, False

    async def keys(self, org: str, slug: str) -> list[dict[str, Any]]:
        """The project's active client keys (each with its ``dsn``)."""
        found = await self._pages(
            self._project(org, slug) + "keys/",
            "Listing the Sentry project's client keys failed",
            {"status": "active"},
        )
        return [k for k in found if isinstance(k, dict)]

    async def create_key(self, org: str, slug: str) -> dict[str, Any]:
        response = await self.request(
            "POST", self._project(org, slug) + "keys/", json={"name": "convoai-setup"}
        )
        if response.status_code not in (200, 201):
            raise self.fail(response, f"Creating a client key for {slug} failed")
        doc = self.json(response)
        if not isinstance(doc, dict):
            raise self.unexpected("the key's creation without a key")
        return doc
