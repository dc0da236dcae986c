"""``convoai-setup provision sentry`` against the stateful Sentry stand-in (a base server and the
organization's region server), through the real CLI."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from tests.conftest import run_cli, scan_for_secrets
from tests.provision.sentry_standin import SentryStandIn
from tests.push.conftest import store

TOKEN = "sntryu_FAKEsentryUserToken0123456789abcdef"
PROJECTS = "/api/0/organizations/acme/projects/"


@pytest.fixture
def region(make_https_server: Callable[[], HTTPServer]) -> HTTPServer:
    return make_https_server()


@pytest.fixture
def sentry(https_server: HTTPServer, region: HTTPServer) -> SentryStandIn:
    fake = SentryStandIn(TOKEN)
    fake.install(https_server, region)
    return fake


@pytest.fixture
def env(https_server: HTTPServer, ca_file: Path) -> dict[str, str]:
    return {
        "SSL_CERT_FILE": str(ca_file),
        "CONVOAI_SETUP_SENTRY_API": https_server.url_for("").rstrip("/"),
    }


def provision(project: Path, env: dict[str, str], *args: str) -> tuple[int, str, str]:
    result = run_cli("provision", "sentry", *args, project=project, env=env)
    assert TOKEN not in result.stdout + result.stderr
    return result.returncode, result.stdout, result.stderr


def dsn(project: Path) -> str:
    return run_cli("vars", "get", "SENTRY_DSN", project=project).stdout.strip()


def test_fresh_org_gets_the_project_under_its_team_in_its_region(
    project: Path, sentry: SentryStandIn, env: dict[str, str]
) -> None:
    sentry.add_org("acme", ["backend"])
    sentry.limit_once = PROJECTS  # a 429 once, waited out with X-Sentry-Rate-Limit-Reset
    store(project, {"SENTRY_AUTH_TOKEN": TOKEN})
    code, out, err = provision(project, env, "--yes")
    assert code == 0, err
    assert sentry.writes() == [("POST", "/api/0/teams/acme/backend/projects/")]
    [create] = [r for r in sentry.log if r.writes]
    assert create.json == {
        "name": "convoai-backend",
        "slug": "convoai-backend",
        "platform": "node-express",
    }
    assert sentry.teams["acme"] == ["backend"]  # no team made on the side
    key = sentry.keys[("acme", "convoai-backend")][0]
    assert dsn(project) == key["dsn"]["public"]
    # the organization list on the base; everything else in the organization's region
    assert {s for s, _m, p in sentry.hosts if p != "/api/0/organizations/"} == {"region"}
    assert [p for s, _m, p in sentry.hosts if s == "base"] == ["/api/0/organizations/"]
    assert [p for _s, _m, p in sentry.hosts].count(PROJECTS) == 2  # the 429, then the answer
    assert "organization acme, region 127.0.0.1" in out
    assert scan_for_secrets(project, {"SENTRY_AUTH_TOKEN": TOKEN}) == []

    before = len(sentry.log)
    code, out, err = provision(project, env, "--yes")
    assert code == 0, err
    assert [r for r in sentry.log[before:] if r.writes] == []
    assert "Sentry project convoai-backend: found" in out


def test_dry_run_sends_no_write_and_stores_nothing(
    project: Path, sentry: SentryStandIn, env: dict[str, str]
) -> None:
    sentry.add_org("acme", ["backend"])
    store(project, {"SENTRY_AUTH_TOKEN": TOKEN})
    code, out, _err = provision(project, env, "--dry-run")
    assert code == 0
    assert sentry.writes() == [] and sentry.log
    assert "team backend, platform node-express" in out
    assert dsn(project) == ""


def test_the_exact_slug_is_found_across_pages(
    project: Path, sentry: SentryStandIn, env: dict[str, str]
) -> None:
    sentry.add_org("acme", ["backend"])
    for slug in ("convoai-backend-old", "convoai-backend-2", "convoai-backend"):
        sentry.add_project("acme", slug)
    store(project, {"SENTRY_AUTH_TOKEN": TOKEN})
    code, _out, err = provision(project, env, "--yes")
    assert code == 0, err
    assert sentry.writes() == []
    assert dsn(project) == sentry.keys[("acme", "convoai-backend")][0]["dsn"]["public"]
    cursors = [dict(r.query).get("cursor") for r in sentry.log if r.path == PROJECTS]
    assert cursors == [None, "2:2:0"]  # the second page, by the Link header


def test_a_project_created_meanwhile_answers_409_and_is_read(
    project: Path, sentry: SentryStandIn, env: dict[str, str]
) -> None:
    sentry.add_org("acme", ["backend"])
    store(project, {"SENTRY_AUTH_TOKEN": TOKEN})
    sentry.race = "convoai-backend"  # the plan sees none; it exists when the POST arrives
    code, _out, err = provision(project, env, "--yes")
    assert code == 0, err
    assert "already existed (409), read" in err
    assert dsn(project) == sentry.keys[("acme", "convoai-backend")][0]["dsn"]["public"]
    assert len(sentry.projects) == 1


def test_several_organizations_block_naming_them_and_the_variable(
    project: Path, sentry: SentryStandIn, env: dict[str, str]
) -> None:
    sentry.add_org("acme", ["backend"])
    sentry.add_org("globex", ["web", "api"])
    store(project, {"SENTRY_AUTH_TOKEN": TOKEN})
    code, _out, err = provision(project, env, "--yes")
    assert code == 2
    assert "several Sentry organizations (acme, globex)" in err
    assert "convoai-setup vars set SENTRY_ORG" in err
    assert sentry.writes() == []

    store(project, {"SENTRY_ORG": "globex"})
    code, _out, err = provision(project, env, "--yes")
    assert code == 2
    assert "several Sentry teams (web, api)" in err and "SENTRY_TEAM" in err

    store(project, {"SENTRY_TEAM": "api"})
    code, _out, err = provision(project, env, "--yes")
    assert code == 0, err
    assert sentry.writes() == [("POST", "/api/0/teams/globex/api/projects/")]


def test_a_region_on_another_host_never_gets_the_token(
    project: Path, sentry: SentryStandIn, env: dict[str, str]
) -> None:
    sentry.add_org("acme", ["backend"], region_url="https://collector.example.net")
    store(project, {"SENTRY_AUTH_TOKEN": TOKEN})
    code, _out, err = provision(project, env, "--yes")
    assert code == 1
    assert "collector.example.net" in err and "the token was not sent there" in err
    assert [p for _s, _m, p in sentry.hosts] == ["/api/0/organizations/"]
