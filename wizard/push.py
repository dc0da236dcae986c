"""``push``: plan, apply and read back a platform's variables (Render here, Vercel in
``wizard.push_vercel``). ``drift`` is the same plan without the writes.

The plan compares each value by keyed digest (HMAC-SHA256 with the project's fingerprint salt),
so no comparison ever needs a value printed or stored. Per variable: ``add`` (not on the
platform), ``change`` (differs), ``same``, ``kept`` (on the platform only: never touched), and
``unset`` (in the catalog for this platform but with no value here: not sent).
Only variables whose destination is the platform are sent; wizard-only credentials never are.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from checklists.catalog import for_destination, mask
from providers.api_call import Gone
from providers.base import ProviderError
from providers.render_api import RenderApi, dashboard_link
from wizard.errors import UsageError
from wizard.outputs.render_yaml import DEFAULT_NAME, blueprint
from wizard.values import digest

Values = Mapping[str, str | None]
T = TypeVar("T")
#: Render plan used when push creates the service (render.yaml leaves it to the Blueprint)
RENDER_PLAN = "starter"
#: concurrent upserts: Render allows 30 writes a minute, so one push's 15 fit in one burst
WRITE_CONCURRENCY = 16


@dataclass(frozen=True)
class VarPlan:
    name: str
    #: add | change | same | kept | unset
    action: str
    #: the local value masked as everywhere else ("" for kept/unset: nothing to show)
    shown: str = ""


@dataclass
class DestPlan:
    """What push would do on one platform. ``desired``/``remote`` hold values: never print them."""

    destination: str
    #: "service convoai-backend (srv-…)" / "project convoai (prj_…)"
    target: str
    #: the platform's id for the service or project ("" when it does not exist yet)
    ref: str
    variables: list[VarPlan]
    #: settings of the service/project to create (None: it exists)
    create: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)
    desired: dict[str, str] = field(default_factory=dict, repr=False)
    remote: dict[str, str] = field(default_factory=dict, repr=False)
    #: the creation request body (holds values: never print it)
    payload: dict[str, Any] | None = field(default=None, repr=False)
    #: what the target was looked up by (name, workspace/team): the state keeps it with ``ref``
    #: so the next push can use the id at once, but only for the same name and scope
    scope: dict[str, str] = field(default_factory=dict)

    def named(self, *actions: str) -> list[str]:
        return [v.name for v in self.variables if v.action in actions]

    @property
    def has_changes(self) -> bool:
        return self.create is not None or bool(self.named("add", "change"))


@dataclass
class Applied:
    """What apply did on one platform."""

    destination: str
    ref: str
    #: variables that landed (upsert answered 2xx)
    landed: list[str] = field(default_factory=list)
    #: variable -> why it did not land
    failed: dict[str, str] = field(default_factory=dict)
    #: variables whose read-back digest differs from what was sent
    mismatched: list[str] = field(default_factory=list)
    created: bool = False
    #: a deploy the platform already started (Render starts one when it creates a service)
    deploy_id: str | None = None

    @property
    def ok(self) -> bool:
        return not self.failed and not self.mismatched


def compare(
    salt: bytes, desired: Mapping[str, str], remote: Mapping[str, str], names: list[str]
) -> list[VarPlan]:
    """The per-variable plan: catalog order first, then the platform's own keys (kept)."""
    out: list[VarPlan] = []
    for name in names:
        if name not in desired:
            out.append(VarPlan(name, "unset"))
            continue
        value = desired[name]
        if name not in remote:
            action = "add"
        elif digest(salt, name, remote[name]) == digest(salt, name, value):
            action = "same"
        else:
            action = "change"
        out.append(VarPlan(name, action, mask(name, value)))
    out += [VarPlan(key, "kept") for key in remote if key not in names]
    return out


def mismatches(salt: bytes, sent: Mapping[str, str], found: Mapping[str, str]) -> list[str]:
    """Variables whose read-back value is not what was sent (compared by keyed digest)."""
    return [
        n
        for n, v in sent.items()
        if n not in found or digest(salt, n, found[n]) != digest(salt, n, v)
    ]


def unset_required(plan: DestPlan) -> None:
    """Say which required variables have no value here (they are not sent)."""
    from checklists.catalog import catalog

    for name in plan.named("unset"):
        if catalog()[name].required and name not in plan.remote:
            plan.notes.append(
                f"{name} is required but has no value here, so it is not sent: "
                f"convoai-setup vars set {name}"
            )


def remembered(known: Mapping[str, Any] | None, scope: Mapping[str, str], key: str) -> str | None:
    """The id ``known`` (the state's record of this platform) holds for the same ``scope``."""
    if not known or any(known.get(k, "") != v for k, v in scope.items()):
        return None
    ref = known.get(key)
    return ref if isinstance(ref, str) and ref else None


async def unless_gone(pending: Awaitable[T]) -> T | Gone:
    """``pending``'s result, or the ``Gone`` it raised (a remembered id that no longer works)."""
    try:
        return await pending
    except Gone as exc:
        return exc


def desired_for(destination: str, values: Values) -> tuple[dict[str, str], list[str]]:
    """The values this platform gets (set ones only) and every catalog name it could get."""
    names = [v.name for v in for_destination(destination)]
    return {n: str(values[n]) for n in names if values.get(n)}, names


# -- Render ----------------------------------------------------------------------------------
def _owner_text(owners: list[dict[str, Any]]) -> str:
    return ", ".join(f"{o.get('name', '?')} ({o.get('id', '?')})" for o in owners) or "none"


def _pick_owner(owners: list[dict[str, Any]], wanted: str) -> dict[str, Any] | None:
    """RENDER_OWNER by id or name; without it, the only workspace (None: ambiguous)."""
    if wanted:
        for test in (
            lambda o: o.get("id") == wanted,
            lambda o: o.get("name") == wanted,
            lambda o: str(o.get("name", "")).lower() == wanted.lower(),
        ):
            hits = [o for o in owners if test(o)]
            if len(hits) == 1:
                return hits[0]
        raise UsageError(
            f"RENDER_OWNER={wanted} is not a workspace this API key can use (it sees: "
            f"{_owner_text(owners)}).",
            "Set RENDER_OWNER to one of those ids or names: convoai-setup vars set RENDER_OWNER",
        )
    return owners[0] if len(owners) == 1 else None


def render_payload(values: Values, owner_id: str, desired: Mapping[str, str]) -> dict[str, Any]:
    """``POST /services`` from the same data as render.yaml (the plan's Phase 3.1)."""
    spec = blueprint(values)["services"][0]
    repo = values.get("GITHUB_REPOSITORY")
    if not repo:
        raise UsageError(
            f"The Render service {spec['name']} does not exist, and creating it needs the "
            "GitHub repository.",
            "Set it: convoai-setup vars set GITHUB_REPOSITORY owner/name (or create the "
            "service in Render and re-run push).",
        )
    return {
        "type": "web_service",
        "name": spec["name"],
        "ownerId": owner_id,
        "repo": f"https://github.com/{repo}",
        "branch": spec["branch"],
        "autoDeploy": "yes",
        "envVars": [{"key": k, "value": v} for k, v in desired.items()],
        "serviceDetails": {
            "runtime": spec["runtime"],
            "plan": RENDER_PLAN,
            "region": spec["region"],
            "envSpecificDetails": {
                "buildCommand": spec["buildCommand"],
                "startCommand": spec["startCommand"],
            },
            # HEALTHCHECK_PATH (catalog default "/"), as render.yaml's healthCheckPath
            "healthCheckPath": spec["healthCheckPath"],
        },
    }


def settings_of(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The creation settings without the variables (safe to print)."""
    details = payload["serviceDetails"]
    return {
        "type": payload["type"],
        "name": payload["name"],
        "owner": payload["ownerId"],
        "repo": payload["repo"],
        "branch": payload["branch"],
        "runtime": details["runtime"],
        "plan": details["plan"],
        "region": details["region"],
        **details["envSpecificDetails"],
        "healthCheckPath": details["healthCheckPath"],
    }


def _render_plan(
    name: str, sid: str, remote: dict[str, str], values: Values, salt: bytes
) -> DestPlan:
    desired, names = desired_for("render", values)
    target = f"service {name} ({sid})"
    plan = DestPlan("render", target, sid, compare(salt, desired, remote, names))
    plan.desired, plan.remote = desired, remote
    plan.notes.append(f"dashboard: {dashboard_link(sid)}")
    unset_required(plan)
    return plan


async def plan_render(
    api: RenderApi, values: Values, salt: bytes, known: Mapping[str, Any] | None = None
) -> DestPlan:
    """Find (or plan to create) the service and compare its variables; sends no write.

    ``known`` is what the state remembers (``platforms.render``): with the service id found
    last time for the same name and workspace, its variables are read at once, while the name
    search runs alongside to confirm the id still is the service named RENDER_SERVICE_NAME.
    """
    name = values.get("RENDER_SERVICE_NAME") or DEFAULT_NAME
    wanted = (values.get("RENDER_OWNER") or "").strip()
    scope = {"service_name": name, "owner": wanted}
    # An owner id narrows the search at once; a name needs the owner list first.
    by_id = wanted if wanted.startswith(("tea-", "usr-", "own-")) else None
    found: list[dict[str, Any]] | None = None
    notes: list[str] = []
    sid = remembered(known, scope, "service_id")
    if sid is not None:
        found, remote = await asyncio.gather(
            api.services(name, by_id), unless_gone(api.env_vars(sid))
        )
        if isinstance(remote, dict) and any(s.get("id") == sid for s in found):
            plan = _render_plan(name, sid, remote, values, salt)
            plan.scope = scope
            return plan
        why = (
            f"Render answered {remote.status}"
            if isinstance(remote, Gone)
            else f"no service {name} has that id now"
        )
        notes.append(
            f"the remembered service {sid} was not found ({why}): looked {name} up by name again"
        )
    if found is None:
        owners, services = await asyncio.gather(api.owners(), api.services(name, by_id))
    else:
        owners, services = await api.owners(), found
    owner = _pick_owner(owners, wanted)
    if owner is not None:
        services = [s for s in services if s.get("ownerId") in (None, owner.get("id"))]
    if len(services) > 1:
        where = ", ".join(str(s.get("id")) for s in services)
        raise UsageError(
            f"Several Render services are named {name} ({where}) in the workspaces this "
            f"key sees: {_owner_text(owners)}.",
            "Set RENDER_OWNER to the workspace id or name to use: convoai-setup vars set "
            "RENDER_OWNER",
        )
    if services:
        sid = str(services[0]["id"])
        plan = _render_plan(name, sid, await api.env_vars(sid), values, salt)
    elif owner is None:
        raise UsageError(
            f"No Render service named {name}, and this API key sees several workspaces "
            f"({_owner_text(owners)}) to create it in.",
            "Set RENDER_OWNER to the workspace id or name: convoai-setup vars set RENDER_OWNER",
        )
    else:
        desired, names = desired_for("render", values)
        payload = render_payload(values, str(owner.get("id")), desired)
        plan = DestPlan(
            "render", f"service {name} (to create)", "", compare(salt, desired, {}, names)
        )
        plan.create, plan.payload, plan.desired = settings_of(payload), payload, desired
        unset_required(plan)
    plan.scope, plan.notes = scope, notes + plan.notes
    return plan


async def apply_render(api: RenderApi, plan: DestPlan, salt: bytes) -> Applied:
    """Create the service or upsert each changed key concurrently, then read everything back."""
    done = Applied("render", plan.ref)
    if plan.payload is not None:
        service, done.deploy_id = await api.create_service(plan.payload)
        done.ref, done.created = str(service["id"]), True
        done.landed = list(plan.desired)
    else:
        todo = plan.named("add", "change")
        gate = asyncio.Semaphore(WRITE_CONCURRENCY)

        async def put(name: str) -> None:
            async with gate:
                try:
                    await api.put_env_var(plan.ref, name, plan.desired[name])
                except ProviderError as exc:
                    done.failed[name] = exc.line()
                    return
            done.landed.append(name)

        await asyncio.gather(*(put(n) for n in todo))
        done.landed.sort(key=todo.index)
    found = await api.env_vars(done.ref)
    sent = {n: plan.desired[n] for n in plan.desired if n not in done.failed}
    done.mismatched = mismatches(salt, sent, found)
    return done


def report_lines(applied: Applied, plan: DestPlan) -> list[str]:
    """What apply did on one platform, one line each (``push`` and ``domain set`` print them)."""
    label, lines = plan.destination.capitalize(), []
    if applied.created:
        lines.append(
            f"{label}: created {plan.target.replace('to create', applied.ref)} with "
            f"{len(applied.landed)} variables."
        )
    elif applied.landed:
        lines.append(
            f"{label}: set {len(applied.landed)} variable(s): {', '.join(applied.landed)}."
        )
    if applied.failed:
        why = "; ".join(f"{n}: {m}" for n, m in applied.failed.items())
        lines.append(
            f"{label}: {len(applied.failed)} variable(s) did not land ({why}); run push "
            "again to finish the rest."
        )
    if applied.mismatched:
        lines.append(
            f"{label}: read-back differs for {', '.join(applied.mismatched)}; run push "
            "again, and check the platform's dashboard."
        )
    elif not applied.failed:
        lines.append(f"{label}: read back: every value matches.")
    return lines
