"""The wizard itself: ``convoai-setup [--plain]`` and ``convoai-setup phase ID``."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    from wizard.phases import PHASE_IDS

    p = sub.add_parser("phase", parents=[common], help="re-run one phase of the wizard")
    p.add_argument("phase_id", metavar="ID", choices=PHASE_IDS, help=", ".join(PHASE_IDS))
    p.add_argument("--plain", action="store_true", help="line-by-line prompts instead of the TUI")
    p.set_defaults(handler=run_phase)


def run_wizard(args: argparse.Namespace) -> int:
    """No command given: the interactive wizard. Until the TUI lands, show the status."""
    from wizard.commands import status

    args.json = False
    return status.run(args)


def run_phase(args: argparse.Namespace) -> int:
    return run_wizard(args)
