"""Custom domains on Vercel and Render, and the Vercel production URL (PUSH-CONTRACTS.md).

Actions, not checks: a failure raises ``ProviderError`` with one line saying what and why.
Vercel calls carry ``teamId`` when ``VERCEL_TEAM`` is set (team-owned projects are invisible
without it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx

from checklists.catalog import split_url
from providers.base import CheckContext, CheckError, ProviderError
from providers.http import base_url, error_text, send, status_message

VERCEL_AUTH = (
    "Create a token at Vercel > Account Settings > Tokens: convoai-setup vars set VERCEL_TOKEN"
)
RENDER_AUTH = (
    "Create an API key at Render Dashboard > Account Settings > API Keys: convoai-setup vars "
    "set RENDER_API_KEY"
)
#: documented fallbacks when Vercel's config endpoint gives no recommendation
VERCEL_A, VERCEL_CNAME = "76.76.21.21", "cname.vercel-dns.com"
#: Render's documented A record for apex domains (its API returns no DNS target)
RENDER_A = "216.24.57.1"


@dataclass(frozen=True)
class DnsRecord:
    """One record the user creates at their DNS provider."""

    platform: str
    type: str
    name: str
    value: str
    why: str


@dataclass(frozen=True)
class DomainStatus:
    platform: str
    domain: str
    verified: bool
    #: one line: what is still missing (empty once verified)
    waiting_for: str = ""


def _quoted(part: str) -> str:
    return quote(part, safe="")


class MissingSetting(ProviderError):
    """A credential or name the API call needs is not set (a configuration error: exit 2)."""

    exit_code = 2


async def _call(
    ctx: CheckContext, label: str, method: str, url: str, **kwargs: Any
) -> httpx.Response:
    try:
        return await send(ctx, label, method, url, **kwargs)
    except CheckError as exc:
        raise ProviderError(exc.message) from None


def _fail(response: httpx.Response, label: str, doing: str, auth_hint: str) -> ProviderError:
    vendor = error_text(response)
    if response.status_code in (401, 403, 429) or response.status_code >= 500 or not vendor:
        return ProviderError(f"{doing}: {status_message(response, label, auth_hint)}")
    return ProviderError(f"{doing}: {label} answered {response.status_code}: {vendor}")


def _json(response: httpx.Response, label: str) -> Any:
    try:
        return response.json()
    except ValueError:
        raise ProviderError(
            f"{label} answered {response.status_code} but not with JSON; is its base URL right?"
        ) from None


def _obj(response: httpx.Response, label: str) -> dict[str, Any]:
    body = _json(response, label)
    if not isinstance(body, dict):
        raise ProviderError(
            f"{label} answered {response.status_code} with an unexpected body; is its base "
            "URL right?"
        )
    return body


# -- Vercel -------------------------------------------------------------------------------------
class Vercel:
    """The Vercel calls of this module, bound to a token, a project and (optionally) a team."""

    def __init__(self, ctx: CheckContext, values: Mapping[str, str | None]) -> None:
        self.ctx = ctx
        self.project = (values.get("VERCEL_PROJECT") or "").strip()
        token = (values.get("VERCEL_TOKEN") or "").strip()
        if not token or not self.project:
            raise MissingSetting(
                "VERCEL_TOKEN and VERCEL_PROJECT are needed to use the Vercel API.",
                "Set them: convoai-setup vars set VERCEL_TOKEN, then convoai-setup vars "
                "set VERCEL_PROJECT NAME",
            )
        try:
            self.base = base_url(ctx.env, "CONVOAI_SETUP_VERCEL_API", "https://api.vercel.com")
        except CheckError as exc:
            raise ProviderError(exc.message) from None
        self.headers = {"Authorization": f"Bearer {token}"}
        team = (values.get("VERCEL_TEAM") or "").strip()
        self.params: dict[str, str] = {"teamId": team} if team else {}

    async def request(
        self, method: str, path: str, params: Mapping[str, str] | None = None, **kwargs: Any
    ) -> httpx.Response:
        query = {**(params or {}), **self.params}
        return await _call(
            self.ctx,
            "Vercel",
            method,
            self.base + path,
            headers=self.headers,
            params=query,
            **kwargs,
        )

    @property
    def project_path(self) -> str:
        return f"/projects/{_quoted(self.project)}"

    async def production_url(self) -> str:
        """``https://`` + the newest READY production deployment's host."""
        project = await self.request("GET", f"/v9{self.project_path}")
        if project.status_code == 404:
            raise ProviderError(
                f"Vercel has no project named {self.project} visible to this token; check "
                "VERCEL_PROJECT (and VERCEL_TEAM for a team project)"
            )
        if not project.is_success:
            raise _fail(project, "Vercel", "Finding the Vercel project failed", VERCEL_AUTH)
        project_id = str(_obj(project, "Vercel").get("id") or self.project)
        params = {"projectId": project_id, "target": "production", "state": "READY", "limit": "1"}
        response = await self.request("GET", "/v6/deployments", params)
        if not response.is_success:
            raise _fail(response, "Vercel", "Listing production deployments failed", VERCEL_AUTH)
        deployments = _obj(response, "Vercel").get("deployments") or []
        ready = [d for d in deployments if isinstance(d, dict) and d.get("url")]
        if not ready:
            raise ProviderError(
                f"Vercel project {self.project} has no ready production deployment yet; "
                "deploy it (git push to its production branch), or set FRONTEND_URL"
            )
        newest = max(ready, key=lambda d: d.get("created") or 0)
        return "https://" + str(newest["url"]).removeprefix("https://").rstrip("/")

    async def add_domain(self, domain: str) -> dict[str, Any]:
        """Add ``domain`` to the project; an existing one on this project is fine (idempotent)."""
        response = await self.request(
            "POST", f"/v10{self.project_path}/domains", json={"name": domain}
        )
        if response.is_success:
            return _obj(response, "Vercel")
        if response.status_code in (400, 409):
            existing = await self.request(
                "GET", f"/v9{self.project_path}/domains/{_quoted(domain)}"
            )
            if existing.is_success:
                return _obj(existing, "Vercel")
        raise _fail(
            response, "Vercel", f"Adding {domain} to the Vercel project failed", VERCEL_AUTH
        )

    async def config(self, domain: str) -> dict[str, Any]:
        response = await self.request(
            "GET", f"/v6/domains/{_quoted(domain)}/config", {"projectIdOrName": self.project}
        )
        if not response.is_success:
            raise _fail(
                response, "Vercel", f"Reading the DNS configuration of {domain} failed", VERCEL_AUTH
            )
        return _obj(response, "Vercel")

    async def status(self, domain: str) -> DomainStatus:
        """Ownership verified (asking Vercel to re-check the TXT record) and DNS configured."""
        path = f"/v9{self.project_path}/domains/{_quoted(domain)}"
        response = await self.request("GET", path)
        if not response.is_success:
            raise _fail(response, "Vercel", f"Reading {domain} on Vercel failed", VERCEL_AUTH)
        verified = bool(_obj(response, "Vercel").get("verified"))
        if not verified:
            attempt = await self.request("POST", f"{path}/verify")
            if attempt.status_code not in (200, 400):
                raise _fail(attempt, "Vercel", f"Verifying {domain} on Vercel failed", VERCEL_AUTH)
            verified = attempt.status_code == 200 and bool(
                _obj(attempt, "Vercel").get("verified", True)
            )
        if not verified:
            return DomainStatus("Vercel", domain, False, "the TXT verification record")
        if (await self.config(domain)).get("misconfigured", True):
            return DomainStatus("Vercel", domain, False, "the A/CNAME record")
        return DomainStatus("Vercel", domain, True)


def _rank1(entries: Any) -> Any:
    ranked = [e for e in entries or [] if isinstance(e, dict)]
    best = min(ranked, key=lambda e: e.get("rank", 99), default=None)
    return best.get("value") if best else None


def is_apex(domain: str, apex_name: str | None = None) -> bool:
    """``example.com`` rather than ``www.example.com`` (Vercel's ``apexName`` when it gives one)."""
    return domain == apex_name if apex_name else domain.count(".") == 1


def vercel_records(
    domain: str, added: Mapping[str, Any], config: Mapping[str, Any]
) -> list[DnsRecord]:
    """The records Vercel wants: its rank-1 A (apex) or CNAME (subdomain), plus any TXT."""
    out: list[DnsRecord] = []
    if is_apex(domain, added.get("apexName")):
        ips = _rank1(config.get("recommendedIPv4")) or [VERCEL_A]
        for ip in ips if isinstance(ips, list) else [ips]:
            out.append(DnsRecord("Vercel", "A", domain, str(ip), "points the site at Vercel"))
    else:
        target = str(_rank1(config.get("recommendedCNAME")) or VERCEL_CNAME).rstrip(".")
        out.append(DnsRecord("Vercel", "CNAME", domain, target, "points the site at Vercel"))
    for item in added.get("verification") or []:
        if isinstance(item, dict) and item.get("value"):
            out.append(
                DnsRecord(
                    "Vercel",
                    str(item.get("type", "TXT")),
                    str(item.get("domain", f"_vercel.{domain}")),
                    str(item["value"]),
                    "proves you own the domain",
                )
            )
    return out


# -- Render -------------------------------------------------------------------------------------
class Render:
    """Render's custom-domain calls for the web service named RENDER_SERVICE_NAME."""

    def __init__(self, ctx: CheckContext, values: Mapping[str, str | None]) -> None:
        self.ctx = ctx
        key = (values.get("RENDER_API_KEY") or "").strip()
        if not key:
            raise MissingSetting(
                "RENDER_API_KEY is needed to add the API domain on Render.",
                "Set it: convoai-setup vars set RENDER_API_KEY",
            )
        self.name = (values.get("RENDER_SERVICE_NAME") or "convoai-backend").strip()
        try:
            self.base = (
                base_url(ctx.env, "CONVOAI_SETUP_RENDER_API", "https://api.render.com") + "/v1"
            )
        except CheckError as exc:
            raise ProviderError(exc.message) from None
        self.headers = {"Authorization": f"Bearer {key}", "Accept": "application/json"}
        self.service_id = ""
        self.service_host = ""

    async def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return await _call(
            self.ctx, "Render", method, self.base + path, headers=self.headers, **kwargs
        )

    async def find_service(self) -> None:
        response = await self.request(
            "GET", "/services", params={"name": self.name, "type": "web_service", "limit": "20"}
        )
        if not response.is_success:
            raise _fail(response, "Render", "Finding the Render service failed", RENDER_AUTH)
        items = _json(response, "Render")
        found = (
            [
                i["service"]
                for i in items
                if isinstance(i, dict)
                and isinstance(i.get("service"), dict)
                and i["service"].get("name") == self.name
            ]
            if isinstance(items, list)
            else []
        )
        if not found:
            raise ProviderError(
                f"Render has no web service named {self.name} for this API key; create it "
                "(plan Phase 3.1) or set RENDER_SERVICE_NAME"
            )
        self.service_id = str(found[0].get("id", ""))
        details = found[0].get("serviceDetails") or {}
        parts = split_url(str(details.get("url") or ""))
        self.service_host = (parts.hostname if parts else None) or f"{self.name}.onrender.com"

    def _domain_path(self, domain: str = "") -> str:
        tail = f"/{_quoted(domain)}" if domain else ""
        return f"/services/{_quoted(self.service_id)}/custom-domains{tail}"

    async def add_domain(self, domain: str) -> dict[str, Any]:
        """Add ``domain`` to the service; one it already has is fine (idempotent)."""
        if not self.service_id:
            await self.find_service()
        response = await self.request("POST", self._domain_path(), json={"name": domain})
        if response.is_success:
            body = _json(response, "Render")  # 201 with an array of the added domains
            first = body[0] if isinstance(body, list) and body else body
            return dict(first) if isinstance(first, dict) else {}
        if response.status_code in (400, 409):
            existing = await self.request("GET", self._domain_path(domain))
            if existing.is_success:
                return _obj(existing, "Render")
        raise _fail(
            response, "Render", f"Adding {domain} to the Render service failed", RENDER_AUTH
        )

    async def status(self, domain: str) -> DomainStatus:
        """Ask Render to verify (202, no body), then read the domain back."""
        attempt = await self.request("POST", self._domain_path(domain) + "/verify")
        if not attempt.is_success and attempt.status_code != 400:
            raise _fail(attempt, "Render", f"Verifying {domain} on Render failed", RENDER_AUTH)
        response = await self.request("GET", self._domain_path(domain))
        if not response.is_success:
            raise _fail(response, "Render", f"Reading {domain} on Render failed", RENDER_AUTH)
        verified = _obj(response, "Render").get("verificationStatus") == "verified"
        return DomainStatus("Render", domain, verified, "" if verified else "its DNS record")

    def records(self, domain: str, added: Mapping[str, Any]) -> list[DnsRecord]:
        """Render's API gives no DNS target: its docs say CNAME to the service, or A for an apex."""
        apex = added.get("domainType") == "apex" if added.get("domainType") else is_apex(domain)
        if apex:
            return [DnsRecord("Render", "A", domain, RENDER_A, "points the API at Render")]
        return [DnsRecord("Render", "CNAME", domain, self.service_host, "points the API at Render")]
