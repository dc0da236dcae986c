"""``convoai-setup provision upstash`` against the stateful Upstash stand-in, through the real CLI;
the REDIS_URL it stores is then checked against a real TLS redis-server."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from tests.conftest import run_cli, scan_for_secrets
from tests.fixtures.redis_tls import REDIS_PASSWORD, RedisServer
from tests.provision.upstash_standin import UpstashStandIn
from tests.push.conftest import store

EMAIL = "owner@example.com"
API_KEY = "FAKEupstashApiKey-0123456789abcdef"
TOKENS = {"UPSTASH_EMAIL": EMAIL, "UPSTASH_API_KEY": API_KEY}
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


def provision(project: Path, env: dict[str, str], *args: str) -> tuple[int, str, str]:
    result = run_cli("provision", "upstash", *args, project=project, env=env)
    assert [n for n, v in SECRETS.items() if v in result.stdout + result.stderr] == []
    return result.returncode, result.stdout, result.stderr


def redis_url(project: Path) -> str:
    return run_cli("vars", "get", "REDIS_URL", "--reveal", project=project).stdout.strip()


def test_fresh_account_gets_a_tls_database_whose_url_works(
    project: Path, upstash: UpstashStandIn, env: dict[str, str], redis_tls: RedisServer
) -> None:
    store(project, {**TOKENS, "RENDER_REGION": "frankfurt"})
    code, out, err = provision(project, env, "--yes")
    assert code == 0, err
    [create] = [r for r in upstash.log if r.writes]
    assert (create.method, create.path) == ("POST", "/v2/redis/database")
    assert create.json == {
        "database_name": "convoai",
        "platform": "aws",
        "primary_region": "eu-central-1",
        "tls": True,
    }
    assert "eu-central-1 (nearest to RENDER_REGION frankfurt)" in out
    assert redis_url(project) == f"rediss://default:{REDIS_PASSWORD}@127.0.0.1:{redis_tls.port}"
    # the stored URL is the one BullMQ will use: TLS, AUTH and PING against a real server
    check = run_cli("check", "upstash", project=project, env=env)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "TLS, AUTH and PING succeeded" in check.stdout
    assert scan_for_secrets(project, SECRETS) == []

    before = len(upstash.log)
    code, out, err = provision(project, env, "--yes")
    assert code == 0, err
    assert [r for r in upstash.log[before:] if r.writes] == []
    assert [r.path for r in upstash.log[before:]] == ["/v2/redis/databases"]  # one round trip
    assert "Upstash database convoai: found" in out


def test_dry_run_sends_no_write_and_stores_nothing(
    project: Path, upstash: UpstashStandIn, env: dict[str, str]
) -> None:
    store(project, {**TOKENS, "UPSTASH_REGION": "europe-west1"})
    code, out, _err = provision(project, env, "--dry-run")
    assert code == 0
    assert upstash.writes() == [] and upstash.log
    assert "platform gcp" in out and "europe-west1 (UPSTASH_REGION)" in out
    assert redis_url(project) == ""


def test_the_database_of_that_exact_name_is_used(
    project: Path, upstash: UpstashStandIn, env: dict[str, str]
) -> None:
    upstash.add_database("convoai-staging")
    db = upstash.add_database("convoai", region="us-east-1")
    store(project, TOKENS)
    code, out, err = provision(project, env, "--yes")
    assert code == 0, err
    assert upstash.writes() == []
    assert f"database convoai: found ({db['database_id']})" in out
    assert "it is in us-east-1, not us-west-2 (nearest to RENDER_REGION oregon)" in out
    assert redis_url(project) == f"rediss://default:{REDIS_PASSWORD}@127.0.0.1:{upstash.port}"


def test_two_databases_of_that_name_are_refused(
    project: Path, upstash: UpstashStandIn, env: dict[str, str]
) -> None:
    one, two = upstash.add_database("convoai"), upstash.add_database("convoai")
    store(project, TOKENS)
    code, _out, err = provision(project, env, "--yes")
    assert code == 2
    assert one["database_id"] in err and two["database_id"] in err
    assert "UPSTASH_DATABASE" in err
    assert upstash.writes() == [] and redis_url(project) == ""


def test_a_slug_endpoint_is_read_again_and_never_guessed(
    project: Path, upstash: UpstashStandIn, env: dict[str, str]
) -> None:
    upstash.slug = "create"  # the creation answers a slug; reading the database gives the host
    store(project, TOKENS)
    code, _out, err = provision(project, env, "--yes")
    assert code == 0, err
    [db] = upstash.databases.values()
    assert any(r.path == f"/v2/redis/database/{db['database_id']}" for r in upstash.log)
    assert "@127.0.0.1:" in redis_url(project)


def test_a_slug_without_any_host_stores_nothing_and_says_how_to_paste(
    project: Path, upstash: UpstashStandIn, env: dict[str, str]
) -> None:
    upstash.slug = "always"
    store(project, TOKENS)
    code, _out, err = provision(project, env, "--yes")
    assert code == 1
    assert "which is not a host name" in err and "never guesses a host" in err
    assert "convoai-setup vars set REDIS_URL" in err
    assert redis_url(project) == ""


def test_an_account_made_through_vercel_is_told_the_paste_path(
    project: Path, upstash: UpstashStandIn, env: dict[str, str]
) -> None:
    upstash.native = False
    store(project, TOKENS)
    code, _out, err = provision(project, env, "--yes")
    assert code == 1
    assert "only for native Upstash accounts" in err and "Vercel or Fly.io" in err
    assert "convoai-setup vars set REDIS_URL" in err
    assert upstash.writes() == []


def test_without_the_email_the_token_variable_is_named(project: Path, env: dict[str, str]) -> None:
    store(project, {"UPSTASH_API_KEY": API_KEY})
    result = run_cli("provision", "upstash", "--yes", project=project, env=env)
    assert result.returncode == 2
    assert "UPSTASH_EMAIL is not set" in result.stderr


def test_a_lost_creation_answer_is_settled_by_the_list_not_a_second_post(
    project: Path, upstash: UpstashStandIn, env: dict[str, str]
) -> None:
    upstash.drop_create = True  # created, but the answer never arrives
    store(project, TOKENS)
    code, _out, err = provision(project, env, "--yes")
    assert code == 0, err
    assert upstash.writes() == [("POST", "/v2/redis/database")]  # never sent twice
    assert "the answer was lost" in err and len(upstash.databases) == 1
    assert "@127.0.0.1:" in redis_url(project)
