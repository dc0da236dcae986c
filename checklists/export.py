"""Render the filled environment checklist: markdown (the plan's tables), JSON and dotenv.

Pure functions over ``ChecklistRow``s: no I/O, no wizard imports. ``wizard.checklist`` builds the
rows from the project's answers; the CLI and the TUI decide where the text goes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass

#: the plan's "Environment Variables Checklist" tables, then the wizard's own credentials
SECTIONS = (
    ("render", "Backend (Render.com)"),
    ("vercel", "Frontend (Vercel)"),
    ("wizard", "Wizard-only credentials (never sent to the app)"),
)
STATUSES = ("missing", "set", "invalid", "failed", "verified")


@dataclass(frozen=True)
class ChecklistRow:
    """One variable in the checklist."""

    name: str
    #: render | vercel | wizard
    destination: str
    required: bool
    #: missing | invalid (format) | failed (a live check failed on this value) | set (not
    #: checked on this value yet) | verified (every live check using this value passed)
    status: str
    #: when the live checks last passed (status ``verified`` only)
    verified_at: str | None
    #: entered, generated, imported, created by API, flag, environment, .env, default
    #: (None: missing)
    source: str | None
    #: what may be shown anywhere: secrets masked (``sk_live_…4f2a``), others as they are
    value_masked: str
    #: the real value; only filled in when the user asked for ``--reveal``
    value: str | None = None
    description: str = ""
    secret: bool = False
    #: the last live check of this very value, one line ("" when no check uses it)
    last_check: str = ""


@dataclass(frozen=True)
class PhaseRow:
    """One phase in the checklist: where it stands, and what is left to do."""

    id: str
    title: str
    #: done | stale | pending | failed (the one rule, ``wizard.done``)
    status: str
    #: when it was done (or since when it is stale)
    at: str | None
    message: str
    #: what is still to do, one line each
    todo: tuple[str, ...] = ()


def status_text(row: ChecklistRow) -> str:
    """``verified live at 2026-…Z`` for verified rows, the bare status otherwise."""
    if row.status == "verified" and row.verified_at:
        return f"verified live at {row.verified_at}"
    return row.status


def _cell(text: str) -> str:
    # Keep a value on one table row: pipes escaped (GFM), line breaks as <br>.
    text = text.replace("|", "\\|")
    return text.replace("\r\n", "<br>").replace("\n", "<br>").replace("\r", "<br>")


def _shown(row: ChecklistRow) -> str:
    text = row.value if row.value is not None else row.value_masked
    if not text:
        return ""
    fence = "``" if "`" in text else "`"
    pad = " " if fence == "``" else ""
    return f"{fence}{pad}{_cell(text)}{pad}{fence}"


def _phases_markdown(phases: Sequence[PhaseRow]) -> list[str]:
    """The phases table, then what is left, phase by phase (from the phases' own todo lists)."""
    if not phases:
        return []
    out = [
        "## Phases",
        "",
        "| Phase | Status | Since | Note |",
        "|-------|--------|-------|------|",
    ]
    for p in phases:
        out.append(f"| {p.title} (`{p.id}`) | {p.status} | {p.at or ''} | {_cell(p.message)} |")
    out.append("")
    left = [p for p in phases if p.status != "done"]
    out += ["## Still to do", ""]
    if not left:
        return [*out, "Nothing: every phase is done and verified on the current values.", ""]
    for p in left:
        out.append(f"- **{p.title}** ({p.status}):")
        out += [f"  - [ ] {_cell(line)}" for line in p.todo or (p.message,)]
    return [*out, ""]


def render_markdown(
    rows: Sequence[ChecklistRow],
    *,
    project: str = "",
    generated_at: str | None = None,
    migrations: Mapping[str, object] | None = None,
    phases: Sequence[PhaseRow] | None = None,
) -> str:
    """The plan's checklist tables, filled in per variable."""
    revealed = any(r.value is not None for r in rows)
    out = ["# Environment variables checklist", ""]
    about = [
        f"Project: {project}" if project else "",
        f"Generated: {generated_at}" if generated_at else "",
    ]
    if any(about):
        out += ["  \n".join(a for a in about if a), ""]
    if revealed:
        out += ["> **This file holds real secret values.** Keep it private; do not commit it.", ""]
    else:
        out += ["Secret values are masked; `convoai-setup export --reveal` includes them.", ""]
    out += _phases_markdown(phases or ())
    for destination, title in SECTIONS:
        section = [r for r in rows if r.destination == destination]
        if not section:
            continue
        out += [f"## {title}", ""]
        out.append("| Variable | Required | Status | Last check | Source | Destination | Value |")
        out.append("|----------|----------|--------|------------|--------|-------------|-------|")
        for r in section:
            cells = [
                f"`{r.name}`",
                "Yes" if r.required else "No",
                status_text(r),
                _cell(r.last_check),
                r.source or "",
                r.destination,
                _shown(r),
            ]
            out.append("| " + " | ".join(cells) + " |")
        out.append("")
    if migrations:
        out += ["## Database migrations", ""]
        counts = [
            f"{migrations.get(k, 0)} {k}" for k in ("applied", "pending", "edited", "unknown")
        ]
        when = f" (as of {migrations['at']})" if migrations.get("at") else ""
        out += [", ".join(counts) + when + ".", ""]
    return "\n".join(out)


def render_json(
    rows: Sequence[ChecklistRow],
    *,
    project: str = "",
    generated_at: str | None = None,
    migrations: Mapping[str, object] | None = None,
    phases: Sequence[PhaseRow] | None = None,
) -> str:
    """One JSON document: the phases, the rows (``value`` is null unless revealed), context."""
    doc: dict[str, object] = {
        "project": project,
        "generated_at": generated_at,
        "revealed": any(r.value is not None for r in rows),
        "phases": [asdict(p) for p in phases or ()],
        "variables": [asdict(r) for r in rows],
    }
    if migrations:
        doc["migrations"] = dict(migrations)
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


class UnrepresentableValue(ValueError):
    """A value python-dotenv cannot read back exactly (the message names the variable only)."""


def dotenv_quote(name: str, value: str) -> str:
    """``value`` written so ``dotenv_values`` returns it unchanged.

    Double quotes: python-dotenv decodes ``\\\\ \\" \\r`` (and other C escapes) inside them, so
    every backslash is doubled, quotes and carriage returns escaped, and newlines kept literal.
    Its quoted-value regex can't end on a backslash, so such a value is written unquoted when
    that is unambiguous. ``${NAME}`` is expanded by python-dotenv unless read with
    ``interpolate=False``; nothing in the format can escape it.
    """
    if value.endswith("\\"):
        plain = value.strip() == value and not any(c in value for c in "\r\n'\"#")
        if plain and value:
            return value
        raise UnrepresentableValue(
            f"{name} ends with a backslash and can't be written to a .env file"
        )
    body = value.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "\\r")
    return f'"{body}"'


def render_dotenv(rows: Sequence[ChecklistRow]) -> str:
    """A ``.env`` of one destination's real values (rows revealed and filtered by the caller).

    One destination per file: a file is pasted whole ("Add from .env" on Render), so mixing
    in wizard-only credentials would hand them to the platform. Missing values are comments.
    """
    destinations = list(dict.fromkeys(r.destination for r in rows))
    if len(destinations) > 1:
        raise ValueError("a dotenv export holds one destination's variables")
    out = [
        "# Real values exported by convoai-setup: this file holds secrets.",
        "# Keep it private (mode 0600) and never commit it.",
    ]
    for destination, title in SECTIONS:
        section = [r for r in rows if r.destination == destination]
        if not section:
            continue
        out += ["", f"# {title}"]
        for r in section:
            if r.value is None:
                out.append(f"# {r.name}= ({'required, ' if r.required else ''}{r.status})")
            else:
                out.append(f"{r.name}={dotenv_quote(r.name, r.value)}")
    return "\n".join(out) + "\n"
