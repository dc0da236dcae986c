"""``domain set … --api …`` follows up for real: the changed APP_URL reaches Render, VITE_API_URL
reaches Vercel (through push's core, redeployed), and the remembered Stripe endpoint moves.

One HTTPS server per vendor; each routes the domain endpoints to the stateful domain fake
(tests/verify/fakes.py) and everything else to the stateful push fake (tests/push), sharing
one service / project id, so the whole flow runs against the vendors' documented endpoints.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.conftest import FAKE_SECRETS, run_cli, scan_for_secrets
from tests.providers.fakes import FakeStripe
from tests.push.conftest import SECRETS, VALUES, leaks, state_of
from tests.push.fake_render import FakeRender
from tests.push.fake_vercel import FakeVercel
from tests.push.test_stripe_webhook import install as install_stripe
from tests.verify import fakes as domains

OLD = VALUES["APP_URL"]
NEW = "https://api.example.com"
HOOK = "/api/subscriptions/webhook"


@dataclass
class World:
    render: FakeRender
    sid: str
    vercel: FakeVercel
    pid: str
    stripe: FakeStripe
    env: dict[str, str]


def _route(
    domain_fake: Callable[[Request], Response],
    push_fake: Callable[[Request], Response],
    domain_path: str,
) -> Callable[[Request], Response]:
    return lambda r: domain_fake(r) if domain_path in r.path else push_fake(r)


@pytest.fixture
def world(stored: Path, make_https_server: Callable[[], HTTPServer], ca_file: Path) -> World:
    render, vercel = (
        FakeRender(FAKE_SECRETS["RENDER_API_KEY"]),
        FakeVercel(FAKE_SECRETS["VERCEL_TOKEN"]),
    )
    sid = render.add_service(
        "convoai-backend",
        {n: str(VALUES[n]) for n in ("NODE_ENV", "APP_URL")} | {"FOREIGN_VAR": "keep"},
    )
    pid = vercel.add_project(
        "convoai",
        [
            {
                "key": "VITE_API_URL",
                "value": OLD,
                "type": "plain",
                "target": ["production", "preview"],
            }
        ],
    )
    render_domains = domains.FakeRender(render.key, service_id=sid)
    vercel_domains = domains.FakeVercel(vercel.token, project_id=pid)
    servers = {name: make_https_server() for name in ("render", "vercel", "stripe")}
    servers["render"].expect_request(re.compile("^/")).respond_with_handler(
        _route(render_domains.handle, render.handle, "/custom-domains")
    )
    servers["vercel"].expect_request(re.compile("^/")).respond_with_handler(
        _route(vercel_domains.handle, vercel.handle, "domains")
    )
    stripe, _updates = install_stripe(servers["stripe"])
    env = {
        "SSL_CERT_FILE": str(ca_file),
        "CONVOAI_SETUP_RENDER_API": servers["render"].url_for("").rstrip("/"),
        "CONVOAI_SETUP_VERCEL_API": servers["vercel"].url_for("").rstrip("/"),
        "CONVOAI_SETUP_STRIPE_API": servers["stripe"].url_for("").rstrip("/"),
        "CONVOAI_SETUP_DEPLOY_POLL": "0.02",
        "CONVOAI_SETUP_DEPLOY_WAIT": "20",
    }
    created = run_cli("stripe", "create-webhook", project=stored, env=env)
    assert created.returncode == 0, created.stderr
    return World(render, sid, vercel, pid, stripe, env)


def domain_set(project: Path, world: World, *extra: str) -> tuple[int, str]:
    result = run_cli(
        "domain",
        "set",
        "app.example.com",
        "--api",
        "api.example.com",
        "--interval",
        "0.01",
        *extra,
        project=project,
        env=world.env,
    )
    assert leaks(result.stdout, result.stderr) == []
    return result.returncode, result.stderr


def vite(world: World) -> list[str]:
    return [e["value"] for e in world.vercel.envs[world.pid] if e["key"] == "VITE_API_URL"]


def test_domain_set_yes_pushes_the_changes_and_moves_the_webhook(
    stored: Path, world: World
) -> None:
    [endpoint] = world.stripe.endpoints
    code, err = domain_set(stored, world, "--yes")
    assert code == 0, err
    # Render: only APP_URL was sent (one upsert), read back, then a deploy followed to live.
    assert world.render.env[world.sid]["APP_URL"] == NEW
    assert world.render.env[world.sid]["FOREIGN_VAR"] == "keep"
    writes = world.render.writes()
    assert [p for m, p in writes if m == "PUT"] == [f"/v1/services/{world.sid}/env-vars/APP_URL"]
    assert ("POST", f"/v1/services/{world.sid}/deploys") in writes
    assert "Render: set 1 variable(s): APP_URL." in err and "is live" in err
    # Vercel: VITE_API_URL for production and preview, then the production redeploy.
    assert vite(world) == [NEW]
    assert "Vercel: set 1 variable(s): VITE_API_URL." in err and "is READY" in err
    # The masked plan was shown: the changed variables only.
    assert re.search(r"change\s+APP_URL\s+https://api.example.com", err)
    assert not re.search(r"add\s+STRIPE_SECRET_KEY", err)
    # Stripe: the same endpoint now points at the new URL; no second one.
    assert len(world.stripe.endpoints) == 1 and len(world.stripe.created) == 1
    assert world.stripe.endpoints[0]["id"] == endpoint["id"]
    assert world.stripe.endpoints[0]["url"] == NEW + HOOK
    assert f"moved webhook endpoint {endpoint['id']}" in err
    state = state_of(stored)
    assert state["stripe_webhook"] == {"id": endpoint["id"], "url": NEW + HOOK}
    assert state["platforms"]["render"]["service_id"] == world.sid
    assert scan_for_secrets(stored / ".convoai-setup", SECRETS) == []


def test_without_a_terminal_or_yes_nothing_is_pushed_and_the_commands_are_printed(
    stored: Path, world: World
) -> None:
    code, err = domain_set(stored, world)
    assert code == 0, err
    assert world.render.writes() == [] and world.vercel.writes() == []
    assert world.stripe.endpoints[0]["url"] == OLD + HOOK
    assert "Not pushed" in err
    assert "convoai-setup push render vercel" in err
    assert (
        "convoai-setup stripe create-webhook   (move Stripe webhook endpoint "
        f"{world.stripe.endpoints[0]['id']} to {NEW}{HOOK})" in err
    )
    assert run_cli("vars", "get", "APP_URL", project=stored).stdout.strip() == NEW  # set locally


def test_a_failed_follow_up_is_one_line_and_undoes_nothing(stored: Path, world: World) -> None:
    world.render.reject = {"APP_URL"}
    world.stripe.endpoints.clear()  # the remembered endpoint was deleted in the dashboard
    code, err = domain_set(stored, world, "--yes", "--no-deploy")
    assert code == 1
    assert any(
        line.startswith("Render: 1 variable(s) did not land (APP_URL: ")
        for line in err.splitlines()
    )
    assert "no longer exists on Stripe (404)" in err and len(world.stripe.created) == 1
    assert vite(world) == [NEW]  # Vercel still got its variable
    assert not [w for w in world.vercel.writes() if w[1] == "/v13/deployments"]  # --no-deploy
    # The domain and the variables stay set.
    assert run_cli("vars", "get", "APP_URL", project=stored).stdout.strip() == NEW
    assert (
        run_cli("vars", "get", "CUSTOM_DOMAIN", project=stored).stdout.strip() == "app.example.com"
    )


def test_on_a_terminal_the_plan_is_confirmed_at_a_prompt(stored: Path, world: World) -> None:
    import os
    import sys

    import pexpect

    from tests.conftest import REPO

    def spawn() -> pexpect.spawn:
        argv = [
            "-m",
            "wizard",
            "domain",
            "set",
            "app.example.com",
            "--api",
            "api.example.com",
            "--interval",
            "0.01",
            "--no-deploy",
            "--project",
            str(stored),
        ]
        return pexpect.spawn(
            sys.executable,
            argv,
            cwd=str(REPO),
            env={**os.environ, **world.env},
            encoding="utf-8",
            timeout=30,
        )

    child = spawn()
    child.expect_exact("Push to Render, Vercel and move Stripe webhook endpoint")
    child.expect_exact("? [y/N] ")
    child.sendline("n")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "Not confirmed: nothing was pushed" in (child.before or "")
    assert world.render.writes() == [] and world.vercel.writes() == []
    assert world.stripe.endpoints[0]["url"] == OLD + HOOK
    # Confirming on a later run: the domain is verified and the variables already set, so
    # there is nothing to follow up: push finishes what was declined.
    pushed = run_cli(
        "push", "render", "vercel", "--yes", "--no-deploy", project=stored, env=world.env
    )
    assert pushed.returncode == 0, pushed.stderr
    assert world.render.env[world.sid]["APP_URL"] == NEW and vite(world) == [NEW]
