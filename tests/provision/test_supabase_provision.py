"""``provision supabase`` through the real CLI against a stateful stand-in of the Management API."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any
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

    writes = fake.writes()
    again = run_cli("provision", "supabase", "--yes", "--json", project=tokened, env=env)
    assert again.returncode == 0, again.stderr
    assert fake.writes() == writes  # a second run sends no write
    doc = json.loads(again.stdout)
    assert [(r["action"], r["ref"]) for r in doc["resources"]] == [("found", ref)]
    assert doc["results"][0]["ok"] is True and doc["results"][0]["stored"] == []
    assert stored(tokened) == values
    no_leaks(tokened, fake, again.stdout, again.stderr)
