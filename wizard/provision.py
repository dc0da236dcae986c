"""THE provision operation: plan → confirm → find or create → wait → read back → store, per
vendor, for every front end (``convoai-setup provision``, the TUI's "Create it for me", the
``--plain`` phases, and ``up``).

Each vendor with the ``provision`` capability has an adapter implementing
``wizard.platforms.provisioning.Provisions``. The plans are made first (no write anywhere);
the front end confirms when any plan creates something (reading what exists and storing its
values needs no confirmation); ``dry_run`` stops after the plans. Vendors run concurrently:
one that is blocked or fails does not stop the others. Values are stored as they arrive (a
password before the call that uses it), with the source "created by API".
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from checklists.advice import do
from checklists.errors import EXIT_FAILED, EXIT_USAGE, SetupError
from wizard.frontend import FrontEnd, confirmed
from wizard.platforms import row
from wizard.platforms.provisioning import ProvisionResult, ResourcePlan
from wizard.values import Answers


@dataclass
class ProvisionOutcome:
    plans: list[ResourcePlan] = field(default_factory=list)
    results: list[ProvisionResult] = field(default_factory=list)
    #: vendors that could not even be planned: (vendor, the error)
    errors: list[tuple[str, SetupError]] = field(default_factory=list)
    #: None: nothing needed confirming; False: declined or no way to ask (nothing written)
    confirmed: bool | None = None
    #: what to run when nothing could be confirmed
    commands: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        blocked = any(p.action == "blocked" for p in self.plans)
        failed = any(not r.ok for r in self.results)
        return not (blocked or failed or self.errors or self.confirmed is False)

    @property
    def exit_code(self) -> int:
        usage = [p for p in self.plans if p.action == "blocked" and p.exit_code == EXIT_USAGE]
        usage_errors = [e for _, e in self.errors if e.exit_code == EXIT_USAGE]
        if usage or usage_errors or (self.confirmed is False and self.commands):
            return EXIT_USAGE
        return 0 if self.ok else EXIT_FAILED


async def provision(
    answers: Answers,
    vendors: Sequence[str],
    front: FrontEnd[ResourcePlan],
    *,
    dry_run: bool = False,
    timeout: float = 20.0,
    env: Mapping[str, str] = os.environ,
    options: Mapping[str, Any] | None = None,
) -> ProvisionOutcome:
    """Provision ``vendors`` (registry ids with the ``provision`` capability).

    ``options`` are adapter switches the front end collected (``reset_db_password``,
    ``replace_prices``), each confirmed before it is passed.
    """
    from wizard.platforms.session import Session

    out = ProvisionOutcome()
    values = await asyncio.to_thread(answers.values)
    state = await asyncio.to_thread(answers.state_file.read)
    state = {**state, "options": dict(options or {})}

    async def store(found: Mapping[str, str]) -> None:
        await asyncio.to_thread(answers.set_many, dict(found), "created by API")

    async with Session(values, timeout, env) as session:

        async def plan(vendor: str) -> list[ResourcePlan]:
            plans: list[ResourcePlan] = await session.adapter(vendor).provision_plan(values, state)
            return plans

        found = await asyncio.gather(*(plan(v) for v in vendors), return_exceptions=True)
        for vendor, plans in zip(vendors, found, strict=True):
            if isinstance(plans, BaseException):
                if not isinstance(plans, SetupError):
                    raise plans
                out.errors.append((vendor, plans))
                front.say(f"{row(vendor).label}: {plans.line()}", "error")
                continue
            for p in plans:
                out.plans.append(p)
                front.show(p)
        for p in out.plans:
            if p.action == "blocked":
                front.say(f"{row(p.vendor).label} {p.resource}: {p.why}", "error")
        todo = [p for p in out.plans if p.action != "blocked"]
        creating = [p for p in todo if p.writes]
        if dry_run:
            front.say("--dry-run: nothing was created and nothing was stored.", "info")
            return out
        if creating:
            if front.confirm is None:
                out.confirmed = False
                named = sorted({p.vendor for p in creating})
                out.commands.append(do("provision", *named, "--yes"))
                return out
            out.confirmed = await confirmed(front, creating, [])
            if not out.confirmed:
                front.say("Not confirmed: nothing was created.", "info")
                return out

        async def carry_out(p: ResourcePlan) -> ProvisionResult:
            adapter = session.adapter(p.vendor)
            try:
                result: ProvisionResult = await adapter.provision(
                    p, lambda line: front.say(line, "info"), store
                )
            except SetupError as exc:
                result = ProvisionResult(p.vendor, p.resource, False, left=exc.line())
            for line in result.lines:
                front.say(line, "info")
            if not result.ok:
                front.say(f"{row(p.vendor).label} {p.resource}: {result.left}", "error")
            return result

        out.results = list(await asyncio.gather(*(carry_out(p) for p in todo)))
    return out
