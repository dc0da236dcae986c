"""``up``: from tokens to a verified live site, one resumable operation for every front end.

The plan's order, each step written once in ``wizard.up.steps`` on the operations the other
commands use (provision, migrate, push, the webhook, verify), each skipped when what it makes
is already there and still true (checked by reading it back, cheaply), each stopping the run
with one line saying what failed and what to do. Values that exist only after an earlier step
(Render's URL for the service it named, Vercel's domain) are taken from the vendor's answer.

A plan first (every step, what it would create or change), then the front end confirms;
``dry_run`` stops after the plan and sends no write anywhere. Each step's start and end is an
event (``StepEvent``: step, status, message, seconds) for the front end to show; the state
remembers the step a run stopped at (``up``: step, when, why), and the next run says so.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from checklists.errors import EXIT_FAILED, SetupError, describe
from wizard.frontend import FrontEnd, confirmed
from wizard.state import now_iso
from wizard.values import Answers


@dataclass(frozen=True)
class StepEvent:
    step: str
    #: running | done | skipped | failed
    status: str
    message: str
    seconds: float

    def doc(self) -> dict[str, Any]:
        return {
            "step": self.step,
            "status": self.status,
            "message": self.message,
            "seconds": round(self.seconds, 3),
        }


@dataclass
class UpPlan:
    """One line per step: what it would do (values masked)."""

    lines: list[tuple[str, str]] = field(default_factory=list)
    #: True when any step would create or change something
    writes: bool = False


@dataclass
class UpOutcome:
    events: list[StepEvent] = field(default_factory=list)
    #: "Render service convoai-backend (srv-…)", …: what this run created
    created: list[str] = field(default_factory=list)
    urls: dict[str, str] = field(default_factory=dict)
    #: the step the run stopped at ("" when it went through)
    stopped_at: str = ""
    exit_code: int = 0
    confirmed: bool | None = None
    #: where the previous run had stopped ("" when it had not)
    resumed_from: str = ""
    #: the front end asked to stop (Esc) and the run stopped before ``stopped_at``
    asked_to_stop: bool = False

    @property
    def ok(self) -> bool:
        return self.exit_code == 0

    def seconds(self) -> dict[str, float]:
        return {e.step: e.seconds for e in self.events if e.status != "running"}


@dataclass
class Run:
    """What every step gets: the values, options and ways to report."""

    answers: Answers
    front: FrontEnd[UpPlan]
    on_step: Callable[[StepEvent], None]
    deploy: bool
    timeout: float
    env: Mapping[str, str]
    outcome: UpOutcome
    salt: bytes = b""
    #: while planning: whether a step before the one being described writes (its values then
    #: flow into the later steps, which cannot tell yet what they will find)
    plan_writes: bool = False

    async def values(self) -> dict[str, str | None]:
        return await asyncio.to_thread(self.answers.values)

    async def store(self, found: Mapping[str, str], source: str = "created by API") -> None:
        await asyncio.to_thread(self.answers.set_many, dict(found), source)

    def say(self, line: str) -> None:
        self.front.say(line, "info")


def _remember(answers: Answers, stopped: str, why: str) -> None:
    with answers.state_file.update() as state:
        if stopped:
            state["up"] = {"stopped_at": stopped, "at": now_iso(), "why": why}
        else:
            state.pop("up", None)


async def up(
    answers: Answers,
    front: FrontEnd[UpPlan],
    *,
    on_step: Callable[[StepEvent], None] = lambda event: None,
    stop_requested: Callable[[], bool] = lambda: False,
    dry_run: bool = False,
    deploy: bool = True,
    timeout: float = 20.0,
    env: Mapping[str, str] = os.environ,
) -> UpOutcome:
    from wizard.up.steps import STEPS

    out = UpOutcome()
    run = Run(answers, front, on_step, deploy, timeout, env, out)
    state = await asyncio.to_thread(answers.state_file.read)
    out.resumed_from = str((state.get("up") or {}).get("stopped_at") or "")
    if out.resumed_from:
        front.say(f"The last up stopped at {out.resumed_from}: going on from there.", "info")
    plan = UpPlan()
    for step in STEPS:
        run.plan_writes = plan.writes
        try:
            line, writes = await step.describe(run)
        except SetupError as exc:  # asked to confirm: what it will do is not known yet
            line, writes = f"cannot tell yet ({exc.line()})", True
        plan.lines.append((step.id, line))
        plan.writes = plan.writes or writes
    front.show(plan)
    if dry_run:
        front.say("--dry-run: nothing was created, changed or stored.", "info")
        return out
    if plan.writes:
        if front.confirm is None:
            out.confirmed, out.exit_code = False, 2
            front.say(
                "Nothing was done: there is no terminal to confirm the plan on. Read it, then "
                "run again with --yes (or --dry-run to only look).",
                "error",
            )
            return out
        out.confirmed = await confirmed(front, [plan], [])
        if not out.confirmed:
            front.say("Not confirmed: nothing was done.", "info")
            out.exit_code = 2
            return out
    run.salt = await asyncio.to_thread(lambda: answers.store.salt())
    for step in STEPS:
        if stop_requested():  # between steps only: the one under way always finishes
            out.stopped_at, out.exit_code, out.asked_to_stop = step.id, EXIT_FAILED, True
            await asyncio.to_thread(_remember, answers, step.id, "stopped before it, as asked")
            return out
        started = time.monotonic()
        on_step(StepEvent(step.id, "running", step.title, 0.0))
        try:
            status, message = await step.run(run)
        except Exception as exc:  # a step stops the run with its error, said in one line
            message = describe(exc)
            code = exc.exit_code if isinstance(exc, SetupError) else EXIT_FAILED
            event = StepEvent(step.id, "failed", message, time.monotonic() - started)
            out.events.append(event)
            on_step(event)
            out.stopped_at, out.exit_code = step.id, code
            await asyncio.to_thread(_remember, answers, step.id, message)
            if not isinstance(exc, SetupError):
                raise
            return out
        event = StepEvent(step.id, status, message, time.monotonic() - started)
        out.events.append(event)
        on_step(event)
        if status == "stop":  # done as far as it goes; the rest waits (e.g. --no-deploy)
            break
    await asyncio.to_thread(_remember, answers, "", "")
    return out
