"""The end of ``--plain``: Deploy everything (the ``up`` operation, ``wizard.up``) with the same
plan-confirm-progress shape as ``convoai-setup up``: the plan printed, a confirm that defaults to
no, then one line per step as it starts and ends, and at the end the URLs, what was created and
where it stopped."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from checklists.advice import do
from checklists.errors import describe
from screens.plain_prompts import confirm, confirm_async, fail, operation_lines, say

if TYPE_CHECKING:
    from screens.plain import PlainWizard
    from wizard.frontend import FrontEnd
    from wizard.up import StepEvent, UpPlan


def front_end(wizard: PlainWizard) -> FrontEnd[UpPlan]:
    from wizard.console import table
    from wizard.frontend import FrontEnd
    from wizard.up.text import plan_rows

    def show(plan: UpPlan) -> None:
        rows = [[str(n), step, line] for n, step, line in plan_rows(plan)]
        say("\n" + table(["#", "STEP", "WHAT IT WILL DO"], rows))

    async def ask(plans: list[UpPlan], extras: list[str]) -> bool:
        # Creates services and deploys to production: only an explicit yes goes ahead.
        answer = await confirm_async("Go ahead with this plan?", default=False)
        wizard.sent = wizard.sent or answer
        return answer

    # up's failures are said as they happen; what it returns is its own stop line
    return FrontEnd(ask, show, operation_lines([], "    "))


def show_step(event: StepEvent) -> None:
    from wizard.up.text import step_line

    if event.status == "running":
        say(f"  … {event.step}: {event.message}")
    else:
        say(f"  {step_line(event)}")


def offer_up(wizard: PlainWizard) -> list[str]:
    """Offer Deploy everything; what failed, one line (printed as it happened)."""
    from wizard.up import up
    from wizard.up.text import made_lines, total

    say(
        "\nDeploy everything: from the values stored here to a verified live site, in the "
        "plan's order (provision what is missing, migrations, Render, Vercel, files, the Stripe "
        "webhook, push and deploy, verify). Each step is skipped when it is already done."
    )
    if not confirm("Deploy everything now (the plan first, then one more question)?", False):
        say(f"  Later: {do('up')}")
        return []
    try:
        outcome = asyncio.run(up(wizard.answers, front_end(wizard), on_step=show_step))
    except Exception as exc:
        return [fail(describe(exc))]
    if outcome.confirmed is False or not outcome.events:
        return []
    for text in made_lines(outcome):
        say(f"  {text}")
    if outcome.ok:
        say(f"  Deployed and verified after {total(outcome):.1f}s.")
        return []
    return [
        fail(
            f"Stopped at {outcome.stopped_at} after {total(outcome):.1f}s: see its line above; "
            f"{do('up')} goes on from there."
        )
    ]
