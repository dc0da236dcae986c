"""Render's adapter: the web service's variables (push, read back, deploy) and its custom domain.

The service named RENDER_SERVICE_NAME is found in the workspace RENDER_OWNER names
(``RenderClient.find_service``: the same look-up the check uses) and remembered by id; a missing
one is created from render.yaml's settings, and what Render answers (its id, its URL) is kept.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from checklists.advice import do
from checklists.catalog import split_url
from checklists.errors import Gone, ProviderError
from providers.base import CheckContext
from providers.render import APEX_A, RenderClient, dashboard_link, owners_text
from wizard.health import health_note, service_health_note, update_failed_line
from wizard.outputs.render_yaml import DEFAULT_NAME, blueprint, health_check_path
from wizard.platforms.base import (
    DeployOutcome,
    DnsRecord,
    DomainStatus,
    Progress,
    Values,
    follow,
)
from wizard.platforms.plan import Applied, PushPlan, compare, desired_for, settle, unset_required
from wizard.platforms.remembered import remembered, unless_gone

#: Render plan used when push creates the service (render.yaml leaves it to the Blueprint)
RENDER_PLAN = "starter"
#: concurrent upserts: Render allows 30 writes a minute, so one push's 15 fit in one burst
WRITE_CONCURRENCY = 16
DONE = {"live"}
FAILED = {"build_failed", "update_failed", "canceled", "pre_deploy_failed", "deactivated"}


def service_payload(values: Values, owner_id: str, desired: Mapping[str, str]) -> dict[str, Any]:
    """``POST /services`` from the same data as render.yaml (the plan's Phase 3.1)."""
    spec = blueprint(values)["services"][0]
    details: dict[str, Any] = {
        "runtime": spec["runtime"],
        "plan": RENDER_PLAN,
        "region": spec["region"],
        "envSpecificDetails": {
            "buildCommand": spec["buildCommand"],
            "startCommand": spec["startCommand"],
        },
    }
    if spec.get("healthCheckPath"):
        details["healthCheckPath"] = spec["healthCheckPath"]
    return {
        "type": "web_service",
        "name": spec["name"],
        "ownerId": owner_id,
        "repo": f"https://github.com/{values.get('GITHUB_REPOSITORY')}",
        "branch": spec["branch"],
        "autoDeploy": "yes",
        "envVars": [{"key": k, "value": v} for k, v in desired.items()],
        "serviceDetails": details,
    }


def settings_of(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The creation settings without the variables (safe to print)."""
    details = payload["serviceDetails"]
    out = {
        "type": payload["type"],
        "name": payload["name"],
        "owner": payload["ownerId"],
        "repo": payload["repo"],
        "branch": payload["branch"],
        "runtime": details["runtime"],
        "plan": details["plan"],
        "region": details["region"],
        **details["envSpecificDetails"],
    }
    if "healthCheckPath" in details:
        out["healthCheckPath"] = details["healthCheckPath"]
    return out


def _details(service: Mapping[str, Any]) -> dict[str, Any]:
    details = service.get("serviceDetails")
    return dict(details) if isinstance(details, Mapping) else {}


def service_url(service: Mapping[str, Any]) -> str:
    """The service's public URL as Render answered it ("" when it gave none)."""
    details = service.get("serviceDetails")
    url = details.get("url") if isinstance(details, Mapping) else None
    return str(url).rstrip("/") if isinstance(url, str) and url.startswith("https://") else ""


class RenderAdapter:
    """push, deploy, create and domains for the service RENDER_SERVICE_NAME."""

    def __init__(self, ctx: CheckContext, values: Values) -> None:
        self.values = values
        self.env = ctx.env
        self.api = RenderClient(ctx, str(values.get("RENDER_API_KEY") or ""))
        self.name = str(values.get("RENDER_SERVICE_NAME") or DEFAULT_NAME)
        self.wanted = str(values.get("RENDER_OWNER") or "").strip()
        #: the service found by the last look-up ({} until then)
        self.service: dict[str, Any] = {}

    @property
    def writes(self) -> list[tuple[str, str]]:
        return self.api.writes

    # -- push ---------------------------------------------------------------------------------
    def _plan(self, sid: str, remote: dict[str, str], salt: bytes) -> PushPlan:
        desired, names = desired_for("render", self.values)
        plan = PushPlan(
            "render", f"service {self.name} ({sid})", sid, compare(salt, desired, remote, names)
        )
        plan.desired, plan.remote = desired, remote
        plan.notes.append(f"dashboard: {dashboard_link(sid)}")
        health = service_health_note(self.values, _details(self.service).get("healthCheckPath"))
        if health:
            plan.notes.append(health)
        unset_required(plan)
        return plan

    async def plan(self, values: Values, salt: bytes, known: Mapping[str, Any] | None) -> PushPlan:
        """Find (or plan to create) the service and compare its variables; sends no write.

        With the service id the state remembers for the same name and workspace, its
        variables are read at once while the name search runs alongside to confirm the id.
        """
        scope = {"service_name": self.name, "owner": self.wanted}
        notes: list[str] = []
        sid = remembered(known, scope, "service_id")
        if sid is not None:
            by_id = self.wanted if self.wanted.startswith(("tea-", "usr-", "own-")) else None
            found, remote = await asyncio.gather(
                self.api.services(self.name, by_id), unless_gone(self.api.env_vars(sid))
            )
            hit = [s for s in found if s.get("id") == sid]
            if isinstance(remote, dict) and hit:
                self.service = hit[0]
                plan = self._plan(sid, remote, salt)
                plan.scope = scope
                return plan
            why = (
                f"Render answered {remote.status}"
                if isinstance(remote, Gone)
                else f"no service {self.name} has that id now"
            )
            notes.append(
                f"the remembered service {sid} was not found ({why}): looked {self.name} up by "
                "name again"
            )
        look = await self.api.find_service(self.name, self.wanted, need_owner=True)
        if look.service is not None:
            self.service = look.service
            sid = str(look.service["id"])
            plan = self._plan(sid, await self.api.env_vars(sid), salt)
        else:
            plan = self._creation(look.owner, look.owners, salt)
        plan.scope, plan.notes = scope, notes + plan.notes
        return plan

    def _creation(
        self, owner: dict[str, Any] | None, owners: list[dict[str, Any]], salt: bytes
    ) -> PushPlan:
        desired, names = desired_for("render", self.values)
        plan = PushPlan(
            "render", f"service {self.name} (to create)", "", compare(salt, desired, {}, names)
        )
        plan.desired = desired
        if owner is None:
            plan.blocked = (
                f"No Render service named {self.name}, and this API key sees several workspaces "
                f"({owners_text(owners)}) to create it in. Set RENDER_OWNER to the workspace id "
                f"or name: {do('vars set', 'RENDER_OWNER')}"
            )
        elif not self.values.get("GITHUB_REPOSITORY"):
            plan.blocked = (
                f"The Render service {self.name} does not exist, and creating it needs the GitHub "
                f"repository. Set it: {do('vars set', 'GITHUB_REPOSITORY', 'owner/name')} (or "
                "create the service in Render and re-run push)."
            )
        else:
            plan.payload = service_payload(self.values, str(owner.get("id")), desired)
            plan.create = settings_of(plan.payload)
            plan.notes.append(health_note(self.values))
        unset_required(plan)
        return plan

    async def apply(self, plan: PushPlan, salt: bytes) -> Applied:
        """Create the service or upsert each changed key concurrently, then read all back."""
        done = Applied("render", plan.ref)
        errors: dict[str, str] = {}
        if plan.payload is not None:
            service, done.deploy_id = await self.api.create_service(plan.payload)
            done.ref, done.created, done.created_doc = str(service["id"]), True, service
            self.service = service
            sent = dict(plan.desired)
        else:
            sent = {n: plan.desired[n] for n in plan.named("add", "change")}
            gate = asyncio.Semaphore(WRITE_CONCURRENCY)

            async def put(name: str) -> None:
                async with gate:
                    try:
                        await self.api.put_env_var(plan.ref, name, sent[name])
                    except ProviderError as exc:
                        errors[name] = exc.line()

            await asyncio.gather(*(put(n) for n in sent))
        found = await self.api.env_vars(done.ref)
        return settle(salt, done, sent, errors, found)

    async def deploy(self, plan: PushPlan, applied: Applied, progress: Progress) -> DeployOutcome:
        """Trigger a deploy (unless creation started one) and follow it to live or failed.

        ``POST …/deploys`` may answer 202 with no body: the new deploy is then the newest one
        in the list that was not there before.
        """
        sid, started = applied.ref, applied.deploy_id
        if started is None:
            before = await self.api.latest_deploy(sid)
            deploy = await self.api.trigger_deploy(sid)
            started = deploy["id"] if deploy else await self._appeared(sid, before)
        if started is None:
            link = dashboard_link(sid)
            message = (
                f"Render accepted the deploy but it never appeared in the deploy list; see {link}"
            )
            return DeployOutcome("render", False, "unknown", "", link, message)
        link = dashboard_link(sid, started)
        progress(f"Render deploy {started} started: {link}")

        async def read() -> str:
            return str((await self.api.deploy(sid, started)).get("status", "unknown"))

        def say(status: str, seconds: float) -> None:
            progress(f"Render deploy {started}: {status} ({seconds:.0f}s)")

        status, ok = await follow(read, DONE, FAILED, say, self.env)
        if ok:
            message = f"Render deploy {started} is live."
        elif ok is None:
            message = f"Render deploy {started} is still {status}; follow it at {link}"
        else:
            path = _details(self.service).get("healthCheckPath", health_check_path(self.values))
            message = update_failed_line(started, status, link, path or None)
        return DeployOutcome("render", bool(ok), status, started, link, message)

    async def _appeared(self, sid: str, before: Mapping[str, Any] | None) -> str | None:
        """The id of a deploy newer than ``before`` once it shows up (202: queued, no body)."""
        from wizard.platforms.base import timing

        poll, wait = timing(self.env)
        deadline = asyncio.get_running_loop().time() + wait
        while asyncio.get_running_loop().time() <= deadline:
            newest = await self.api.latest_deploy(sid)
            if newest and newest.get("id") != (before or {}).get("id"):
                return str(newest["id"])
            await asyncio.sleep(poll)
        return None

    # -- domains ------------------------------------------------------------------------------
    async def _service_id(self) -> str:
        if not self.service:
            look = await self.api.find_service(self.name, self.wanted)
            if look.service is None:
                raise ProviderError(
                    f"Render has no web service named {self.name}{look.where} for this API key; "
                    f"create it ({do('push', 'render')}) or set RENDER_SERVICE_NAME / "
                    "RENDER_OWNER"
                )
            self.service = look.service
        return str(self.service.get("id", ""))

    async def add_domain(self, domain: str) -> list[DnsRecord]:
        """Add ``domain`` to the service (the one push writes to). Render's API gives no DNS
        target: its docs say CNAME to the service's host, or A for an apex."""
        added = await self.api.add_domain(await self._service_id(), domain)
        kind = added.get("domainType")
        if kind == "apex" if kind else domain.count(".") == 1:
            return [DnsRecord("Render", "A", domain, APEX_A, "points the API at Render")]
        if not service_url(self.service):  # a search result may lack it: ask for the service
            self.service = await self.api.service(await self._service_id())
        parts = split_url(service_url(self.service))
        # Never guessed from the name: a taken name gets a suffix on onrender.com.
        host = (parts.hostname if parts else None) or "the service's onrender.com host"
        return [DnsRecord("Render", "CNAME", domain, host, "points the API at Render")]

    async def domain_status(self, domain: str) -> DomainStatus:
        verified = await self.api.domain_verified(await self._service_id(), domain)
        return DomainStatus("Render", domain, verified, "" if verified else "its DNS record")
