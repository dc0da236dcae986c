"""``convoai-setup generate jwt-secret [--store]``."""

from __future__ import annotations

import argparse
from typing import Any

from wizard.commands import project_of


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("generate", parents=[common], help="generate a value (jwt-secret)")
    p.add_argument("what", choices=["jwt-secret"])
    p.add_argument(
        "--store", action="store_true", help="store it as JWT_SECRET without printing it"
    )
    p.add_argument("--reveal", action="store_true", help="with --store: print it as well")
    p.set_defaults(handler=run)


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
    answers.set("JWT_SECRET", value, source="generated")
    info(
        f"JWT_SECRET generated ({len(value)} characters, 32 random bytes) and stored in the "
        f"{answers.store.description}: {mask('JWT_SECRET', value)}"
    )
    if args.reveal:
        print(value)
    return 0
