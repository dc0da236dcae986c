"""A hand-edited state.json is validated against its schema on load (issue 9 §8).

Every malformed document is moved aside and reported exactly like an unparsable one; no
AttributeError, TypeError or RecursionError reaches a person, and the file is kept byte for byte.
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest

from checklists.errors import StateError
from tests.conftest import run_cli
from wizard.cli import main
from wizard.project import find_project
from wizard.state import StateFile, empty_state

DEEP = '{"version": 1, "checks": {"x": ' + "[" * 100_000 + "]" * 100_000 + "}}"
MALFORMED = {
    "values is a list": '{"version": 1, "values": []}',
    "version is a bool": '{"version": true, "values": {}}',
    "version 0": '{"version": 0}',
    "negative version": '{"version": -3}',
    "record is text": '{"version": 1, "values": {"APP_URL": "https://a.example.com"}}',
    "value is a number": '{"version": 1, "values": {"APP_URL": {"value": 5}}}',
    "updated_at is a list": '{"version": 1, "values": {"APP_URL": {"value": "x", "updated_at": []}}}',
    "format_ok is text": '{"version": 1, "values": {"PORT": {"value": "1", "format_ok": "yes"}}}',
    "control character in a value": '{"version": 1, "values": {"APP_URL": {"value": "https://a\\u001b[2J"}}}',
    "phase inputs is a list": '{"version": 1, "phases": {"vercel": {"status": "done", "inputs": []}}}',
    "phase record is null": '{"version": 1, "phases": {"vercel": null}}',
    "check is text": '{"version": 1, "checks": {"stripe.live": "ok"}}',
    "check at is a number": '{"version": 1, "checks": {"a": {"phase": "vercel", "outcome": "ok", "at": 5}}}',
    "check variables is text": '{"version": 1, "checks": {"a": {"variables": "APP_URL", "at": "x"}}}',
    "file record is a list": '{"version": 1, "files": {"vercel.json": []}}',
    "store is text": '{"version": 1, "store": "vault"}',
    "unknown backend": '{"version": 1, "store": {"backend": "floppy"}}',
    "migrations is a list": '{"version": 1, "migrations": []}',
    "migration count is text": '{"version": 1, "migrations": {"applied": "5"}}',
    "created_at is a number": '{"version": 1, "created_at": 12}',
    "deeply nested": DEEP,
    "platforms is a list": '{"version": 1, "platforms": []}',
    "platform record is text": '{"version": 1, "platforms": {"render": "in sync"}}',
    "platform differences hold numbers": '{"version": 1, "platforms": {"vercel": {"different": [1]}}}',
    "stripe webhook is a list": '{"version": 1, "stripe_webhook": ["we_1"]}',
    "surrogate in a message": '{"version": 1, "phases": {"vercel": {"message": "\\ud800"}}}',
}
COMMANDS = [
    ["status"],
    ["status", "--json"],
    ["vars", "list"],
    ["vars", "get", "APP_URL"],
    ["vars", "set", "APP_URL", "https://b.example.com"],
    ["export", "--format", "json"],
    ["write", "--dry-run"],
    ["check", "vercel", "--timeout", "1"],
]


def _plant(project: Path, text: str) -> Path:
    state = project / ".convoai-setup" / "state.json"
    state.parent.mkdir(exist_ok=True)
    state.write_text(text)
    return state


def _run(argv: list[str], project: Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([*argv, "--project", str(project)])
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("text", list(MALFORMED.values()), ids=list(MALFORMED))
def test_malformed_state_is_moved_aside_and_reported_like_a_corrupt_one(
    project: Path, text: str
) -> None:
    state = _plant(project, text)
    sf = StateFile(find_project(project))
    with pytest.raises(StateError) as info:
        sf.read()
    line = info.value.line()
    assert "was unreadable" in line and "moved to" in line, line
    assert "secrets in the store are untouched" in line
    aside = list(state.parent.glob("state.json.corrupt-*"))
    assert len(aside) == 1 and aside[0].read_text() == text
    assert not state.exists()
    assert sf.read() == empty_state()


@pytest.mark.parametrize("argv", COMMANDS, ids=[" ".join(a) for a in COMMANDS])
@pytest.mark.parametrize("text", list(MALFORMED.values()), ids=list(MALFORMED))
def test_every_command_reports_a_malformed_state_in_one_line(
    project: Path, text: str, argv: list[str]
) -> None:
    state = _plant(project, text)
    code, _, err = _run(argv, project)
    assert code == 2, err
    assert err.count("\n") == 1 and "state file" in err and "moved to" in err, err
    assert "unexpected" not in err
    aside = list(state.parent.glob("state.json.corrupt-*"))
    assert len(aside) == 1 and aside[0].read_text() == text


def test_a_malformed_state_through_the_real_cli(project: Path) -> None:
    text = MALFORMED["values is a list"]
    state = _plant(project, text)
    done = run_cli("vars", "list", project=project)
    assert done.returncode == 2 and "moved to" in done.stderr and "Traceback" not in done.stderr
    assert run_cli("vars", "list", project=project).returncode == 0  # starts fresh
    assert [p.read_text() for p in state.parent.glob("state.json.corrupt-*")] == [text]


def test_a_valid_state_with_extra_keys_is_kept(project: Path) -> None:
    """Unknown keys (a newer minor feature, another tool's note) are not malformed."""
    doc = {
        "version": 1,
        "values": {
            "APP_URL": {
                "value": "https://a.example.com",
                "source": "entered",
                "updated_at": "2026-01-01T00:00:00Z",
                "digest": "ab",
                "format_ok": True,
                "note": "mine",
            }
        },
        "phases": {
            "vercel": {
                "status": "done",
                "at": "x",
                "message": "",
                "fingerprint": "f",
                "inputs": {"APP_URL": "ab", "CUSTOM_DOMAIN": None},
                "completed_at": "x",
            }
        },
        "checks": {
            "app.live": {
                "service": "app",
                "check": "live",
                "phase": "post-deploy",
                "outcome": "ok",
                "message": "m",
                "variables": ["APP_URL"],
                "at": "x",
            }
        },
        "files": {"vercel.json": {"sha256": "0" * 64, "written_at": "x"}},
        "store": {"backend": "vault"},
        "migrations": {
            "applied": 5,
            "pending": 0,
            "edited": 0,
            "unknown": 0,
            "at": "x",
            "vector": None,
        },
        "platforms": {
            "render": {
                "at": "x",
                "by": "push",
                "target": "srv-1",
                "in_sync": True,
                "exists": True,
                "different": [],
                "missing": ["PORT"],
                "extra": 0,
                "pushed_at": "x",
            }
        },
        "stripe_webhook": {"id": "we_1", "url": "https://a.example.com/api/subscriptions/webhook"},
        "created_at": "x",
        "updated_at": "x",
        "push": {"anything": [1, 2]},
    }
    state = _plant(project, json.dumps(doc))
    read = StateFile(find_project(project)).read()
    assert read["values"]["APP_URL"]["note"] == "mine" and read["push"] == {"anything": [1, 2]}
    assert state.exists()
    code, out, err = _run(["vars", "get", "APP_URL"], project)
    assert (code, out) == (0, "https://a.example.com\n"), err
