"""A new APP_URL moves the remembered Stripe webhook endpoint instead of creating a second one."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.conftest import FAKE_SECRETS, run_cli
from tests.evidence import statuses
from tests.providers.fakes import FakeStripe, json_response
from tests.push.conftest import VALUES, leaks, state_of, store
from tests.push.fake_render import FakeRender

KEY = FAKE_SECRETS["STRIPE_SECRET_KEY"]


def install(server: HTTPServer) -> tuple[FakeStripe, list[str]]:
    """FakeStripe plus ``GET`` (read) and ``POST /v1/webhook_endpoints/{id}`` (update), as Stripe
    documents them (PUSH-CONTRACTS, Stripe)."""
    fake = FakeStripe(KEY)
    updates: list[str] = []

    def update(request: Request) -> Response:
        if request.headers.get("Authorization") != f"Bearer {KEY}":
            return json_response({"error": {"message": "Invalid API Key provided"}}, 401)
        endpoint_id = request.path.rsplit("/", 1)[-1]
        endpoint = next((e for e in fake.endpoints if e["id"] == endpoint_id), None)
        if endpoint is None:
            return json_response(
                {
                    "error": {
                        "code": "resource_missing",
                        "message": f"No such webhook endpoint: '{endpoint_id}'",
                    }
                },
                404,
            )
        if request.method == "GET":
            return json_response({k: v for k, v in endpoint.items() if k != "secret"})
        if "url" in request.form:
            endpoint["url"] = request.form["url"]
        updates.append(endpoint_id)
        return json_response({k: v for k, v in endpoint.items() if k != "secret"})

    server.expect_request(re.compile(r"^/v1/webhook_endpoints/we_\w+$")).respond_with_handler(
        update
    )
    fake.install(server)
    return fake, updates


def test_new_app_url_moves_the_same_endpoint(
    project: Path, https_server: HTTPServer, ca_file: Path
) -> None:
    fake, updates = install(https_server)
    env = {
        "SSL_CERT_FILE": str(ca_file),
        "CONVOAI_SETUP_STRIPE_API": https_server.url_for("").rstrip("/"),
    }
    store(project, {"APP_URL": "https://convoai-backend.onrender.com", "STRIPE_SECRET_KEY": KEY})
    first = run_cli("stripe", "create-webhook", project=project, env=env)
    assert first.returncode == 0, first.stderr
    [endpoint] = fake.created
    secret = endpoint["secret"]
    assert state_of(project)["stripe_webhook"] == {
        "id": endpoint["id"],
        "url": "https://convoai-backend.onrender.com/api/subscriptions/webhook",
    }

    store(project, {"APP_URL": "https://api.example.com"})
    moved = run_cli("stripe", "create-webhook", project=project, env=env)
    assert moved.returncode == 0, moved.stderr
    assert f"Moved webhook endpoint {endpoint['id']}" in moved.stderr
    assert len(fake.created) == 1 and len(fake.endpoints) == 1  # no second endpoint
    assert fake.endpoints[0]["url"] == "https://api.example.com/api/subscriptions/webhook"
    got = run_cli("vars", "get", "STRIPE_WEBHOOK_SECRET", "--reveal", project=project)
    assert got.stdout.strip() == secret  # the secret is still the endpoint's
    assert (
        state_of(project)["stripe_webhook"]["url"]
        == "https://api.example.com/api/subscriptions/webhook"
    )
    same = run_cli("stripe", "create-webhook", project=project, env=env)
    assert same.returncode == 0 and "already exists" in same.stderr and len(updates) == 1

    # The remembered endpoint was deleted in the dashboard: a new one is created.
    fake.endpoints.clear()
    store(project, {"APP_URL": "https://api2.example.com"})
    again = run_cli("stripe", "create-webhook", project=project, env=env)
    assert again.returncode == 0, again.stderr
    assert "Created webhook endpoint" in again.stderr and len(fake.created) == 2
    assert state_of(project)["stripe_webhook"]["id"] == fake.created[1]["id"]
    assert leaks(first.stderr, moved.stderr, again.stderr) == [] and secret not in moved.stderr


def test_a_moved_endpoint_makes_the_old_result_stale_even_for_the_same_app_url(
    stored: Path,
    render: FakeRender,
    env: dict[str, str],
    make_https_server: Callable[[], HTTPServer],
) -> None:
    stripe_server = make_https_server()
    fake, _ = install(stripe_server)
    env = {**env, "CONVOAI_SETUP_STRIPE_API": stripe_server.url_for("").rstrip("/")}
    render.add_service("convoai-backend", {})
    first_url = VALUES["APP_URL"]
    created = run_cli("stripe", "create-webhook", project=stored, env=env)
    assert created.returncode == 0, created.stderr

    def stripe_todo() -> list[str]:
        return [t for t in statuses(stored)["post-deploy"].todo if "stripe" in t]

    assert stripe_todo() == []  # checked just now, on this endpoint
    # APP_URL moves; push sends it to Render and moves the endpoint (no check runs).
    store(stored, {"APP_URL": "https://api.example.com"})
    pushed = run_cli("push", "render", "--yes", "--no-deploy", project=stored, env=env)
    assert pushed.returncode == 0, pushed.stderr
    assert fake.endpoints[0]["url"] == "https://api.example.com/api/subscriptions/webhook"
    # Set back: the values are those the old result checked, but the endpoint is elsewhere.
    store(stored, {"APP_URL": first_url})
    assert stripe_todo() == [
        "run the stripe check again: what it checked changed since it ran (the webhook "
        "endpoint was created or moved)"
    ]
    assert statuses(stored)["post-deploy"].status != "done"
