"""``convoai-setup export``: the filled checklist, masked unless --reveal."""

from __future__ import annotations

import io
import json
import stat
from pathlib import Path

from dotenv import dotenv_values
from hypothesis import given
from hypothesis import strategies as st

from checklists.export import ChecklistRow, UnrepresentableValue, dotenv_quote, render_dotenv
from tests.conftest import FAKE_SECRETS, run_cli, scan_for_secrets
from wizard.project import Project
from wizard.state import StateFile

# Line breaks and tabs are control characters, refused in every value (issue 9 §3); the
# dotenv quoting of multi-line text is covered by the property tests below.
TRICKY = "a \"quoted\" #hash $HOME ${NOT_EXPANDED?} \\back\\slash 'single' second line end"


def _export(project: Path, *args: str) -> tuple[int, str, str]:
    result = run_cli("export", *args, project=project)
    return result.returncode, result.stdout, result.stderr


def test_markdown_has_the_plans_tables_masked(answered: Path) -> None:
    code, out, _ = _export(answered)
    assert code == 0
    backend, frontend = out.index("## Backend (Render.com)"), out.index("## Frontend (Vercel)")
    assert backend < out.index("| `JWT_SECRET` |") < frontend < out.index("| `VITE_API_URL` |")
    assert "| `STRIPE_SECRET_KEY` | Yes | set | imported | render | `sk_test_…4f2a` |" in out
    assert "| `SENTRY_DSN` | No | missing |  | render |  |" in out
    assert "| `NODE_ENV` | Yes | set | imported | render | `production` |" in out
    assert "| `PORT` | No | set | default | render | `10000` |" in out
    assert "## Wizard-only credentials" in out
    assert all(value not in out for value in FAKE_SECRETS.values())


def test_json_and_verified_status_from_recorded_checks(answered: Path) -> None:
    with StateFile(Project(answered)).update() as state:
        state["checks"]["stripe:key"] = {"service": "stripe", "check": "key", "phase": "render",
            "outcome": "ok", "message": "", "variables": ["STRIPE_SECRET_KEY"], "at": "2099-01-01T00:00:00Z"}  # fmt: skip
        state["checks"]["openai:models"] = {"service": "openai", "check": "models", "phase": "render",
            "outcome": "fail", "message": "401", "variables": ["OPENAI_API_KEY"], "at": "2099-01-01T00:00:00Z"}  # fmt: skip
        state["checks"]["supabase:old"] = {"service": "supabase", "check": "key", "phase": "supabase",
            "outcome": "ok", "message": "", "variables": ["SUPABASE_URL"], "at": "2000-01-01T00:00:00Z"}  # fmt: skip
        state["migrations"] = {"applied": 5, "pending": 0, "edited": 0, "unknown": 0, "at": "2099-01-01T00:00:00Z"}  # fmt: skip
    code, out, _ = _export(answered, "--format", "json")
    assert code == 0
    doc = json.loads(out)
    rows = {r["name"]: r for r in doc["variables"]}
    assert rows["STRIPE_SECRET_KEY"]["status"] == "verified"
    assert rows["STRIPE_SECRET_KEY"]["verified_at"] == "2099-01-01T00:00:00Z"
    assert rows["OPENAI_API_KEY"]["status"] == "set"  # a failed check is not verification
    assert rows["SUPABASE_URL"]["status"] == "set"  # checked before the value was stored
    assert rows["REDIS_URL"]["value"] is None and rows["REDIS_URL"]["value_masked"].endswith(
        "upstash.io:6379"
    )
    assert doc["migrations"]["applied"] == 5 and doc["revealed"] is False
    _, md, _ = _export(answered)
    assert "verified live at 2099-01-01T00:00:00Z" in md and "5 applied, 0 pending" in md


def test_dotenv_needs_reveal(answered: Path) -> None:
    code, out, err = _export(answered, "--format", "dotenv")
    assert code == 2 and out == "" and "dotenv needs --reveal" in err


def test_revealed_dotenv_file_is_0600_warns_and_round_trips(answered: Path, tmp_path: Path) -> None:
    stored = run_cli("vars", "set", "JWT_SECRET", "--allow-invalid", project=answered, input=TRICKY)
    assert stored.returncode == 0, stored.stderr
    target = tmp_path / "out" / "prod.env"
    target.parent.mkdir()
    code, out, err = _export(answered, "--format", "dotenv", "--reveal", "--output", str(target))
    assert code == 0 and out == ""
    assert "holds real secret values" in err
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    parsed = dotenv_values(target, interpolate=False)
    expected = {**FAKE_SECRETS, "JWT_SECRET": TRICKY.strip()}
    for name, value in expected.items():
        assert parsed[name] == value, name
    assert parsed["APP_URL"] == "https://convoai-backend.onrender.com"
    assert "SENTRY_DSN" not in parsed  # missing values are comments
    assert scan_for_secrets(answered) == []  # the only copy is the 0600 export


def test_masked_output_file_is_written_without_secrets(answered: Path, tmp_path: Path) -> None:
    target = tmp_path / "checklist.md"
    code, _, err = _export(answered, "--output", str(target))
    assert code == 0 and "secret values masked" in err
    assert target.read_text().startswith("# Environment variables checklist")
    assert scan_for_secrets(tmp_path) == []


def _row(value: str) -> ChecklistRow:
    return ChecklistRow("X", "render", True, "set", None, "entered", "…", value=value)


@given(st.text())
def test_dotenv_quote_round_trips_any_representable_value(value: str) -> None:
    try:
        text = render_dotenv([_row(value)])
    except UnrepresentableValue:
        assert value.endswith("\\")
        return
    assert dotenv_values(stream=io.StringIO(text), interpolate=False)["X"] == value


@given(st.text(alphabet=st.characters(blacklist_characters="\r\\$"), min_size=1))
def test_dotenv_file_round_trips_with_default_parsing(value: str) -> None:
    # with python-dotenv's default parsing (interpolation on): fine for values without "${"
    line = f"X={dotenv_quote('X', value)}\n"
    assert dotenv_values(stream=io.StringIO(line))["X"] == value
