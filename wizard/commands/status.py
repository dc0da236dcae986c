"""``convoai-setup status``: phases and the plan's todos as done / stale / pending / failed."""

from __future__ import annotations

import os

from wizard.cli_text import FLAG_COMMANDS
from wizard.commands import print_json, project_of
from wizard.project import STATE_DIR

#: ``typing.TYPE_CHECKING`` without importing ``typing`` (mypy treats the name the same way):
#: ``status`` must start fast (``bench.startup``)
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from typing import Any


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "status",
        parents=[common],
        help="phases and todos: done / stale / pending / failed",
        description="Show each phase and the plan's todos, read from the project's state only "
        "(the secret store is not opened).",
    )
    for flag, text in FLAG_COMMANDS["status"].items():  # read without argparse too (wizard.cli)
        p.add_argument(flag, action="store_true", help=text)
    p.set_defaults(handler=run)


def collect(project: Any) -> dict[str, Any]:
    """The status document (also what ``--json`` prints)."""
    from wizard.done import all_status
    from wizard.notes import notes
    from wizard.phases import TODOS, required_progress
    from wizard.state import StateFile

    state = StateFile(project).read()
    phases = all_status(project, state)
    messages = notes(state, phases)
    have, required = required_progress(state)
    doc: dict[str, Any] = {
        "project": {
            "name": project.name,
            "root": project.root_dir,
            "state": project.file(STATE_DIR, "state.json"),
        },
        "store": state.get("store", {}).get("backend"),
        "values": {"required": required, "required_set": have},
        "phases": [],
        "todos": [],
    }
    for ps in phases:
        doc["phases"].append(
            {
                "id": ps.phase.id,
                "title": ps.phase.title,
                "status": ps.status,
                "at": ps.at,
                "verified_at": ps.verified_at,
                "message": messages[ps.phase.id],
                "changed": list(ps.changed),
                "todo": list(ps.todo),
                "failed": list(ps.failed),
                "todos": list(ps.phase.todos),
            }
        )
        for todo in ps.phase.todos:
            doc["todos"].append({"id": todo, "content": TODOS[todo], "status": ps.status})
    migrations = state.get("migrations")
    if migrations:
        doc["migrations"] = migrations
    # The shell and .env never reach production: where they differ, say so (stored secrets are
    # not compared: that would open the secret store). Read only when either could say
    # something, so a plain status keeps its start-up cost.
    doc["outside"] = []
    if os.path.isfile(project.file(".env")) or _catalog_names_in_environment():
        from wizard.outside import differences
        from wizard.values import Answers

        found = differences(Answers(project), secrets=False)
        doc["outside"] = [o.doc() | {"line": o.line()} for o in found]
    return doc


def _catalog_names_in_environment() -> bool:
    from checklists.catalog import catalog

    return any(name in os.environ for name in catalog())


def run(args: argparse.Namespace) -> int:
    from wizard.console import paint, shown, table, warn

    project = project_of(args)
    doc = collect(project)
    if args.json:
        print_json(doc)
        return 0
    name, root = shown(doc["project"]["name"]), shown(doc["project"]["root"])
    print(f"Project  {paint(name, 'bold')}  ({root})")
    store = doc["store"] or "not chosen yet (the first secret you store decides)"
    print(f"Secrets  {store}")
    v = doc["values"]
    print(f"Values   {v['required_set']} of {v['required']} required values set")
    if "migrations" in doc:
        m = doc["migrations"]
        print(
            f"Database {m.get('applied', 0)} applied, {m.get('pending', 0)} pending, "
            f"{m.get('edited', 0)} edited migrations (as of {shown(str(m.get('at', '?')))})"
        )
    print()
    rows = []
    for ph in doc["phases"]:
        when = ph["at"] or ""
        note = ph["message"]
        if ph["verified_at"]:
            note = (note + "; " if note else "") + f"verified live at {ph['verified_at']}"
        rows.append([ph["id"], ph["status"], when, ", ".join(ph["todos"]), note])
    print(table(["PHASE", "STATUS", "SINCE", "TODO", "NOTE"], rows, status_col=1))
    for found in doc["outside"]:
        warn(f"{found['line']}. (The shell and .env never reach production.)")
    pending = [ph["id"] for ph in doc["phases"] if ph["status"] != "done"]
    if pending:
        print(f"\nNext: convoai-setup phase {pending[0]}")
    return 0
