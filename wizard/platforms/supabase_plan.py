"""The Supabase provision plan: which organization, whether the project exists (and in which
state), where a new one would go, and whether its database password is known here. Sends no
write.

The organization is SUPABASE_ORG (a slug; a name is accepted when it is unambiguous), or the
only one the token sees; several without SUPABASE_ORG block the plan, naming them. The region of
a new project is SUPABASE_REGION, else the AWS region nearest to RENDER_REGION.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from checklists.advice import do
from checklists.errors import EXIT_FAILED, EXIT_USAGE, Gone
from providers.supabase import SupabaseClient
from providers.supabase_answers import valid_ref
from wizard.platforms.provisioning import ResourcePlan, Values

DEFAULT_PROJECT = "convoai"
#: Render's regions -> the nearest region Supabase offers (codes as ``region_selection``
#: ``specific`` takes them)
REGIONS = {
    "oregon": "us-west-1",
    "ohio": "us-east-2",
    "virginia": "us-east-1",
    "frankfurt": "eu-central-1",
    "singapore": "ap-southeast-1",
}
READY = "ACTIVE_HEALTHY"
#: statuses after which waiting is pointless (as terraform's provider fails fast on them)
FAILED = {
    "GOING_DOWN": "it is being paused or deleted",
    "INIT_FAILED": "Supabase could not set it up: delete it in the dashboard, then run provision "
    "again",
    "REMOVED": "it was deleted: run provision again to create a new one",
    "INACTIVE": "it is paused: restore it at Supabase Dashboard > the project > Restore project",
    "PAUSE_FAILED": "pausing it failed: see Supabase Dashboard > the project, or ask Supabase "
    "support",
    "RESTORE_FAILED": "restoring it failed: see Supabase Dashboard > the project, or ask Supabase "
    "support",
}
SOURCE = "created by API"
STORES = ("SUPABASE_URL", "SUPABASE_SERVICE_KEY", "SUPABASE_DB_URL")


def project_url(ref: str) -> str:
    return f"https://{ref}.supabase.co"


def ref_of_url(url: str | None) -> str | None:
    """The ref in ``https://<ref>.supabase.co`` (None for any other URL)."""
    host = (urlsplit(url).hostname or "") if url else ""
    ref, _, rest = host.partition(".")
    return ref if rest == "supabase.co" and valid_ref(ref) else None


def ref_of_db_url(url: str | None) -> str | None:
    """The project a Postgres URL opens: the pooler's user ``postgres.<ref>`` (or its older
    ``options=reference=<ref>``), or the direct host ``db.<ref>.supabase.co``."""
    if not url:
        return None
    try:
        parts = urlsplit(url)
        user, host = unquote(parts.username or ""), parts.hostname or ""
    except ValueError:
        return None
    if user.startswith("postgres.") and valid_ref(user.removeprefix("postgres.")):
        return user.removeprefix("postgres.")
    if host.startswith("db.") and host.endswith(".supabase.co"):
        return valid_ref(host.removeprefix("db.").removesuffix(".supabase.co"))
    for option in parse_qs(parts.query).get("options", []):
        if option.startswith("reference="):
            return valid_ref(option.removeprefix("reference="))
    return None


def password_of(url: str | None) -> str | None:
    try:
        found = urlsplit(url).password if url else None
    except ValueError:
        return None
    return unquote(found) if found else None


def region_for(values: Values) -> tuple[str, str]:
    """(region code, why it was chosen) for a new project."""
    chosen = str(values.get("SUPABASE_REGION") or "").strip()
    if chosen:
        return chosen, "SUPABASE_REGION"
    render = str(values.get("RENDER_REGION") or "oregon")
    return REGIONS.get(render, REGIONS["oregon"]), f"nearest to RENDER_REGION {render}"


def password_for(
    ref: str, org: str, name: str, values: Values, state: Mapping[str, Any]
) -> tuple[str | None, str]:
    """(the database password of project ``ref`` if known here, how it is known).

    ``set``: SUPABASE_DB_URL already opens this project (nothing to build); ``entered``: a
    password someone stored by hand, taken to be this project's unless SUPABASE_DB_URL uses it
    for another project; ``generated``: the one made for
    a creation or a reset of this project (the state's ``provisioned.supabase`` says which: its
    ref, or, when the create's answer was lost, the organization and name it was sent for);
    ``unknown`` otherwise.
    """
    db_url = values.get("SUPABASE_DB_URL")
    if ref_of_db_url(db_url) == ref:
        return None, "set"
    password = values.get("SUPABASE_DB_PASSWORD")
    if not password or (ref_of_db_url(db_url) and password_of(db_url) == password):
        return None, "unknown"  # none, or the one SUPABASE_DB_URL uses for another project
    records = state.get("values") or {}
    if (records.get("SUPABASE_DB_PASSWORD") or {}).get("source") != SOURCE:
        return password, "entered"
    made = (state.get("provisioned") or {}).get("supabase") or {}
    mine = made.get("ref") == ref or (
        not made.get("ref") and (made.get("org"), made.get("name")) == (org, name)
    )
    return (password, "generated") if mine else (None, "unknown")


def _orgs_text(orgs: list[dict[str, Any]]) -> str:
    return ", ".join(f"{o['slug']} ({o.get('name') or '?'})" for o in orgs) or "none"


async def _find(
    api: SupabaseClient, wanted: str, name: str
) -> tuple[str, list[dict[str, Any]]] | str:
    """(the organization's slug, the projects named ``name`` in it), or why it is blocked."""
    if wanted:
        try:
            return wanted, await api.projects_named(wanted, name)
        except Gone:
            orgs = await api.organizations()
            match = [o for o in orgs if wanted in (o["slug"], o.get("name"))]
            if len(match) != 1:
                return (
                    f"SUPABASE_ORG={wanted} is not an organization this token sees (it sees: "
                    f"{_orgs_text(orgs)}). Set it to one of those slugs: "
                    f"{do('vars set', 'SUPABASE_ORG')}"
                )
            if match[0]["slug"] == wanted:
                raise  # the organization is there: the refusal is the token's permissions
            slug = str(match[0]["slug"])
            return slug, await api.projects_named(slug, name)
    orgs = await api.organizations()
    if len(orgs) != 1:
        return (
            f"the token sees {len(orgs)} Supabase organizations: {_orgs_text(orgs)}. Set "
            f"SUPABASE_ORG to the slug of the one to use: {do('vars set', 'SUPABASE_ORG')}"
            if orgs
            else "the token sees no Supabase organization. Create one at Supabase Dashboard, or "
            f"use a token that can see it: {do('vars set', 'SUPABASE_ACCESS_TOKEN')}"
        )
    slug = str(orgs[0]["slug"])
    return slug, await api.projects_named(slug, name)


async def plan_project(
    api: SupabaseClient, values: Values, state: Mapping[str, Any]
) -> tuple[ResourcePlan, str | None]:
    """The plan for SUPABASE_PROJECT, and its database password when known here."""
    name = str(values.get("SUPABASE_PROJECT") or DEFAULT_PROJECT)
    resource = f"project {name}"

    def blocked(why: str, code: int = EXIT_USAGE) -> tuple[ResourcePlan, None]:
        return ResourcePlan(
            "supabase", resource, "blocked", why=why, stores=STORES, exit_code=code
        ), None

    found = await _find(api, str(values.get("SUPABASE_ORG") or "").strip(), name)
    if isinstance(found, str):
        return blocked(found)
    org, projects = found
    if len(projects) > 1:
        refs = ", ".join(str(p["ref"]) for p in projects)
        return blocked(
            f"{len(projects)} projects are named {name} in organization {org} ({refs}); the "
            "wizard will not guess between them. Delete or rename the extra one in the "
            "dashboard, or set SUPABASE_PROJECT to another name: "
            f"{do('vars set', 'SUPABASE_PROJECT')}"
        )
    notes: list[str] = []
    carry: dict[str, Any] = {"name": name, "org": org, "at": time.monotonic()}
    current = ref_of_url(values.get("SUPABASE_URL"))
    if not projects:
        code, why = region_for(values)
        notes.append(
            "a database password is generated and kept in the secret store before the "
            "project is created (Supabase never shows it again)"
        )
        if current:
            notes.append(f"replaces the values of project {current} (SUPABASE_URL)")
        settings = {"organization": org, "region": f"{code} ({why})", "size": "the smallest"}
        plan = ResourcePlan(
            "supabase",
            resource,
            "create",
            settings=settings,
            stores=STORES,
            notes=notes,
            carry={**carry, "region": code},
        )
        return plan, None
    project = projects[0]
    ref, status = str(project["ref"]), str(project.get("status") or "UNKNOWN")
    if status in FAILED:
        return blocked(f"project {name} ({ref}) is {status}: {FAILED[status]}", EXIT_FAILED)
    password, how = password_for(ref, org, name, values, state)
    reset = bool((state.get("options") or {}).get("reset_db_password"))
    if reset:
        notes.append(
            "the database password will be reset (whatever uses the old one stops working)"
        )
    elif how == "set":
        notes.append("SUPABASE_DB_URL already opens this project: kept")
    elif how == "unknown":
        notes.append(
            "its database password is not known here: SUPABASE_DB_URL stays unset (paste it: "
            f"{do('vars set', 'SUPABASE_DB_PASSWORD')}, or reset it: "
            f"{do('provision', 'supabase', '--reset-db-password')})"
        )
    if current and current != ref:
        notes.append(f"replaces the values of project {current} (SUPABASE_URL)")
    if status != READY:
        notes.append(f"it is {status}: provision waits for {READY}")
    settings = {"organization": org, "region": project.get("region") or "?", "status": status}
    plan = ResourcePlan(
        "supabase",
        resource,
        "found",
        ref=ref,
        settings=settings,
        stores=STORES,
        notes=notes,
        carry={**carry, "status": status, "reset": reset},
    )
    return plan, password
