"""Steps 9–11 of ``up``: the Stripe webhook at APP_URL, the push (read back) with a deploy of
each platform and a follow to the end, and ``verify --send-test-webhook``.

A deploy is owed by a platform whose variables landed and which was not deployed since (a deploy
that failed, or ``--no-deploy``): the state keeps it (``deploys_owed``) and the next ``up``
deploys it even when the push finds nothing left to send. Without that, a resumed run would
verify a site still running the old values.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from checklists.errors import ProviderError
from wizard.up.step import session_for

if TYPE_CHECKING:
    from wizard.platforms.base import DeployOutcome
    from wizard.state import StateFile
    from wizard.up import Run

OWED = "deploys_owed"
TARGETS = ("render", "vercel")


# -- 9. the Stripe webhook --------------------------------------------------------------------
async def _endpoint_in_place(run: Run, values: dict[str, str | None]) -> str:
    """The remembered endpoint's id when Stripe has it at APP_URL's webhook URL already and its
    secret is stored; "" otherwise (read from Stripe, not from what is remembered)."""
    state = await asyncio.to_thread(run.answers.state_file.read)
    endpoint = state.get("stripe_webhook") or {}
    needed = ("APP_URL", "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET")
    if not endpoint.get("id") or not all(values.get(n) for n in needed):
        return ""
    async with session_for(run, values) as session:
        move, gone = await session.adapter("stripe").plan_move(str(values["APP_URL"]), endpoint)
    return "" if move is not None or gone else str(endpoint["id"])


async def describe_webhook(run: Run) -> tuple[str, bool]:
    values = await run.values()
    if not run.plan_writes:
        in_place = await _endpoint_in_place(run, values)
        if in_place:
            return f"endpoint {in_place} is at APP_URL/api/subscriptions/webhook", False
    state = await asyncio.to_thread(run.answers.state_file.read)
    endpoint = state.get("stripe_webhook") or {}
    if endpoint.get("id"):
        where = "APP_URL/api/subscriptions/webhook"
        return f"endpoint {endpoint['id']}: moved to {where} if it points elsewhere", True
    return "create the endpoint at APP_URL/api/subscriptions/webhook, store its secret", True


async def run_webhook(run: Run) -> tuple[str, str]:
    from providers.stripe import webhook_url
    from wizard.webhook import create_and_store

    values = await run.values()
    in_place = await _endpoint_in_place(run, values)
    if in_place:
        return "skipped", f"endpoint {in_place} is at {webhook_url(str(values['APP_URL']))}"
    outcome = await create_and_store(run.answers, run.timeout, run.env)
    if outcome.created:
        run.outcome.created.append(f"Stripe webhook endpoint {outcome.endpoint_id}")
    changed = outcome.created or outcome.message.startswith("Moved")
    return ("done" if changed else "skipped"), outcome.message.split(". To rotate")[0]


# -- 10. push and deploy ----------------------------------------------------------------------
def owed(state: dict[str, Any]) -> set[str]:
    found = state.get(OWED)
    return {p for p in found if p in TARGETS} if isinstance(found, list) else set()


def _keep_owed(state_file: StateFile, platforms: Iterable[str]) -> None:
    with state_file.update() as state:
        if platforms:
            state[OWED] = sorted(platforms)
        else:
            state.pop(OWED, None)


async def _differing(run: Run) -> list[str]:
    """What the push would send, per platform ("Render: APP_URL"), read from the platforms.

    The plans are compared under a salt of their own: equality is all that is asked here."""
    from wizard.platforms import missing_tokens, row

    values = await run.values()
    out = []
    async with session_for(run, values) as session:
        for target in TARGETS:
            if missing_tokens(row(target), values):
                continue
            adapter = session.adapter(target)
            plan = await adapter.plan(values, secrets.token_bytes(32), session.remembered(target))
            if plan.create is not None:
                out.append(f"{row(target).label}: create {plan.target}")
            elif plan.named("add", "change"):
                out.append(f"{row(target).label}: {', '.join(plan.named('add', 'change'))}")
    return out


async def describe_deploy(run: Run) -> tuple[str, bool]:
    from wizard.platforms import row

    then = ", deploy and follow" if run.deploy else " (--no-deploy: no deploy)"
    if run.plan_writes:  # the steps above change values the platforms get
        return f"push Render's and Vercel's variables (read back){then}", True
    state = await asyncio.to_thread(run.answers.state_file.read)
    pending = [*await _differing(run)]
    waiting = owed(state) if run.deploy else set()
    pending += [f"{row(p).label}: deploy (values changed since its last deploy)" for p in waiting]
    if not pending:
        return "Render and Vercel have every value: nothing to push or deploy", False
    return f"{'; '.join(pending)}{then}", True


async def _deploy_only(run: Run, target: str) -> DeployOutcome:
    """Deploy ``target`` with the values it has (they were pushed by an earlier run)."""
    from wizard.platforms.plan import Applied

    values = await run.values()
    async with session_for(run, values) as session:
        adapter = session.adapter(target)
        plan = await adapter.plan(values, run.salt, session.remembered(target))
        if not plan.exists:
            raise ProviderError(f"{plan.target} cannot be deployed: {plan.blocked or 'missing'}")
        outcome: DeployOutcome = await adapter.deploy(
            plan, Applied(target, plan.ref), lambda line: run.front.say(line, "info")
        )
    run.front.say(outcome.message, "info" if outcome.ok else "error")
    return outcome


async def run_deploy(run: Run) -> tuple[str, str]:
    from wizard.frontend import FrontEnd
    from wizard.platforms.plan import PushPlan
    from wizard.push import push

    state = await asyncio.to_thread(run.answers.state_file.read)
    before = owed(state)
    front: FrontEnd[PushPlan] = FrontEnd(lambda plans, extras: True, say=run.front.say)
    outcome = await push(
        run.answers,
        list(TARGETS),
        front,
        deploy=run.deploy,
        timeout=run.timeout,
        env=run.env,
        by="up",
    )
    landings = outcome.landings
    sent = {x.destination for x in landings if x.applied is not None and x.applied.landed}
    tried = {x.destination for x in landings if x.deploy is not None}
    left = (before | sent) - {x.destination for x in landings if x.deploy and x.deploy.ok}
    failed = [x.error.line() for x in landings if x.error is not None]
    failed += [
        f"{x.destination}: {name} did not land ({why})"
        for x in landings
        if x.applied is not None
        for name, why in x.applied.not_landed.items()
    ]
    failed += [x.deploy.message for x in landings if x.deploy and not x.deploy.ok]
    failed += [outcome.webhook] if not outcome.webhook_ok else []
    caught_up = []
    if run.deploy and outcome.ok:
        for target in sorted(left - tried):
            done = await _deploy_only(run, target)
            if done.ok:
                left.discard(target)
                caught_up.append(target)
            else:
                failed.append(done.message)
    await asyncio.to_thread(_keep_owed, run.answers.state_file, left)
    if failed:
        raise ProviderError("The push did not finish: " + "; ".join(failed))
    if not run.deploy:
        said = "pushed and read back" if sent else "every platform already has these values"
        return "stop", f"{said}; --no-deploy: not deployed, not verified"
    if not sent and not caught_up:
        return "skipped", "every platform already has these values"
    return "done", "pushed, read back, deployed and live" if sent else "deployed and live"


# -- 11. verify -------------------------------------------------------------------------------
async def describe_verify(run: Run) -> tuple[str, bool]:
    return "verify the live site and send a signed Stripe test event", False


async def run_verify(run: Run) -> tuple[str, str]:
    """``verify --send-test-webhook``, its results recorded. A health path merely seen answering
    is not remembered here (``verify`` does that): render.yaml would change with it, and the
    next ``up`` would stop to ask for a commit of a site it has just verified."""
    from wizard.checks import record_results
    from wizard.verify import run_verify as verify

    values = await run.values()
    report = await verify(values, run.timeout, run.env, send_test_webhook=True)
    await asyncio.to_thread(record_results, run.answers.project, report.results)
    if not report.ok:
        raise ProviderError(report.summary().replace("\n", "; "))
    return "done", report.summary()
