"""What every provider shares: the check result type, the check context and the error type.

A check is ``async def check_<service>(ctx: CheckContext) -> list[CheckResult]``. It never raises
for an expected failure (bad key, timeout, refused connection): it returns a ``fail`` result
with one line a person can act on. Messages never contain a secret value.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from checklists.errors import Outcome, SetupError

if TYPE_CHECKING:  # httpx costs ~100 ms to import; the migrate and vars paths never need it
    import asyncio

    import httpx

OUTCOMES: tuple[Outcome, ...] = ("ok", "warn", "fail", "skip")


@dataclass(frozen=True)
class CheckResult:
    #: service id, e.g. ``stripe``
    service: str
    #: short check name, e.g. ``balance`` or ``price STRIPE_GROWTH_PRICE_ID``
    check: str
    outcome: Outcome
    #: one line: what was found, and for warn/fail what to do next
    message: str
    #: catalog variables this check validated (export uses it for "verified live")
    variables: tuple[str, ...] = ()
    #: phase id the check belongs to (status uses it for "verified live at …")
    phase: str = ""
    detail: str = ""
    ms: float = 0.0


@dataclass
class CheckContext:
    """Everything a check may use: the values, one shared HTTP client, the timeout, the env."""

    values: Mapping[str, str | None]
    client: httpx.AsyncClient
    timeout: float
    #: base-URL overrides and other settings (os.environ in real runs)
    env: Mapping[str, str] = field(default_factory=dict)
    send_test_event: bool = False
    #: the ConvoAI checkout (for vercel.json and the schema's table names); None: not known
    project_root: Path | None = None

    @property
    def budget(self) -> float:
        """Seconds one operation of a library without cooperative deadlines (redis, psycopg)
        may take: a little under ``timeout``, so it normally stops on its own first."""
        return self.timeout * 0.9

    def value(self, name: str) -> str:
        """The value of ``name``, or ``""`` when it is not set."""
        return (self.values.get(name) or "").strip()


@dataclass
class Deadline:
    """One check's time limit as the runner enforces it, cooperatively.

    When the limit passes, the runner does not cancel the check (that raced the check's own,
    more precise message and lost under load). It calls ``expire``: every request the check
    has in flight through ``providers.http.send`` is interrupted and becomes that request's
    own "did not answer within" failure, later requests fail at once, and the check returns
    its results as usual. Only a check that still does not return is cut off by the runner.
    """

    seconds: float
    expired: bool = False
    inflight: set[asyncio.Task[object]] = field(default_factory=set)

    def expire(self) -> None:
        self.expired = True
        for task in list(self.inflight):
            task.cancel()


#: the deadline of the check running in this task (set by the runner; None outside a run)
CURRENT_DEADLINE: ContextVar[Deadline | None] = ContextVar("check_deadline", default=None)


class Stopwatch:
    """Milliseconds since creation, for ``CheckResult.ms``."""

    def __init__(self) -> None:
        self.start = time.perf_counter()

    @property
    def ms(self) -> float:
        return round((time.perf_counter() - self.start) * 1000, 1)


@dataclass
class Results:
    """Collects one provider's results with its service id and phase filled in."""

    service: str
    phase: str
    items: list[CheckResult] = field(default_factory=list)

    def add(
        self,
        check: str,
        outcome: Outcome,
        message: str,
        variables: tuple[str, ...] = (),
        watch: Stopwatch | None = None,
        detail: str = "",
    ) -> CheckResult:
        result = CheckResult(
            self.service,
            check,
            outcome,
            message,
            variables,
            self.phase,
            detail,
            watch.ms if watch else 0.0,
        )
        self.items.append(result)
        return result

    def error(
        self, check: str, exc: SetupError, variables: tuple[str, ...], watch: Stopwatch
    ) -> CheckResult:
        return self.add(check, exc.outcome, exc.line(), variables, watch)
