"""``--plain``'s "create it for me, or paste the values" (issue 17), through a real pty against
the stateful Upstash stand-in: with the token set the phase asks first and creates what its
values need (the masked plan, a confirm that defaults to no); without it the phase says how to
set it and offers to create once the token was typed; a declined plan sends no write."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from tests.conftest import scan_for_secrets
from tests.fixtures.redis_tls import REDIS_PASSWORD, RedisServer
from tests.plain.drive import answer, finish, keep_values, spawn, transcript
from tests.provision.upstash_standin import UpstashStandIn
from tests.push.conftest import store
from wizard.project import Project
from wizard.values import Answers

EMAIL = "owner@example.com"
API_KEY = "FAKEupstashApiKey-0123456789abcdef"
SECRETS = {"UPSTASH_API_KEY": API_KEY, "password": REDIS_PASSWORD}


@pytest.fixture
def upstash(https_server: HTTPServer, redis_tls: RedisServer) -> UpstashStandIn:
    fake = UpstashStandIn(EMAIL, API_KEY, port=redis_tls.port, password=REDIS_PASSWORD)
    fake.install(https_server)
    return fake


@pytest.fixture
def env(https_server: HTTPServer, ca_file: Path) -> dict[str, str]:
    return {
        "SSL_CERT_FILE": str(ca_file),
        "CONVOAI_SETUP_UPSTASH_API": https_server.url_for("").rstrip("/"),
    }


def redis_url(project: Path) -> str | None:
    return Answers(Project(project), use_environment=False).resolve("REDIS_URL").value


def test_with_the_token_set_create_it_for_me_fills_the_phase_and_its_check_passes(
    project: Path, upstash: UpstashStandIn, env: dict[str, str], redis_tls: RedisServer
) -> None:
    store(
        project, {"UPSTASH_EMAIL": EMAIL, "UPSTASH_API_KEY": API_KEY, "RENDER_REGION": "frankfurt"}
    )
    child = spawn(project, "phase", "upstash", env=env)
    child.expect(r"Upstash: Create it for me finds or creates the Upstash Redis database")
    answer(child, r"create it for me, or paste the values\?", "\r")  # default: create
    child.expect(r"Upstash database convoai: create")
    assert upstash.writes() == []  # the plan sent nothing
    answer(child, r"Create Upstash database convoai\?", "y\r")
    child.expect("stored REDIS_URL")
    keep_values(child, "upstash")  # the created URL is kept at its prompt
    answer(child, r"Verify Upstash Redis now", "y\r")
    child.expect(r"Upstash Redis: done")
    assert finish(child) == 0
    out = transcript(child)
    [create] = [r for r in upstash.log if r.writes]
    assert (create.method, create.path) == ("POST", "/v2/redis/database")
    assert create.json is not None and create.json["primary_region"] == "eu-central-1"
    assert redis_url(project) == f"rediss://default:{REDIS_PASSWORD}@127.0.0.1:{redis_tls.port}"
    assert "Create it for me now" not in out  # created before the values: not offered again
    assert [n for n, v in SECRETS.items() if v in out] == []
    assert scan_for_secrets(project, SECRETS) == []


def test_without_the_token_it_says_how_then_offers_after_the_values_and_a_no_sends_nothing(
    project: Path, upstash: UpstashStandIn, env: dict[str, str]
) -> None:
    child = spawn(project, "phase", "upstash", env=env)
    child.expect(r"UPSTASH_EMAIL and UPSTASH_API_KEY are not set: enter them below")
    keep_values(child, "upstash", {"UPSTASH_EMAIL": EMAIL, "UPSTASH_API_KEY": API_KEY})
    answer(child, r"Create it for me now \(Upstash: REDIS_URL not set\)\?", "\r")
    child.expect(r"Upstash database convoai: create")
    answer(child, r"Create Upstash database convoai\?", "\r")  # default: no
    child.expect("Not confirmed: nothing was created")
    child.expect(r"Verify Upstash Redis now")
    child.send("n\r")
    child.expect("Upstash Redis: not done yet")
    assert finish(child) == 0
    out = transcript(child)
    assert "create it for me, or paste the values?" not in out  # no token: not asked
    assert upstash.writes() == [] and [r.path for r in upstash.log] == ["/v2/redis/databases"]
    assert redis_url(project) is None
    assert Answers(Project(project)).resolve("UPSTASH_EMAIL").value == EMAIL
    assert [n for n, v in SECRETS.items() if v in out] == []
    assert scan_for_secrets(project, SECRETS) == []


def test_a_refused_key_is_said_once_and_create_is_offered_again_only_for_a_new_key(
    project: Path, upstash: UpstashStandIn, env: dict[str, str], redis_tls: RedisServer
) -> None:
    refused = "FAKEwrongUpstashKey-000000000000"
    store(
        project, {"UPSTASH_EMAIL": EMAIL, "UPSTASH_API_KEY": refused, "RENDER_REGION": "frankfurt"}
    )
    # Kept as it was: the same key would be refused again, so it is not offered again.
    child = spawn(project, "phase", "upstash", env=env)
    answer(child, r"create it for me, or paste the values\?", "\r")
    child.expect(r"Upstash refused the Developer API credentials \(401\)")
    keep_values(child, "upstash")
    child.expect("Create it for me is not offered again: no value changed since")
    answer(child, r"Verify Upstash Redis now", "n\r")
    child.expect(r"Upstash Redis: not done yet .*\(and 1 failed above\)")
    assert finish(child) == 0
    out = transcript(child)
    assert out.count("refused the Developer API credentials") == 1
    assert "Create it for me now" not in out and upstash.writes() == []

    # A new key typed at its prompt: offered again, and it creates the database.
    child = spawn(project, "phase", "upstash", env=env)
    answer(child, r"create it for me, or paste the values\?", "\r")
    child.expect(r"Upstash refused the Developer API credentials \(401\)")
    keep_values(child, "upstash", {"UPSTASH_API_KEY": API_KEY})
    answer(child, r"Create it for me now \(Upstash: REDIS_URL not set\)\?", "\r")
    answer(child, r"Create Upstash database convoai\?", "y\r")
    child.expect("stored REDIS_URL")
    answer(child, r"Verify Upstash Redis now", "n\r")
    assert finish(child) == 0
    assert redis_url(project) == f"rediss://default:{REDIS_PASSWORD}@127.0.0.1:{redis_tls.port}"
    out = transcript(child)
    assert [n for n, v in {**SECRETS, "refused": refused}.items() if v in out] == []
    assert scan_for_secrets(project, {**SECRETS, "refused": refused}) == []
