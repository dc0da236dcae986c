"""What adapters share: the capabilities as protocols, and the shapes they answer with.

An adapter is built by a ``Session`` (one HTTP client for the run) and implements the
capabilities its registry row lists. Every rule of DESIGN's "Platforms" section holds for each:
plan before writing, find before create, read back after writing and report from the read-back,
never guess a value the vendor assigns.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from wizard.platforms.plan import Applied, PushPlan

#: a line for people about what is happening now (a deploy's status, a domain check)
Progress = Callable[[str], None]
Values = Mapping[str, str | None]


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


@dataclass(frozen=True)
class DnsRecord:
    """One record the user creates at their DNS provider."""

    platform: str
    type: str
    name: str
    value: str
    why: str


@dataclass(frozen=True)
class DomainStatus:
    platform: str
    domain: str
    verified: bool
    #: one line: what is still missing (empty once verified)
    waiting_for: str = ""


class Pushes(Protocol):
    """push + deploy: variables in, read back, then a deploy followed to the end."""

    async def plan(self, values: Values, salt: bytes, known: Mapping[str, Any] | None) -> PushPlan:
        """Find (or plan to create) the target and compare its variables; sends no write."""

    async def apply(self, plan: PushPlan, salt: bytes) -> Applied:
        """Create the target or write each changed variable; then read everything back."""

    async def deploy(self, plan: PushPlan, applied: Applied, progress: Progress) -> DeployOutcome:
        """Start a deploy (or follow the one creation started) to its end."""


class HasDomains(Protocol):
    async def add_domain(self, domain: str) -> list[DnsRecord]:
        """Add ``domain`` (idempotent) and say which DNS records it needs."""

    async def domain_status(self, domain: str) -> DomainStatus:
        """Ask the platform to verify ``domain`` and say what it still lacks."""


def seconds_from(env: Mapping[str, str], name: str, default: float) -> float:
    """A positive number of seconds from ``env[name]``; ``default`` when unset or not one."""
    try:
        value = float(env.get(name, ""))
    except ValueError:
        return default
    return value if value > 0 else default


def timing(env: Mapping[str, str] = os.environ) -> tuple[float, float]:
    """(seconds between polls, longest wait) for following a deploy: tests and slow builds tune
    them with ``CONVOAI_SETUP_DEPLOY_POLL`` / ``CONVOAI_SETUP_DEPLOY_WAIT``."""
    return (
        seconds_from(env, "CONVOAI_SETUP_DEPLOY_POLL", 5.0),
        seconds_from(env, "CONVOAI_SETUP_DEPLOY_WAIT", 1800.0),
    )


async def follow(
    read: Callable[[], Awaitable[str]],
    done: set[str],
    failed: set[str],
    say: Callable[[str, float], None],
    env: Mapping[str, str],
) -> tuple[str, bool | None]:
    """Poll ``read`` (a deploy's status) until it is in ``done`` (True) or ``failed`` (False),
    or the longest wait passes (None); ``say`` hears each change with the seconds since."""
    poll, wait = timing(env)
    deadline, since, last = time.monotonic() + wait, time.monotonic(), ""
    while True:
        status = await read()
        if status != last:
            say(status, time.monotonic() - since)
            last = status
        if status in done:
            return status, True
        if status in failed:
            return status, False
        if time.monotonic() > deadline:
            return status, None
        await asyncio.sleep(poll)
