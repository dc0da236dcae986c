"""Build and export the filled checklist: one core path for ``convoai-setup export`` and the TUI.

Per variable: its status (``missing`` / ``invalid`` / ``failed`` / ``set`` / ``verified``) and
the last live check of *this* value: a result counts only if it was recorded on the value's
current digest (older ones are for another value). Per phase: its status by the one rule
(``wizard.done``) and what is still to do, taken from the same rule's todo lines.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checklists import advice
from checklists.catalog import catalog, mask, validate_format
from checklists.export import ChecklistRow, PhaseRow
from wizard.done import world_of
from wizard.phases import value_digests
from wizard.state import StateData
from wizard.values import Answers

FORMATS = ("markdown", "json", "dotenv")
DESTINATIONS = ("render", "vercel", "wizard")


def _results_for(state: StateData, name: str) -> list[Mapping[str, Any]]:
    """Recorded results that checked the current value of ``name`` (skips verify nothing)."""
    changed = str(state.get("values", {}).get(name, {}).get("updated_at") or "")
    out = []
    for r in state.get("checks", {}).values():
        if not isinstance(r, Mapping) or name not in (r.get("variables") or ()):
            continue
        if r.get("outcome") == "skip" or r.get("detail") == "missing":
            continue
        inputs = r.get("inputs")
        if isinstance(inputs, Mapping):  # recorded with the digests it checked: compare them
            if dict(inputs) != value_digests(state, r.get("variables") or ()):
                continue
            # ... and with the world it checked (the webhook endpoint it found, since moved)
            if str(r.get("world") or "") != world_of(state, str(r.get("provider") or "")):
                continue
        elif str(r.get("at") or "") < changed:  # an older record: at least after the change
            continue
        out.append(r)
    return out


def last_check(state: StateData, name: str) -> tuple[str, str | None, str]:
    """(verified | failed | unchecked, when, one line) for the current value of ``name``."""
    results = _results_for(state, name)
    if not results:
        stale = any(name in (r.get("variables") or ()) for r in state.get("checks", {}).values())
        return "unchecked", None, "not checked since it changed" if stale else "never checked"
    failed = [r for r in results if r.get("outcome") == "fail"]
    when = max(str(r.get("at") or "") for r in results) or None
    if failed:
        return (
            "failed",
            when,
            f"failed {when or ''}: {failed[0].get('message', '')}".replace(" :", ":"),
        )
    return "verified", when, f"passed {when or ''}".strip()


def verified_at(state: StateData, name: str) -> str | None:
    """The latest time every check of the current value of ``name`` passed (None otherwise)."""
    outcome, when, _ = last_check(state, name)
    return when if outcome == "verified" else None


def status_of(name: str, value: str | None, record: Mapping[str, Any] | None) -> str:
    """missing / invalid / set, from the value and what was recorded when it was stored."""
    if value is None or value == "":
        return "missing"
    if record is not None and record.get("format_ok") is False:
        return "invalid"
    return "invalid" if validate_format(name, value) else "set"


def build_rows(
    answers: Answers, reveal: bool, destination: str | None = None
) -> list[ChecklistRow]:
    """One row per catalog variable (of ``destination`` only, if given), in catalog order."""
    state = answers.state_file.read()
    names = [v.name for v in catalog().values() if destination in (None, *v.destinations)]
    rows: list[ChecklistRow] = []
    for name, resolved in answers.resolve_all(names).items():
        var = catalog()[name]
        status = status_of(name, resolved.value, state["values"].get(name))
        checked, when, line = last_check(state, name) if var.checks else ("unchecked", None, "")
        if status == "set" and checked in ("verified", "failed"):
            status = checked  # a key whose check failed is not just "set"
        rows.append(
            ChecklistRow(
                name=name,
                destination=destination or var.destinations[0],
                required=var.required,
                status=status,
                verified_at=when if status == "verified" else None,
                source=resolved.source,
                value_masked=mask(name, resolved.value),
                value=resolved.value if reveal else None,
                description=advice.render(var.description),
                secret=var.secret,
                last_check=line if status != "missing" else "",
            )
        )
    return rows


def phase_rows(answers: Answers) -> list[PhaseRow]:
    """Every phase by the one rule, with what is left to do."""
    from wizard.done import all_status

    state = answers.state_file.read()
    return [
        PhaseRow(s.phase.id, s.phase.title, s.status, s.at, s.message, (*s.failed, *s.todo))
        for s in all_status(answers.project, state)
    ]


#: what a dotenv export holds, per destination (the same words in the CLI's help and the TUI)
DOTENV_HOLDS = {
    "render": "Render's variables, every secret in clear, for Render's Environment > Add from .env",
    "vercel": "Vercel's variables (VITE_API_URL), to paste into Vercel's Environment Variables",
    "wizard": "the wizard's own credentials (tokens, the database URL) in clear, for your "
    "password manager; never for the app",
}


def export_notice(fmt: str, destination: str | None, path: str) -> str:
    """What an export will hold and where it goes (``path`` as shown), said before anything is
    written."""
    if fmt != "dotenv":
        which = f"the {destination} variables" if destination else "every variable"
        return (
            f"The {fmt} checklist: each phase's status, what is left to do, and {which}, secret "
            f"values masked (sk_live_…4f2a). Written to {path}."
        )
    if destination not in DOTENV_HOLDS:
        return (
            "A .env file holds real values for one platform: choose render, vercel or wizard "
            "(wizard-only credentials must never reach Render or Vercel)."
        )
    return (
        f"A .env file of REAL values: {DOTENV_HOLDS[destination]}. Written to {path}, mode "
        "0600, kept out of git (.git/info/exclude). Delete it once pasted."
    )


@dataclass(frozen=True)
class Export:
    text: str
    #: it holds real values (mode 0600 on disk, kept out of git)
    revealed: bool


def render_export(
    answers: Answers, fmt: str, reveal: bool = False, destination: str | None = None
) -> Export:
    """The checklist as ``fmt`` text; raises ``UsageError`` for a combination that can't be.

    dotenv is a file of real values to paste into one platform, so it needs ``reveal`` and
    a ``destination`` (no mixing of wizard-only credentials into Render's variables).
    """
    from checklists import export
    from checklists.errors import UsageError
    from wizard.state import now_iso

    if fmt not in FORMATS:
        raise UsageError(f"{fmt!r} is not an export format.", f"Use {', '.join(FORMATS)}.")
    if destination is not None and destination not in DESTINATIONS:
        raise UsageError(
            f"{destination!r} is not a destination.", f"Use {', '.join(DESTINATIONS)}."
        )
    if fmt == "dotenv" and not reveal:
        raise UsageError(
            "--format dotenv needs --reveal: it is a file of real values, and masked ones "
            "would look like configuration; nothing was exported.",
            "Add --reveal (and --output FILE), or use --format markdown or json.",
        )
    if fmt == "dotenv" and destination is None:
        raise UsageError(
            "--format dotenv needs --destination render, vercel or wizard: a .env file is "
            "pasted whole, and wizard-only credentials must not reach Render or Vercel; "
            "nothing was exported.",
            "Add --destination render (the 15 variables of Render's Add from .env), or vercel.",
        )
    rows = build_rows(answers, reveal=reveal, destination=destination)
    if fmt == "dotenv":
        try:
            return Export(export.render_dotenv(rows), True)
        except export.UnrepresentableValue as exc:
            raise UsageError(f"{exc}; nothing was exported.", "Use --format json.") from None
    context: dict[str, Any] = {
        "project": answers.project.name,
        "generated_at": now_iso(),
        "migrations": answers.state_file.read().get("migrations"),
        "phases": phase_rows(answers),
    }
    render = export.render_json if fmt == "json" else export.render_markdown
    # A file holds commands: the advice in phase messages is written as the command.
    return Export(advice.render(render(rows, **context)), reveal)


def write_export(answers: Answers, result: Export, path: Path) -> tuple[Path, str]:
    """Write atomically (0600 when revealed); returns the path and a note about git ("": none).

    A revealed file inside a git work tree must be git-ignored; ``keep_out_of_git`` makes it so
    or refuses before anything is written.
    """
    from checklists.errors import UsageError
    from wizard.fsutil import atomic_write
    from wizard.gitignore import keep_out_of_git

    target = path if path.is_absolute() else answers.project.root / path
    if target.is_symlink() or target.is_dir():
        kind = "symlink" if target.is_symlink() else "directory"
        raise UsageError(f"{target} is a {kind}; nothing was exported.", "Choose another path.")
    note = keep_out_of_git(target) if result.revealed else ""
    try:
        atomic_write(target, result.text.encode("utf-8"), mode=0o600 if result.revealed else 0o644)
    except OSError as exc:
        raise UsageError(f"Cannot write {target} ({exc.strerror}); nothing was exported.") from None
    return target, note
