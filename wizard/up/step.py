"""What every step of ``up`` is: a ``describe`` (what it would do, read-only and cheap: the plan)
and a ``run`` (do it, or say it is already done and still true).

``run`` answers (status, message): ``done`` when it changed something, ``skipped`` when there
was nothing to do, ``stop`` when the run ends here on purpose; a failure raises a
``SetupError`` whose line says what to do next.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from wizard.up import Run

Describe = Callable[["Run"], Awaitable[tuple[str, bool]]]
Act = Callable[["Run"], Awaitable[tuple[str, str]]]


@dataclass(frozen=True)
class Step:
    id: str
    title: str
    describe: Describe
    run: Act


def session_for(run: Run, values: Mapping[str, str | None]) -> Any:
    """A platform session for one step, with the ids the state remembers."""
    from wizard.platforms.remembered import known
    from wizard.platforms.session import Session

    return Session(values, run.timeout, run.env, known(run.answers.project))
