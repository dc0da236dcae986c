"""What follows a verified custom domain: push the variables it changed (APP_URL to Render,
VITE_API_URL to Vercel) and move the remembered Stripe webhook endpoint to the new APP_URL.

The push goes through the same core as ``convoai-setup push`` (plan, masked display,
confirmation, upserts with read-back, record, deploy), narrowed to the changed variables so a
domain change never sends anything else. Each follow-up that fails is one line; none of them
undoes the domain or the variables, which are already set when this runs.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from checklists.catalog import catalog
from providers.base import ProviderError
from wizard.errors import WizardError
from wizard.push import DestPlan
from wizard.values import Answers

#: (the plans with changes, the webhook move described, or None) -> go ahead?
Confirm = Callable[[list[DestPlan], str | None], bool]
Say = Callable[[str], None]
LABELS = {"render": "Render", "vercel": "Vercel"}


@dataclass
class FollowUp:
    #: one line per thing done, skipped or failed
    lines: list[str] = field(default_factory=list)
    #: False when a follow-up failed (the domain and variables stay set)
    ok: bool = True
    #: the commands to run when nothing was confirmed
    commands: list[str] = field(default_factory=list)
    #: each line is also handed to this as it happens (the CLI prints it at once)
    say: Say = field(default=lambda line: None, repr=False)

    def add(self, *lines: str) -> None:
        for line in lines:
            self.lines.append(line)
            self.say(line)


def targets_of(changed: Mapping[str, str]) -> list[str]:
    """The platforms that get one of the changed variables, in push's order."""
    wanted = {d for n in changed for d in catalog()[n].destinations}
    return [d for d in LABELS if d in wanted]


def narrowed(plan: DestPlan, names: set[str]) -> DestPlan:
    """``plan`` limited to ``names``: nothing else is shown, sent or read back."""
    return replace(
        plan,
        variables=[v for v in plan.variables if v.name in names],
        desired={n: v for n, v in plan.desired.items() if n in names},
        # "X is required but has no value here" is about variables this push does not send.
        notes=[n for n in plan.notes if "is required but has no value here" not in n],
    )


def webhook_move(answers: Answers, changed: Mapping[str, str]) -> tuple[str | None, str | None]:
    """(the move to make, described; or a line saying why there is none)."""
    if "APP_URL" not in changed:
        return None, None
    from providers.stripe import webhook_url

    url = webhook_url(changed["APP_URL"])
    remembered = answers.state_file.read().get("stripe_webhook") or {}
    if not remembered.get("id"):
        return (
            None,
            f"Stripe: no webhook endpoint is remembered here; create one for {url}: "
            "convoai-setup stripe create-webhook",
        )
    if remembered.get("url") == url:
        return None, None
    if not answers.values(["STRIPE_SECRET_KEY"]).get("STRIPE_SECRET_KEY"):
        return (
            None,
            f"Stripe: STRIPE_SECRET_KEY is not set, so endpoint {remembered['id']} still "
            f"points at {remembered.get('url')}: set it, then convoai-setup stripe "
            "create-webhook",
        )
    return f"move Stripe webhook endpoint {remembered['id']} to {url}", None


async def follow_up(
    answers: Answers,
    changed: Mapping[str, str],
    *,
    confirm: Confirm | None,
    show: Callable[[DestPlan], None],
    progress: Say,
    deploy: bool = True,
    env: Mapping[str, str] = os.environ,
    timeout: float = 20.0,
) -> FollowUp:
    """Plan, show, confirm (``confirm`` None: no way to ask), push, deploy, move the webhook."""
    from wizard.platforms import TOKENS, Platforms, known

    out = FollowUp(say=progress)
    targets = targets_of(changed)
    move, why_not = webhook_move(answers, changed)
    if why_not:
        out.add(why_not)
    if confirm is None:
        if targets:
            out.commands.append(f"convoai-setup push {' '.join(targets)}")
        if move:
            out.commands.append(f"convoai-setup stripe create-webhook   ({move})")
        return out
    if not targets and not move:
        return out
    values = answers.values()
    for target in [t for t in targets if not values.get(TOKENS[t])]:
        targets.remove(target)
        out.add(
            f"{LABELS[target]}: {TOKENS[target]} is not set, so nothing was pushed there: "
            f"set it, then convoai-setup push {target}"
        )
    salt = answers.store.salt()
    async with Platforms(values, timeout, env, known(answers.project)) as platforms:
        plans = await asyncio.gather(
            *(platforms.plan(t, salt) for t in targets), return_exceptions=True
        )
        pending: list[DestPlan] = []
        for target, plan in zip(targets, plans, strict=True):
            if isinstance(plan, BaseException):
                _failed(out, target, plan)
            elif plan.create is not None:
                out.add(
                    f"{LABELS[target]}: {plan.target.replace(' (to create)', '')} does not "
                    f"exist yet, so nothing was pushed: convoai-setup push {target} "
                    "creates it"
                )
                out.ok = False
            else:
                plan = narrowed(plan, set(changed))
                show(plan)
                if plan.has_changes:
                    pending.append(plan)
                else:
                    out.add(f"{LABELS[target]}: already has {', '.join(plan.desired)}.")
        if not pending and not move:
            return out
        if not confirm(pending, move):
            out.add("Not confirmed: nothing was pushed and the webhook was not moved.")
            out.commands += (
                [f"convoai-setup push {' '.join(p.destination for p in pending)}"]
                if pending
                else []
            )
            out.commands += [f"convoai-setup stripe create-webhook   ({move})"] if move else []
            return out
        for plan in pending:
            await _push_one(platforms, plan, salt, answers, out, progress, deploy)
    if move:
        await _move(answers, out, env, timeout)
    return out


def _failed(out: FollowUp, target: str, exc: BaseException) -> None:
    if not isinstance(exc, ProviderError | WizardError):
        raise exc
    out.add(
        f"{LABELS[target]}: {exc.line()} The domain and the variables here stay set; run "
        f"convoai-setup push {target} later."
    )
    out.ok = False


async def _push_one(
    platforms: Any,
    plan: DestPlan,
    salt: bytes,
    answers: Answers,
    out: FollowUp,
    progress: Say,
    deploy: bool,
) -> None:
    from wizard.platforms import record, summary
    from wizard.push import report_lines

    try:
        applied = await platforms.apply(plan, salt)
    except ProviderError as exc:
        _failed(out, plan.destination, exc)
        return
    record(answers.project, plan.destination, summary(plan, "push", applied))
    out.add(*report_lines(applied, plan))
    out.ok = out.ok and applied.ok
    if not (applied.ok and deploy):
        return
    try:
        outcome = await platforms.deploy(plan, applied, progress)
    except ProviderError as exc:
        _failed(out, plan.destination, exc)
        return
    out.add(outcome.message)
    out.ok = out.ok and outcome.ok


async def _move(answers: Answers, out: FollowUp, env: Mapping[str, str], timeout: float) -> None:
    from wizard.webhook import move_remembered

    try:
        out.add(await move_remembered(answers, timeout, env))
    except (ProviderError, WizardError) as exc:
        out.add(f"Stripe: {exc.line()}")
        out.ok = False
