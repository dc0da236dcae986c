"""Advice names an action by id; each front end says it in its own words (issue 16).

The core never writes a CLI command into a message: a leftover literal would reach the TUI as a
command next to the button that does it. These tests read the product's own source and its
output, so a regression fails here rather than on a person's screen.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from checklists.advice import ACTIONS, CLOSE, OPEN, as_commands, do, from_text, parse, render
from screens.advice import for_screen, words
from tests.conftest import REPO

#: actions with no screen of their own in the TUI: shown there as the command
COMMAND_ONLY = {"vars get", "vars import", "vars list"}
#: modules that write files (a generated file's comments, an export): a reader of a file runs
#: commands, so those stay commands
WRITES_FILES = {
    "wizard/gitignore.py",
    "wizard/outputs/env_example.py",
    "wizard/outputs/render_yaml.py",
    "wizard/outputs/workflow.py",
    "checklists/export.py",
}
#: prose that names another process, not advice
PROSE = ("Another convoai-setup migrate is running",)
ADVICE = re.compile(r"convoai-setup (" + "|".join(re.escape(a) for a in ACTIONS) + r")\b")


def _core_strings() -> list[tuple[str, int, str]]:
    """Every string literal (f-string parts included) of the core, with file and line."""
    out = []
    for package in ("wizard", "providers", "checklists"):
        for path in sorted((REPO / package).rglob("*.py")):
            rel = path.relative_to(REPO).as_posix()
            if rel.startswith("wizard/commands/") or rel == "wizard/cli.py":
                continue  # the CLI is a front end: it says commands in its own words
            tree = ast.parse(path.read_text(encoding="utf-8"))
            docstrings = {
                id(node.body[0].value)
                for node in ast.walk(tree)
                if isinstance(
                    node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef
                )
                and node.body
                and isinstance(node.body[0], ast.Expr)
                and isinstance(node.body[0].value, ast.Constant)
            }
            for node in ast.walk(tree):
                text = node.value if isinstance(node, ast.Constant) else None
                if isinstance(text, str) and id(node) not in docstrings:
                    out.append((rel, node.lineno, text))
    return out


def test_the_core_names_actions_by_id_never_as_commands() -> None:
    literal = [
        f"{rel}:{line}: {text!r}"
        for rel, line, text in _core_strings()
        if ADVICE.search(text) and rel not in WRITES_FILES and not text.startswith(PROSE)
    ]
    assert literal == []


def test_every_action_the_tui_can_do_has_its_words() -> None:
    for action in ACTIONS:
        said = words(action, ["render"] if action in ("push", "drift", "write") else ["X"])
        assert (said is None) == (action in COMMAND_ONLY), action


def test_rendering_by_front_end() -> None:
    text = f"Set it: {do('vars set', 'APP_URL')}, then {do('push', 'render')}."
    assert render(text) == "Set it: convoai-setup vars set APP_URL, then convoai-setup push render."
    assert for_screen(text) == (
        "Set it: enter APP_URL in its field and Save (Ctrl+S), then press Push on the Platform "
        "tab (F5) of Render."
    )
    assert as_commands({"a": [text]}) == {"a": [render(text)]}
    assert parse("stripe create-webhook") == ("stripe create-webhook", [])
    assert parse("write env-example ci") == ("write", ["env-example", "ci"])
    with pytest.raises(ValueError):
        do("rm -rf")
    # Data files write an action in backticks; an unknown one is a typo that fails loudly.
    assert from_text("run `convoai-setup migrate`") == f"run {OPEN}migrate{CLOSE}"
    with pytest.raises(ValueError):
        from_text("run `convoai-setup nonsense`")


def test_a_stored_message_is_rendered_where_it_is_shown(tmp_path: Path) -> None:
    # Check results are stored with their markers: the CLI renders them as commands.
    from wizard.console import shown

    assert shown(f"x: {do('migrate')}") == "x: convoai-setup migrate"
    assert OPEN not in shown(f"{OPEN}unclosed")  # a stray marker is escaped, never raw
