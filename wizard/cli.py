"""The ``convoai-setup`` command line: dispatch, top-level help and the error/exit-code contract.

Each command lives in ``wizard/commands/<name>.py`` with ``register(subparsers, common)`` and
``run(args)``; the parser (``wizard.cli_parser``) imports only the module of the command named,
and command modules import their heavy dependencies inside ``run``, so ``--help`` and ``status``
start fast (``bench.startup``). Front ends (Textual, questionary) are imported only by the
commands that draw them.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from wizard.cli_text import COMMANDS, EXIT_USAGE, FLAG_COMMANDS, terminal_columns, top_help

#: ``typing.TYPE_CHECKING`` without importing ``typing`` (mypy treats the name the same way)
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse

__all__ = ["COMMANDS", "main", "top_help"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; without ``argv`` (the console script, ``python -m wizard``) the
    process is the program's, and ends when this returns."""
    if argv is not None:
        return _main(list(argv))
    try:
        return _main(sys.argv[1:])
    finally:
        # The process exits next. Its last garbage collections would walk every object start-up
        # made (modules, classes, the catalog: ~10k for status, 2-3 ms, near a tenth of
        # its run) to free what the operating system frees anyway; frozen, they are skipped.
        # Nothing relies on a finalizer at exit (Python doesn't promise to run them either).
        import gc

        gc.freeze()


def _main(argv: list[str]) -> int:
    if argv in (["--help"], ["-h"]):
        # The most common first command: no parser to build (argparse's help formatting alone
        # costs more than Python's start-up) unless the terminal is too narrow for this text.
        text = top_help(terminal_columns())
        if text is not None:
            sys.stdout.write(text)
            return 0
    args = read_flags(argv)
    if args is None:
        from wizard.cli_parser import build_parser

        args = build_parser(argv).parse_args(argv)
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
        from checklists.errors import SetupError, from_os_error
        from wizard.console import error

        if isinstance(exc, OSError) and not isinstance(exc, BrokenPipeError):
            # Read-only project, full disk, no permission: a path and a fix, not a bug report.
            exc = from_os_error(exc)
        if not isinstance(exc, SetupError):
            return _unexpected(exc)

        error(exc.line())
        return exc.exit_code


def read_flags(argv: list[str]) -> argparse.Namespace | None:
    """What argparse makes of ``argv`` when it is the wizard's own command line (``--project
    DIR`` and ``--plain``: it opens the TUI, whose first frame pays for any import before it) or
    a command of ``FLAG_COMMANDS`` with some of its flags and ``--project DIR`` (anywhere, the
    last one counting); None for any other command line, which argparse then reads (help,
    errors, abbreviations, ``--opt=value``, a value that starts with ``-``: everything but
    these exact words)."""
    from types import SimpleNamespace

    command: str | None = None
    found: dict[str, object] = {"project": None, "plain": False}
    words = iter(argv)
    for word in words:
        if word == "--project":
            value = next(words, None)
            if value is None or value.startswith("-"):
                return None
            found["project"] = value
        elif command is None and word == "--plain":
            found["plain"] = True
        elif command is None and word in FLAG_COMMANDS:
            command = word
            found.update(dict.fromkeys((_dest(f) for f in FLAG_COMMANDS[word]), False))
        elif command is not None and word in FLAG_COMMANDS[command]:
            found[_dest(word)] = True
        else:
            return None
    if command is not None:  # (none for the wizard itself: ``_main`` runs it without one)
        __import__(COMMANDS[command][0])
        found["handler"] = sys.modules[COMMANDS[command][0]].run
    # A Namespace in all but name: argparse itself is what this avoids importing. The handlers
    # only read its attributes, and tests/core/test_cli_flags.py holds them to argparse's.
    parsed: argparse.Namespace = SimpleNamespace(  # type: ignore[assignment]
        command=command, **found
    )
    return parsed


def _dest(flag: str) -> str:
    """argparse's attribute name for a flag: ``--dry-run`` -> ``dry_run``."""
    return flag.lstrip("-").replace("-", "_")


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
