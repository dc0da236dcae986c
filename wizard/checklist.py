"""Build the filled checklist from the project's answers, state and recorded checks.

Used by ``convoai-setup export`` and by the TUI. A value is ``verified`` only when every live
check that used it and ran after the value last changed passed; ``invalid`` when its format is
wrong; ``set`` otherwise; ``missing`` when there is none.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from checklists.catalog import catalog, mask, validate_format
from checklists.export import ChecklistRow
from wizard.state import StateData
from wizard.values import Answers


def verified_at(state: StateData, name: str) -> str | None:
    """The latest time every check using ``name`` passed, if all did since the value changed."""
    changed = state.get("values", {}).get(name, {}).get("updated_at") or ""
    results = [
        r
        for r in state.get("checks", {}).values()
        if isinstance(r, Mapping)
        and name in (r.get("variables") or ())
        and r.get("outcome") != "skip"
        and str(r.get("at") or "") >= changed
    ]
    if not results or any(r.get("outcome") != "ok" for r in results):
        return None
    return max(str(r.get("at") or "") for r in results) or None


def status_of(name: str, value: str | None, record: Mapping[str, Any] | None) -> str:
    """missing / invalid / set, from the value and what was recorded when it was stored."""
    if value is None or value == "":
        return "missing"
    if record is not None and record.get("format_ok") is False:
        return "invalid"
    return "invalid" if validate_format(name, value) else "set"


def build_rows(answers: Answers, reveal: bool) -> list[ChecklistRow]:
    """One row per catalog variable, in catalog order; real values only when ``reveal``."""
    state = answers.state_file.read()
    rows: list[ChecklistRow] = []
    for name, resolved in answers.resolve_all().items():
        var = catalog()[name]
        status = status_of(name, resolved.value, state["values"].get(name))
        when = verified_at(state, name) if status == "set" else None
        rows.append(
            ChecklistRow(
                name=name,
                destination=var.destinations[0],
                required=var.required,
                status="verified" if when else status,
                verified_at=when,
                source=resolved.source,
                value_masked=mask(name, resolved.value),
                value=resolved.value if reveal else None,
                description=var.description,
                secret=var.secret,
            )
        )
    return rows
