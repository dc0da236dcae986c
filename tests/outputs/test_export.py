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
    assert (
        "| `STRIPE_SECRET_KEY` | Yes | set | never checked | imported | render | `sk_test_…4f2a` |"
        in out
    )
    assert "| `SENTRY_DSN` | No | missing |  |  | render |  |" in out
    assert "| `NODE_ENV` | Yes | set |  | imported | render | `production` |" in out
    assert "| `PORT` | No | set |  | default | render | `10000` |" in out
    assert "## Wizard-only credentials" in out
    assert all(value not in out for value in FAKE_SECRETS.values())


def test_json_and_verified_status_from_recorded_checks(answered: Path) -> None:
    with StateFile(Project(answered)).update() as state:
        state["checks"]["stripe:key"] = {
            "service": "stripe",
            "check": "key",
            "phase": "render",
            "outcome": "ok",
            "message": "",
            "variables": ["STRIPE_SECRET_KEY"],
            "at": "2099-01-01T00:00:00Z",
        }
        state["checks"]["openai:models"] = {
            "service": "openai",
            "check": "models",
            "phase": "render",
            "outcome": "fail",
            "message": "401",
            "variables": ["OPENAI_API_KEY"],
            "at": "2099-01-01T00:00:00Z",
        }
        state["checks"]["supabase:old"] = {
            "service": "supabase",
            "check": "key",
            "phase": "supabase",
            "outcome": "ok",
            "message": "",
            "variables": ["SUPABASE_URL"],
            "at": "2000-01-01T00:00:00Z",
        }
        state["migrations"] = {
            "applied": 5,
            "pending": 0,
            "edited": 0,
            "unknown": 0,
            "at": "2099-01-01T00:00:00Z",
        }
    code, out, _ = _export(answered, "--format", "json")
    assert code == 0
    doc = json.loads(out)
    rows = {r["name"]: r for r in doc["variables"]}
    assert rows["STRIPE_SECRET_KEY"]["status"] == "verified"
    assert rows["STRIPE_SECRET_KEY"]["verified_at"] == "2099-01-01T00:00:00Z"
    # a key whose check failed is "failed", not a reassuring "set"
    assert rows["OPENAI_API_KEY"]["status"] == "failed"
    assert rows["OPENAI_API_KEY"]["last_check"] == "failed 2099-01-01T00:00:00Z: 401"
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
    (tmp_path / "out").mkdir()
    parsed: dict[str, str | None] = {}
    for destination in ("render", "vercel", "wizard"):
        target = tmp_path / "out" / f"{destination}.env"
        code, out, err = _export(
            answered,
            "--format",
            "dotenv",
            "--reveal",
            "--destination",
            destination,
            "--output",
            str(target),
        )
        assert code == 0 and out == ""
        assert "holds real secret values" in err
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
        parsed.update(dotenv_values(target, interpolate=False))
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


def test_a_destination_exports_exactly_its_variables(answered: Path) -> None:
    from checklists.catalog import for_destination

    code, out, _ = _export(answered, "--format", "dotenv", "--reveal", "--destination", "render")
    assert code == 0
    import re

    # every variable once: set ones as NAME=…, missing ones as "# NAME= (…)" comments
    names = re.findall(r"^(?:# )?([A-Z][A-Z0-9_]*)=", out, re.MULTILINE)
    # Render's "Add from .env" paste: Render's 15 and nothing of the wizard's own credentials
    assert names == [v.name for v in for_destination("render")] and len(names) == 15
    assert not {"SUPABASE_DB_URL", "RENDER_API_KEY", "VITE_API_URL"} & set(names)
    _, doc, _ = _export(answered, "--format", "json", "--destination", "vercel")
    assert [r["name"] for r in json.loads(doc)["variables"]] == ["VITE_API_URL"]


def test_dotenv_without_a_destination_is_refused(answered: Path) -> None:
    code, out, err = _export(answered, "--format", "dotenv", "--reveal")
    assert code == 2 and out == "" and "needs --destination" in err


def test_the_checklist_shows_phases_and_what_is_left(answered: Path) -> None:
    from tests.evidence import prove

    prove(answered, "render", failing="Stripe rejected the credentials (401). Copy the key again")
    _, md, _ = _export(answered)
    assert "| Render backend (`render`) | failed |" in md
    left = md[md.index("## Still to do") :]
    assert "- **Render backend** (failed):" in left
    assert "  - [ ] Stripe rejected the credentials (401). Copy the key again" in left
    assert "  - [ ] write render.yaml" not in left  # prove() wrote it: not left to do
    assert "- **Upstash Redis** (pending):" in left and "run the upstash check" in left
    doc = json.loads(_export(answered, "--format", "json")[1])
    render = next(p for p in doc["phases"] if p["id"] == "render")
    assert render["status"] == "failed" and render["todo"][0].startswith("Stripe rejected")


def _git(root: Path, *args: str) -> str:
    import subprocess

    done = subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, text=True, check=False
    )
    return done.stdout


def test_a_revealed_export_inside_git_is_ignored_first(answered: Path) -> None:
    _git(answered, "init", "-q")
    code, _, err = _export(
        answered,
        "--format",
        "dotenv",
        "--reveal",
        "--destination",
        "render",
        "--output",
        str(answered / "prod.env"),
    )
    assert code == 0, err
    assert "prod.env is git-ignored now (added to .git/info/exclude)" in err
    assert "/prod.env" in (answered / ".git" / "info" / "exclude").read_text()
    assert "prod.env" not in _git(answered, "status", "--porcelain", "--untracked-files=all")


def test_a_revealed_export_git_would_still_commit_is_refused(answered: Path) -> None:
    _git(answered, "init", "-q")
    (answered / ".gitignore").write_text("!prod.env\n")
    (answered / ".git" / "info" / "exclude").write_text("")
    target = answered / "tracked.env"
    target.write_text("# tracked\n")
    _git(answered, "add", "tracked.env")
    code, _, err = _export(
        answered,
        "--format",
        "dotenv",
        "--reveal",
        "--destination",
        "render",
        "--output",
        str(target),
    )
    assert code == 2 and "tracked by git" in err and target.read_text() == "# tracked\n"
    # a .gitignore "!" rule that un-ignores the name: excluding is not enough, so refused
    (answered / ".gitignore").write_text("*.env\n!prod.env\n")
    code, _, err = _export(
        answered,
        "--format",
        "dotenv",
        "--reveal",
        "--destination",
        "render",
        "--output",
        str(answered / "prod.env"),
    )
    assert code == 2 and not (answered / "prod.env").exists()
    assert "stays committable" in err or "un-ignores" in err
