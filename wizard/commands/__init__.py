"""One module per CLI command: ``register(subparsers, common)`` and a ``run``-style handler."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from wizard.project import Project, find_project


def project_of(args: argparse.Namespace) -> Project:
    return find_project(getattr(args, "project", None) or ".")


def print_json(document: Any) -> None:
    """``--json`` output: exactly one JSON document on stdout (advice written as commands)."""
    from checklists.advice import as_commands

    json.dump(as_commands(document), sys.stdout, indent=2, sort_keys=False)
    sys.stdout.write("\n")
