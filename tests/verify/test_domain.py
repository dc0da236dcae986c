"""``convoai-setup domain set`` against stateful fakes of Vercel's and Render's domain endpoints."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from checklists.errors import ProviderError
from providers.base import CheckContext
from providers.http import make_client
from providers.vercel import VercelClient
from tests.conftest import FAKE_SECRETS, run_cli, scan_for_secrets
from tests.verify.conftest import store
from tests.verify.fakes import FakeRender, FakeVercel

BACKEND = "https://convoai-backend.onrender.com"


@pytest.fixture
def platforms(
    make_https_server: Callable[[], HTTPServer], ca_file: Path
) -> tuple[FakeVercel, FakeRender, dict[str, str]]:
    vercel = FakeVercel(FAKE_SECRETS["VERCEL_TOKEN"])
    render = FakeRender(FAKE_SECRETS["RENDER_API_KEY"])
    vercel_server, render_server = make_https_server(), make_https_server()
    vercel.install(vercel_server)
    render.install(render_server)
    env = {
        "SSL_CERT_FILE": str(ca_file),
        "CONVOAI_SETUP_VERCEL_API": f"https://127.0.0.1:{vercel_server.port}",
        "CONVOAI_SETUP_RENDER_API": f"https://127.0.0.1:{render_server.port}",
    }
    return vercel, render, env


@pytest.fixture
def configured(project: Path) -> Path:
    store(
        project,
        {
            "APP_URL": BACKEND,
            "VITE_API_URL": BACKEND,
            "VERCEL_PROJECT": "convoai",
            "VERCEL_TOKEN": FAKE_SECRETS["VERCEL_TOKEN"],
            "RENDER_API_KEY": FAKE_SECRETS["RENDER_API_KEY"],
        },
    )
    return project


def has_row(text: str, *cells: str) -> bool:
    """A table row holding ``cells`` in order, whatever the column widths."""
    return re.search(r"\s+".join(re.escape(c) for c in cells), text) is not None


def get(project: Path, name: str) -> str:
    return run_cli("vars", "get", name, project=project).stdout.strip()


def test_domain_and_api_domain_end_to_end(platforms: Any, configured: Path) -> None:
    vercel, render, env = platforms
    # vercel.json written for the old backend: after the domain change it is out of date.
    assert run_cli("write", "vercel", project=configured, env=env).returncode == 0
    result = run_cli(
        "domain",
        "set",
        "https://App.Example.com/",
        "--api",
        "api.example.com",
        "--interval",
        "0.01",
        project=configured,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    err = result.stderr
    # Records shown: Vercel's rank-1 CNAME (trailing dot dropped), its TXT, Render's CNAME.
    assert has_row(err, "Vercel", "CNAME", "app.example.com", "cname.vercel-dns-017.com", "points")
    assert has_row(
        err, "Vercel", "TXT", "_vercel.example.com", "vc-domain-verify=app.example.com,fake123"
    )
    assert has_row(err, "Render", "CNAME", "api.example.com", "convoai-backend.onrender.com")
    # Polled: unverified first, verified later, on both platforms.
    assert "app.example.com on Vercel: waiting for the TXT verification record" in err
    assert "api.example.com on Render: waiting for its DNS record" in err
    assert "app.example.com on Vercel: verified; api.example.com on Render: verified" in err
    assert (
        vercel.verify_calls == {"app.example.com": 2}
        and render.verify_calls["api.example.com"] >= 2
    )
    # Variables updated.
    assert get(configured, "CUSTOM_DOMAIN") == "app.example.com"
    assert get(configured, "FRONTEND_URL") == "https://app.example.com"
    assert get(configured, "APP_URL") == "https://api.example.com"
    assert get(configured, "VITE_API_URL") == "https://api.example.com"
    # The one done rule: vercel.json was written for the old APP_URL, so the phase has it to do.
    phases = {
        p["id"]: p
        for p in json.loads(run_cli("status", "--json", project=configured).stdout)["phases"]
    }
    assert phases["vercel"]["status"] != "done"
    assert any("vercel.json" in t for t in phases["vercel"]["todo"]), phases["vercel"]
    assert "convoai-setup write vercel" in err
    assert "convoai-setup push render vercel" in err
    assert "https://api.example.com/api/subscriptions/webhook" in err
    assert FAKE_SECRETS["VERCEL_TOKEN"] not in err + result.stdout
    assert scan_for_secrets(configured) == []
    # Running again is safe: the domains exist already, nothing is added twice.
    again = run_cli(
        "domain",
        "set",
        "app.example.com",
        "--api",
        "api.example.com",
        "--interval",
        "0.01",
        project=configured,
        env=env,
    )
    assert again.returncode == 0, again.stderr
    assert "the variables already had these values" in again.stderr
    assert len(vercel.domains) == 1 and len(render.domains) == 1


def test_apex_domain_gets_a_records_and_no_api_change(platforms: Any, configured: Path) -> None:
    _vercel, render, env = platforms
    result = run_cli(
        "domain", "set", "example.com", "--interval", "0.01", project=configured, env=env
    )
    assert result.returncode == 0, result.stderr
    assert has_row(result.stderr, "Vercel", "A", "example.com", "76.76.21.21")
    assert "76.76.21.99" not in result.stderr  # rank 2 is not shown
    assert render.domains == {}
    assert get(configured, "APP_URL") == BACKEND  # no --api: the backend keeps its URL
    assert get(configured, "FRONTEND_URL") == "https://example.com"
    assert "push vercel" not in result.stderr and "push render" not in result.stderr


def test_not_verified_within_wait_changes_nothing(platforms: Any, configured: Path) -> None:
    vercel, _render, env = platforms
    vercel.verify_after = 1000
    result = run_cli("domain", "set", "app.example.com", "--wait", "0", project=configured, env=env)
    assert result.returncode == 1
    assert "Not verified yet" in result.stderr and "nothing changed locally" in result.stderr
    assert "TXT" in result.stderr  # the records were still shown
    assert get(configured, "CUSTOM_DOMAIN") == ""
    state = json.loads((configured / ".convoai-setup" / "state.json").read_text())
    assert "FRONTEND_URL" not in state["values"]


def test_bad_token_is_one_line_and_changes_nothing(platforms: Any, configured: Path) -> None:
    _vercel, _render, env = platforms
    store(configured, {"VERCEL_TOKEN": "FAKEwrongVercelToken999"})
    result = run_cli("domain", "set", "app.example.com", project=configured, env=env)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Vercel rejected the credentials (401)" in lines[0]
    assert "Nothing was changed locally" in lines[0]


def test_same_domain_for_site_and_api_is_refused(configured: Path) -> None:
    result = run_cli(
        "domain", "set", "app.example.com", "--api", "app.example.com", project=configured
    )
    assert result.returncode == 2 and "must differ" in result.stderr


def test_vercel_calls_carry_the_team(platforms: Any, ca_file: Path) -> None:
    vercel, _render, env = platforms
    vercel.team = "team_FAKE42"
    values = {"VERCEL_TOKEN": FAKE_SECRETS["VERCEL_TOKEN"], "VERCEL_PROJECT": "convoai"}

    async def add(extra: dict[str, str]) -> dict[str, Any]:
        async with make_client(env, 5) as client:
            team = extra.get("VERCEL_TEAM")
            api = VercelClient(CheckContext(values, client, 5, env), values["VERCEL_TOKEN"], team)
            return await api.add_domain("convoai", "app.example.com")

    with pytest.raises(ProviderError, match="404"):
        asyncio.run(add({}))
    assert asyncio.run(add({"VERCEL_TEAM": "team_FAKE42"}))["name"] == "app.example.com"
    assert all("teamId=team_FAKE42" in r for r in vercel.requests[-1:])


def test_missing_render_key_with_api_is_a_configuration_error(
    platforms: Any, configured: Path
) -> None:
    vercel, _render, env = platforms
    assert run_cli("vars", "unset", "RENDER_API_KEY", project=configured).returncode == 0
    result = run_cli(
        "domain", "set", "app.example.com", "--api", "api.example.com", project=configured, env=env
    )
    assert result.returncode == 2
    assert (
        "RENDER_API_KEY is needed" in result.stderr and "vars set RENDER_API_KEY" in result.stderr
    )
    assert vercel.domains == {}  # refused before anything was added anywhere


def test_domain_used_by_another_project_is_refused_with_vercels_reason(
    platforms: Any, configured: Path
) -> None:
    vercel, _render, env = platforms
    # On Vercel already, but in someone else's project: POST says 409, our project has no such
    # domain.
    vercel.taken = {"app.example.com"}
    result = run_cli("domain", "set", "app.example.com", project=configured, env=env)
    assert result.returncode == 1
    line = result.stderr.strip()
    assert "Adding app.example.com to the Vercel project failed: Vercel answered 409" in line
    assert "already in use by a different project" in line and "Nothing was changed locally" in line
    assert get(configured, "CUSTOM_DOMAIN") == ""
