"""``push vercel``: find (or plan to create) the project, set VITE_API_URL for production and
preview with ``upsert=true``, and read it back. See ``wizard.push`` for the plan's vocabulary.

A Vercel variable is one entry per (key, targets); the plan looks at the entry covering each
target. A value differing between production and preview is a ``change``; an unreadable one
(type ``sensitive``) is sent again, because it cannot be compared.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from checklists.catalog import catalog
from providers.api_call import Gone
from providers.vercel_api import TARGETS, VercelApi
from wizard.errors import UsageError
from wizard.push import (
    Applied,
    DestPlan,
    Values,
    compare,
    desired_for,
    mismatches,
    remembered,
    unless_gone,
)

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


def project_name(values: Values) -> str:
    name = (values.get("VERCEL_PROJECT") or "").strip()
    if not name:
        raise UsageError(
            "VERCEL_PROJECT is not set, so push does not know which Vercel project to use.",
            "Set it: convoai-setup vars set VERCEL_PROJECT convoai",
        )
    return name


async def remote_values(api: VercelApi, project_id: str, keys: list[str]) -> dict[str, str]:
    """Each key's value if every target has the same readable one; else ``UNCOMPARABLE``.
    Keys missing on some target are left out (they are ``add``); foreign keys map to ""."""
    envs = await api.envs(project_id)
    out: dict[str, str] = {str(e.get("key")): "" for e in envs if e.get("key") not in keys}
    for key in keys:
        entries = [e for e in envs if e.get("key") == key]
        covering = [[e for e in entries if t in _targets(e)] for t in TARGETS]
        if not all(covering):
            if entries:
                out[key] = UNCOMPARABLE
            continue
        chosen = {id(c[0]): c[0] for c in covering}.values()
        found = await asyncio.gather(*(api.env_value(project_id, e) for e in chosen))
        distinct = set(found)
        out[key] = found[0] if len(distinct) == 1 and found[0] is not None else UNCOMPARABLE
    return out


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


async def plan_vercel(
    api: VercelApi, values: Values, salt: bytes, known: Mapping[str, Any] | None = None
) -> DestPlan:
    """Find (or plan to create) the project and compare its variables; sends no write.

    With the project id the state remembers (``known``) for the same name and team, the
    variables are read at once while the project is looked up by name alongside, to confirm
    the id still is that project's.
    """
    name = project_name(values)
    desired, names = desired_for("vercel", values)
    scope = {"project_name": name, "team": (values.get("VERCEL_TEAM") or "").strip()}
    notes: list[str] = []
    pid = remembered(known, scope, "project_id")
    if pid is not None:
        project, read = await asyncio.gather(
            api.project(name), unless_gone(remote_values(api, pid, names))
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
        project, read = await api.project(name), None
    if project is not None:
        pid = str(project["id"])
        remote = read if read is not None else await remote_values(api, pid, names)
        plan = DestPlan(
            "vercel", f"project {name} ({pid})", pid, compare(salt, desired, remote, names)
        )
        plan.desired, plan.remote, plan.scope, plan.notes = desired, remote, scope, notes
        if any(remote.get(n) == UNCOMPARABLE for n in names):
            plan.notes.append(
                "a value differs between production and preview, or cannot be read "
                "(sensitive): it is sent again"
            )
        return plan
    repo = values.get("GITHUB_REPOSITORY")
    if not repo:
        raise UsageError(
            f"The Vercel project {name} does not exist (or is owned by a team: set "
            "VERCEL_TEAM), and creating it needs the GitHub repository.",
            "Set it: convoai-setup vars set GITHUB_REPOSITORY owner/name",
        )
    payload: dict[str, Any] = {
        "name": name,
        **PROJECT_SETTINGS,
        "gitRepository": {"type": "github", "repo": repo},
        "environmentVariables": items_for(desired, list(desired)),
    }
    plan = DestPlan("vercel", f"project {name} (to create)", "", compare(salt, desired, {}, names))
    plan.create = {"name": name, **PROJECT_SETTINGS, "repo": repo}
    plan.payload, plan.desired, plan.scope, plan.notes = payload, desired, scope, notes
    return plan


async def apply_vercel(api: VercelApi, plan: DestPlan, salt: bytes) -> Applied:
    """Create the project (with its variables) or upsert the changed ones; then read back."""
    done = Applied("vercel", plan.ref)
    if plan.payload is not None:
        project = await api.create_project(plan.payload)
        done.ref, done.created, done.landed = str(project["id"]), True, list(plan.desired)
    else:
        todo = plan.named("add", "change")
        if todo:
            done.landed = await api.upsert(plan.ref, items_for(plan.desired, todo))
    found = await remote_values(api, done.ref, list(plan.desired))
    done.mismatched = mismatches(
        salt, plan.desired, {k: v for k, v in found.items() if v != UNCOMPARABLE}
    )
    return done
