"""The steps of ``up``, in the plan's order, each on the operation the matching command uses.

Every step has ``describe`` (what it would do, read-only and cheap: the plan) and ``run``
(do it, or say it is already done and still true). ``run`` answers (status, message): ``done``
when it changed something, ``skipped`` when there was nothing to do, ``stop`` when the run ends
here on purpose; a failure raises a ``SetupError`` whose line says what to do next.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from checklists.advice import do
from checklists.errors import ProviderError, UsageError

if TYPE_CHECKING:
    from wizard.up import Run

Describe = Callable[["Run"], Awaitable[tuple[str, bool]]]
Act = Callable[["Run"], Awaitable[tuple[str, str]]]
#: the files Render and Vercel build with, and CI runs: they must be on the default branch
FILES = ("vercel.json", "render.yaml", ".github/workflows/ci.yml", ".env.example")
#: live checks of what exists before anything is deployed (the rest are the deploy's own)
CHECKS = ("supabase", "postgres", "upstash", "stripe", "openai", "anthropic", "github")


@dataclass(frozen=True)
class Step:
    id: str
    title: str
    describe: Describe
    run: Act


def _session(run: Run, values: dict[str, str | None]) -> Any:
    from wizard.platforms.remembered import known
    from wizard.platforms.session import Session

    return Session(values, run.timeout, run.env, known(run.answers.project))


# -- 1. provision -----------------------------------------------------------------------------
def _vendors(values: dict[str, str | None]) -> list[str]:
    from wizard.platforms import missing_tokens, with_capability

    return [p.id for p in with_capability("provision") if not missing_tokens(p, values)]


async def _provision(run: Run, dry_run: bool) -> Any:
    from wizard.frontend import FrontEnd
    from wizard.platforms.provisioning import ResourcePlan
    from wizard.provision import provision

    values = await run.values()
    vendors = _vendors(values)
    if not vendors:
        return None
    say = (lambda line, level: None) if dry_run else run.front.say  # the plan says it in one line
    front: FrontEnd[ResourcePlan] = FrontEnd(lambda plans, extras: True, say=say)
    return await provision(
        run.answers, vendors, front, dry_run=dry_run, timeout=run.timeout, env=run.env
    )


async def describe_provision(run: Run) -> tuple[str, bool]:
    outcome = await _provision(run, dry_run=True)
    if outcome is None:
        return "no provisioning token is set: the values are used as stored", False
    creating = [f"{p.vendor} {p.resource}" for p in outcome.plans if p.action == "create"]
    blocked = [f"{p.vendor} {p.resource}: {p.why}" for p in outcome.plans if p.action == "blocked"]
    if blocked:
        return "blocked: " + "; ".join(blocked), False
    found = len(outcome.plans) - len(creating)
    line = f"create {', '.join(creating)}" if creating else "nothing to create"
    return f"{line}; {found} found, their values read back and stored", bool(creating)


async def run_provision(run: Run) -> tuple[str, str]:
    outcome = await _provision(run, dry_run=False)
    if outcome is None:
        return "skipped", "no provisioning token is set"
    if not outcome.ok:
        left = [r.left for r in outcome.results if not r.ok and r.left]
        left += [f"{p.vendor} {p.resource}: {p.why}" for p in outcome.plans if p.why]
        left += [e.line() for _, e in outcome.errors]
        error = UsageError if outcome.exit_code == 2 else ProviderError
        raise error("Provisioning stopped: " + "; ".join(left or ["see above"]))
    made = [f"{p.vendor} {p.resource}" for p in outcome.plans if p.action == "create"]
    run.outcome.created += made
    return ("done", f"created {', '.join(made)}") if made else ("skipped", "everything exists")


# -- 2. JWT_SECRET ----------------------------------------------------------------------------
async def describe_jwt(run: Run) -> tuple[str, bool]:
    values = await run.values()
    return ("set", False) if values.get("JWT_SECRET") else ("generate JWT_SECRET", True)


async def run_jwt(run: Run) -> tuple[str, str]:
    from wizard.generate import jwt_secret

    if (await run.values()).get("JWT_SECRET"):
        return "skipped", "JWT_SECRET is set"
    await run.store({"JWT_SECRET": jwt_secret()}, "generated")
    return "done", "generated JWT_SECRET (stored, never shown)"


# -- 3. checks --------------------------------------------------------------------------------
async def describe_checks(run: Run) -> tuple[str, bool]:
    return f"offline rules, then the live checks of {', '.join(CHECKS)}", False


async def run_checks(run: Run) -> tuple[str, str]:
    from wizard.checks import record_results
    from wizard.checks import run_checks as checks

    values = await run.values()
    state = await asyncio.to_thread(run.answers.state_file.read)
    root = run.answers.project.root
    results = await checks(values, None, run.timeout, run.env, services=CHECKS, project_root=root)
    await asyncio.to_thread(record_results, run.answers.project, results, list(CHECKS), state)
    failed = [r for r in results if r.outcome == "fail"]
    if failed:
        lines = "; ".join(f"{r.service} {r.check}: {r.message}" for r in failed)
        raise ProviderError(f"{len(failed)} check(s) failed: {lines}")
    passed = sum(r.outcome == "ok" for r in results)
    return "done", f"{passed} checks passed"


# -- 4. migrations ----------------------------------------------------------------------------
async def describe_migrations(run: Run) -> tuple[str, bool]:
    from wizard.migrations import inspect

    url = (await run.values()).get("SUPABASE_DB_URL")
    if not url:
        return "apply the migrations and the Data API grants (once provisioned)", True
    statuses = await asyncio.to_thread(inspect, url, run.answers.project, run.timeout)
    pending = [s for s in statuses if s.status == "pending"]
    if pending:
        return f"apply {len(pending)} pending migration(s), then the Data API grants", True
    return "the migrations are applied; check the Data API grants", False


async def run_migrations(run: Run) -> tuple[str, str]:
    from wizard.migrations import apply

    url = (await run.values()).get("SUPABASE_DB_URL")
    if not url:
        raise UsageError(
            "SUPABASE_DB_URL is not set, so the migrations cannot run.",
            f"Provision it ({do('provision', 'supabase')}) or {do('vars set', 'SUPABASE_DB_URL')}",
        )
    report = await asyncio.to_thread(apply, url, run.answers.project)
    if report.error:
        raise ProviderError(report.error, f"Fix the file, then {do('up')} goes on from here.")
    grants = await _grants(run, url)
    did = [f"applied {len(report.applied)} migration(s)"] if report.applied else []
    did += [grants] if grants else []
    return ("done", "; ".join(did)) if did else ("skipped", "the database is up to date")


async def _grants(run: Run, url: str) -> str:
    """The Data API grants (wizard.grants, when this build has it): "" when all are there."""
    try:
        from wizard import grants  # type: ignore[attr-defined]
    except ImportError:
        return ""
    ensured: str = await asyncio.to_thread(grants.ensure, url, run.answers.project)
    return ensured


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
    async with _session(run, values) as session:
        render = session.adapter("render")
        look = await render.api.find_service(render.name, render.wanted, need_owner=True)
    if look.service is not None:
        return f"service {render.name} found ({look.service.get('id')})", False
    return f"create service {render.name}; APP_URL from Render's answer", True


async def run_render(run: Run) -> tuple[str, str]:
    from wizard.platforms.remembered import record, summary
    from wizard.platforms.render import service_url

    values = await run.values()
    async with _session(run, values) as session:
        render = session.adapter("render")
        plan = await render.plan(values, run.salt, session.remembered("render"))
        if plan.blocked:
            raise UsageError(plan.blocked)
        created = ""
        if plan.create is not None:
            applied = await render.apply(plan, run.salt)
            await asyncio.to_thread(
                record, run.answers.project, "render", summary(plan, "up", applied)
            )
            created = f"Render service {render.name} ({applied.ref})"
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
    async with _session(run, values) as session:
        vercel = session.adapter("vercel")
        project = await vercel.api.project(vercel.project_name())
    if project is not None:
        return f"project {vercel.name} found ({project.get('id')})", False
    return f"create project {vercel.name}; FRONTEND_URL from its production domain", True


async def run_vercel(run: Run) -> tuple[str, str]:
    from wizard.platforms.remembered import record, summary

    values = await run.values()
    async with _session(run, values) as session:
        vercel = session.adapter("vercel")
        plan = await vercel.plan(values, run.salt, session.remembered("vercel"))
        if plan.blocked:
            raise UsageError(plan.blocked)
        created, ref = "", plan.ref
        if plan.create is not None:
            applied = await vercel.apply(plan, run.salt)
            await asyncio.to_thread(
                record, run.answers.project, "vercel", summary(plan, "up", applied)
            )
            created, ref = f"Vercel project {vercel.name} ({applied.ref})", applied.ref
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


# -- 7. files ---------------------------------------------------------------------------------
async def describe_files(run: Run) -> tuple[str, bool]:
    from wizard.outputs import plan

    values = await run.values()
    changes = await asyncio.to_thread(plan, run.answers.project, values)
    todo = [c.relpath for c in changes if c.status != "unchanged"]
    if not todo:
        return "the files are up to date", False
    return f"write {', '.join(todo)} (vercel.json proxies to the APP_URL found above)", True


async def run_files(run: Run) -> tuple[str, str]:
    from wizard.outputs import apply, snapshot_plan

    answers = run.answers

    def write() -> list[str]:
        changes = snapshot_plan(answers.project, lambda state: answers.values())
        written = apply(answers.project, changes)
        return [c.relpath for c in written]

    written = await asyncio.to_thread(write)
    return ("done", f"wrote {', '.join(written)}") if written else ("skipped", "files up to date")


# -- 8. GitHub --------------------------------------------------------------------------------
async def describe_github(run: Run) -> tuple[str, bool]:
    return f"confirm {', '.join(FILES)} are on the default branch", False


async def run_github(run: Run) -> tuple[str, str]:
    values = await run.values()
    if not values.get("GITHUB_TOKEN") or not values.get("GITHUB_REPOSITORY"):
        raise UsageError(
            "GITHUB_TOKEN and GITHUB_REPOSITORY are needed to confirm that Render and Vercel "
            "build the files written here.",
            f"Set them: {do('vars set', 'GITHUB_TOKEN')}, {do('vars set', 'GITHUB_REPOSITORY')}",
        )
    async with _session(run, values) as session:
        github = session.adapter("github")
        _repo, branch = await github.default_branch()
        files = await github.files(run.answers.project.root, FILES)
    behind = [f.path for f in files if f.status != "same"]
    if behind:
        paths = " ".join(behind)
        raise ProviderError(
            f"{', '.join(behind)} {'is' if len(behind) == 1 else 'are'} not on {branch} as "
            "written here, and Render and Vercel build from it.",
            f"Run: git add {paths} && git commit -m 'Deployment files from convoai-setup' && "
            f"git push origin {branch}; then {do('up')} goes on from here.",
        )
    return "skipped", f"every file is on {branch}"


# -- 9. the Stripe webhook --------------------------------------------------------------------
async def describe_webhook(run: Run) -> tuple[str, bool]:
    from providers.stripe import webhook_url

    values = await run.values()
    state = await asyncio.to_thread(run.answers.state_file.read)
    endpoint = state.get("stripe_webhook") or {}
    url = webhook_url(str(values.get("APP_URL") or "")) if values.get("APP_URL") else ""
    if endpoint.get("id") and url and endpoint.get("url") == url:
        return f"endpoint {endpoint['id']} is at {url}", False
    if endpoint.get("id"):
        return f"move endpoint {endpoint['id']} to APP_URL/api/subscriptions/webhook", True
    return "create the endpoint at APP_URL/api/subscriptions/webhook, store its secret", True


async def run_webhook(run: Run) -> tuple[str, str]:
    from wizard.webhook import create_and_store

    outcome = await create_and_store(run.answers, run.timeout, run.env)
    if outcome.created:
        run.outcome.created.append(f"Stripe webhook endpoint {outcome.endpoint_id}")
    changed = outcome.created or outcome.message.startswith("Moved")
    return ("done" if changed else "skipped"), outcome.message.split(". To rotate")[0]


# -- 10. push and deploy ----------------------------------------------------------------------
async def describe_deploy(run: Run) -> tuple[str, bool]:
    then = ", deploy both and follow them" if run.deploy else " (--no-deploy: no deploy)"
    state = await asyncio.to_thread(run.answers.state_file.read)
    platforms = state.get("platforms") or {}
    synced = all((platforms.get(p) or {}).get("in_sync") for p in ("render", "vercel"))
    if synced:  # the last push or drift found them in sync: the push compares again
        return "push what differs on Render and Vercel (last seen in sync)", False
    return f"push Render's and Vercel's variables (read back){then}", True


async def run_deploy(run: Run) -> tuple[str, str]:
    from wizard.frontend import FrontEnd
    from wizard.platforms.plan import PushPlan
    from wizard.push import push

    front: FrontEnd[PushPlan] = FrontEnd(lambda plans, extras: True, say=run.front.say)
    outcome = await push(
        run.answers,
        ["render", "vercel"],
        front,
        deploy=run.deploy,
        timeout=run.timeout,
        env=run.env,
        by="up",
    )
    if not outcome.ok:
        failed = [x.error.line() for x in outcome.landings if x.error is not None]
        failed += [x.deploy.message for x in outcome.landings if x.deploy and not x.deploy.ok]
        failed += [outcome.webhook] if not outcome.webhook_ok else []
        raise ProviderError("The push did not finish: " + "; ".join(failed or ["see above"]))
    sent = [x for x in outcome.landings if x.applied is not None]
    if not sent:
        return "skipped", "every platform already has these values"
    if not run.deploy:
        return "stop", "pushed and read back; --no-deploy: not deployed, not verified"
    return "done", "pushed, read back, deployed and live"


# -- 11. verify -------------------------------------------------------------------------------
async def describe_verify(run: Run) -> tuple[str, bool]:
    return "verify the live site and send a signed Stripe test event", False


async def run_verify(run: Run) -> tuple[str, str]:
    from wizard.verify import run_verify as verify

    report = await verify(await run.values(), run.timeout, run.env, send_test_webhook=True)
    if not report.ok:
        raise ProviderError(report.summary().replace("\n", "; "))
    return "done", report.summary()


STEPS: tuple[Step, ...] = (
    Step("provision", "provision what is missing", describe_provision, run_provision),
    Step("jwt", "JWT_SECRET", describe_jwt, run_jwt),
    Step("checks", "offline rules and live checks", describe_checks, run_checks),
    Step("migrations", "migrations and Data API grants", describe_migrations, run_migrations),
    Step("render", "the Render service and APP_URL", describe_render, run_render),
    Step("vercel", "the Vercel project and FRONTEND_URL", describe_vercel, run_vercel),
    Step("files", "the generated files", describe_files, run_files),
    Step("github", "the files on GitHub's default branch", describe_github, run_github),
    Step("webhook", "the Stripe webhook", describe_webhook, run_webhook),
    Step("deploy", "push, deploy and follow", describe_deploy, run_deploy),
    Step("verify", "verify the live site", describe_verify, run_verify),
)
