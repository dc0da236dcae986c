"""``push vercel`` and ``drift vercel`` through the real CLI against a stateful fake Vercel."""

from __future__ import annotations

import json
from pathlib import Path

from pytest_httpserver import HTTPServer

from tests.conftest import run_cli
from tests.push.conftest import VALUES, leaks, state_of, store
from tests.push.fake_vercel import FakeVercel

URL = VALUES["VITE_API_URL"]


def vite_entries(fake: FakeVercel, pid: str) -> list[tuple[str, list[str]]]:
    return [(e["value"], sorted(e["target"])) for e in fake.envs[pid] if e["key"] == "VITE_API_URL"]


def test_team_project_gets_vite_api_url_and_is_redeployed(
    stored: Path, vercel: FakeVercel, env: dict[str, str]
) -> None:
    vercel.team = ("team_acme01", "acme")
    old = {
        "key": "VITE_API_URL",
        "value": "https://old.example.com",
        "type": "encrypted",
        "target": ["production"],
    }
    foreign = {
        "key": "VITE_SENTRY_DSN",
        "value": "https://pub@o1.ingest.sentry.io/1",
        "type": "plain",
        "target": ["production"],
    }
    pid = vercel.add_project("convoai", [old, foreign])
    hidden = run_cli("push", "vercel", "--dry-run", project=stored, env=env)
    assert hidden.returncode == 0 and "to create" in hidden.stdout  # invisible without the team
    store(stored, {"VERCEL_TEAM": "team_acme01"})
    start = len(vercel.log)
    result = run_cli("push", "vercel", "--yes", project=stored, env=env)
    assert result.returncode == 0, result.stderr
    assert vite_entries(vercel, pid) == [(URL, ["preview", "production"])]
    assert any(e["key"] == "VITE_SENTRY_DSN" for e in vercel.envs[pid])  # foreign one kept
    assert all(q.get("teamId") == "team_acme01" for _, _, q in vercel.log[start:])  # every call
    posts = [(m, p) for m, p in vercel.writes()]
    assert posts[0] == ("POST", f"/v10/projects/{pid}/env") and posts[1] == (
        "POST",
        "/v13/deployments",
    )
    assert [q for m, p, q in vercel.log if m == "POST" and p.endswith("/env")][-1][
        "upsert"
    ] == "true"
    assert "change  VITE_API_URL" in result.stdout and "kept    VITE_SENTRY_DSN" in result.stdout
    assert "READY" in result.stderr and "read back: every value matches" in result.stderr
    assert state_of(stored)["platforms"]["vercel"]["in_sync"] is True
    # The slug works too, and a second push writes nothing.
    store(stored, {"VERCEL_TEAM": "acme"})
    before = len(vercel.writes())
    again = run_cli("push", "vercel", "--yes", project=stored, env=env)
    assert again.returncode == 0 and len(vercel.writes()) == before
    assert vercel.log[-1][2].get("slug") == "acme"
    assert leaks(result.stdout, result.stderr, again.stdout, again.stderr) == []


def test_failed_on_201_is_an_error(stored: Path, vercel: FakeVercel, env: dict[str, str]) -> None:
    pid = vercel.add_project("convoai")
    vercel.fail_keys = {"VITE_API_URL"}
    result = run_cli("push", "vercel", "--yes", project=stored, env=env)
    assert result.returncode == 1
    assert "did not set VITE_API_URL: The value is invalid" in result.stderr
    assert vite_entries(vercel, pid) == []
    assert not [p for _, p in vercel.writes() if p == "/v13/deployments"]  # nothing redeployed


def test_missing_project_is_created_with_the_plans_settings(
    stored: Path, vercel: FakeVercel, env: dict[str, str]
) -> None:
    result = run_cli("push", "vercel", "--yes", "--json", project=stored, env=env)
    # Created, but Vercel has no production deployment to rebuild yet: say so, exit 1.
    assert result.returncode == 1
    assert "push to main" in result.stderr
    [body] = vercel.created
    settings = (
        "name",
        "framework",
        "buildCommand",
        "outputDirectory",
        "installCommand",
        "rootDirectory",
    )
    expected = {
        "name": "convoai",
        "framework": "vite",
        "buildCommand": "npm run build",
        "outputDirectory": "dist/public",
        "installCommand": "npm install",
        "rootDirectory": None,
    }
    assert {k: body[k] for k in settings} == expected
    assert body["gitRepository"] == {"type": "github", "repo": "acme/convoai"}
    assert body["environmentVariables"] == [
        {"key": "VITE_API_URL", "value": URL, "type": "plain", "target": ["production", "preview"]}
    ]
    doc = json.loads(result.stdout)["platforms"][0]
    assert doc["applied"]["created"] is True and doc["deploy"]["ok"] is False


def test_deploy_error_and_drift(stored: Path, vercel: FakeVercel, env: dict[str, str]) -> None:
    pid = vercel.add_project(
        "convoai",
        [
            {
                "key": "VITE_API_URL",
                "value": URL,
                "type": "encrypted",
                "target": ["production", "preview"],
            }
        ],
    )
    assert run_cli("drift", "vercel", project=stored, env=env).returncode == 0
    vercel.envs[pid][0]["value"] = "https://elsewhere.example.com"
    drift = run_cli("drift", "vercel", "--json", project=stored, env=env)
    assert drift.returncode == 1
    assert json.loads(drift.stdout)["platforms"][0]["variables"] == [
        {"name": "VITE_API_URL", "status": "different"}
    ]
    assert "elsewhere" not in drift.stdout + drift.stderr
    vercel.outcome = "ERROR"
    result = run_cli("push", "vercel", "--yes", project=stored, env=env)
    assert result.returncode == 1
    assert "ERROR" in result.stderr and 'npm run build" exited with 1' in result.stderr
    assert "https://vercel.com/acme/convoai/dpl_" in result.stderr


async def test_the_vercel_check_sends_the_team_and_reads_403_right(
    vercel: FakeVercel, vercel_server: HTTPServer, tls_env: dict[str, str]
) -> None:
    from providers.vercel import check_vercel
    from tests.providers.conftest import run_provider

    vercel.team = ("team_acme01", "acme")
    vercel.add_project("convoai")
    env = {**tls_env, "CONVOAI_SETUP_VERCEL_API": vercel_server.url_for("").rstrip("/")}
    values = {"VERCEL_TOKEN": vercel.token, "VERCEL_PROJECT": "convoai"}
    [alone] = await run_provider(check_vercel, values, env)
    assert alone.outcome == "fail" and "set VERCEL_TEAM" in alone.message
    [teamed] = await run_provider(check_vercel, {**values, "VERCEL_TEAM": "acme"}, env)
    assert teamed.outcome == "ok" and vercel.log[-1][2] == {"slug": "acme"}
    [bad] = await run_provider(check_vercel, {**values, "VERCEL_TOKEN": "expired-token-000"}, env)
    assert bad.outcome == "fail" and "invalid, expired, or lacks access" in bad.message


def test_vercel_project_defaults_to_the_package_json_name(
    stored: Path, vercel: FakeVercel, env: dict[str, str]
) -> None:
    pid = vercel.add_project("convoai", [])
    assert run_cli("vars", "unset", "VERCEL_PROJECT", project=stored).returncode == 0
    rows = json.loads(run_cli("vars", "list", "--json", project=stored).stdout)
    row = next(r for r in rows if r["name"] == "VERCEL_PROJECT")
    assert (row["value"], row["source"]) == ("convoai", "package.json")
    result = run_cli("push", "vercel", "--dry-run", project=stored, env=env)
    assert result.returncode == 0, result.stderr
    assert f"project convoai ({pid})" in result.stdout
    # A name Vercel would refuse is no default: the plan says what to set.
    package = stored / "package.json"
    package.write_text(package.read_text().replace('"name": "convoai"', '"name": "ConvoAI App"'))
    refused = run_cli("push", "vercel", "--dry-run", project=stored, env=env)
    assert refused.returncode == 2
    assert "VERCEL_PROJECT is not set and package.json has no name Vercel accepts" in (
        refused.stderr
    )
