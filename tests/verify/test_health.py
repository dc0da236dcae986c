"""The backend check judges a health path as Render does: 2xx/3xx passes, anything else fails.

An Express API under /api answers 404 at /; Render fails every deploy whose health path does not
answer 2xx/3xx within 15 minutes. ``verify`` must never call such a backend healthy, must name a
path that does answer, and must remember one it saw so render.yaml and a created service use it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import yaml

from tests.conftest import run_cli
from tests.evidence import statuses
from tests.verify.conftest import Deployment

Deploy = Callable[..., Deployment]
#: an Express app with a /healthz route and nothing at / or /api/health
EXPRESS = {"/healthz": 200}


def backend(doc: dict[str, Any]) -> dict[str, Any]:
    return next(r for r in doc["results"] if r["check"] == "backend")


def listed(site: Deployment, name: str) -> dict[str, Any]:
    rows = json.loads(run_cli("vars", "list", "--json", project=site.project).stdout)
    return next(r for r in rows if r["name"] == name)


def test_a_health_path_answering_404_fails_and_the_path_that_answers_is_named(
    deploy: Deploy,
) -> None:
    site = deploy(routes=EXPRESS, health_path="/")
    code, doc, err = site.verify()
    assert code == 1, (doc, err)
    result = backend(doc)
    assert result["outcome"] == "fail"
    message = result["message"]
    assert "APP_URL/ (HEALTHCHECK_PATH) answered 404" in message
    assert "only on 2xx/3xx" in message and "15 minutes" in message
    assert "/healthz answers 200: convoai-setup vars set HEALTHCHECK_PATH /healthz" in message


def test_a_redirect_passes_as_it_does_on_render(deploy: Deploy) -> None:
    site = deploy(routes={"/": 302, "/api/health": 200}, health_path="/")
    code, doc, _ = site.verify()
    assert backend(doc)["outcome"] == "ok" and "answered 302" in backend(doc)["message"]
    assert code == 0


def test_no_route_answering_names_none_and_shows_an_express_health_route(deploy: Deploy) -> None:
    site = deploy(routes={}, health_path="/api/health")
    code, doc, _ = site.verify()
    message = backend(doc)["message"]
    assert code == 1 and backend(doc)["outcome"] == "fail"
    assert "none of /health, /healthz, /api, / answers 2xx/3xx either" in message
    assert "app.get('/api/health', (req, res) => res.json({ ok: true }))" in message


def test_unset_path_is_found_remembered_and_used_by_render_yaml(deploy: Deploy) -> None:
    site = deploy(routes=EXPRESS, health_path=None)
    before = run_cli("write", "render", "--dry-run", project=site.project)
    assert "healthCheckPath" not in before.stdout  # nothing set or seen: none that pretends
    code, doc, _ = site.verify()
    assert code == 0, [r for r in doc["results"] if r["outcome"] != "ok"]
    assert backend(doc)["outcome"] == "ok"
    assert "APP_URL/healthz answered 200 (HEALTHCHECK_PATH is not set" in backend(doc)["message"]
    row = listed(site, "HEALTHCHECK_PATH")
    assert row["value"] == "/healthz" and row["source"] == "seen by verify (200)"
    written = run_cli("write", "render", project=site.project)
    assert written.returncode == 0, written.stderr
    blueprint = yaml.safe_load((site.project / "render.yaml").read_text())
    assert blueprint["services"][0]["healthCheckPath"] == "/healthz"

    # Another route answers now: render.yaml was written from what was seen before.
    site.backend.routes = {"/api/health": 200}
    assert site.verify()[0] == 0
    assert listed(site, "HEALTHCHECK_PATH")["value"] == "/api/health"
    render = statuses(site.project)["render"]
    assert "write render.yaml again: it was written from values that changed since" in render.todo

    # The route goes away: verify fails, and what was seen is forgotten (render.yaml would not
    # carry a path that no longer answers).
    site.backend.routes = {}
    code, doc, _ = site.verify()
    assert code == 1 and "no usual health path answers 2xx/3xx" in backend(doc)["message"]
    assert listed(site, "HEALTHCHECK_PATH")["status"] == "missing"


def test_a_path_seen_on_another_backend_is_not_used(deploy: Deploy) -> None:
    site = deploy(routes=EXPRESS, health_path=None)
    assert site.verify()[0] == 0
    moved = run_cli("vars", "set", "APP_URL", "https://elsewhere.example.com", project=site.project)
    assert moved.returncode == 0, moved.stderr
    assert listed(site, "HEALTHCHECK_PATH")["status"] == "missing"
