"""``check`` and ``stripe create-webhook`` end to end: real CLI, real servers, real state."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from tests.conftest import FAKE_SECRETS, run_cli, scan_for_secrets
from tests.evidence import statuses
from tests.fixtures.redis_tls import RedisServer
from tests.providers.fakes import SilentServer
from tests.providers.world import World, build_world

#: every phase but supabase: its Postgres check belongs to the migrations tests
PHASES = ["upstash", "render", "vercel", "github-actions", "env-example", "post-deploy"]


@pytest.fixture
def world(
    make_https_server: Callable[[], HTTPServer], ca_file: Path, redis_tls: RedisServer
) -> World:
    return build_world(make_https_server, str(ca_file), redis_tls)


def store(project: Path, values: dict[str, str], allow_invalid: bool = False) -> None:
    from wizard.project import Project
    from wizard.values import Answers

    Answers(Project(project), use_environment=False).set_many(values, allow_invalid=allow_invalid)


def state_of(project: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((project / ".convoai-setup" / "state.json").read_text())
    return data


def assert_no_secrets(world: World, project: Path, *outputs: str) -> None:
    secrets = {**world.secrets(), "redis password": "FAKEredisTestPassw0rd"}
    for text in outputs:
        assert not [n for n, v in secrets.items() if v in text]
    assert scan_for_secrets(project / ".convoai-setup", secrets) == []


def test_create_webhook_then_all_good(world: World, project: Path) -> None:
    store(project, world.values)
    first = run_cli("stripe", "create-webhook", project=project, env=world.env)
    assert first.returncode == 0, first.stderr
    assert "Created webhook endpoint we_" in first.stderr
    secret = world.stripe.created[0]["secret"]
    assert state_of(project)["values"]["STRIPE_WEBHOOK_SECRET"]["source"] == "created by API"
    got = run_cli("vars", "get", "STRIPE_WEBHOOK_SECRET", "--reveal", project=project)
    assert got.stdout.strip() == secret
    second = run_cli("stripe", "create-webhook", project=project, env=world.env)
    assert (
        second.returncode == 0
        and "already exists" in second.stderr
        and "Roll secret" in second.stderr
    )
    assert len(world.stripe.created) == 1

    result = run_cli("check", *PHASES, "--json", "--timeout", "5", project=project, env=world.env)
    assert result.returncode == 0, result.stdout + result.stderr
    doc = json.loads(result.stdout)
    assert doc["ok"] is True and doc["summary"]["fail"] == 0
    assert set(doc) >= {"ok", "phases", "timeout", "summary", "results"}
    by_key = {f"{r['service']}.{r['check']}": r for r in doc["results"]}
    for key in (
        "upstash.ping",
        "stripe.key",
        "stripe.webhook endpoint",
        "openai.models",
        "anthropic.models",
        "render.service",
        "vercel.project",
        "github.repository",
        "app.reachable",
        "sentry.test event",
    ):
        assert key in by_key, sorted(by_key)
    assert by_key["stripe.key mode"]["outcome"] == "warn"  # sk_test_ with NODE_ENV=production
    assert by_key["sentry.test event"]["outcome"] == "skip"
    assert set(by_key["upstash.ping"]) == {
        "service",
        "check",
        "phase",
        "outcome",
        "message",
        "variables",
        "ms",
    }

    state = state_of(project)
    assert state["checks"]["upstash.ping"]["outcome"] == "ok"
    phases = statuses(project)
    assert phases["upstash"].status == "done" and phases["post-deploy"].status == "done"
    # render's checks passed, but render.yaml was never written: not done (the one rule)
    assert phases["render"].status == "pending" and phases["render"].todo == ("write render.yaml",)
    status = json.loads(run_cli("status", "--json", project=project).stdout)
    verified = {p["id"]: p["verified_at"] for p in status["phases"]}
    assert verified["upstash"] and verified["post-deploy"] and verified["render"]
    assert_no_secrets(world, project, first.stderr, second.stderr, result.stdout, result.stderr)


def test_send_test_event(world: World, project: Path) -> None:
    store(project, world.values)
    result = run_cli(
        "check", "post-deploy", "--send-test-event", "--json", project=project, env=world.env
    )
    doc = json.loads(result.stdout)
    outcome = {r["check"]: r["outcome"] for r in doc["results"] if r["service"] == "sentry"}
    assert outcome == {"test event": "ok"} and len(world.sentry.envelopes) == 1


def test_failing_run_changes_no_value(world: World, project: Path) -> None:
    store(project, {**world.values, "STRIPE_SECRET_KEY": "sk_live_FAKEwrongLiveKey000000000000"})
    before = state_of(project)["values"]
    vault = Path(os.environ["CONVOAI_SETUP_VAULT"]).read_bytes()
    result = run_cli("check", "render", project=project, env=world.env)
    assert result.returncode == 1
    assert "rejected the credentials (401)" in result.stdout
    assert "SERVICE" in result.stdout and "RESULT" in result.stdout  # the table for people
    state = state_of(project)
    assert state["values"] == before
    assert Path(os.environ["CONVOAI_SETUP_VAULT"]).read_bytes() == vault
    render = statuses(project)["render"]
    assert render.status == "failed" and "401" in render.message
    assert_no_secrets(world, project, result.stdout, result.stderr)


def test_single_phase(world: World, project: Path) -> None:
    store(project, world.values)
    result = run_cli("check", "upstash", "--json", project=project, env=world.env)
    assert result.returncode == 0, result.stdout
    doc = json.loads(result.stdout)
    assert {r["phase"] for r in doc["results"]} == {"upstash"}
    assert [r["check"] for r in doc["results"]] == ["ping"]


def test_wrong_redis_password(world: World, project: Path, redis_tls: RedisServer) -> None:
    store(project, {**world.values, "REDIS_URL": redis_tls.url(password="nope")})
    result = run_cli("check", "upstash", project=project, env=world.env)
    assert result.returncode == 1 and "Upstash refused the password (AUTH failed)" in result.stdout
    assert "Traceback" not in result.stderr and "nope@" not in result.stdout


def test_timeout_path(world: World, project: Path, silent: SilentServer) -> None:
    url = f"https://127.0.0.1:{silent.port}"
    store(project, {**world.values, "APP_URL": url, "VITE_API_URL": url})
    result = run_cli(
        "check", "post-deploy", "--json", "--timeout", "0.5", project=project, env=world.env
    )
    assert result.returncode == 1
    doc = json.loads(result.stdout)
    failed = {
        f"{r['service']}.{r['check']}": r["message"]
        for r in doc["results"]
        if r["outcome"] == "fail"
    }
    assert "did not answer within 0.5s" in failed["app.reachable"]
    assert "stripe.webhook endpoint" in failed  # the webhook URL is built from APP_URL


def test_usage_errors(project: Path) -> None:
    bad = run_cli("check", "nonsense", project=project)
    assert bad.returncode == 2 and "not a phase" in bad.stderr
    missing = run_cli("stripe", "create-webhook", project=project)
    assert missing.returncode == 2 and "APP_URL is not set" in missing.stderr


def test_offline_rules_in_the_cli(world: World, project: Path) -> None:
    store(
        project,
        {**world.values, "REDIS_URL": "redis://default:FAKEpw12345@eu1-x.upstash.io:6379"},
        allow_invalid=True,
    )
    result = run_cli(
        "check",
        "upstash",
        "--json",
        project=project,
        env={**world.env, "VITE_STRIPE_KEY": FAKE_SECRETS["STRIPE_SECRET_KEY"]},
    )
    doc = json.loads(result.stdout)
    by_check = {r["check"]: r for r in doc["results"]}
    assert (
        by_check["url scheme"]["outcome"] == "fail"
        and "rediss://" in by_check["url scheme"]["message"]
    )
    assert by_check["live"]["outcome"] == "skip"  # no connection attempt with a known-bad URL
    assert by_check["leak guard VITE_STRIPE_KEY"]["outcome"] == "fail"
    assert (
        "FAKEpw12345" not in result.stdout
        and FAKE_SECRETS["STRIPE_SECRET_KEY"] not in result.stdout
    )


def test_missing_values_leave_phases_pending_but_bad_ones_fail_them(project: Path) -> None:
    fresh = run_cli("check", "upstash", "render", project=project)
    assert fresh.returncode == 1 and "REDIS_URL is not set" in fresh.stdout
    phases = {
        p["id"]: p["status"]
        for p in json.loads(run_cli("status", "--json", project=project).stdout)["phases"]
    }
    assert phases["upstash"] == "pending" and phases["render"] == "pending"

    store(project, {"REDIS_URL": "redis://default:pw@fake.upstash.io:6379"}, allow_invalid=True)
    wrong = run_cli("check", "upstash", project=project)
    assert wrong.returncode == 1 and "rediss://" in wrong.stdout
    doc = json.loads(run_cli("status", "--json", project=project).stdout)
    upstash = next(p for p in doc["phases"] if p["id"] == "upstash")
    assert upstash["status"] == "failed" and "rediss://" in upstash["message"]


def test_create_webhook_replaces_the_failure_it_fixed(world: World, project: Path) -> None:
    store(project, world.values)
    checked = run_cli("check", "post-deploy", "--json", project=project, env=world.env)
    assert checked.returncode == 1
    before = statuses(project)["post-deploy"]
    assert before.status == "failed" and any("webhook" in line for line in before.failed)
    created = run_cli("stripe", "create-webhook", project=project, env=world.env)
    assert created.returncode == 0, created.stderr
    after = statuses(project)["post-deploy"]
    assert not any("webhook" in line for line in after.failed), after
    assert not any("stripe" in line for line in after.todo), after
    assert state_of(project)["check_runs"]["stripe-webhook"]["outcome"] == "ok"


def test_check_flags_a_server_secret_inside_vite_api_url(project: Path) -> None:
    leaked = "https://api.example.com?key=sk_live_FAKEinsideAUrl0123456789"
    store(project, {"APP_URL": "https://api.example.com", "VITE_API_URL": leaked}, True)
    result = run_cli("check", "vercel", "--json", project=project)
    assert result.returncode == 1
    by_check = {r["check"]: r for r in json.loads(result.stdout)["results"]}
    guard = by_check["leak guard VITE_API_URL"]
    assert guard["outcome"] == "fail" and "holds a Stripe secret key inside it" in guard["message"]
    assert "sk_live_FAKEinsideAUrl0123456789" not in result.stdout + result.stderr
