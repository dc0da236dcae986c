"""Steps 5–6 of ``up``: the Render service and the Vercel project, found or created, and the
values only they can say: APP_URL from Render's answer (a taken name gets a suffix on
onrender.com, so it is never guessed), FRONTEND_URL from Vercel's production domain.

A creation sends the values there are so far; like ``push``, it refuses one that only works on
this machine (a loopback host, plain http) before anything is sent.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from checklists.advice import do
from checklists.errors import ProviderError, UsageError
from wizard.up.step import session_for

if TYPE_CHECKING:
    from wizard.platforms.plan import PushPlan
    from wizard.up import Run


async def _create(run: Run, target: str, adapter: Any, plan: PushPlan) -> str:
    """Create the service/project of ``plan`` (refused first if a value is local); its id."""
    from wizard.outside import refuse_local
    from wizard.platforms import row
    from wizard.platforms.remembered import record, summary

    resolved = await asyncio.to_thread(run.answers.resolve_all)
    refuse_local(plan, resolved, row(target).label)
    if plan.blocked:
        raise UsageError(plan.blocked)
    applied = await adapter.apply(plan, run.salt)
    await asyncio.to_thread(record, run.answers.project, target, summary(plan, "up", applied))
    return str(applied.ref)


# -- 5. Render --------------------------------------------------------------------------------
def _custom_api(app_url: str) -> bool:
    """APP_URL on a domain of the user's (``domain set --api``), not a Render subdomain."""
    from checklists.catalog import split_url

    parts = split_url(app_url) if app_url else None
    host = (parts.hostname or "") if parts else ""
    return bool(host) and not host.endswith(".onrender.com")


async def describe_render(run: Run) -> tuple[str, bool]:
    values = await run.values()
    if not values.get("RENDER_API_KEY"):
        raise UsageError(
            "RENDER_API_KEY is not set.", f"Set it: {do('vars set', 'RENDER_API_KEY')}"
        )
    async with session_for(run, values) as session:
        render = session.adapter("render")
        look = await render.api.find_service(render.name, render.wanted, need_owner=True)
    if look.service is not None:
        return f"service {render.name} found ({look.service.get('id')})", False
    return f"create service {render.name}; APP_URL from Render's answer", True


async def run_render(run: Run) -> tuple[str, str]:
    from wizard.platforms.render import service_url

    values = await run.values()
    async with session_for(run, values) as session:
        render = session.adapter("render")
        plan = await render.plan(values, run.salt, session.remembered("render"))
        if plan.blocked:
            raise UsageError(plan.blocked)
        created = ""
        if plan.create is not None:
            created = f"Render service {render.name} ({await _create(run, 'render', render, plan)})"
            run.outcome.created.append(created)
        elif not service_url(render.service):
            render.service = await render.api.service(plan.ref)
        url = service_url(render.service)
    if not url:
        raise ProviderError(
            f"Render did not say the URL of service {render.name}; see its dashboard, then "
            f"{do('vars set', 'APP_URL')}"
        )
    app_url = str(values.get("APP_URL") or "")
    if _custom_api(app_url):
        run.outcome.urls["APP_URL"] = app_url
        return ("done" if created else "skipped"), f"{created or 'found'}; APP_URL stays {app_url}"
    changed = {"APP_URL": url} if app_url != url else {}
    vite = await asyncio.to_thread(lambda: run.answers.resolve("VITE_API_URL"))
    if vite.source not in (None, "default (APP_URL)") and vite.value != url:
        changed["VITE_API_URL"] = url  # set on its own to the old URL: it follows too
    if changed:
        await run.store(changed, "created by API")
    run.outcome.urls["APP_URL"] = url
    said = f"{created + '; ' if created else ''}APP_URL is {url} (Render's answer)"
    return ("done" if created or changed else "skipped"), said


# -- 6. Vercel --------------------------------------------------------------------------------
async def describe_vercel(run: Run) -> tuple[str, bool]:
    values = await run.values()
    if not values.get("VERCEL_TOKEN"):
        raise UsageError("VERCEL_TOKEN is not set.", f"Set it: {do('vars set', 'VERCEL_TOKEN')}")
    async with session_for(run, values) as session:
        vercel = session.adapter("vercel")
        project = await vercel.api.project(vercel.project_name())
    if project is not None:
        return f"project {vercel.name} found ({project.get('id')})", False
    return f"create project {vercel.name}; FRONTEND_URL from its production domain", True


async def run_vercel(run: Run) -> tuple[str, str]:
    values = await run.values()
    async with session_for(run, values) as session:
        vercel = session.adapter("vercel")
        plan = await vercel.plan(values, run.salt, session.remembered("vercel"))
        if plan.blocked:
            raise UsageError(plan.blocked)
        created, ref = "", plan.ref
        if plan.create is not None:
            ref = await _create(run, "vercel", vercel, plan)
            created = f"Vercel project {vercel.name} ({ref})"
            run.outcome.created.append(created)
        site = await vercel.production_domain(ref)
    custom = str(values.get("CUSTOM_DOMAIN") or "")
    frontend = f"https://{custom}" if custom else site
    if not frontend:
        raise ProviderError(
            f"Vercel has no production domain for project {vercel.name} yet; see its Domains "
            f"settings, then {do('up')} goes on from here."
        )
    if values.get("FRONTEND_URL") != frontend:
        await run.store({"FRONTEND_URL": frontend}, "created by API")
    run.outcome.urls["FRONTEND_URL"] = frontend
    said = f"{created + '; ' if created else ''}FRONTEND_URL is {frontend}"
    changed = created or values.get("FRONTEND_URL") != frontend
    return ("done" if changed else "skipped"), said
