"""Start a deploy and follow it to the end, reporting each status change as it happens.

Render: ``POST …/deploys`` may answer 202 with no body, so the new deploy is found in the deploy
list (the newest one that was not there before). Vercel: the latest production deployment is
redeployed (VITE_* values are read at build time) and followed to READY or ERROR.
Polling interval and the longest wait come from ``CONVOAI_SETUP_DEPLOY_POLL`` /
``CONVOAI_SETUP_DEPLOY_WAIT`` (seconds) so tests and slow builds can tune them.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from providers.render_api import RenderApi, dashboard_link

if TYPE_CHECKING:
    from providers.vercel_api import VercelApi

RENDER_DONE = {"live"}
RENDER_FAILED = {"build_failed", "update_failed", "canceled", "pre_deploy_failed", "deactivated"}
VERCEL_DONE = {"READY"}
VERCEL_FAILED = {"ERROR", "CANCELED", "DELETED"}
Progress = Callable[[str], None]


@dataclass(frozen=True)
class DeployOutcome:
    destination: str
    ok: bool
    #: the platform's final (or last seen) status
    status: str
    deploy_id: str
    #: where to see it: Render dashboard / Vercel inspector
    link: str
    #: one line for people
    message: str


def timing(env: Mapping[str, str] = os.environ) -> tuple[float, float]:
    """(seconds between polls, longest wait) for following a deploy."""

    def number(name: str, default: float) -> float:
        try:
            value = float(env.get(name, ""))
        except ValueError:
            return default
        return value if value > 0 else default

    return number("CONVOAI_SETUP_DEPLOY_POLL", 5.0), number("CONVOAI_SETUP_DEPLOY_WAIT", 1800.0)


async def deploy_render(
    api: RenderApi,
    service_id: str,
    progress: Progress,
    started: str | None = None,
    env: Mapping[str, str] = os.environ,
) -> DeployOutcome:
    """Trigger a deploy (unless ``started`` names one already running) and follow it."""
    poll, wait = timing(env)
    deadline = time.monotonic() + wait
    if started is None:
        before = await api.latest_deploy(service_id)
        deploy = await api.trigger_deploy(service_id)
        started = deploy["id"] if deploy else None
        while started is None:
            # 202 "Queued" without a body: the new deploy shows up in the list.
            newest = await api.latest_deploy(service_id)
            if newest and newest.get("id") != (before or {}).get("id"):
                started = str(newest["id"])
            elif time.monotonic() > deadline:
                link = dashboard_link(service_id)
                return DeployOutcome(
                    "render",
                    False,
                    "unknown",
                    "",
                    link,
                    "Render accepted the deploy but it never appeared in the deploy list; "
                    f"see {link}",
                )
            else:
                await asyncio.sleep(poll)
    link = dashboard_link(service_id, started)
    progress(f"Render deploy {started} started: {link}")
    last, since = "", time.monotonic()
    while True:
        status = str((await api.deploy(service_id, started)).get("status", "unknown"))
        if status != last:
            progress(f"Render deploy {started}: {status} ({time.monotonic() - since:.0f}s)")
            last = status
        if status in RENDER_DONE:
            return DeployOutcome(
                "render", True, status, started, link, f"Render deploy {started} is live."
            )
        if status in RENDER_FAILED:
            return DeployOutcome(
                "render",
                False,
                status,
                started,
                link,
                f"Render deploy {started} ended {status}; read its logs at {link}, fix, "
                "and push again.",
            )
        if time.monotonic() > deadline:
            return DeployOutcome(
                "render",
                False,
                status,
                started,
                link,
                f"Render deploy {started} is still {status} after {wait:.0f}s; follow it at {link}",
            )
        await asyncio.sleep(poll)


async def deploy_vercel(
    api: VercelApi,
    project_id: str,
    project: str,
    progress: Progress,
    env: Mapping[str, str] = os.environ,
) -> DeployOutcome:
    """Redeploy the latest production deployment and follow it to READY or ERROR."""
    poll, wait = timing(env)
    deadline = time.monotonic() + wait
    latest = await api.latest_production(project_id)
    if latest is None:
        return DeployOutcome(
            "vercel",
            False,
            "none",
            "",
            "",
            "Vercel has no production deployment to rebuild yet: push to main (Vercel "
            "deploys it from Git), then run push again.",
        )
    new = await api.redeploy(project, latest)
    did = str(new.get("id", ""))
    link = str(new.get("inspectorUrl") or f"https://{new.get('url', '')}")
    progress(f"Vercel deployment {did} started: {link}")
    last, since, doc = "", time.monotonic(), new
    while True:
        state = str(doc.get("readyState") or doc.get("status") or "QUEUED")
        if state != last:
            progress(f"Vercel deployment {did}: {state} ({time.monotonic() - since:.0f}s)")
            last = state
        if state in VERCEL_DONE:
            return DeployOutcome(
                "vercel",
                True,
                state,
                did,
                link,
                f"Vercel deployment {did} is READY: https://{doc.get('url', '')}",
            )
        if state in VERCEL_FAILED:
            why = doc.get("errorMessage") or doc.get("errorCode") or "no message"
            return DeployOutcome(
                "vercel",
                False,
                state,
                did,
                link,
                f"Vercel deployment {did} ended {state} ({why}); see {link}, fix, and push again.",
            )
        if time.monotonic() > deadline:
            return DeployOutcome(
                "vercel",
                False,
                state,
                did,
                link,
                f"Vercel deployment {did} is still {state} after {wait:.0f}s; follow it at {link}",
            )
        await asyncio.sleep(poll)
        doc = await api.deployment(did)
