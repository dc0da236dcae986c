"""``push render`` and ``drift render`` through the real CLI against a stateful fake Render."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_cli, scan_for_secrets
from tests.push.conftest import RENDER_VARS, SECRETS, VALUES, leaks, state_of
from tests.push.fake_render import FakeRender
from tests.push.fake_vercel import FakeVercel

WIZARD_ONLY = (
    "SUPABASE_DB_URL",
    "RENDER_API_KEY",
    "VERCEL_TOKEN",
    "GITHUB_TOKEN",
    "GITHUB_REPOSITORY",
    "RENDER_REGION",
    "VERCEL_PROJECT",
    "VITE_API_URL",
)


def expected_env(**extra: str) -> dict[str, str]:
    return {**extra, **{n: VALUES[n] for n in RENDER_VARS}}


def test_push_lands_exactly_the_render_variables_and_keeps_foreign_ones(
    stored: Path, render: FakeRender, env: dict[str, str]
) -> None:
    sid = render.add_service(
        "convoai-backend", {"FOREIGN_VAR": "keep-me", "NODE_ENV": "development"}
    )
    other = render.add_service("convoai-backend-staging", {"NODE_ENV": "staging"})
    result = run_cli("push", "render", "--yes", project=stored, env=env)
    assert result.returncode == 0, result.stderr
    # The exact variables, the foreign one kept, nothing wizard-only sent, the look-alike untouched.
    assert render.env[sid] == expected_env(FOREIGN_VAR="keep-me")
    assert not set(WIZARD_ONLY) & set(render.env[sid])
    assert render.env[other] == {"NODE_ENV": "staging"}
    puts = [p for m, p in render.writes() if m == "PUT"]
    assert sorted(p.rsplit("/", 1)[-1] for p in puts) == sorted(RENDER_VARS)  # one upsert per key
    assert not [w for w in render.writes() if w[0] == "DELETE" or w[1].endswith("/env-vars")]
    lines = result.stdout.splitlines()
    assert any(line.split()[:2] == ["kept", "FOREIGN_VAR"] for line in lines)
    assert any(line.split()[:2] == ["change", "NODE_ENV"] for line in lines)
    assert any(
        line.split()[:2] == ["add", "STRIPE_SECRET_KEY"] and "sk_test_…4f2a" in line
        for line in lines
    )
    # 202 without a body: the deploy was found in the list and followed to live.
    assert "read back: every value matches" in result.stderr
    assert ": live" in result.stderr and render.deploys[sid][0]["status"] == "live"
    assert leaks(result.stdout, result.stderr) == []
    assert scan_for_secrets(stored / ".convoai-setup", SECRETS) == []
    assert state_of(stored)["platforms"]["render"]["in_sync"] is True

    before = len(render.writes())
    again = run_cli("push", "render", "--yes", project=stored, env=env)
    assert again.returncode == 0 and "Nothing to push" in again.stderr
    assert len(render.writes()) == before  # a second push sends no write


def test_drift_shows_a_value_changed_on_the_platform(
    stored: Path, render: FakeRender, env: dict[str, str]
) -> None:
    sid = render.add_service("convoai-backend", {**expected_env(), "FOREIGN_VAR": "x"})
    clean = run_cli("drift", "render", "--json", project=stored, env=env)
    assert clean.returncode == 0, clean.stderr
    assert json.loads(clean.stdout)["in_sync"] is True
    render.env[sid]["OPENAI_API_KEY"] = "sk-changedOnTheDashboard000000000000"
    del render.env[sid]["APP_URL"]
    drift = run_cli("drift", "render", "--json", project=stored, env=env)
    assert drift.returncode == 1
    doc = json.loads(drift.stdout)
    statuses = {v["name"]: v["status"] for v in doc["platforms"][0]["variables"]}
    assert statuses["OPENAI_API_KEY"] == "different" and statuses["APP_URL"] == "missing"
    assert statuses["FOREIGN_VAR"] == "extra" and statuses["JWT_SECRET"] == "in sync"
    assert (
        leaks(drift.stdout, drift.stderr) == [] and "sk-changedOnTheDashboard" not in drift.stdout
    )
    assert render.writes() == []
    status = run_cli("status", "--json", project=stored)
    render_phase = next(p for p in json.loads(status.stdout)["phases"] if p["id"] == "render")
    assert "OPENAI_API_KEY" in render_phase["message"] and "push render" in render_phase["message"]
    fixed = run_cli("push", "render", "--yes", "--no-deploy", project=stored, env=env)
    assert fixed.returncode == 0, fixed.stderr
    assert sorted(p.rsplit("/", 1)[-1] for _, p in render.writes()) == ["APP_URL", "OPENAI_API_KEY"]
    assert run_cli("drift", "render", project=stored, env=env).returncode == 0


def test_dry_run_and_unconfirmed_push_send_no_write(
    stored: Path, render: FakeRender, vercel: FakeVercel, env: dict[str, str]
) -> None:
    render.add_service("convoai-backend", {"FOREIGN_VAR": "keep-me"})
    vercel.add_project("convoai")
    dry = run_cli("push", "--dry-run", project=stored, env=env)  # no platform named: both
    assert dry.returncode == 0, dry.stderr
    assert (
        "Render: service convoai-backend" in dry.stdout and "Vercel: project convoai" in dry.stdout
    )
    assert render.writes() == [] and vercel.writes() == [] and "nothing was sent" in dry.stderr
    unconfirmed = run_cli("push", "render", project=stored, env=env)
    assert unconfirmed.returncode == 2 and "--yes" in unconfirmed.stderr
    assert render.writes() == []
    # A missing service is not created by a dry run either.
    render.services.clear()
    dry = run_cli("push", "render", "--dry-run", project=stored, env=env)
    assert dry.returncode == 0 and "to create" in dry.stdout and render.writes() == []
    missing = run_cli("drift", "render", project=stored, env=env)
    assert missing.returncode == 1 and "does not exist yet" in missing.stdout


def test_missing_service_is_created_with_the_plans_settings(
    stored: Path, render: FakeRender, env: dict[str, str]
) -> None:
    result = run_cli("push", "render", "--yes", "--no-deploy", project=stored, env=env)
    assert result.returncode == 0, result.stderr
    [body] = render.created
    assert {k: body[k] for k in ("type", "name", "ownerId", "repo", "branch")} == {
        "type": "web_service",
        "name": "convoai-backend",
        "ownerId": "tea-acme01",
        "repo": "https://github.com/acme/convoai",
        "branch": "main",
    }
    details = body["serviceDetails"]
    assert (details["runtime"], details["region"], details["plan"]) == (
        "node",
        "frankfurt",
        "starter",
    )
    assert details["envSpecificDetails"] == {
        "buildCommand": "npm install && npm run build",
        "startCommand": "npm run start",
    }
    # HEALTHCHECK_PATH unset and never seen answering: no path that would fail every deploy
    # (an Express API answers 404 at /); Render then waits for the port, and the plan says so.
    assert "healthCheckPath" not in details
    assert "no health check path: HEALTHCHECK_PATH is not set" in result.stdout
    assert [e["key"] for e in body["envVars"]] == RENDER_VARS
    [sid] = render.services
    assert render.env[sid] == expected_env()
    assert [m for m, _ in render.writes()] == ["POST"]  # created with its variables: no upserts
    assert leaks(result.stdout, result.stderr) == []


def test_workspaces_and_unreachable_repository(
    stored: Path, render: FakeRender, env: dict[str, str]
) -> None:
    # Workspace names are free text: "Jane Doe's Workspace" is a real default name.
    render.owners.append({"id": "tea-other02", "name": "Other Team's Workspace", "type": "team"})
    several = run_cli("push", "render", "--yes", project=stored, env=env)
    assert (
        several.returncode == 2
        and "RENDER_OWNER" in several.stderr
        and "Other Team's Workspace (tea-other02)" in several.stderr
    )
    assert render.writes() == []
    chosen = run_cli("vars", "set", "RENDER_OWNER", "other team's workspace", project=stored)
    assert chosen.returncode == 0, chosen.stderr
    assert run_cli("vars", "set", "HEALTHCHECK_PATH", "/api/health", project=stored).returncode == 0
    render.reachable = {"https://github.com/acme/somethingelse"}
    blocked = run_cli("push", "render", "--yes", "--no-deploy", project=stored, env=env)
    assert (
        blocked.returncode == 1 and "GitHub app" in blocked.stderr and "Blueprint" in blocked.stderr
    )
    render.reachable = None
    made = run_cli("push", "render", "--yes", "--no-deploy", project=stored, env=env)
    assert made.returncode == 0, made.stderr
    assert render.created[-1]["ownerId"] == "tea-other02"
    assert render.created[-1]["serviceDetails"]["healthCheckPath"] == "/api/health"
    assert "healthCheckPath /api/health" in made.stdout  # shown in the plan's settings
    assert "health check path /api/health: Render puts each deploy live" in made.stdout


def test_rate_limit_is_waited_out(stored: Path, render: FakeRender, env: dict[str, str]) -> None:
    sid = render.add_service(
        "convoai-backend", {**expected_env(), "APP_URL": "https://old.example.com"}
    )
    render.limit_once = True
    result = run_cli("push", "render", "--yes", "--no-deploy", project=stored, env=env)
    assert result.returncode == 0, result.stderr
    assert [p for _, p in render.writes()] == [
        f"/v1/services/{sid}/env-vars/APP_URL"
    ] * 2  # 429, then again
    assert render.env[sid]["APP_URL"] == VALUES["APP_URL"]


def test_paged_variables_are_all_read_and_kept(
    stored: Path, render: FakeRender, env: dict[str, str]
) -> None:
    foreign = {f"LEGACY_{i:03d}": f"v{i}" for i in range(130)}
    sid = render.add_service("convoai-backend", {**foreign, "JWT_SECRET": VALUES["JWT_SECRET"]})
    result = run_cli("push", "render", "--yes", "--no-deploy", project=stored, env=env)
    assert result.returncode == 0, result.stderr
    assert "LEGACY_129" in result.stdout  # found on the second page
    assert render.env[sid] == {**foreign, **expected_env()}
    assert "/v1/services/" + sid + "/env-vars/JWT_SECRET" not in [p for _, p in render.writes()]


def test_deploy_failure_says_so_with_the_dashboard_link(
    stored: Path, render: FakeRender, env: dict[str, str]
) -> None:
    sid = render.add_service("convoai-backend", {})
    render.script = ("queued", "build_in_progress", "build_failed")
    render.deploy_status = 201
    result = run_cli("push", "render", "--yes", project=stored, env=env)
    assert result.returncode == 1
    assert (
        "build_failed" in result.stderr
        and f"https://dashboard.render.com/web/{sid}/deploys/dep-" in result.stderr
    )
    assert leaks(result.stdout, result.stderr) == []


def test_partial_push_reports_what_landed_and_a_rerun_finishes(
    stored: Path, render: FakeRender, env: dict[str, str]
) -> None:
    sid = render.add_service("convoai-backend", {})
    render.reject = {"REDIS_URL", "SENTRY_DSN"}
    first = run_cli("push", "render", "--yes", "--json", project=stored, env=env)
    assert first.returncode == 1
    applied = json.loads(first.stdout)["platforms"][0]["applied"]
    assert sorted(applied["failed"]) == ["REDIS_URL", "SENTRY_DSN"]
    assert sorted(applied["landed"]) == sorted(set(RENDER_VARS) - {"REDIS_URL", "SENTRY_DSN"})
    assert "did not land" in first.stderr and "run push again" in first.stderr
    assert not any(m == "POST" for m, _ in render.writes())  # no deploy of a half-pushed service
    assert state_of(stored)["platforms"]["render"]["different"] == ["REDIS_URL", "SENTRY_DSN"]
    render.reject.clear()
    before = len(render.writes())
    second = run_cli("push", "render", "--yes", "--no-deploy", project=stored, env=env)
    assert second.returncode == 0, second.stderr
    assert sorted(p.rsplit("/", 1)[-1] for _, p in render.writes()[before:]) == [
        "REDIS_URL",
        "SENTRY_DSN",
    ]
    assert render.env[sid] == expected_env()
    assert leaks(first.stdout, first.stderr, second.stdout, second.stderr) == []


def test_update_failed_names_the_health_check_and_links_the_logs(
    stored: Path, render: FakeRender, env: dict[str, str]
) -> None:
    sid = render.add_service("convoai-backend", {}, health_path="/api/health")
    render.script = ("queued", "build_in_progress", "update_in_progress", "update_failed")
    render.deploy_status = 201
    result = run_cli("push", "render", "--yes", project=stored, env=env)
    assert result.returncode == 1
    line = next(x for x in result.stderr.splitlines() if "ended update_failed" in x)
    assert "a failing health check is the usual cause" in line
    assert "/api/health answers 2xx/3xx within 15 minutes" in line
    assert f"https://dashboard.render.com/web/{sid}/deploys/dep-" in line
    assert "not read here" in line  # the API gives no logs: never claim to have read them


def test_a_service_with_another_health_path_is_named_on_the_plan(
    stored: Path, render: FakeRender, env: dict[str, str]
) -> None:
    render.add_service("convoai-backend", expected_env(), health_path="/")
    assert run_cli("vars", "set", "HEALTHCHECK_PATH", "/api/health", project=stored).returncode == 0
    result = run_cli("push", "render", "--dry-run", project=stored, env=env)
    assert result.returncode == 0, result.stderr
    assert (
        "the service's health check path is / on Render, HEALTHCHECK_PATH is /api/health: push "
        "does not change it" in " ".join(result.stdout.split())
    )
