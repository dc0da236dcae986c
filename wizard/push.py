"""THE push operation: plan → narrow → confirm → apply → read back → record → report → deploy
→ follow-ups. Written once; ``convoai-setup push``, ``domain set``, the TUI's Platform tab and
``--plain``'s push step each call it with a ``FrontEnd`` (how to confirm, show and say).

What is sent is decided by comparing with what each platform has (never with the last value
sent from here), so running it again finishes whatever an earlier run did not. Values come from
the store and catalog defaults only; the plan names where the shell or ``.env`` differs, and
refuses a loopback or plain-http value (``wizard.outside``). Each platform
stands alone: one that cannot be planned is reported and the others go on. The Stripe webhook
endpoint follows APP_URL whenever Render's APP_URL is pushed (or the plan says why it cannot).

Cancelling (Esc in the TUI, Ctrl-C) never leaves a write half-sent and unreported: writes that
started are finished, read back, recorded and reported before the cancellation goes on.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from checklists.advice import do
from checklists.errors import EXIT_FAILED, EXIT_USAGE, ProviderError, SetupError, UsageError
from wizard.frontend import FrontEnd, confirmed
from wizard.platforms import missing_tokens, row
from wizard.platforms.plan import Applied, PushPlan, narrowed
from wizard.platforms.remembered import known, record, summary
from wizard.values import Answers

if TYPE_CHECKING:
    from wizard.platforms.base import DeployOutcome
    from wizard.platforms.session import Session
    from wizard.platforms.stripe import WebhookMove


@dataclass
class Landing:
    """What happened on one platform."""

    destination: str
    plan: PushPlan | None = None
    applied: Applied | None = None
    deploy: DeployOutcome | None = None
    error: SetupError | None = None

    @property
    def ok(self) -> bool:
        done = self.applied is None or self.applied.ok
        deployed = self.deploy is None or self.deploy.ok
        return self.error is None and done and deployed


@dataclass
class PushOutcome:
    landings: list[Landing] = field(default_factory=list)
    #: the webhook follow-up's line ("" when there was none)
    webhook: str = ""
    webhook_ok: bool = True
    #: None: nothing needed confirming; False: not confirmed (nothing sent)
    confirmed: bool | None = None
    #: what to run when nothing could be confirmed
    commands: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(x.ok for x in self.landings) and self.webhook_ok

    @property
    def exit_code(self) -> int:
        codes = [x.error.exit_code for x in self.landings if x.error is not None]
        if EXIT_USAGE in codes:
            return EXIT_USAGE
        return 0 if self.ok else EXIT_FAILED

    def landing(self, destination: str) -> Landing | None:
        return next((x for x in self.landings if x.destination == destination), None)


def report_lines(applied: Applied, plan: PushPlan) -> list[str]:
    """What apply did on one platform, as read back, one line each."""
    label, lines = row(plan.destination).label, []
    if applied.created:
        target = plan.target.replace("to create", applied.ref)
        lines.append(f"{label}: created {target} with {len(applied.landed)} variables.")
    elif applied.landed:
        names = ", ".join(applied.landed)
        lines.append(f"{label}: set {len(applied.landed)} variable(s): {names}.")
    if applied.answer_lost:
        names = ", ".join(applied.answer_lost)
        lines.append(f"{label}: {names} read back as sent (the answer to the write was lost).")
    if applied.not_landed:
        why = "; ".join(f"{n}: {m}" for n, m in applied.not_landed.items())
        lines.append(
            f"{label}: {len(applied.not_landed)} variable(s) did not land ({why}); run push again "
            "to finish the rest."
        )
    else:
        lines.append(f"{label}: read back: every value matches.")
    return lines


async def _plan(session: Session, destination: str, salt: bytes) -> PushPlan:
    adapter = session.adapter(destination)
    plan: PushPlan = await adapter.plan(session.values, salt, session.remembered(destination))
    return plan


async def _plan_webhook(
    session: Session, answers: Answers, values: Mapping[str, str | None], render: PushPlan | None
) -> tuple[WebhookMove | None, str, bool]:
    """The Stripe endpoint's follow-up when Render's APP_URL is pushed: (the move, or a note
    saying why there is none, and whether the remembered endpoint cannot follow at all)."""
    from providers.stripe import webhook_url

    app_url = str(values.get("APP_URL") or "")
    if render is None or "APP_URL" not in render.desired or not app_url:
        return None, "", False
    remembered = await asyncio.to_thread(answers.state_file.read)
    endpoint = remembered.get("stripe_webhook") or {}
    if not endpoint.get("id"):
        if "APP_URL" not in render.named("add", "change"):
            return None, "", False  # nothing remembered and nothing moving: no news
        note = (
            "Stripe: no webhook endpoint is remembered here; create one for "
            f"{webhook_url(app_url)}: {do('stripe create-webhook')}"
        )
        return None, note, False
    if not values.get("STRIPE_SECRET_KEY"):
        note = (
            f"Stripe: STRIPE_SECRET_KEY is not set, so endpoint {endpoint['id']} was not checked "
            f"against APP_URL: set it, then {do('stripe create-webhook')}"
        )
        return None, note, True
    move: WebhookMove | None
    move, gone = await session.adapter("stripe").plan_move(app_url, endpoint)
    return move, gone, bool(gone)


async def push(
    answers: Answers,
    targets: Sequence[str],
    front: FrontEnd[PushPlan],
    *,
    only: Collection[str] | None = None,
    deploy: bool = True,
    create: bool = True,
    dry_run: bool = False,
    timeout: float = 20.0,
    env: Mapping[str, str] = os.environ,
    by: str = "push",
) -> PushOutcome:
    """Push ``targets`` (platform ids), limited to the variables ``only`` names if given;
    ``create`` False: a missing service/project is reported, not created."""
    from wizard.outside import differences, note_differences, refuse_local
    from wizard.platforms.session import Session

    out = PushOutcome()
    resolved = await asyncio.to_thread(answers.resolve_all)
    values = {name: r.value for name, r in resolved.items()}
    shell = await asyncio.to_thread(differences, answers)
    salt = await asyncio.to_thread(lambda: answers.store.salt())
    ready = []
    for target in targets:
        missing = missing_tokens(row(target), values)
        if missing:
            error = UsageError(
                f"{row(target).label}: {missing[0]} is not set, so nothing was pushed there.",
                f"Set it, then: {do('push', target)}",
            )
            out.landings.append(Landing(target, error=error))
            front.say(error.line(), "error")
        else:
            ready.append(target)
    if front.confirm is None and not dry_run:
        return await _unconfirmable(answers, values, ready, only, out, front)
    project = answers.project
    memory = await asyncio.to_thread(known, project)
    async with Session(values, timeout, env, memory) as session:
        found = await asyncio.gather(
            *(_plan(session, t, salt) for t in ready), return_exceptions=True
        )
        plans: list[PushPlan] = []
        for target, plan in zip(ready, found, strict=True):
            if isinstance(plan, BaseException):
                if not isinstance(plan, SetupError):
                    raise plan
                out.landings.append(Landing(target, error=plan))
                front.say(f"{row(target).label}: {plan.line()}", "error")
                continue
            if only is not None:
                plan = narrowed(plan, only)
            if not create and plan.create is not None:
                what = plan.target.replace(" (to create)", "")
                plan.create, plan.payload = None, None
                plan.blocked = (
                    f"{what} does not exist yet, so nothing was pushed: "
                    f"{do('push', target)} creates it"
                )
            note_differences(plan, shell)  # the shell and .env: said, never used
            refuse_local(plan, resolved, row(target).label)
            plans.append(plan)
            out.landings.append(Landing(target, plan=plan))
            front.show(plan)
        render = next((p for p in plans if p.destination == "render" and p.exists), None)
        try:
            move, note, stuck = await _plan_webhook(session, answers, values, render)
        except SetupError as exc:
            move, note, stuck = None, f"Stripe: {exc.line()}", True
        # APP_URL moves but the endpoint cannot follow it: Stripe's events would go nowhere.
        out.webhook_ok = not (
            stuck and render is not None and "APP_URL" in render.named("add", "change")
        )
        if note:
            front.say(note, "warn")
        extras = [move.describe()] if move else []
        for plan in plans:
            if plan.blocked:
                landing = out.landing(plan.destination)
                assert landing is not None
                landing.error = UsageError(plan.blocked)
                front.say(f"{row(plan.destination).label}: {plan.blocked}", "error")
        pending = [p for p in plans if p.has_changes and not p.blocked]
        if dry_run or (not pending and not move):
            how = f"{by} --dry-run" if dry_run else by
            for plan in plans:
                if plan.exists:
                    await asyncio.to_thread(record, project, plan.destination, summary(plan, how))
            if dry_run:
                front.say("--dry-run: nothing was sent.", "info")
            elif plans and not any(p.blocked for p in plans):
                front.say("Nothing to push: every platform already has these values.", "info")
            return out
        assert front.confirm is not None  # see _unconfirmable
        out.confirmed = await confirmed(front, pending, extras)
        if not out.confirmed:
            front.say("Not confirmed: nothing was pushed and the webhook was not moved.", "info")
            out.commands = _commands(pending, move)
            return out
        for plan in plans:
            if plan not in pending:
                if plan.exists:
                    await asyncio.to_thread(record, project, plan.destination, summary(plan, by))
                continue
            landing = out.landing(plan.destination)
            assert landing is not None
            await _apply(session, plan, salt, landing, project, front, by)
            if deploy and landing.applied is not None and landing.applied.ok:
                landing.deploy = await _deploy(session, plan, landing.applied, front)
        if move is not None:
            await _move(session, move, out, front, answers)
    return out


def _commands(pending: list[PushPlan], move: WebhookMove | None) -> list[str]:
    """What to run later for what was not confirmed."""
    out = [do("push", *(p.destination for p in pending))] if pending else []
    if move is not None:
        out.append(f"{do('stripe create-webhook')}   ({move.describe()})")
    return out


async def _unconfirmable(
    answers: Answers,
    values: Mapping[str, str | None],
    targets: list[str],
    only: Collection[str] | None,
    out: PushOutcome,
    front: FrontEnd[PushPlan],
) -> PushOutcome:
    """No way to confirm (no terminal, no --yes): nothing is read or sent; say what to run.
    The commands compare with the platforms themselves when they run."""
    from providers.stripe import webhook_url
    from wizard.platforms.stripe import WebhookMove

    out.confirmed = False
    if targets:
        out.commands.append(do("push", *targets))
    app_url = str(values.get("APP_URL") or "")
    if "render" in targets and app_url and (only is None or "APP_URL" in only):
        endpoint = (await asyncio.to_thread(answers.state_file.read)).get("stripe_webhook") or {}
        url = webhook_url(app_url)
        if not endpoint.get("id"):
            front.say(
                f"Stripe: no webhook endpoint is remembered here; create one for {url}: "
                f"{do('stripe create-webhook')}",
                "warn",
            )
        elif endpoint.get("url") != url:
            move = WebhookMove(str(endpoint["id"]), str(endpoint.get("url", "")), url)
            out.commands.append(f"{do('stripe create-webhook')}   ({move.describe()})")
    return out


async def _apply(
    session: Session,
    plan: PushPlan,
    salt: bytes,
    landing: Landing,
    project: Any,
    front: FrontEnd[PushPlan],
    by: str,
) -> None:
    """Apply one plan; a cancellation waits for the writes under way, then reports them."""
    task = asyncio.ensure_future(session.adapter(plan.destination).apply(plan, salt))
    try:
        applied = await asyncio.shield(task)
    except asyncio.CancelledError:
        # Finish the writes under way (each bounded by --timeout), whatever more cancels come,
        # so what was sent is read back and reported before the cancellation goes on.
        while not task.done():
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.shield(task)
        if task.cancelled() or task.exception() is not None:
            raise
        _landed(task.result(), plan, landing, project, front, by)
        raise
    except SetupError as exc:
        landing.error = exc
        front.say(f"{row(plan.destination).label}: {exc.line()}", "error")
        return
    _landed(applied, plan, landing, project, front, by)


def _landed(
    applied: Applied,
    plan: PushPlan,
    landing: Landing,
    project: Any,
    front: FrontEnd[PushPlan],
    by: str,
) -> None:
    landing.applied = applied
    record(project, plan.destination, summary(plan, by, applied))
    for line in report_lines(applied, plan):
        front.say(line, "info")


async def _deploy(
    session: Session, plan: PushPlan, applied: Applied, front: FrontEnd[PushPlan]
) -> DeployOutcome:
    from wizard.platforms.base import DeployOutcome

    try:
        outcome: DeployOutcome = await session.adapter(plan.destination).deploy(
            plan, applied, lambda line: front.say(line, "info")
        )
    except ProviderError as exc:
        outcome = DeployOutcome(plan.destination, False, "unknown", "", "", exc.line())
    front.say(outcome.message, "info" if outcome.ok else "error")
    return outcome


async def _move(
    session: Session,
    move: WebhookMove,
    out: PushOutcome,
    front: FrontEnd[PushPlan],
    answers: Answers,
) -> None:
    """Move the endpoint once Render has the APP_URL it points at (read back)."""
    render = out.landing("render")
    if render is None or render.plan is None:
        return
    applied = render.applied
    if applied is not None and "APP_URL" in applied.not_landed:
        out.webhook = (
            f"Stripe: endpoint {move.endpoint_id} was not moved: APP_URL did not land on Render."
        )
        out.webhook_ok = False
        front.say(out.webhook, "error")
        return
    try:
        out.webhook = await session.adapter("stripe").move(move)
    except SetupError as exc:
        out.webhook, out.webhook_ok = f"Stripe: {exc.line()}", False
        front.say(out.webhook, "error")
        return

    def remember() -> None:
        with answers.state_file.update() as state:
            state["stripe_webhook"] = {"id": move.endpoint_id, "url": move.new_url}

    await asyncio.to_thread(remember)
    front.say(out.webhook, "info")
