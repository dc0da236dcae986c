"""The platform operations' answers as text, the same in the TUI's Platform tab and ``--plain``:
a push plan (values masked) and a drift comparison. Advice in them is marked
(``checklists.advice.do``), so each front end renders it in its own words. No Textual here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from checklists.advice import do

if TYPE_CHECKING:
    from wizard.drift import Drift
    from wizard.platforms.plan import PushPlan


def plan_text(plan: PushPlan) -> str:
    """The plan as the CLI prints it: its target, one row per variable (masked), its notes."""
    from wizard.console import table
    from wizard.platforms.plan import plan_rows
    from wizard.platforms.plan import plan_text as head

    rows = table(["ACTION", "VARIABLE", "VALUE"], plan_rows(plan))
    return "\n".join([*head(plan), rows, *plan.notes])


def drift_text(found: Drift) -> str:
    """One platform compared: in sync / different / missing / extra per variable."""
    from wizard.console import table
    from wizard.platforms import row

    label = row(found.destination).label
    if found.error is not None:
        return f"{label}: {found.error.line()}"
    lines = [f"{label}: {found.target}", *(f"  {note}" for note in found.notes)]
    if not found.exists:
        lines.append(f"  does not exist yet: {do('push', found.destination)} creates it")
    else:
        lines.append(table(["VARIABLE", "STATUS"], [list(r) for r in found.rows]))
    return "\n".join(lines)


def drift_summary(found: Sequence[Drift]) -> str:
    """One line per platform: in sync, or how many values differ (the first few named)."""
    from wizard.platforms import row

    lines = []
    for d in found:
        label = row(d.destination).label
        if d.error is not None:
            lines.append(f"{label} could not be compared.")
        elif d.in_sync:
            lines.append(f"{label} is in sync: nothing to push.")
        elif not d.exists:
            lines.append(f"{label}: {d.target.replace(' (to create)', '')} does not exist yet.")
        else:
            groups = []
            for status in ("different", "missing"):
                names = [n for n, s in d.rows if s == status]
                if names:
                    groups.append(f"{len(names)} {status} ({_few(names)})")
            lines.append(f"{label} differs: {', '.join(groups)}.")
    return " ".join(lines)


def _few(names: Sequence[str], most: int = 4) -> str:
    more = len(names) - most
    return ", ".join(names[:most]) + (f" and {more} more" if more > 0 else "")
