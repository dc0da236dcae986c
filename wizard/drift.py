"""``drift``: does each platform have these values? The push plan, without the writes.

``drift_note`` is what ``status`` says about a platform that drifted: read from the state only,
so ``status`` never imports httpx (the operation imports its adapters when it runs).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from checklists.advice import do
from checklists.errors import SetupError
from wizard.platforms import PLATFORMS
from wizard.values import Answers

#: push plan action -> drift status
STATUS = {"same": "in sync", "change": "different", "add": "missing", "kept": "extra"}


@dataclass
class Drift:
    destination: str
    target: str = ""
    exists: bool = True
    #: (variable, status) in catalog order, then the platform's own
    rows: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: why it could not be compared (a setting is missing, the API refused)
    error: SetupError | None = None

    @property
    def in_sync(self) -> bool:
        differs = any(s in ("different", "missing") for _, s in self.rows)
        return self.error is None and self.exists and not differs


async def drift(
    answers: Answers,
    targets: Sequence[str],
    timeout: float = 20.0,
    env: Mapping[str, str] = os.environ,
) -> list[Drift]:
    """Compare each target's variables with what is stored here; sends no write. Each result
    is remembered in the state (names only) for ``status``."""
    from wizard.platforms.remembered import known, record, summary
    from wizard.platforms.session import Session

    values = await asyncio.to_thread(answers.values)
    salt = await asyncio.to_thread(lambda: answers.store.salt())
    memory = await asyncio.to_thread(known, answers.project)
    out: list[Drift] = []
    async with Session(values, timeout, env, memory) as session:

        async def one(target: str) -> Any:
            adapter = session.adapter(target)
            return await adapter.plan(values, salt, session.remembered(target))

        plans = await asyncio.gather(*(one(t) for t in targets), return_exceptions=True)
    for target, plan in zip(targets, plans, strict=True):
        if isinstance(plan, BaseException):
            if not isinstance(plan, SetupError):
                raise plan
            out.append(Drift(target, error=plan))
            continue
        rows = []
        for v in plan.variables:
            if v.action != "unset":
                rows.append((v.name, STATUS[v.action]))
            elif v.name in plan.remote:  # a catalog variable unset here but set there
                rows.append((v.name, "extra"))
        out.append(Drift(target, plan.target, plan.exists, rows, plan.notes))
        await asyncio.to_thread(record, answers.project, target, summary(plan, "drift"))
    return out


def drift_note(state: Mapping[str, Any], phase_id: str) -> str:
    """For ``status``: "" when the phase's platform was in sync (or never compared)."""
    for platform in PLATFORMS:
        if platform.phase != phase_id or not platform.can("push"):
            continue
        doc = state.get("platforms", {}).get(platform.id)
        if not doc or doc.get("in_sync"):
            return ""
        if not doc.get("exists", True):
            return (
                f"{platform.label}: {doc.get('target', '')} does not exist yet "
                f"({do('push', platform.id)})"
            )
        names = [*doc.get("different", []), *doc.get("missing", [])]
        return (
            f"{platform.label} differs since {doc.get('at')}: {', '.join(names)} "
            f"({do('push', platform.id)})"
        )
    return ""
