"""What a front end supplies to a core operation (push, provision, up): how to confirm, how to
show a plan, how to say a line. Everything else is the operation's, the same for the CLI, the
TUI and ``--plain``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

P = TypeVar("P")
#: (the plans that write something, the follow-ups described) -> go ahead? (may be awaited)
Confirm = Callable[[list[P], list[str]], "bool | Awaitable[bool]"]
#: (a line for people, its level: info | warn | error)
Say = Callable[[str, str], None]


@dataclass
class FrontEnd(Generic[P]):
    #: asked once, after the plans are shown; None: there is no way to ask (no terminal and no
    #: --yes), so nothing is written and the outcome says what to run
    confirm: Confirm[P] | None
    show: Callable[[P], None] = lambda plan: None
    say: Say = lambda line, level: None


async def confirmed(front: FrontEnd[P], plans: list[P], extras: list[str]) -> bool:
    """The front end's answer, awaited if it is a coroutine (a TUI modal)."""
    import inspect

    assert front.confirm is not None
    answer = front.confirm(plans, extras)
    if inspect.isawaitable(answer):
        answer = await answer
    return bool(answer)
