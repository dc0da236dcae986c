"""``convoai-setup generate jwt-secret [--store] [--yes]``."""

from __future__ import annotations

import argparse
from typing import Any

from wizard.commands import answered_yes, project_of


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "generate",
        parents=[common],
        help="generate a value (jwt-secret)",
        description="Generate a value. jwt-secret: 32 random bytes, base64, as openssl rand "
        "-base64 32. With --store it is stored as JWT_SECRET without being printed; replacing "
        "a stored one is asked first on a terminal, or needs --yes (without either: exit 2).",
    )
    p.add_argument("what", choices=["jwt-secret"])
    p.add_argument(
        "--store", action="store_true", help="store it as JWT_SECRET without printing it"
    )
    p.add_argument("--reveal", action="store_true", help="with --store: print it as well")
    p.add_argument(
        "--yes",
        action="store_true",
        help="with --store: replace a stored JWT_SECRET without asking",
    )
    p.set_defaults(handler=run)


def _may_replace(answers: Any, yes: bool) -> bool:
    """True when nothing is stored, --yes was given, or the person said yes on a terminal."""
    import sys

    from checklists.errors import UsageError
    from wizard.generate import SIGNS_OUT

    record = answers.state_file.read()["values"].get("JWT_SECRET")
    if record is None or yes:
        return True
    when = f" (stored {record.get('updated_at')})" if record.get("updated_at") else ""
    if not sys.stdin.isatty():
        raise UsageError(
            f"JWT_SECRET is already stored{when}: {SIGNS_OUT}. There is no terminal to ask on, "
            "so nothing was stored.",
            "To replace it anyway: convoai-setup generate jwt-secret --store --yes",
        )
    return answered_yes(f"JWT_SECRET is already stored{when}; {SIGNS_OUT}.\nReplace it?")


def run(args: argparse.Namespace) -> int:
    from wizard.generate import jwt_secret

    value = jwt_secret()
    if not args.store:
        print(value)  # asked for a value without storing it: printing is the point
        return 0
    from checklists.catalog import mask
    from wizard.console import info
    from wizard.values import Answers

    answers = Answers(project_of(args))
    if not _may_replace(answers, args.yes):
        info("JWT_SECRET kept; nothing was stored.")
        return 0
    answers.set("JWT_SECRET", value, source="generated")
    info(
        f"JWT_SECRET generated ({len(value)} characters, 32 random bytes) and stored in the "
        f"{answers.store.description}: {mask('JWT_SECRET', value)}"
    )
    if args.reveal:
        print(value)
    return 0
