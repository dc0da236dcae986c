"""NUL, control characters and ANSI escapes are refused in every value and never echoed raw
(issue 9 §3): one line naming the variable and the position, nothing stored, nothing written."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from checklists.catalog import catalog, validate_format
from checklists.chars import escape
from tests.conftest import run_cli

#: anything a terminal would interpret: C0 (ESC, BEL, NUL...), DEL, C1 (CSI)
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
HOSTILE = [
    ("APP_URL", "https://x.onrender.com\0evil", 23),
    ("JWT_SECRET", "abcdefghijklmnopqrstuvwxyz0123456789\x01\x1b[31m", 37),
    ("OPENAI_API_KEY", "sk-abcdefghij\x1b]0;pwned\x07klmnopqrstuv", 14),
    ("STRIPE_STARTER_PRICE_ID", "price_1Nabcdefgh\x9b31m", 17),
    ("GITHUB_REPOSITORY", "owner/na\u202eme", 9),
    ("APP_URL", "https://a.example.com/x\x7f", 24),
    ("RENDER_SERVICE_NAME", "convoai\nbackend", 8),
]


def snapshot(project: Path) -> dict[str, bytes]:
    files = [*project.rglob("*"), Path(os.environ["CONVOAI_SETUP_VAULT"])]
    return {str(p): p.read_bytes() for p in files if p.is_file()}


def one_clean_line(text: str) -> bool:
    return (
        text.count("\n") == 1
        and text.startswith("convoai-setup: ")
        and not RAW_CONTROL.search(text.replace("\n", ""))
    )


@pytest.mark.parametrize(("name", "value", "position"), HOSTILE)
def test_the_one_offline_check_refuses_control_characters(
    name: str, value: str, position: int
) -> None:
    problems = validate_format(name, value)
    assert problems, name
    assert name in problems[0] and f"position {position}" in problems[0]
    assert "control character" in problems[0]
    assert not RAW_CONTROL.search(problems[0]) and value not in problems[0]


def test_every_variable_refuses_an_escape_even_in_a_valid_looking_value() -> None:
    for var in catalog().values():
        good = var.example
        assert not any("control character" in p for p in validate_format(var.name, good))
        bad = good[:3] + "\x1b[2J" + good[3:]
        assert "control character" in validate_format(var.name, bad)[0], var.name


@pytest.mark.parametrize("allow", [False, True])
@pytest.mark.parametrize(("name", "value", "position"), HOSTILE)
def test_vars_set_from_stdin_refuses_control_characters(
    project: Path, name: str, value: str, position: int, allow: bool
) -> None:
    before = snapshot(project)
    flags = ["--allow-invalid"] if allow else []
    done = run_cli("vars", "set", name, *flags, project=project, input=value + "\n")
    assert done.returncode == 1, done.stderr
    assert one_clean_line(done.stderr), done.stderr
    assert name in done.stderr and f"position {position}" in done.stderr
    assert "nothing was stored" in done.stderr
    assert snapshot(project) == before


def test_vars_set_from_argv_refuses_an_escape(project: Path) -> None:
    before = snapshot(project)
    done = run_cli("vars", "set", "APP_URL", "https://a.example.com/\x1b[31mred", project=project)
    assert done.returncode == 1 and one_clean_line(done.stderr), done.stderr
    assert "APP_URL" in done.stderr and "position 23" in done.stderr
    assert snapshot(project) == before


def test_import_with_a_nul_imports_nothing_and_writes_nothing(
    project: Path, tmp_path: Path
) -> None:
    source = tmp_path / "hostile.env"
    source.write_bytes(b"NODE_ENV=production\nAPP_URL=https://x.onrender.com\0evil\nPORT=10000\n")
    before = snapshot(project)
    for flags in ([], ["--allow-invalid"]):
        done = run_cli("vars", "import", str(source), *flags, project=project)
        assert done.returncode == 1 and one_clean_line(done.stderr), done.stderr
        assert "APP_URL" in done.stderr and "U+0000" in done.stderr
    assert snapshot(project) == before
    assert (
        not (project / "vercel.json").exists()
        or b"\0" not in (project / "vercel.json").read_bytes()
    )


def test_unknown_names_and_forced_values_are_never_echoed_raw(
    project: Path, tmp_path: Path
) -> None:
    source = tmp_path / "names.env"
    source.write_text(
        "\x1b[2JEVIL\x07=1\nNODE_ENV=staging\nAPP_\x9bURL=x\nPORT=10000\n", encoding="utf-8"
    )
    done = run_cli("vars", "import", str(source), "--allow-invalid", project=project)
    assert done.returncode == 0, done.stderr
    assert not RAW_CONTROL.search(done.stderr.replace("\n", "")), repr(done.stderr)
    assert "\\x1b[2JEVIL\\x07" in done.stderr and "APP_\\x9bURL" in done.stderr
    assert "stored anyway" in done.stderr or "imported anyway" in done.stderr


def test_escape_is_repr_like_and_leaves_plain_text_alone() -> None:
    assert escape("plain text é") == "plain text é"
    assert escape("a\x1b[31mb\0\u202e") == "a\\x1b[31mb\\x00\\u202e"
    assert escape("two\nlines", keep="\n") == "two\nlines"


@pytest.mark.parametrize("where", ["environment", ".env"])
def test_a_control_character_in_the_shell_or_dotenv_is_never_used_nor_shown_raw(
    project: Path, where: str
) -> None:
    value = "https://a.example.com/\x1b[31m"
    env = {}
    if where == "environment":
        env["APP_URL"] = value
    else:
        (project / ".env").write_text(f'APP_URL="{value}"\n', encoding="utf-8")
    before = snapshot(project)
    # Production values never come from there: the commands run as if it were not set.
    got = run_cli("vars", "get", "APP_URL", project=project, env=env)
    assert got.returncode == 1 and "APP_URL is not set" in got.stderr
    written = run_cli("write", "vercel", project=project, env=env)
    assert written.returncode == 2 and "APP_URL is not set" in written.stderr
    exported = run_cli("export", project=project, env=env)
    assert exported.returncode == 0, exported.stderr
    listed = run_cli("vars", "list", project=project, env=env)
    assert listed.returncode == 0, listed.stderr
    for done in (got, written, exported, listed):
        assert not RAW_CONTROL.search(done.stdout + done.stderr.replace("\n", ""))
    assert "APP_URL=https://a.example.com/\\x1b[31m" in listed.stderr  # pointed out, escaped
    assert snapshot(project) == before
