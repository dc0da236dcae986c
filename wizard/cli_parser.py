"""The argparse side of the CLI: the parser, built with only the command module it needs.

``wizard.cli.main`` imports this after its fast path (top-level ``--help``) did not answer.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import NoReturn

from wizard import __version__
from wizard.cli_text import COMMANDS, DESCRIPTION, EPILOG, EXIT_USAGE, PROG, terminal_columns

#: top-level options that take a value (to find the command word in argv)
_OPTIONS_WITH_VALUE = {"--project"}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # argparse's own usage errors follow the same one-line, exit-2 contract.
        from checklists.chars import escape

        self.print_usage(sys.stderr)
        # The message can quote an argument as typed: escape it (no raw escape sequences).
        print(f"convoai-setup: {escape(message)} (see: {self.prog} --help)", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)

    def _get_formatter(self) -> argparse.HelpFormatter:
        # argparse builds one for every add_argument (to check its metavar); its own width
        # rule (columns - 2) without importing shutil, which costs more than the whole parse.
        # (Every argparse formatter takes ``width``; typeshed's protocol names only ``prog``.)
        width = terminal_columns() - 2
        return self.formatter_class(prog=self.prog, width=width)  # type: ignore[call-arg]


def _command_word(argv: Sequence[str]) -> str | None:
    """The command named in ``argv`` (None for the wizard itself or top-level --help)."""
    skip = False
    for token in argv:
        if skip:
            skip = False
        elif token in _OPTIONS_WITH_VALUE:
            skip = True
        elif not token.startswith("-"):
            return token
    return None


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser; only the module of the command ``argv`` names is imported.

    Without a command, help and the error for a mistyped command list each command as a
    placeholder with its summary; the wizard itself (no command) needs none. Without ``argv``, every command module registers its own
    parser: the whole CLI, as tests and docs read it.
    """
    import importlib

    common = _Parser(add_help=False)
    # SUPPRESS: a --project given before the command must not be reset by the subparser default.
    common.add_argument(
        "--project",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="the ConvoAI checkout (default: the current directory)",
    )
    parser = _Parser(
        prog=PROG,
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument("--project", metavar="DIR", default=None, help="the ConvoAI checkout")
    parser.add_argument(
        "--plain", action="store_true", help="line-by-line prompts instead of the TUI"
    )
    # prog given: argparse would otherwise build a help formatter to work it out.
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser, prog=PROG)
    word = _command_word(argv) if argv is not None else None
    if argv is not None and word not in COMMANDS:
        if word is not None or {"-h", "--help"} & set(argv):
            # Only help and the "invalid choice" error list the commands; the wizard itself
            # (no command word) parses without a parser per command.
            for name, (_, summary) in COMMANDS.items():
                sub.add_parser(name, help=summary, add_help=False)
        return parser
    for name in [word] if word in COMMANDS else COMMANDS:
        importlib.import_module(COMMANDS[name][0]).register(sub, common)
    return parser
