"""What the three copies of each vendor's client used to disagree on, now one client each
(issue 16): the team a Vercel call names, and which Render service an action touches."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.conftest import FAKE_SECRETS, run_cli
from tests.push.conftest import VALUES, leaks, store
from tests.push.fake_render import FakeRender
from tests.push.fake_vercel import FakeVercel
from tests.verify import fakes as domains


def _route(
    domain_fake: Callable[[Request], Response], push_fake: Callable[[Request], Response], part: str
) -> Callable[[Request], Response]:
    return lambda r: domain_fake(r) if part in r.path else push_fake(r)


def test_a_vercel_team_slug_is_sent_the_same_way_by_check_push_domain_and_verify(
    stored: Path, make_https_server: Callable[[], HTTPServer], ca_file: Path
) -> None:
    vercel = FakeVercel(FAKE_SECRETS["VERCEL_TOKEN"], team=("team_ACME42", "acme"))
    pid = vercel.add_project("convoai")
    team_domains = domains.FakeVercel(
        vercel.token, project_id=pid, team="team_ACME42", team_slug="acme"
    )
    server = make_https_server()
    server.expect_request(re.compile("^/")).respond_with_handler(
        _route(team_domains.handle, vercel.handle, "domains")
    )
    env = {
        "SSL_CERT_FILE": str(ca_file),
        "CONVOAI_SETUP_VERCEL_API": server.url_for("").rstrip("/"),
    }
    store(stored, {"VERCEL_TEAM": "acme"})  # the slug, not the team_ id
    check = run_cli("check", "vercel", "--json", "--timeout", "5", project=stored, env=env)
    found = {r["check"]: r for r in json.loads(check.stdout)["results"] if r["service"] == "vercel"}
    assert found["project"]["outcome"] == "ok", found
    dry = run_cli("push", "vercel", "--dry-run", project=stored, env=env)
    assert dry.returncode == 0 and f"project convoai ({pid})" in dry.stdout, dry.stderr
    verify = run_cli("verify", "--timeout", "2", project=stored, env=env)
    # FRONTEND_URL was asked from Vercel (the team's project): the checks ran on its URL.
    assert "convoai-old.vercel.app" in verify.stdout + verify.stderr, verify.stderr
    domain = run_cli(
        "domain", "set", "app.example.com", "--interval", "0.01", project=stored, env=env
    )
    assert domain.returncode == 0, domain.stderr
    assert "app.example.com" in team_domains.domains
    # Every Vercel call of the four commands named the team by its slug, as Vercel documents.
    queries = [q for _, _, q in vercel.log] + [
        dict(x.split("=", 1) for x in r.split("?", 1)[1].split("&") if "=" in x)
        for r in team_domains.requests
    ]
    assert queries and all(q.get("slug") == "acme" and "teamId" not in q for q in queries)
    assert leaks(check.stdout, dry.stdout, verify.stdout, domain.stderr) == []


def test_with_render_owner_the_api_domain_lands_on_the_service_push_writes_to(
    stored: Path, make_https_server: Callable[[], HTTPServer], ca_file: Path
) -> None:
    render = FakeRender(FAKE_SECRETS["RENDER_API_KEY"])
    render.owners.append({"id": "tea-other02", "name": "Other", "type": "team"})
    mine = render.add_service("convoai-backend", {"APP_URL": VALUES["APP_URL"]})
    theirs = render.add_service("convoai-backend", {"APP_URL": VALUES["APP_URL"]}, "tea-other02")
    # The domain endpoints exist only for the service in the workspace RENDER_OWNER names.
    their_domains = domains.FakeRender(render.key, service_id=theirs)
    vercel = FakeVercel(FAKE_SECRETS["VERCEL_TOKEN"])
    pid = vercel.add_project("convoai")
    site_domains = domains.FakeVercel(vercel.token, project_id=pid)
    servers = {name: make_https_server() for name in ("render", "vercel")}
    servers["render"].expect_request(re.compile("^/")).respond_with_handler(
        _route(their_domains.handle, render.handle, "/custom-domains")
    )
    servers["vercel"].expect_request(re.compile("^/")).respond_with_handler(
        _route(site_domains.handle, vercel.handle, "domains")
    )
    env = {
        "SSL_CERT_FILE": str(ca_file),
        "CONVOAI_SETUP_RENDER_API": servers["render"].url_for("").rstrip("/"),
        "CONVOAI_SETUP_VERCEL_API": servers["vercel"].url_for("").rstrip("/"),
    }
    store(stored, {"RENDER_OWNER": "tea-other02"})
    result = run_cli(
        "domain",
        "set",
        "app.example.com",
        "--api",
        "api.example.com",
        "--interval",
        "0.01",
        "--yes",
        "--no-deploy",
        project=stored,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert "api.example.com" in their_domains.domains
    # The variables went to that same service, never to the one in the other workspace.
    assert render.env[theirs]["APP_URL"] == "https://api.example.com"
    assert render.env[mine]["APP_URL"] == VALUES["APP_URL"]
    assert not [p for _, p in render.writes() if mine in p]
