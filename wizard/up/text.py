"""What every front end of ``up`` says (``convoai-setup up``, Deploy everything in the TUI, the
end of ``--plain``): the plan as rows, one line per step event, and what the run made."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wizard.up import StepEvent, UpOutcome, UpPlan

#: a step's state at the start of its line
MARKS = {"done": "✓", "skipped": "·", "failed": "✗", "stop": "■", "running": "…", "planned": " "}


def plan_rows(plan: UpPlan) -> list[tuple[int, str, str]]:
    """(its number, the step, what it will do) per step."""
    return [(n, step, line) for n, (step, line) in enumerate(plan.lines, start=1)]


def step_line(event: StepEvent) -> str:
    """``✓ provision  done        0.4s  created stripe price …``"""
    mark = MARKS.get(event.status, "?")
    return f"{mark} {event.step:<10} {event.status:<8} {event.seconds:6.1f}s  {event.message}"


def made_lines(outcome: UpOutcome) -> list[str]:
    """The URLs the run settled and what it created."""
    lines = [f"{name}: {url}" for name, url in outcome.urls.items()]
    if outcome.created:
        lines.append("Created: " + ", ".join(outcome.created))
    return lines


def total(outcome: UpOutcome) -> float:
    """The seconds the run's steps took."""
    return sum(outcome.seconds().values())
