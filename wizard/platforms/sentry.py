"""Sentry's adapter: the backend's project (SENTRY_PROJECT, a slug), found or created, and its DSN.

The organization comes from ``GET /api/0/organizations/`` (SENTRY_ORG is needed only when the
token sees several); every later call goes to that organization's region. The project is looked
for by its exact slug; a new one is created under the team (SENTRY_TEAM, needed only when there
are several) through the team endpoint, never the organization one (that one makes a new team on
every call); a 409 means it exists, and it is read. SENTRY_DSN is the public DSN of the
project's active client key, as Sentry answers it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from checklists.advice import do
from checklists.errors import ProviderError
from providers.base import CheckContext
from providers.sentry import SentryClient
from wizard.platforms.provisioning import Progress, ProvisionResult, ResourcePlan, Store, Values

DEFAULT_PROJECT = "convoai-backend"
STORES = ("SENTRY_DSN",)


def pick(kind: str, variable: str, items: Sequence[Mapping[str, Any]], wanted: str) -> Any:
    """The item whose slug is ``wanted``, or the only one; else a line naming the choices."""
    slugs = [str(i.get("slug")) for i in items]
    if wanted:
        hits = [i for i in items if i.get("slug") == wanted]
        if hits:
            return hits[0]
        return (
            f"{variable}={wanted} is not a Sentry {kind} the token sees (it sees: "
            f"{', '.join(slugs) or 'none'}); set {variable} to one of them: "
            f"{do('vars set', variable)}"
        )
    if len(items) == 1:
        return items[0]
    if not items:
        return None
    return (
        f"the token sees several Sentry {kind}s ({', '.join(slugs)}); choose one: "
        f"{do('vars set', variable)}"
    )


def public_dsn(keys: Sequence[Mapping[str, Any]]) -> str:
    """The first active key's public DSN ("" when there is none)."""
    for key in keys:
        dsn = key.get("dsn")
        if key.get("isActive", True) and isinstance(dsn, Mapping) and dsn.get("public"):
            return str(dsn["public"])
    return ""


class SentryAdapter:
    """The provision capability, on the one Sentry client."""

    def __init__(self, ctx: CheckContext, values: Values) -> None:
        self.api = SentryClient(ctx, str(values.get("SENTRY_AUTH_TOKEN") or ""))

    @property
    def writes(self) -> list[tuple[str, str]]:
        return self.api.writes

    async def provision_plan(self, values: Values, state: Mapping[str, Any]) -> list[ResourcePlan]:
        slug = str(values.get("SENTRY_PROJECT") or DEFAULT_PROJECT)
        resource = f"project {slug}"

        def blocked(why: str) -> list[ResourcePlan]:
            return [ResourcePlan("sentry", resource, "blocked", why=why, stores=STORES)]

        org = pick(
            "organization",
            "SENTRY_ORG",
            await self.api.organizations(),
            str(values.get("SENTRY_ORG") or ""),
        )
        if org is None:
            return blocked(
                "the token sees no Sentry organization: it needs Organization Read (an "
                "organization token, sntrys_…, cannot be used)"
            )
        if isinstance(org, str):
            return blocked(org)
        org_slug = str(org["slug"])
        region = self.api.use_region(org)
        where = {"organization": org_slug, "region": urlsplit(region).hostname or region}
        carry: dict[str, Any] = {"org": org_slug, "slug": slug}
        project = await self.api.find_project(org_slug, slug)
        if project is not None:
            dsn = public_dsn(await self.api.keys(org_slug, slug))
            ref = str(project.get("id") or slug)
            if dsn:
                return [
                    ResourcePlan(
                        "sentry",
                        resource,
                        "found",
                        ref=ref,
                        settings=where,
                        stores=STORES,
                        carry={**carry, "dsn": dsn},
                    )
                ]
            return [
                ResourcePlan(
                    "sentry",
                    resource,
                    "create",
                    ref=ref,
                    settings={**where, "client key": "new: the project has no active one"},
                    stores=STORES,
                    carry={**carry, "key_only": True},
                )
            ]
        team = pick(
            "team",
            "SENTRY_TEAM",
            await self.api.teams(org_slug),
            str(values.get("SENTRY_TEAM") or ""),
        )
        if team is None:
            return blocked(
                f"the Sentry organization {org_slug} has no team to create the project under; "
                "create one in Sentry (Settings > Teams), then run this again"
            )
        if isinstance(team, str):
            return blocked(team)
        return [
            ResourcePlan(
                "sentry",
                resource,
                "create",
                settings={**where, "team": team["slug"], "platform": "node-express"},
                stores=STORES,
                carry={**carry, "team": str(team["slug"])},
            )
        ]

    async def provision(
        self, plan: ResourcePlan, progress: Progress, store: Store
    ) -> ProvisionResult:
        org, slug = plan.carry["org"], plan.carry["slug"]
        if plan.action == "found":
            await store({"SENTRY_DSN": plan.carry["dsn"]})
            line = f"Sentry project {slug}: found ({plan.ref}) in {org}; SENTRY_DSN stored"
            return ProvisionResult("sentry", plan.resource, True, list(STORES), [line])
        done = f"Sentry project {slug}: found ({plan.ref}) in {org}"
        if not plan.carry.get("key_only"):
            project, existed = await self.api.create_project(org, plan.carry["team"], slug)
            done = (
                f"Sentry project {slug}: {'already existed (409), read' if existed else 'created'}"
                f" ({project.get('id', '')}) in {org}"
            )
            progress(done)
        dsn = public_dsn(await self.api.keys(org, slug))
        if not dsn:
            # Every new project gets a "Default" key; one without any gets a key of its own.
            key = await self.api.create_key(org, slug)
            dsn = public_dsn([key])
            done += "; client key created"
        if not dsn:
            raise ProviderError(
                f"Sentry's client key of {slug} has no public DSN, so SENTRY_DSN was not stored.",
                "Copy the DSN from Sentry > Settings > Projects > Client Keys: "
                f"{do('vars set', 'SENTRY_DSN')}",
            )
        await store({"SENTRY_DSN": dsn})
        return ProvisionResult(
            "sentry", plan.resource, True, list(STORES), [f"{done}; SENTRY_DSN stored"]
        )
