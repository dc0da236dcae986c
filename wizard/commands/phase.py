"""The wizard itself: ``convoai-setup [--plain]`` and ``convoai-setup phase ID``.

Both front ends live in ``screens/`` and are imported here, inside the handlers, so no other
command pays for Textual or questionary.
"""

from __future__ import annotations

import sys

from checklists.errors import EXIT_USAGE

#: ``typing.TYPE_CHECKING`` without importing ``typing`` (mypy treats the name the same way):
#: the wizard's own command line is read without argparse (``wizard.cli.read_flags``), and
#: whatever is imported here is paid for before the TUI's first frame
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from typing import Any

NO_TERMINAL = (
    "convoai-setup: no terminal for the interactive wizard; use the non-interactive commands: "
    "vars set/import, check, migrate, write, export (see --help)"
)


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    import argparse

    from wizard.phases import PHASE_IDS

    p = sub.add_parser("phase", parents=[common], help="re-run one phase of the wizard")
    p.add_argument("phase_id", metavar="ID", choices=PHASE_IDS, help=", ".join(PHASE_IDS))
    # SUPPRESS: without it this default would override `convoai-setup --plain phase ID`.
    p.add_argument(
        "--plain",
        action="store_true",
        default=argparse.SUPPRESS,
        help="line-by-line prompts instead of the TUI",
    )
    p.set_defaults(handler=run_phase)


def run_wizard(args: argparse.Namespace) -> int:
    """No command given: the interactive wizard (resumes where the person stopped)."""
    return _run(args, None)


def run_phase(args: argparse.Namespace) -> int:
    """``phase ID``: open that phase directly."""
    return _run(args, args.phase_id)


def _run(args: argparse.Namespace, phase_id: str | None) -> int:
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        print(NO_TERMINAL, file=sys.stderr)
        return EXIT_USAGE
    project = getattr(args, "project", None) or "."
    if getattr(args, "plain", False):
        from screens.run import run_plain

        return run_plain(project, phase_id)
    from screens.run import run_tui

    return run_tui(project, phase_id)
