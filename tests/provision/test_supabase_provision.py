"""``provision supabase`` through the real CLI against a stateful stand-in of the Management API."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from pytest_httpserver import HTTPServer

from tests.conftest import REPO, run_cli, scan_for_secrets
from tests.provision.supabase_fake import FakeSupabase
from wizard.project import Project
from wizard.values import Answers

TOKEN = "sbp_FAKEsupabaseAccessToken0123456789abcdef"
STORED = ("SUPABASE_URL", "SUPABASE_SERVICE_KEY", "SUPABASE_DB_URL", "SUPABASE_DB_PASSWORD")
POOLER = "aws-0-us-west-1.pooler.supabase.com"


@pytest.fixture
def fake(https_server: HTTPServer) -> FakeSupabase:
    api = FakeSupabase(TOKEN)
    api.install(https_server)
    return api


@pytest.fixture
def env(https_server: HTTPServer, ca_file: Path) -> dict[str, str]:
    return {
        "SSL_CERT_FILE": str(ca_file),
        "CONVOAI_SETUP_SUPABASE_API": https_server.url_for("").rstrip("/"),
        "CONVOAI_SETUP_PROVISION_POLL": "0.02",
        "CONVOAI_SETUP_PROVISION_WAIT": "30",
    }


def answers(project: Path) -> Answers:
    return Answers(Project(project), use_environment=False)


def store(project: Path, values: dict[str, str]) -> None:
    answers(project).set_many(values)


@pytest.fixture
def tokened(project: Path) -> Path:
    store(project, {"SUPABASE_ACCESS_TOKEN": TOKEN})
    return project


def stored(project: Path) -> dict[str, str | None]:
    return answers(project).values(STORED)


def secrets_of(fake: FakeSupabase) -> dict[str, str]:
    """Every secret the run could have seen: the token, passwords, every project's keys."""
    found = {"token": TOKEN}
    for n, body in enumerate(fake.created):
        found[f"password {n}"] = body["db_pass"]
    for ref, project in fake.projects.items():
        found[f"jwt {ref}"] = fake.service_jwt(ref)
        found[f"secret {ref}"] = fake.secret_key(ref)
        if project["db_pass"]:
            found[f"db_pass {ref}"] = project["db_pass"]
    return found


def no_leaks(project: Path, fake: FakeSupabase, *outputs: str) -> None:
    secrets = secrets_of(fake)
    assert scan_for_secrets(project, secrets) == []  # state.json, generated files: nothing
    assert [name for name, value in secrets.items() if any(value in o for o in outputs)] == []


def pooler_url(ref: str, password: str) -> str:
    return f"postgres://postgres.{ref}:{quote(password, safe='')}@{POOLER}:5432/postgres"


def test_a_fresh_project_is_created_waited_for_and_stored(
    tokened: Path, fake: FakeSupabase, env: dict[str, str]
) -> None:
    fake.limited_polls = 1  # one poll answered 429 with X-RateLimit-Reset
    result = run_cli("provision", "supabase", "--yes", project=tokened, env=env)
    assert result.returncode == 0, result.stderr
    [body] = fake.created
    [ref] = fake.projects
    assert body["name"] == "convoai" and body["organization_slug"] == "acme"
    # RENDER_REGION defaults to oregon: the nearest Supabase region, as region_selection wants it
    assert body["region_selection"] == {"type": "specific", "code": "us-west-1"}
    assert "region" not in body and len(body["db_pass"]) >= 40
    assert "Supabase project convoai: create" in result.stdout
    assert "us-west-1 (nearest to RENDER_REGION oregon)" in result.stdout
    # Progress: COMING_UP, then ACTIVE_HEALTHY after the polls (one of them refused with 429).
    assert f"({ref}): COMING_UP" in result.stderr and f"({ref}): ACTIVE_HEALTHY" in result.stderr
    polls = [q for m, p, q in fake.log if m == "GET" and p == f"/v1/projects/{ref}"]
    assert len(polls) >= 4  # 429, COMING_UP, COMING_UP, ACTIVE_HEALTHY
    assert ("GET", f"/v1/projects/{ref}/api-keys", "reveal=true") in fake.log
    values = stored(tokened)
    assert values == {
        "SUPABASE_URL": f"https://{ref}.supabase.co",
        "SUPABASE_SERVICE_KEY": fake.service_jwt(ref),  # legacy keys are enabled
        "SUPABASE_DB_URL": pooler_url(ref, body["db_pass"]),  # transaction entry, moved to 5432
        "SUPABASE_DB_PASSWORD": body["db_pass"],
    }
    assert "the legacy service_role JWT (legacy API keys are enabled)" in result.stderr
    state = json.loads((tokened / ".convoai-setup" / "state.json").read_text())
    assert state["values"]["SUPABASE_DB_URL"]["source"] == "created by API"
    assert state["provisioned"]["supabase"] == {"org": "acme", "name": "convoai", "ref": ref}
    no_leaks(tokened, fake, result.stdout, result.stderr)

    # Requests of a first run (README): 6 plus the polls.
    assert len(fake.log) - len(polls) == 6
    writes, sent = fake.writes(), len(fake.log)
    again = run_cli("provision", "supabase", "--yes", "--json", project=tokened, env=env)
    assert again.returncode == 0, again.stderr
    assert fake.writes() == writes  # a second run sends no write
    assert sorted(p.removeprefix(f"/v1/projects/{ref}") for _, p, _ in fake.log[sent:]) == [
        "/api-keys",
        "/api-keys/legacy",
        "/v1/organizations",
        "/v1/organizations/acme/projects",
    ]
    doc = json.loads(again.stdout)
    assert [(r["action"], r["ref"]) for r in doc["resources"]] == [("found", ref)]
    assert doc["results"][0]["ok"] is True and doc["results"][0]["stored"] == []
    assert stored(tokened) == values
    no_leaks(tokened, fake, again.stdout, again.stderr)


def test_dry_run_sends_no_write_and_stores_nothing(
    tokened: Path, fake: FakeSupabase, env: dict[str, str]
) -> None:
    result = run_cli("provision", "supabase", "--dry-run", project=tokened, env=env)
    assert result.returncode == 0, result.stderr
    assert "Supabase project convoai: create" in result.stdout
    assert "nothing was created and nothing was stored" in result.stderr
    assert fake.writes() == [] and fake.projects == {}
    assert stored(tokened) == dict.fromkeys(STORED)
    unconfirmed = run_cli("provision", "supabase", project=tokened, env=env)  # no TTY, no --yes
    assert unconfirmed.returncode == 2 and "--yes" in unconfirmed.stderr
    assert fake.writes() == [] and stored(tokened) == dict.fromkeys(STORED)


def test_two_projects_with_the_name_are_refused_naming_both(
    tokened: Path, fake: FakeSupabase, env: dict[str, str]
) -> None:
    first, second = fake.add_project("convoai"), fake.add_project("convoai")
    fake.add_project("convoai-staging")  # found by the loose search, not the same name
    result = run_cli("provision", "supabase", "--yes", project=tokened, env=env)
    assert result.returncode == 2
    assert first in result.stderr and second in result.stderr
    assert "SUPABASE_PROJECT" in result.stderr and fake.writes() == []
    assert stored(tokened) == dict.fromkeys(STORED)


def test_several_organizations_need_supabase_org(
    tokened: Path, fake: FakeSupabase, env: dict[str, str]
) -> None:
    fake.orgs.append({"id": "beta", "slug": "betaorgslug", "name": "Beta Labs"})
    result = run_cli("provision", "supabase", "--yes", project=tokened, env=env)
    assert result.returncode == 2
    assert "acme (Acme)" in result.stderr and "betaorgslug (Beta Labs)" in result.stderr
    assert "convoai-setup vars set SUPABASE_ORG" in result.stderr and fake.writes() == []
    store(tokened, {"SUPABASE_ORG": "nosuchorg"})
    wrong = run_cli("provision", "supabase", "--yes", project=tokened, env=env)
    assert wrong.returncode == 2 and "SUPABASE_ORG=nosuchorg is not an organization" in wrong.stderr
    assert "betaorgslug (Beta Labs)" in wrong.stderr and fake.writes() == []
    store(tokened, {"SUPABASE_ORG": "betaorgslug"})
    listed = fake.log.count(("GET", "/v1/organizations", ""))
    chosen = run_cli("provision", "supabase", "--yes", project=tokened, env=env)
    assert chosen.returncode == 0, chosen.stderr
    assert [b["organization_slug"] for b in fake.created] == ["betaorgslug"]
    # SUPABASE_ORG names it: the organizations are not even listed
    assert fake.log.count(("GET", "/v1/organizations", "")) == listed


def test_a_found_project_without_a_known_password_leaves_the_db_url_unset(
    tokened: Path, fake: FakeSupabase, env: dict[str, str]
) -> None:
    ref = fake.add_project("convoai", password="the-owners-own-password")
    result = run_cli("provision", "supabase", "--yes", project=tokened, env=env)
    assert result.returncode == 1
    assert f"Supabase project convoai: found ({ref})" in result.stdout
    assert "SUPABASE_DB_URL is not set" in result.stderr
    assert "convoai-setup vars set SUPABASE_DB_PASSWORD" in result.stderr
    assert "convoai-setup provision supabase --reset-db-password" in result.stderr
    assert fake.writes() == []  # found: nothing created, nothing reset
    values = stored(tokened)
    assert values["SUPABASE_URL"] == f"https://{ref}.supabase.co"
    assert values["SUPABASE_SERVICE_KEY"] == fake.service_jwt(ref)
    assert values["SUPABASE_DB_URL"] is None and values["SUPABASE_DB_PASSWORD"] is None

    # The reset asks first: without a terminal and without --yes, nothing is reset.
    refused = run_cli("provision", "supabase", "--reset-db-password", project=tokened, env=env)
    assert refused.returncode == 2 and "--yes" in refused.stderr and fake.writes() == []
    reset = run_cli(
        "provision", "supabase", "--reset-db-password", "--yes", project=tokened, env=env
    )
    assert reset.returncode == 0, reset.stderr
    assert fake.writes() == [("PATCH", f"/v1/projects/{ref}/database/password")]
    new = fake.projects[ref]["db_pass"]
    assert new != "the-owners-own-password" and len(new) >= 40
    assert stored(tokened)["SUPABASE_DB_URL"] == pooler_url(ref, new)
    assert stored(tokened)["SUPABASE_DB_PASSWORD"] == new
    no_leaks(tokened, fake, result.stderr, reset.stdout, reset.stderr)
    again = run_cli("provision", "supabase", "--yes", project=tokened, env=env)
    assert again.returncode == 0 and len(fake.writes()) == 1


def test_a_pasted_password_builds_the_db_url_of_a_found_project(
    tokened: Path, fake: FakeSupabase, env: dict[str, str]
) -> None:
    ref = fake.add_project("convoai", password="pasted/pass:with@odd#chars%")
    fake.session_entry = True  # a READ_REPLICA entry first, then the PRIMARY session entry
    store(tokened, {"SUPABASE_DB_PASSWORD": "pasted/pass:with@odd#chars%"})
    result = run_cli("provision", "supabase", "--yes", project=tokened, env=env)
    assert result.returncode == 0, result.stderr
    url = stored(tokened)["SUPABASE_DB_URL"]
    assert url == pooler_url(ref, "pasted/pass:with@odd#chars%")
    assert "pasted%2Fpass%3Awith%40odd%23chars%25@" in str(url) and fake.writes() == []


def test_reveal_refused_names_the_missing_permission(
    tokened: Path, fake: FakeSupabase, env: dict[str, str]
) -> None:
    fake.add_project("convoai")
    fake.reveal_forbidden = True
    result = run_cli("provision", "supabase", "--yes", project=tokened, env=env)
    assert result.returncode == 1
    assert "the access token lacks the permission API Key Secrets (Read)" in result.stderr
    assert "Access Tokens" in result.stderr and stored(tokened)["SUPABASE_SERVICE_KEY"] is None


def test_with_legacy_keys_disabled_the_secret_key_is_stored(
    tokened: Path, fake: FakeSupabase, env: dict[str, str]
) -> None:
    ref = fake.add_project("convoai", legacy=False)
    fake.legacy_endpoint_gone = True  # "check for HTTP 404": it means disabled
    result = run_cli("provision", "supabase", "--yes", project=tokened, env=env)
    assert result.returncode == 1  # the DB password is not known: said above
    assert stored(tokened)["SUPABASE_SERVICE_KEY"] == fake.secret_key(ref)
    assert "the secret key default (sb_secret_…; legacy API keys are disabled)" in result.stderr


def test_the_exact_name_is_found_on_a_later_page(
    tokened: Path, fake: FakeSupabase, env: dict[str, str]
) -> None:
    for n in range(130):  # the search matches all of them; the exact name comes last
        fake.add_project(f"convoai-preview-{n:03}")
    ref = fake.add_project("convoai")
    result = run_cli("provision", "supabase", "--yes", "--dry-run", project=tokened, env=env)
    assert result.returncode == 0, result.stderr
    assert f"found ({ref})" in result.stdout and fake.writes() == []
    pages = [q for m, p, q in fake.log if p == "/v1/organizations/acme/projects"]
    assert len(pages) == 2 and "offset=100" in pages[1]


def test_a_failed_project_fails_fast(
    tokened: Path, fake: FakeSupabase, env: dict[str, str]
) -> None:
    fake.script = ("COMING_UP", "INIT_FAILED")
    result = run_cli("provision", "supabase", "--yes", project=tokened, env=env)
    assert result.returncode == 1
    assert "is INIT_FAILED: Supabase could not set it up" in result.stderr
    [ref] = fake.projects
    polls = [p for m, p, _ in fake.log if p == f"/v1/projects/{ref}"]
    assert len(polls) == 2  # no poll after the failed status
    blocked = run_cli("provision", "supabase", "--yes", project=tokened, env=env)
    assert blocked.returncode == 1 and "INIT_FAILED" in blocked.stderr
    assert len(fake.created) == 1  # not created again


def test_a_run_that_stops_while_coming_up_is_resumed_not_repeated(
    tokened: Path, fake: FakeSupabase, env: dict[str, str]
) -> None:
    fake.script = ("COMING_UP",) * 40 + ("ACTIVE_HEALTHY",)
    short = {**env, "CONVOAI_SETUP_PROVISION_WAIT": "0.2"}
    first = run_cli("provision", "supabase", "--yes", project=tokened, env=short)
    assert first.returncode == 1
    assert "still COMING_UP" in first.stderr and "picks this project up" in first.stderr
    again = run_cli("provision", "supabase", "--yes", project=tokened, env=env)
    assert again.returncode == 0, again.stderr
    assert "found (" in again.stdout and len(fake.created) == 1
    [ref] = fake.projects
    assert stored(tokened)["SUPABASE_DB_URL"] == pooler_url(ref, fake.created[0]["db_pass"])


def test_the_password_is_stored_before_the_create_call(
    tokened: Path, fake: FakeSupabase, env: dict[str, str]
) -> None:
    """The run is killed while Supabase creates the project; the next run resumes with the
    password that was sent."""
    argv = [sys.executable, "-m", "wizard", "provision", "supabase", "--yes"]
    proc = subprocess.Popen(
        [*argv, "--project", str(tokened)],
        env={**os.environ, **env},
        cwd=REPO,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    fake.on_create = lambda: os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL and len(fake.created) == 1
    fake.on_create = None
    again = run_cli("provision", "supabase", "--yes", project=tokened, env=env)
    assert again.returncode == 0, again.stderr
    assert len(fake.created) == 1 and "found (" in again.stdout
    [ref] = fake.projects
    assert stored(tokened)["SUPABASE_DB_URL"] == pooler_url(ref, fake.created[0]["db_pass"])


def test_a_lost_create_answer_is_looked_up_not_sent_again(
    tokened: Path, fake: FakeSupabase, env: dict[str, str]
) -> None:
    fake.drop_create = True
    result = run_cli("provision", "supabase", "--yes", project=tokened, env=env)
    assert result.returncode == 0, result.stderr
    assert [m for m, _ in fake.writes()] == ["POST"] and len(fake.projects) == 1
    [ref] = fake.projects
    assert stored(tokened)["SUPABASE_DB_URL"] == pooler_url(ref, fake.created[0]["db_pass"])


def test_without_the_token_the_variable_is_named(project: Path, env: dict[str, str]) -> None:
    result = run_cli("provision", "supabase", project=project, env=env)
    assert result.returncode == 2 and "SUPABASE_ACCESS_TOKEN" in result.stderr


def test_another_projects_password_is_not_used_for_a_switched_project(
    tokened: Path, fake: FakeSupabase, env: dict[str, str]
) -> None:
    first = fake.add_project("convoai", password="pasted-for-the-first")
    store(tokened, {"SUPABASE_DB_PASSWORD": "pasted-for-the-first"})  # entered by hand
    assert run_cli("provision", "supabase", "--yes", project=tokened, env=env).returncode == 0
    first_url = stored(tokened)["SUPABASE_DB_URL"]
    assert first_url == pooler_url(first, "pasted-for-the-first")
    other = fake.add_project("convoai-eu", password="someone-elses")
    store(tokened, {"SUPABASE_PROJECT": "convoai-eu"})
    result = run_cli("provision", "supabase", "--yes", project=tokened, env=env)
    assert result.returncode == 1
    assert f"replaces the values of project {first}" in result.stdout
    assert f"SUPABASE_DB_URL still opens project {first}" in result.stderr
    values = stored(tokened)
    assert values["SUPABASE_URL"] == f"https://{other}.supabase.co"
    assert values["SUPABASE_DB_URL"] == first_url  # not rebuilt with the first one's password
