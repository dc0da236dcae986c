"""The platforms ``push`` and ``drift`` talk to: which are chosen, their API clients, and what
the state remembers about each (names and outcomes only, never a value).

One ``Platforms`` serves the CLI commands and the TUI: open it in an ``async with``, ``plan``
each destination, then ``apply`` / ``deploy`` what was confirmed.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any

from providers.base import CheckContext
from providers.http import make_client
from wizard.deploys import DeployOutcome, Progress, deploy_render, deploy_vercel
from wizard.errors import UsageError
from wizard.project import Project
from wizard.push import Applied, DestPlan, Values, apply_render, plan_render
from wizard.state import StateFile, now_iso

if TYPE_CHECKING:
    from providers.render_api import RenderApi
    from providers.vercel_api import VercelApi

DESTINATIONS = ("render", "vercel")
TOKENS = {"render": "RENDER_API_KEY", "vercel": "VERCEL_TOKEN"}
#: the state key holding each platform's id for its service / project
ID_KEYS = {"render": "service_id", "vercel": "project_id"}


def choose(values: Values, named: Sequence[str]) -> list[str]:
    """The destinations named (each needs its token), or every one whose token is set."""
    unknown = [n for n in named if n not in DESTINATIONS]
    if unknown:
        raise UsageError(
            f"{unknown[0]!r} is not a platform.", f"Choose from: {', '.join(DESTINATIONS)}."
        )
    if named:
        missing = [TOKENS[n] for n in named if not values.get(TOKENS[n])]
        if missing:
            raise UsageError(
                f"{', '.join(missing)} is not set.",
                f"Set it first: convoai-setup vars set {missing[0]}",
            )
        return [d for d in DESTINATIONS if d in named]
    chosen = [d for d in DESTINATIONS if values.get(TOKENS[d])]
    if not chosen:
        raise UsageError(
            "Neither RENDER_API_KEY nor VERCEL_TOKEN is set, so there is no platform to talk to.",
            "Set one: convoai-setup vars set RENDER_API_KEY (or VERCEL_TOKEN)",
        )
    return chosen


def known(project: Project) -> dict[str, Any]:
    """What the state remembers per platform (``platforms``: names, ids, outcomes)."""
    found = StateFile(project).read().get("platforms")
    return found if isinstance(found, dict) else {}


class Platforms:
    """API clients for the chosen destinations on one shared HTTP client.

    ``known`` is the state's ``platforms`` record (see ``known``): the service / project id
    found last time lets a plan skip the look-up by name (one round trip fewer)."""

    def __init__(
        self,
        values: Values,
        timeout: float,
        env: Mapping[str, str] = os.environ,
        known: Mapping[str, Any] | None = None,
    ) -> None:
        self.values, self.timeout, self.env = values, timeout, env
        self.known = known or {}

    async def __aenter__(self) -> Platforms:
        self._client = make_client(self.env, self.timeout)
        await self._client.__aenter__()
        self.ctx = CheckContext(self.values, self._client, self.timeout, self.env)
        self._render: RenderApi | None = None
        self._vercel: VercelApi | None = None
        return self

    @property
    def render(self) -> RenderApi:
        """Render's client, built on first use (a platform not chosen is never configured)."""
        if self._render is None:
            from providers.render_api import RenderApi

            self._render = RenderApi(self.ctx, str(self.values.get("RENDER_API_KEY") or ""))
        return self._render

    @property
    def vercel(self) -> VercelApi:
        if self._vercel is None:
            from providers.vercel_api import VercelApi

            token, team = str(self.values.get("VERCEL_TOKEN") or ""), self.values.get("VERCEL_TEAM")
            self._vercel = VercelApi(self.ctx, token, team)
        return self._vercel

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self._client.__aexit__(kind, exc, tb)

    @property
    def writes(self) -> list[tuple[str, str]]:
        """Every write request sent so far (method, path)."""
        return [
            *(self._render.writes if self._render else []),
            *(self._vercel.writes if self._vercel else []),
        ]

    async def plan(self, destination: str, salt: bytes) -> DestPlan:
        seen = self.known.get(destination)
        seen = seen if isinstance(seen, Mapping) else None
        if destination == "render":
            return await plan_render(self.render, self.values, salt, seen)
        from wizard.push_vercel import plan_vercel

        return await plan_vercel(self.vercel, self.values, salt, seen)

    async def apply(self, plan: DestPlan, salt: bytes) -> Applied:
        if plan.destination == "render":
            return await apply_render(self.render, plan, salt)
        from wizard.push_vercel import apply_vercel

        return await apply_vercel(self.vercel, plan, salt)

    async def deploy(self, plan: DestPlan, applied: Applied, progress: Progress) -> DeployOutcome:
        if plan.destination == "render":
            return await deploy_render(
                self.render, applied.ref, progress, applied.deploy_id, self.env
            )
        name = str(self.values.get("VERCEL_PROJECT") or "")
        return await deploy_vercel(self.vercel, applied.ref, name, progress, self.env)


def summary(plan: DestPlan, by: str, applied: Applied | None = None) -> dict[str, Any]:
    """What the state remembers about a platform after ``drift`` or ``push`` (names only)."""
    if applied is not None:
        different, missing = sorted({*applied.mismatched, *applied.failed}), []
    else:
        different, missing = plan.named("change"), plan.named("add")
    exists = plan.create is None or applied is not None
    target = plan.target if applied is None else plan.target.replace("to create", applied.ref)
    ref = applied.ref if applied is not None else plan.ref
    # Where to find it next time (ids and names, never a value): see ``Platforms``.
    found = {**plan.scope, ID_KEYS[plan.destination]: ref} if ref else {}
    return {
        **found,
        "at": now_iso(),
        "by": by,
        "target": target,
        "in_sync": exists and not different and not missing,
        "exists": exists,
        "different": different,
        "missing": missing,
        "extra": len(plan.named("kept")),
    }


def record(project: Project, destination: str, doc: Mapping[str, Any]) -> None:
    """Remember the latest drift/push result of ``destination`` in the state."""
    with StateFile(project).update() as state:
        platforms = state.setdefault("platforms", {})
        entry = dict(doc)
        if doc.get("by") == "push" and doc.get("in_sync"):
            entry["pushed_at"] = doc["at"]
        elif "pushed_at" in platforms.get(destination, {}):
            entry["pushed_at"] = platforms[destination]["pushed_at"]
        platforms[destination] = entry
