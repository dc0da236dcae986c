"""Vercel's adapter: VITE_API_URL for production and preview (push, read back, redeploy) and
the site's custom domain.

A Vercel variable is one entry per (key, targets); the plan looks at the entry covering each
target. A value differing between production and preview is a ``change``; an unreadable one
(type ``sensitive``) is sent again, because it cannot be compared.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from checklists.advice import do
from checklists.catalog import catalog
from checklists.errors import Gone, ProviderError, UsageError
from providers.base import CheckContext
from providers.vercel import DEFAULT_A, DEFAULT_CNAME, TARGETS, VercelClient
from wizard.platforms.base import DeployOutcome, DnsRecord, DomainStatus, Progress, Values, follow
from wizard.platforms.plan import Applied, PushPlan, compare, desired_for, settle
from wizard.platforms.remembered import remembered, unless_gone

#: the plan's Phase 4.1 project settings
PROJECT_SETTINGS = {
    "framework": "vite",
    "buildCommand": "npm run build",
    "outputDirectory": "dist/public",
    "installCommand": "npm install",
    # null is the repository root ("./" in the dashboard)
    "rootDirectory": None,
}
#: stands for "differs between targets / unreadable": never equal to a real value's digest
UNCOMPARABLE = "\0uncomparable"
DONE = {"READY"}
FAILED = {"ERROR", "CANCELED", "DELETED"}


def _targets(env: Mapping[str, Any]) -> list[str]:
    target = env.get("target")
    return [target] if isinstance(target, str) else [str(t) for t in target or []]


def items_for(desired: Mapping[str, str], names: list[str]) -> list[dict[str, Any]]:
    """The upsert body: each variable for production and preview; secrets encrypted."""
    return [
        {
            "key": n,
            "value": desired[n],
            "type": "encrypted" if catalog()[n].secret else "plain",
            "target": list(TARGETS),
        }
        for n in names
    ]


def _rank1(entries: Any) -> Any:
    ranked = [e for e in entries or [] if isinstance(e, dict)]
    best = min(ranked, key=lambda e: e.get("rank", 99), default=None)
    return best.get("value") if best else None


def is_apex(domain: str, apex_name: str | None = None) -> bool:
    """``example.com`` rather than ``www.example.com`` (Vercel's ``apexName`` when it gives one)."""
    return domain == apex_name if apex_name else domain.count(".") == 1


def records(domain: str, added: Mapping[str, Any], config: Mapping[str, Any]) -> list[DnsRecord]:
    """The records Vercel wants: its rank-1 A (apex) or CNAME (subdomain), plus any TXT."""
    out: list[DnsRecord] = []
    if is_apex(domain, added.get("apexName")):
        ips = _rank1(config.get("recommendedIPv4")) or [DEFAULT_A]
        for ip in ips if isinstance(ips, list) else [ips]:
            out.append(DnsRecord("Vercel", "A", domain, str(ip), "points the site at Vercel"))
    else:
        target = str(_rank1(config.get("recommendedCNAME")) or DEFAULT_CNAME).rstrip(".")
        out.append(DnsRecord("Vercel", "CNAME", domain, target, "points the site at Vercel"))
    for item in added.get("verification") or []:
        if isinstance(item, dict) and item.get("value"):
            name = str(item.get("domain", f"_vercel.{domain}"))
            kind = str(item.get("type", "TXT"))
            out.append(DnsRecord("Vercel", kind, name, str(item["value"]), "proves you own it"))
    return out


class VercelAdapter:
    """push, deploy, create and domains for the project VERCEL_PROJECT (in VERCEL_TEAM)."""

    def __init__(self, ctx: CheckContext, values: Values) -> None:
        self.values = values
        self.env = ctx.env
        team = str(values.get("VERCEL_TEAM") or "")
        self.api = VercelClient(ctx, str(values.get("VERCEL_TOKEN") or ""), team)
        self.name = str(values.get("VERCEL_PROJECT") or "").strip()

    @property
    def writes(self) -> list[tuple[str, str]]:
        return self.api.writes

    def project_name(self) -> str:
        if not self.name:
            raise UsageError(
                "VERCEL_PROJECT is not set and package.json has no name Vercel accepts, so there "
                "is no Vercel project to use.",
                f"Set it: {do('vars set', 'VERCEL_PROJECT', 'convoai')}",
            )
        return self.name

    async def remote_values(self, project_id: str, keys: list[str]) -> dict[str, str]:
        """Each key's value if every target has the same readable one; else ``UNCOMPARABLE``.
        Keys missing on some target are left out (they are ``add``); foreign keys map to ""."""
        envs = await self.api.envs(project_id)
        out: dict[str, str] = {str(e.get("key")): "" for e in envs if e.get("key") not in keys}
        for key in keys:
            entries = [e for e in envs if e.get("key") == key]
            covering = [[e for e in entries if t in _targets(e)] for t in TARGETS]
            if not all(covering):
                if entries:
                    out[key] = UNCOMPARABLE
                continue
            chosen = {id(c[0]): c[0] for c in covering}.values()
            found = await asyncio.gather(*(self.api.env_value(project_id, e) for e in chosen))
            same = len(set(found)) == 1 and found[0] is not None
            out[key] = str(found[0]) if same else UNCOMPARABLE
        return out

    # -- push ---------------------------------------------------------------------------------
    async def plan(self, values: Values, salt: bytes, known: Mapping[str, Any] | None) -> PushPlan:
        """Find (or plan to create) the project and compare its variables; sends no write.

        With the project id the state remembers for the same name and team, the variables are
        read at once while the project is looked up by name alongside, to confirm the id.
        """
        name = self.project_name()
        desired, names = desired_for("vercel", values)
        scope = {"project_name": name, "team": self.api.team}
        notes: list[str] = []
        pid = remembered(known, scope, "project_id")
        read: dict[str, str] | Gone | None = None
        if pid is not None:
            project, read = await asyncio.gather(
                self.api.project(name), unless_gone(self.remote_values(pid, names))
            )
            if not isinstance(read, dict) or project is None or project.get("id") != pid:
                why = (
                    f"Vercel answered {read.status}"
                    if isinstance(read, Gone)
                    else f"the project {name} has another id now"
                )
                notes.append(
                    f"the remembered project {pid} was not found ({why}): looked {name} up by "
                    "name again"
                )
                read = None
        else:
            project = await self.api.project(name)
        if project is not None:
            pid = str(project["id"])
            remote = read if isinstance(read, dict) else await self.remote_values(pid, names)
            plan = PushPlan(
                "vercel", f"project {name} ({pid})", pid, compare(salt, desired, remote, names)
            )
            plan.desired, plan.remote, plan.scope, plan.notes = desired, remote, scope, notes
            if any(remote.get(n) == UNCOMPARABLE for n in names):
                plan.notes.append(
                    "a value differs between production and preview, or cannot be read "
                    "(sensitive): it is sent again"
                )
            return plan
        plan = PushPlan(
            "vercel", f"project {name} (to create)", "", compare(salt, desired, {}, names)
        )
        plan.desired, plan.scope, plan.notes = desired, scope, notes
        repo = values.get("GITHUB_REPOSITORY")
        if not repo:
            plan.blocked = (
                f"The Vercel project {name} does not exist (or is owned by a team: set "
                "VERCEL_TEAM), and creating it needs the GitHub repository. Set it: "
                f"{do('vars set', 'GITHUB_REPOSITORY', 'owner/name')}"
            )
            return plan
        plan.payload = {
            "name": name,
            **PROJECT_SETTINGS,
            "gitRepository": {"type": "github", "repo": repo},
            "environmentVariables": items_for(desired, list(desired)),
        }
        plan.create = {"name": name, **PROJECT_SETTINGS, "repo": repo}
        return plan

    async def apply(self, plan: PushPlan, salt: bytes) -> Applied:
        """Create the project (with its variables) or upsert the changed ones; then read back."""
        done = Applied("vercel", plan.ref)
        errors: dict[str, str] = {}
        if plan.payload is not None:
            project = await self.api.create_project(plan.payload)
            done.ref, done.created, done.created_doc = str(project["id"]), True, project
            sent = dict(plan.desired)
        else:
            sent = {n: plan.desired[n] for n in plan.named("add", "change")}
            if sent:
                try:
                    await self.api.upsert(plan.ref, items_for(sent, list(sent)))
                except ProviderError as exc:
                    errors = dict.fromkeys(sent, exc.line())
        found = await self.remote_values(done.ref, list(sent))
        readable = {k: v for k, v in found.items() if v != UNCOMPARABLE}
        return settle(salt, done, sent, errors, readable)

    async def deploy(self, plan: PushPlan, applied: Applied, progress: Progress) -> DeployOutcome:
        """Redeploy the latest production deployment (VITE_* values are read at build time)
        and follow it to READY or ERROR."""
        latest = await self.api.latest_production(applied.ref)
        if latest is None:
            return DeployOutcome(
                "vercel",
                False,
                "none",
                "",
                "",
                "Vercel has no production deployment to rebuild yet: push to main (Vercel deploys "
                "it from Git), then run push again.",
            )
        new = await self.api.redeploy(self.project_name(), latest)
        did = str(new.get("id", ""))
        link = str(new.get("inspectorUrl") or f"https://{new.get('url', '')}")
        progress(f"Vercel deployment {did} started: {link}")
        unread, last = [new], [new]  # the first status is the redeploy's own answer

        async def read() -> str:
            last[0] = unread.pop() if unread else await self.api.deployment(did)
            return str(last[0].get("readyState") or last[0].get("status") or "QUEUED")

        def say(state: str, seconds: float) -> None:
            progress(f"Vercel deployment {did}: {state} ({seconds:.0f}s)")

        state, ok = await follow(read, DONE, FAILED, say, self.env)
        doc = last[0]
        if ok:
            message = f"Vercel deployment {did} is READY: https://{doc.get('url', '')}"
        elif ok is None:
            message = f"Vercel deployment {did} is still {state}; follow it at {link}"
        else:
            why = doc.get("errorMessage") or doc.get("errorCode") or "no message"
            message = (
                f"Vercel deployment {did} ended {state} ({why}); see {link}, fix, and push again."
            )
        return DeployOutcome("vercel", bool(ok), state, did, link, message)

    async def production_url(self) -> str:
        """``https://`` + the newest READY production deployment's host (Vercel's answer)."""
        name = self.project_name()
        project = await self.api.project(name)
        if project is None:
            raise ProviderError(
                f"Vercel has no project named {name} visible to this token in {self.api.scope}; "
                "check VERCEL_PROJECT (and VERCEL_TEAM for a team project)"
            )
        newest = await self.api.latest_production(str(project["id"]))
        if newest is None or not newest.get("url"):
            raise ProviderError(
                f"Vercel project {name} has no ready production deployment yet; deploy it (git "
                "push to its production branch), or set FRONTEND_URL"
            )
        return "https://" + str(newest["url"]).removeprefix("https://").rstrip("/")

    async def production_domain(self, project: str) -> str:
        """The site's address as Vercel answers it: the project's verified production domain
        that serves the site itself (no redirect, no branch), its own ``.vercel.app`` first;
        "" while it has none. Never guessed from the project's name: a taken name gets a
        suffix on vercel.app."""
        served = [
            str(d["name"])
            for d in await self.api.production_domains(project)
            if d.get("verified")
            and not d.get("redirect")
            and not d.get("gitBranch")
            and d.get("name")
        ]
        served.sort(key=lambda name: not name.endswith(".vercel.app"))
        return f"https://{served[0]}" if served else ""

    # -- domains ------------------------------------------------------------------------------
    async def add_domain(self, domain: str) -> list[DnsRecord]:
        name = self.project_name()
        added = await self.api.add_domain(name, domain)
        return records(domain, added, await self.api.domain_config(name, domain))

    async def domain_status(self, domain: str) -> DomainStatus:
        waiting = await self.api.domain_waiting_for(self.project_name(), domain)
        return DomainStatus("Vercel", domain, not waiting, waiting)
