"""Top-level ``--help`` is printed without building the parser: it must say what argparse says."""

from __future__ import annotations

import pytest

from wizard.cli import COMMANDS, main, top_help
from wizard.cli_parser import build_parser


@pytest.mark.parametrize("columns", [30, 60, 77, 80, 100, 200])
def test_help_is_argparse_help_at_every_width(
    columns: int, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COLUMNS", str(columns))
    # Every command module registers its own parser and summary here: the whole CLI.
    expected = build_parser().format_help()
    for flag in ("--help", "-h"):
        assert exit_code([flag]) == 0
        assert capsys.readouterr().out == expected, flag


def exit_code(argv: list[str]) -> int:
    """``main``'s exit code, returned (the fast path) or raised by argparse (narrow terminals)."""
    try:
        return main(argv)
    except SystemExit as exc:
        return int(exc.code or 0)


def test_help_needs_no_parser_on_an_80_column_terminal() -> None:
    # A pipe has no terminal: argparse then assumes 80 columns, as top_help does.
    text = top_help(80)
    assert text is not None
    for name, (_, summary) in COMMANDS.items():
        row = f"    {name:<13}{summary}"
        assert f"\n{row}\n" in text and len(row) <= 78, name  # argparse's width: columns - 2
    assert top_help(60) is None  # narrower: the summaries wrap, argparse does that


def test_the_wizard_and_a_mistyped_command_still_parse(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = build_parser(["--plain"]).parse_args(["--plain"])
    assert args.command is None and args.plain
    with pytest.raises(SystemExit) as done:
        main(["stauts"])
    assert done.value.code == 2
    err = capsys.readouterr().err
    assert "invalid choice: 'stauts'" in err and "'status'" in err
