"""One module per CLI command: ``register(subparsers, common)`` and a ``run``-style handler."""

from __future__ import annotations

import sys

#: ``typing.TYPE_CHECKING`` without importing ``typing`` (mypy treats the name the same way):
#: ``status`` imports this package, and must start fast
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from typing import Any

    from wizard.project import Project


def project_of(args: argparse.Namespace) -> Project:
    from wizard.project import find_project

    return find_project(getattr(args, "project", None) or ".")


def answered_yes(question: str) -> bool:
    """``question [y/N] `` on stderr, one line read from stdin: only an explicit yes is yes."""
    sys.stderr.write(f"{question} [y/N] ")
    sys.stderr.flush()
    return sys.stdin.readline().strip().lower() in ("y", "yes")


def print_json(document: Any) -> None:
    """``--json`` output: exactly one JSON document on stdout (advice written as commands)."""
    import json

    from checklists.advice import as_commands

    json.dump(as_commands(document), sys.stdout, indent=2, sort_keys=False)
    sys.stdout.write("\n")
