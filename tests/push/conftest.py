"""Fixtures for push/drift: a project with every value stored, fake Render and Vercel on HTTPS."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from checklists.catalog import catalog
from tests.conftest import FAKE_SECRETS
from tests.push.fake_render import FakeRender
from tests.push.fake_vercel import FakeVercel

#: every Render variable, the Vercel one, and the wizard's own answers
VALUES = {
    **{
        k: FAKE_SECRETS[k]
        for k in (
            "SUPABASE_SERVICE_KEY",
            "REDIS_URL",
            "OPENAI_API_KEY",
            "JWT_SECRET",
            "STRIPE_SECRET_KEY",
            "STRIPE_WEBHOOK_SECRET",
            "ANTHROPIC_API_KEY",
            "SUPABASE_DB_URL",
            "RENDER_API_KEY",
            "VERCEL_TOKEN",
            "GITHUB_TOKEN",
        )
    },
    "NODE_ENV": "production",
    "PORT": "10000",
    "SUPABASE_URL": "https://fakeref.supabase.co",
    "APP_URL": "https://convoai-backend.onrender.com",
    "VITE_API_URL": "https://convoai-backend.onrender.com",
    "STRIPE_STARTER_PRICE_ID": "price_starter01",
    "STRIPE_GROWTH_PRICE_ID": "price_growth001",
    "STRIPE_BUSINESS_PRICE_ID": "price_business1",
    "SENTRY_DSN": "https://abc123publickey@o1.ingest.sentry.io/42",
    "VERCEL_PROJECT": "convoai",
    "GITHUB_REPOSITORY": "acme/convoai",
    "RENDER_REGION": "frankfurt",
}
RENDER_VARS = [v.name for v in catalog().values() if "render" in v.destinations]
SECRETS = {k: v for k, v in VALUES.items() if catalog()[k].secret}


def store(project: Path, values: dict[str, str]) -> None:
    from wizard.project import Project
    from wizard.values import Answers

    Answers(Project(project), use_environment=False).set_many(values)


def state_of(project: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((project / ".convoai-setup" / "state.json").read_text())
    return data


def leaks(*texts: str) -> list[str]:
    """Secret variables whose value appears in any of ``texts``."""
    return [n for n, v in SECRETS.items() if any(v in t for t in texts)]


@pytest.fixture
def tls_env(ca_file: Path) -> dict[str, str]:
    return {"SSL_CERT_FILE": str(ca_file)}


@pytest.fixture
def stored(project: Path) -> Path:
    store(project, VALUES)
    return project


@pytest.fixture
def render(https_server: HTTPServer) -> FakeRender:
    fake = FakeRender(FAKE_SECRETS["RENDER_API_KEY"])
    fake.install(https_server)
    return fake


@pytest.fixture
def vercel_server(make_https_server: Callable[[], HTTPServer]) -> HTTPServer:
    return make_https_server()


@pytest.fixture
def vercel(vercel_server: HTTPServer) -> FakeVercel:
    fake = FakeVercel(FAKE_SECRETS["VERCEL_TOKEN"])
    fake.install(vercel_server)
    return fake


@pytest.fixture
def env(https_server: HTTPServer, vercel_server: HTTPServer, ca_file: Path) -> dict[str, str]:
    """The subprocess environment: trust the test CA, point the platforms at the fakes."""
    return {
        "SSL_CERT_FILE": str(ca_file),
        "CONVOAI_SETUP_RENDER_API": https_server.url_for("").rstrip("/"),
        "CONVOAI_SETUP_VERCEL_API": vercel_server.url_for("").rstrip("/"),
        "CONVOAI_SETUP_DEPLOY_POLL": "0.02",
        "CONVOAI_SETUP_DEPLOY_WAIT": "20",
    }
