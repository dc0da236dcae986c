"""``vars`` and ``generate`` through the real CLI: bad input is one line, the right exit code, no change."""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

import pytest
from dotenv import dotenv_values

from tests.conftest import FAKE_SECRETS, run_cli, scan_for_secrets

KEY = FAKE_SECRETS["STRIPE_SECRET_KEY"]


def state(project: Path) -> dict:  # type: ignore[type-arg]
    path = project / ".convoai-setup" / "state.json"
    return json.loads(path.read_text()) if path.exists() else {}


def snapshot(project: Path) -> dict[str, bytes]:
    files = [*(project / ".convoai-setup").glob("*"), Path(os.environ["CONVOAI_SETUP_VAULT"])]
    return {str(p): p.read_bytes() for p in files if p.is_file()}


def one_line(text: str) -> bool:
    return text.count("\n") == 1 and text.startswith("convoai-setup: ")


def test_secret_in_argv_is_refused_and_nothing_is_stored(project: Path) -> None:
    done = run_cli("vars", "set", "STRIPE_SECRET_KEY", KEY, project=project)
    assert done.returncode == 2
    assert one_line(done.stderr) and "never taken from the command line" in done.stderr
    assert KEY not in done.stderr + done.stdout
    assert state(project) == {} and not Path(os.environ["CONVOAI_SETUP_VAULT"]).exists()


def test_secret_from_stdin_is_normalised_stored_and_masked(project: Path) -> None:
    done = run_cli("vars", "set", "STRIPE_SECRET_KEY", project=project, input=f'"{KEY}"\n')
    assert done.returncode == 0, done.stderr
    assert "sk_test_…4f2a" in done.stderr and KEY not in done.stderr
    got = run_cli("vars", "get", "STRIPE_SECRET_KEY", "--reveal", project=project)
    assert got.stdout == KEY + "\n"  # no quotes, no stored newline
    assert run_cli("vars", "get", "STRIPE_SECRET_KEY", project=project).stdout == "sk_test_…4f2a\n"
    record = state(project)["values"]["STRIPE_SECRET_KEY"]
    assert record["secret"] is True and "value" not in record and record["source"] == "entered"
    assert scan_for_secrets(project) == []


@pytest.mark.parametrize("value", ["", "   ", "\n", '""'])
def test_empty_values_are_refused(project: Path, value: str) -> None:
    run_cli("vars", "set", "APP_URL", "https://a.example.com", project=project)
    before = snapshot(project)
    done = run_cli("vars", "set", "OPENAI_API_KEY", project=project, input=value)
    assert done.returncode == 1 and one_line(done.stderr) and "is empty" in done.stderr
    done = run_cli("vars", "set", "APP_URL", value, project=project)
    assert done.returncode == 1 and "is empty" in done.stderr
    assert snapshot(project) == before


def test_unknown_variable_is_a_usage_error_with_a_suggestion(project: Path) -> None:
    done = run_cli("vars", "set", "STRIPE_KEY", "x", project=project)
    assert done.returncode == 2 and one_line(done.stderr)
    assert "STRIPE_KEY" in done.stderr and "Did you mean" in done.stderr


def test_wrong_kind_of_value_is_refused_with_the_fix(project: Path) -> None:
    done = run_cli(
        "vars", "set", "STRIPE_WEBHOOK_SECRET", project=project, input="we_1Nabcdefghijklmnop"
    )
    assert done.returncode == 1 and one_line(done.stderr)
    assert "endpoint id" in done.stderr and "whsec_" in done.stderr
    assert state(project) == {}
    forced = run_cli(
        "vars",
        "set",
        "STRIPE_WEBHOOK_SECRET",
        "--allow-invalid",
        project=project,
        input="we_1Nabcdefghijklmnop",
    )
    assert forced.returncode == 0 and "stored anyway" in forced.stderr
    assert state(project)["values"]["STRIPE_WEBHOOK_SECRET"]["format_ok"] is False
    listed = json.loads(run_cli("vars", "list", "--json", project=project).stdout)
    assert {r["name"]: r["status"] for r in listed}["STRIPE_WEBHOOK_SECRET"] == "invalid"


def test_not_a_convoai_checkout(tmp_path: Path) -> None:
    done = run_cli("status", project=tmp_path)
    assert done.returncode == 2 and one_line(done.stderr)
    assert "not a ConvoAI checkout" in done.stderr and "--project" in done.stderr
    missing = run_cli("status", project=tmp_path / "nope")
    assert missing.returncode == 2 and "does not exist" in missing.stderr


def test_list_masks_every_secret(project: Path) -> None:
    for name, value in FAKE_SECRETS.items():
        done = run_cli("vars", "set", name, project=project, input=value + "\n")
        assert done.returncode == 0, done.stderr
    run_cli("vars", "set", "APP_URL", "https://convoai-backend.onrender.com", project=project)
    listed = run_cli("vars", "list", project=project)
    as_json = run_cli("vars", "list", "--json", project=project)
    for value in FAKE_SECRETS.values():
        assert value not in listed.stdout + listed.stderr + as_json.stdout
    rows = {r["name"]: r for r in json.loads(as_json.stdout)}
    assert rows["STRIPE_SECRET_KEY"]["value"] == "sk_test_…4f2a"
    assert rows["APP_URL"]["value"] == "https://convoai-backend.onrender.com"
    assert rows["NODE_ENV"]["source"] == "default" and rows["PORT"]["value"] == "10000"
    assert rows["REDIS_URL"]["value"] == "rediss://default:…@fake-endpoint.upstash.io:6379"
    assert rows["SENTRY_DSN"]["status"] == "missing"
    assert scan_for_secrets(project) == []


def test_the_shell_never_supplies_a_value_and_a_difference_is_said_once(project: Path) -> None:
    run_cli("vars", "set", "APP_URL", "https://stored.example.com", project=project)
    run_cli("vars", "set", "OPENAI_API_KEY", project=project, input=FAKE_SECRETS["OPENAI_API_KEY"])
    env = {
        "APP_URL": "https://from-env.example.com",
        "NODE_ENV": "development",
        "OPENAI_API_KEY": "sk-fromEnvironment0123456789",
    }
    listed = run_cli("vars", "list", "--json", project=project, env=env)
    rows = {r["name"]: r for r in json.loads(listed.stdout)}
    assert rows["APP_URL"]["value"] == "https://stored.example.com"
    assert rows["APP_URL"]["source"] == "entered"
    assert rows["NODE_ENV"]["value"] == "production" and rows["NODE_ENV"]["source"] == "default"
    assert rows["OPENAI_API_KEY"]["source"] == "entered"
    assert rows["APP_URL"]["outside"] == {
        "name": "APP_URL",
        "where": "the environment",
        "value": "https://from-env.example.com",
        "production": "https://stored.example.com",
        "production_source": "entered",
    }
    assert rows["OPENAI_API_KEY"]["outside"]["value"] == "sk-…6789"  # masked, never in clear
    text = run_cli("vars", "list", project=project, env=env)
    lines = [ln for ln in text.stderr.splitlines() if "the environment has" in ln]
    assert len(lines) == 3, text.stderr  # once each
    assert (
        "the environment has APP_URL=https://from-env.example.com; production uses the stored "
        "https://stored.example.com" in text.stderr
    )
    assert "the environment has NODE_ENV=development; production uses the default production" in (
        text.stderr
    )
    assert "sk-fromEnvironment0123456789" not in text.stdout + text.stderr + listed.stdout
    assert FAKE_SECRETS["OPENAI_API_KEY"] not in text.stdout + text.stderr + listed.stdout


def test_unset(project: Path) -> None:
    run_cli("vars", "set", "OPENAI_API_KEY", project=project, input=FAKE_SECRETS["OPENAI_API_KEY"])
    done = run_cli("vars", "unset", "OPENAI_API_KEY", project=project)
    assert done.returncode == 0 and "removed" in done.stderr
    assert run_cli("vars", "get", "OPENAI_API_KEY", project=project).returncode == 1
    assert "OPENAI_API_KEY" not in state(project)["values"]
    again = run_cli("vars", "unset", "OPENAI_API_KEY", project=project)
    assert again.returncode == 0 and "was not set" in again.stderr


def test_import_takes_catalog_values_and_reports_the_rest(project: Path, tmp_path: Path) -> None:
    env_file = tmp_path / "prod.env"
    env_file.write_text(
        f'STRIPE_SECRET_KEY="{KEY}"\n'
        "APP_URL=https://convoai-backend.onrender.com\n"
        "SESSION_COOKIE_NAME=sid\n"
        "SENTRY_DSN=\n"
        f"export OPENAI_API_KEY='{FAKE_SECRETS['OPENAI_API_KEY']}'\n"
    )
    done = run_cli("vars", "import", str(env_file), project=project)
    assert done.returncode == 0, done.stderr
    assert "Imported 3 values" in done.stderr and "SESSION_COOKIE_NAME" in done.stderr
    assert "Skipped 1 empty" in done.stderr
    values = state(project)["values"]
    assert {values[n]["source"] for n in ("STRIPE_SECRET_KEY", "APP_URL", "OPENAI_API_KEY")} == {
        "imported"
    }
    assert (
        run_cli("vars", "get", "STRIPE_SECRET_KEY", "--reveal", project=project).stdout.strip()
        == KEY
    )
    assert scan_for_secrets(project) == []


def test_import_with_one_bad_value_imports_nothing(project: Path, tmp_path: Path) -> None:
    env_file = tmp_path / "bad.env"
    env_file.write_text(f"STRIPE_SECRET_KEY={KEY}\nSTRIPE_WEBHOOK_SECRET=we_123456789abcdef\n")
    done = run_cli("vars", "import", str(env_file), project=project)
    assert done.returncode == 1 and "endpoint id" in done.stderr
    assert "1 value is invalid" in done.stderr
    assert state(project) == {} and not Path(os.environ["CONVOAI_SETUP_VAULT"]).exists()
    assert run_cli("vars", "import", str(tmp_path / "missing.env"), project=project).returncode == 2


def test_import_reports_every_invalid_value_then_stores_none(project: Path, tmp_path: Path) -> None:
    env_file = tmp_path / "bad.env"
    env_file.write_text(
        f"STRIPE_SECRET_KEY={KEY}\n"
        "STRIPE_WEBHOOK_SECRET=we_123456789abcdef\n"
        "REDIS_URL=https://fake-endpoint.upstash.io\n"
        "JWT_SECRET=short\n"
        "APP_URL=https://convoai-backend.onrender.com\n"
    )
    done = run_cli("vars", "import", str(env_file), project=project)
    assert done.returncode == 1
    lines = [ln for ln in done.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("convoai-setup: 3 values are invalid")
    for name in ("STRIPE_WEBHOOK_SECRET", "REDIS_URL", "JWT_SECRET"):
        assert name in lines[0]
    assert "short" not in lines[0].replace("shorter", "")  # the secret itself is never echoed
    assert state(project) == {} and not Path(os.environ["CONVOAI_SETUP_VAULT"]).exists()


def test_generate_jwt_secret(project: Path) -> None:
    printed = run_cli("generate", "jwt-secret", project=project)
    assert (
        printed.returncode == 0
        and len(base64.b64decode(printed.stdout.strip(), validate=True)) == 32
    )
    assert state(project) == {}
    stored = run_cli("generate", "jwt-secret", "--store", project=project)
    assert stored.returncode == 0 and stored.stdout == ""
    secret = run_cli("vars", "get", "JWT_SECRET", "--reveal", project=project).stdout.strip()
    assert len(base64.b64decode(secret, validate=True)) == 32
    assert secret not in stored.stderr
    assert state(project)["values"]["JWT_SECRET"]["source"] == "generated"
    assert scan_for_secrets(project, {"JWT_SECRET": secret}) == []


def test_help_lists_the_contract_commands() -> None:
    done = run_cli("--help")
    assert done.returncode == 0
    for command in ("status", "vars", "generate", "phase"):
        assert command in done.stdout
    bad = run_cli("frobnicate")
    assert bad.returncode == 2


def test_dotenv_in_the_project_never_supplies_a_value(project: Path) -> None:
    (project / ".env").write_text(
        "NODE_ENV=development\nPORT=5000\nAPP_URL=http://localhost:5000\nOPENAI_API_KEY=sk-dev\n"
    )
    rows = {
        r["name"]: r for r in json.loads(run_cli("vars", "list", "--json", project=project).stdout)
    }
    assert rows["NODE_ENV"]["value"] == "production" and rows["PORT"]["value"] == "10000"
    assert rows["APP_URL"]["status"] == "missing" and rows["VITE_API_URL"]["status"] == "missing"
    assert rows["OPENAI_API_KEY"]["status"] == "missing"
    assert rows["APP_URL"]["outside"]["where"] == "`.env`"
    got = run_cli("vars", "get", "APP_URL", project=project)
    assert got.returncode == 1 and "APP_URL is not set" in got.stderr
    status = run_cli("status", project=project)
    assert (
        "`.env` has APP_URL=http://localhost:5000; production has no value and never takes it "
        "from there" in status.stderr
    )
    assert "`.env` has PORT=5000; production uses the default 10000" in status.stderr
    doc = json.loads(run_cli("status", "--json", project=project).stdout)
    assert {o["name"] for o in doc["outside"]} == {"NODE_ENV", "PORT", "APP_URL", "OPENAI_API_KEY"}
    assert dotenv_values(project / ".env")["OPENAI_API_KEY"] == "sk-dev"  # untouched


def test_replacing_a_stored_jwt_secret_needs_yes_without_a_terminal(project: Path) -> None:
    assert run_cli("generate", "jwt-secret", "--store", project=project).returncode == 0
    first = run_cli("vars", "get", "JWT_SECRET", "--reveal", project=project).stdout
    refused = run_cli("generate", "jwt-secret", "--store", project=project)
    assert refused.returncode == 2 and "JWT_SECRET is already stored" in refused.stderr
    assert "signed out" in refused.stderr and "--yes" in refused.stderr
    assert run_cli("vars", "get", "JWT_SECRET", "--reveal", project=project).stdout == first
    replaced = run_cli("generate", "jwt-secret", "--store", "--yes", project=project)
    assert replaced.returncode == 0, replaced.stderr
    assert run_cli("vars", "get", "JWT_SECRET", "--reveal", project=project).stdout != first
