"""The ``convoai-setup`` command line: argparse, dispatch, and the error/exit-code contract.

Each command lives in ``wizard/commands/<name>.py`` with ``register(subparsers, common)`` and
``run(args)``; command modules import their heavy dependencies inside ``run`` so ``--help`` and
``status`` start fast. Front ends (Textual, questionary) are imported only by the commands that
draw them.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from checklists.errors import EXIT_USAGE, SetupError
from wizard import __version__

#: command name -> module, in the order --help lists them
COMMANDS = {
    "phase": "wizard.commands.phase",
    "status": "wizard.commands.status",
    "check": "wizard.commands.check",
    "stripe": "wizard.commands.stripe",
    "vars": "wizard.commands.vars",
    "generate": "wizard.commands.generate",
    "migrate": "wizard.commands.migrate",
    "write": "wizard.commands.write",
    "export": "wizard.commands.export",
    "push": "wizard.commands.push",
    "drift": "wizard.commands.drift",
    "verify": "wizard.commands.verify",
    "domain": "wizard.commands.domain",
    "provision": "wizard.commands.provision",
    "up": "wizard.commands.up",
}
#: top-level options that take a value (to find the command word in argv)
_OPTIONS_WITH_VALUE = {"--project"}


DESCRIPTION = """\
Walks a ConvoAI checkout through the production deployment plan: Supabase, Upstash, Render,
Vercel, GitHub Actions, then Stripe webhooks, custom domain and Sentry.
Run without a command to open the wizard (resumes where you stopped)."""

EPILOG = """\
exit codes: 0 success, 1 a check or validation failed, 2 usage or configuration error,
130 interrupted (SIGINT), 143 terminated (SIGTERM). Secrets are never accepted as arguments:
they come from a hidden prompt or stdin.
environment: CONVOAI_SETUP_KEYRING=system|vault, CONVOAI_SETUP_PASSPHRASE, CONVOAI_SETUP_VAULT,
NO_COLOR."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # argparse's own usage errors follow the same one-line, exit-2 contract.
        from checklists.chars import escape

        self.print_usage(sys.stderr)
        # The message can quote an argument as typed: escape it (no raw escape sequences).
        print(f"convoai-setup: {escape(message)} (see: {self.prog} --help)", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


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
    """The parser; with ``argv`` naming a command, only that command's module is imported.

    Importing every command module costs ~50 ms on each run; only --help needs them all.
    """
    common = argparse.ArgumentParser(add_help=False)
    # SUPPRESS: a --project given before the command must not be reset by the subparser default.
    common.add_argument(
        "--project",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="the ConvoAI checkout (default: the current directory)",
    )
    parser = _Parser(
        prog="convoai-setup",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"convoai-setup {__version__}")
    parser.add_argument("--project", metavar="DIR", default=None, help="the ConvoAI checkout")
    parser.add_argument(
        "--plain", action="store_true", help="line-by-line prompts instead of the TUI"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    word = _command_word(argv) if argv is not None else None
    names = [word] if word in COMMANDS else list(COMMANDS)
    for name in names:
        importlib.import_module(COMMANDS[name]).register(sub, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    if not getattr(args, "project", None):
        args.project = "."
    handler = getattr(args, "handler", None)
    try:
        if handler is None:
            from wizard.commands.phase import run_wizard

            return run_wizard(args)
        return int(handler(args))
    except KeyboardInterrupt as exc:  # SIGINT, or SIGTERM where wizard.signals is installed
        from wizard import signals

        print(("\n" if sys.stderr.isatty() else "") + signals.message(exc), file=sys.stderr)
        return signals.exit_code(exc)
    except Exception as exc:
        from wizard.console import error

        if isinstance(exc, OSError) and not isinstance(exc, BrokenPipeError):
            # Read-only project, full disk, no permission: a path and a fix, not a bug report.
            from checklists.errors import from_os_error

            exc = from_os_error(exc)
        if not isinstance(exc, SetupError):
            return _unexpected(exc)

        error(exc.line())
        return exc.exit_code


def _unexpected(exc: Exception) -> int:
    if isinstance(exc, BrokenPipeError):
        return 0
    if os.environ.get("CONVOAI_SETUP_DEBUG"):
        raise exc
    from wizard.console import error

    # The exception text is not shown: it might quote a value. The type is enough to report.
    error(
        f"unexpected {type(exc).__name__}; nothing further was changed. "
        "Re-run with CONVOAI_SETUP_DEBUG=1 for details and report it."
    )
    return EXIT_USAGE


if __name__ == "__main__":
    raise SystemExit(main())
