"""What the command line says about itself: the commands (each with its module and the line
``--help`` shows), the top-level options, and the top-level help printed without argparse.

Shared by ``wizard.cli`` (dispatch) and ``wizard.cli_parser`` (argparse), so neither imports
the other; data only, so ``--help`` imports next to nothing.
"""

from __future__ import annotations

import os
import sys

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
    "up": ("wizard.commands.up", "from the tokens to a verified live site, resumable"),
}
#: the commands whose only options are on/off flags (besides ``--project DIR``), with each
#: flag's help. Their modules declare exactly these to argparse, so the parser stays the one
#: definition of the command line; ``wizard.cli`` reads a command line of only these words
#: itself (``read_flags``) rather than build argparse, whose import and set-up cost more than
#: the command (``bench.startup``). ``tests/core/test_cli_flags.py`` holds the two to the same
#: result for every short command line.
FLAG_COMMANDS: dict[str, dict[str, str]] = {
    "status": {"--json": "one JSON document on stdout"},
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
        stdout = sys.__stdout__  # None when Python runs without one
        try:
            columns = os.get_terminal_size(stdout.fileno()).columns if stdout else 0
        except (ValueError, OSError):  # not a terminal, or a closed stream
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
