"""What every provider shares: the check result type, the check context and the error type.

A check is ``async def check_<service>(ctx: CheckContext) -> list[CheckResult]``. It never raises
for an expected failure (bad key, timeout, refused connection): it returns a ``fail`` result
with one line a person can act on. Messages never contain a secret value.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

import httpx

Outcome = Literal["ok", "warn", "fail", "skip"]
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


class ProviderError(Exception):
    """An API action (not a check) failed: ``message`` says what and why, ``hint`` what next."""

    exit_code = 1

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def line(self) -> str:
        return f"{self.message} {self.hint}".strip() if self.hint else self.message


class Stopwatch:
    """Milliseconds since creation, for ``CheckResult.ms``."""

    def __init__(self) -> None:
        self.start = time.perf_counter()

    @property
    def ms(self) -> float:
        return round((time.perf_counter() - self.start) * 1000, 1)
