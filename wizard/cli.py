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

#: command name -> (its module, the line ``--help`` shows), in the order --help lists them.
#: The summaries live here so ``--help`` imports no command module; a test checks that each
#: module registers the same line. Each fits an 80-column terminal (see ``top_help``).
COMMANDS: dict[str, tuple[str, str]] = {
    "phase": ("wizard.commands.phase", "re-run one phase of the wizard"),
    "status": ("wizard.commands.status", "phases and todos: done / stale / pending / failed"),
    "check": ("wizard.commands.check", "validate every value live, all services at once"),
    "stripe": ("wizard.commands.stripe", "Stripe API actions (create-webhook)"),
    "vars": ("wizard.commands.vars", "set, list, get, unset or import values"),
    "generate": ("wizard.commands.generate", "generate a value (jwt-secret)"),
    "migrate": (
        "wizard.commands.migrate",
        "apply supabase/schema.sql and supabase/migrations in order",
    ),
    "write": ("wizard.commands.write", "write .env.example, vercel.json, ci.yml and render.yaml"),
    "export": (
        "wizard.commands.export",
        "the filled environment checklist (markdown, json or dotenv)",
    ),
    "push": ("wizard.commands.push", "push the variables to Render and Vercel, then deploy"),
    "drift": (
        "wizard.commands.drift",
        "compare the values with the platforms (exit 1 if they differ)",
    ),
    "verify": ("wizard.commands.verify", "smoke test the live site: API, SPA, proxy, widget, TLS"),
    "domain": ("wizard.commands.domain", "custom domain on Vercel (and Render)"),
    "provision": (
        "wizard.commands.provision",
        "find or create Supabase, Upstash, Stripe and Sentry resources",
    ),
}
#: = ``checklists.errors.EXIT_USAGE``, which is not imported before an error needs it
EXIT_USAGE = 2
PROG = "convoai-setup"
USAGE = f"{PROG} [-h] [--version] [--project DIR] [--plain] COMMAND ..."
#: the top-level options as ``top_help`` shows them (a test compares it with the parser's help)
OPTIONS = (
    ("-h, --help", "show this help message and exit"),
    ("--version", "show program's version number and exit"),
    ("--project DIR", "the ConvoAI checkout"),
    ("--plain", "line-by-line prompts instead of the TUI"),
)

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


def terminal_columns() -> int:
    """The terminal's width as ``shutil.get_terminal_size`` finds it, without importing shutil
    (with bz2, lzma and fnmatch): ``COLUMNS``, else the terminal on stdout, else 80."""
    try:
        columns = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns if columns > 0 else 80


def top_help(columns: int) -> str | None:
    """What ``convoai-setup --help`` prints, without building the parser; None when a line
    would not fit in ``columns`` (argparse then wraps it, see ``main``).

    argparse's layout for these rows: items at indent 2 (commands at 4), help text in one
    column two spaces after the longest item, at most at column 24. A test compares this with
    argparse's own output at several widths.
    """
    width = columns - 2
    rows = [
        (2, "COMMAND", None),
        *((4, name, summary) for name, (_, summary) in COMMANDS.items()),
        *((2, item, text) for item, text in OPTIONS),
    ]
    at = min(max(i + len(item) for i, item, _ in rows) + 2, min(24, max(width - 20, 4)))
    if len("usage: " + USAGE) > width or any(
        i + len(item) + 2 > at or at + len(text) > max(width, at + 11)
        for i, item, text in rows
        if text is not None
    ):
        return None
    lines = [
        f"{' ' * i}{item:<{at - i}}{text}" if text else f"{' ' * i}{item}" for i, item, text in rows
    ]
    commands, options = lines[: len(COMMANDS) + 1], lines[len(COMMANDS) + 1 :]
    return "\n".join(
        [
            f"usage: {USAGE}",
            "",
            DESCRIPTION,
            "",
            "positional arguments:",
            *commands,
            "",
            "options:",
            *options,
            "",
            EPILOG,
            "",
        ]
    )


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv in (["--help"], ["-h"]):
        # The most common first command: no parser to build (argparse's help formatting alone
        # costs more than Python's start-up) unless the terminal is too narrow for this text.
        text = top_help(terminal_columns())
        if text is not None:
            sys.stdout.write(text)
            return 0
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
