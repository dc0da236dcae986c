"""``status`` and the wizard's own command line are read without building argparse: for every
command line the short reader (``wizard.cli.read_flags``) accepts, argparse must make exactly
the same of it.

argparse stays the one definition of the command line: ``FLAG_COMMANDS`` is what the command
modules declare to it, and the reader accepts only exact words (a command of that table, its
flags, ``--project DIR``) and leaves everything else to argparse.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from tests.conftest import run_cli
from wizard.cli import read_flags
from wizard.cli_parser import build_parser
from wizard.cli_text import FLAG_COMMANDS

#: the words of short command lines: the reader's own, and ones it must leave to argparse
#: (other options, abbreviations, ``--opt=value``, dash values, positionals, ``--``)
WORDS = [
    "status",
    "--json",
    "--project",
    "P",
    "",
    "-",
    "-x",
    "--plain",
    "--js",
    "--proj",
    "--project=Q",
    "-h",
    "check",
    "--",
]


def command_lines(longest: int) -> list[list[str]]:
    return [
        list(words)
        for size in range(longest + 1)
        for words in itertools.product(WORDS, repeat=size)
    ]


def test_every_command_line_the_reader_accepts_parses_the_same_with_argparse() -> None:
    accepted = []
    for argv in command_lines(5):
        read = read_flags(argv)
        if read is not None:
            accepted.append(argv)
            assert vars(read) == vars(build_parser(argv).parse_args(argv)), argv
    # status alone, with --json, with --project before, after and between them
    assert ["status"] in accepted and ["--project", "", "status", "--json"] in accepted
    assert ["status", "--project", "check", "--json", "--json"] in accepted
    # the wizard: nothing, --project, --plain (also before status)
    assert [] in accepted and ["--project", "P", "--plain"] in accepted
    assert ["--plain", "status", "--json"] in accepted


@pytest.mark.parametrize(
    "argv",
    [
        ["--project", "A", "status", "--json"],
        ["status", "--project", "B", "--json", "--project", "C"],
        ["status", "--json", "--json"],
        ["--project", "", "status"],
        ["--project", "status", "status"],
    ],
)
def test_the_reader_answers_for_status_and_its_flags(argv: list[str]) -> None:
    read = read_flags(argv)
    assert read is not None and read.command == "status"
    assert vars(read) == vars(build_parser(argv).parse_args(argv))


@pytest.mark.parametrize(
    "argv",
    [
        ["status", "--help"],
        ["status", "--plain"],
        ["--plain", "check"],
        ["status", "--js"],
        ["status", "--json=1"],
        ["--project=X", "status"],
        ["--project", "-x", "status"],
        ["--project"],
        ["status", "extra"],
        ["--json", "status"],
        ["check", "--json"],
        ["status", "--", "--json"],
    ],
)
def test_anything_else_is_left_to_argparse(argv: list[str]) -> None:
    assert read_flags(argv) is None


@pytest.mark.parametrize("argv", [[], ["--plain"], ["--project", "A", "--plain", "--project", "B"]])
def test_the_reader_answers_for_the_wizard_itself(argv: list[str]) -> None:
    read = read_flags(argv)
    assert read is not None and read.command is None and not hasattr(read, "handler")
    assert vars(read) == vars(build_parser(argv).parse_args(argv))


def test_the_flags_read_are_the_flags_the_commands_declare_to_argparse() -> None:
    for command, flags in FLAG_COMMANDS.items():
        parser = build_parser([command])
        sub = next(a for a in parser._actions if a.dest == "command").choices[command]
        declared = {
            option: action.help
            for action in sub._actions
            for option in action.option_strings
            if action.dest not in ("help", "project")
        }
        assert declared == flags, command


def test_status_help_and_errors_still_come_from_argparse(project: Path) -> None:
    shown = run_cli("status", "--help", project=project)
    assert shown.returncode == 0 and "--json" in shown.stdout
    assert "one JSON document on stdout" in shown.stdout
    wrong = run_cli("status", "--jsn", project=project)
    assert wrong.returncode == 2 and "unrecognized arguments: --jsn" in wrong.stderr
