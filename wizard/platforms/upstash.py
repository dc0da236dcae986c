"""Upstash's adapter: the Redis database BullMQ uses, found by name or created, and its REDIS_URL.

The Developer API lists every database of the account (no name filter, no paging), so the
database named UPSTASH_DATABASE is matched here, exactly; two of that name are refused, never
guessed between. A new one gets TLS, the primary region UPSTASH_REGION (default: the region
nearest RENDER_REGION) and the body the current spec requires (``platform`` replaced the old
``region: "global"``). REDIS_URL is built from what Upstash answers (password, endpoint, port),
never from a guessed host: an endpoint that is a bare slug is read again, and if it still names no
host, nothing is stored and the line says how to paste the URL instead.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from checklists.advice import do
from checklists.errors import ProviderError
from providers.base import CheckContext
from providers.upstash import PASTE, UpstashClient
from wizard.platforms.provisioning import (
    Progress,
    ProvisionResult,
    ResourcePlan,
    Store,
    Values,
)

DEFAULT_NAME = "convoai"
GCP_REGIONS = frozenset({"us-central1", "us-east4", "europe-west1", "asia-northeast1"})
#: Render's regions (render.yaml) -> the Upstash primary region in the same cloud region
NEAREST = {
    "oregon": "us-west-2",
    "ohio": "us-east-2",
    "virginia": "us-east-1",
    "frankfurt": "eu-central-1",
    "singapore": "ap-southeast-1",
}
HOST = re.compile(
    r"^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+$"
)
STORES = ("REDIS_URL",)


def primary_region(values: Values) -> tuple[str, str]:
    """(the region to create in, why that one)."""
    chosen = str(values.get("UPSTASH_REGION") or "")
    if chosen:
        return chosen, "UPSTASH_REGION"
    render = str(values.get("RENDER_REGION") or "oregon")
    return NEAREST.get(render, "us-east-1"), f"nearest to RENDER_REGION {render}"


def is_host(endpoint: str) -> bool:
    """A host name with a domain, or an IP address; a bare slug (``beloved-stallion-58500``)
    is not one: the spec allows either and the suffix for a slug is not documented."""
    try:
        ipaddress.ip_address(endpoint)
    except ValueError:
        return bool(HOST.match(endpoint))
    return True


def port_of(db: Mapping[str, Any]) -> int | None:
    raw = db.get("port")
    if isinstance(raw, bool):
        return None
    try:
        port = int(str(raw))
    except ValueError:
        return None
    return port if 0 < port < 65536 else None


def complete(db: Mapping[str, Any]) -> bool:
    """Has everything REDIS_URL needs, as Upstash answered it."""
    endpoint, password = db.get("endpoint"), db.get("password")
    return (
        isinstance(password, str)
        and bool(password)
        and isinstance(endpoint, str)
        and is_host(endpoint)
        and port_of(db) is not None
    )


def redis_url(db: Mapping[str, Any]) -> str:
    """``rediss://default:<password>@<endpoint>:<port>`` (redis-cli.mdx), from ``db`` alone."""
    name = db.get("database_name", "")
    if not complete(db):
        endpoint = db.get("endpoint")
        if not (isinstance(db.get("password"), str) and db.get("password")):
            what = "no password"
        elif not isinstance(endpoint, str) or not endpoint:
            what = "no endpoint"
        elif not is_host(endpoint):
            what = f"the endpoint {endpoint!r}, which is not a host name"
        else:
            what = "no port"
        raise ProviderError(
            f"Upstash answered the database {name} with {what}, so REDIS_URL was not stored "
            "(the wizard never guesses a host or port).",
            f"Copy the rediss:// URL from the Upstash console > the database > Connect, {PASTE}",
        )
    password = quote(str(db["password"]), safe="")
    return f"rediss://default:{password}@{db['endpoint']}:{port_of(db)}"


class UpstashAdapter:
    """The provision capability, on the one Upstash client."""

    def __init__(self, ctx: CheckContext, values: Values) -> None:
        self.api = UpstashClient(
            ctx, str(values.get("UPSTASH_EMAIL") or ""), str(values.get("UPSTASH_API_KEY") or "")
        )

    @property
    def writes(self) -> list[tuple[str, str]]:
        return self.api.writes

    async def provision_plan(self, values: Values, state: Mapping[str, Any]) -> list[ResourcePlan]:
        name = str(values.get("UPSTASH_DATABASE") or DEFAULT_NAME)
        region, why = primary_region(values)
        resource = f"database {name}"
        same = [d for d in await self.api.databases() if d.get("database_name") == name]
        if len(same) > 1:
            ids = ", ".join(str(d.get("database_id", "?")) for d in same)
            return [
                ResourcePlan(
                    "upstash",
                    resource,
                    "blocked",
                    why=(
                        f"{len(same)} Upstash databases are named {name} ({ids}); rename one in "
                        "the console, or set UPSTASH_DATABASE to another name: "
                        f"{do('vars set', 'UPSTASH_DATABASE')}"
                    ),
                    stores=STORES,
                )
            ]
        if same:
            db = same[0]
            found_region = str(db.get("primary_region") or db.get("region") or "")
            notes = []
            if found_region and found_region != region:
                notes.append(f"it is in {found_region}, not {region} ({why}); it is used as it is")
            if db.get("state") not in (None, "active"):
                notes.append(f"its state is {db.get('state')}")
            return [
                ResourcePlan(
                    "upstash",
                    resource,
                    "found",
                    ref=str(db.get("database_id", "")),
                    settings={"region": found_region, "endpoint": db.get("endpoint", "")},
                    stores=STORES,
                    notes=notes,
                    carry={"db": db},
                )
            ]
        body = {
            "database_name": name,
            "platform": "gcp" if region in GCP_REGIONS else "aws",
            "primary_region": region,
            "tls": True,
        }
        return [
            ResourcePlan(
                "upstash",
                resource,
                "create",
                settings={
                    "platform": body["platform"],
                    "primary region": f"{region} ({why})",
                    "TLS": "on",
                    "eviction": "off (BullMQ needs every key kept)",
                },
                stores=STORES,
                carry={"body": body},
            )
        ]

    async def provision(
        self, plan: ResourcePlan, progress: Progress, store: Store
    ) -> ProvisionResult:
        name = plan.resource.removeprefix("database ")
        if plan.action == "found":
            db = dict(plan.carry["db"])
            done = f"Upstash database {name}: found ({plan.ref})"
        else:
            db = await self._create(plan.carry["body"], progress)
            done = f"Upstash database {name}: created ({db.get('database_id', '')})"
        if not complete(db) and db.get("database_id"):
            # The list may hide credentials, or name the endpoint by its slug: the database
            # itself is asked once more before anything is given up.
            again = await self.api.database(str(db["database_id"]))
            db = {**db, **(again or {})}
        await store({"REDIS_URL": redis_url(db)})
        state = db.get("state")
        if state not in (None, "active"):
            return ProvisionResult(
                "upstash",
                plan.resource,
                False,
                list(STORES),
                [f"{done}; REDIS_URL stored"],
                f"the database is {state}, not active; resume it in the Upstash console, then "
                f"{do('check', 'upstash')}",
            )
        region = db.get("primary_region") or db.get("region") or ""
        return ProvisionResult(
            "upstash", plan.resource, True, list(STORES), [f"{done} in {region}; REDIS_URL stored"]
        )

    async def _create(self, body: dict[str, Any], progress: Progress) -> dict[str, Any]:
        """Create once; after a lost answer the list decides whether it landed. Then read the
        new database back (as Upstash's Terraform provider does): that answer is the one used."""
        name = body["database_name"]
        try:
            created = await self.api.create_database(body)
        except ProviderError as exc:
            same = [d for d in await self.api.databases() if d.get("database_name") == name]
            if len(same) != 1:
                raise
            progress(f"Upstash database {name}: the answer was lost ({exc.message}), but it exists")
            created = same[0]
        database_id = str(created.get("database_id") or "")
        if not database_id:
            raise ProviderError(
                f"Upstash answered the creation of {name} without a database_id; look for it in "
                f"the console and run {do('provision', 'upstash')} again (it will be found by name)."
            )
        progress(f"Upstash database {name}: created ({database_id}); reading it back")
        back = await self.api.database(database_id)
        if back is None:
            raise ProviderError(
                f"Upstash created the database {name} ({database_id}) but reading it back "
                f"answered 404; run {do('provision', 'upstash')} again in a minute."
            )
        return {**created, **back}
