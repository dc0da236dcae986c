"""A deployed ConvoAI stand-in (backend + frontend over HTTPS) and a project pointing at it."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import trustme
from pytest_httpserver import HTTPServer

from tests.conftest import FAKE_SECRETS, run_cli
from tests.fixtures.tls import HOSTS, server_context
from tests.verify.standin import Backend, Frontend

WEBHOOK_SECRET = FAKE_SECRETS["STRIPE_WEBHOOK_SECRET"]


def store(project: Path, values: dict[str, str]) -> None:
    from wizard.project import Project
    from wizard.values import Answers

    Answers(Project(project), use_environment=False).set_many(values)


@dataclass
class Deployment:
    project: Path
    backend: Backend
    app_url: str
    frontend_url: str
    env: dict[str, str]

    def verify(self, *args: str) -> tuple[int, dict[str, Any], str]:
        """``convoai-setup verify --json`` for real: (exit code, document, stderr)."""
        result = run_cli(
            "verify", "--json", "--timeout", "5", *args, project=self.project, env=self.env
        )
        doc = json.loads(result.stdout) if result.stdout.strip() else {}
        return result.returncode, doc, result.stderr

    def edit_vercel_json(self, change: Callable[[dict[str, Any]], None]) -> None:
        path = self.project / "vercel.json"
        data = json.loads(path.read_text())
        change(data)
        path.write_text(json.dumps(data, indent=2))


@pytest.fixture
def https_server_with(
    make_https_server: Callable[..., HTTPServer],
) -> Callable[[trustme.LeafCert], HTTPServer]:
    """An HTTPS server presenting a certificate the test chooses (e.g. one about to expire)."""

    def make(cert: trustme.LeafCert) -> HTTPServer:
        return make_https_server(server_context(cert))

    return make


@pytest.fixture
def expiring_cert(tls_ca: trustme.CA) -> trustme.LeafCert:
    """Valid today, expiring in 5 days: under verify's 14-day limit."""
    soon = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=5)
    return tls_ca.issue_cert(*HOSTS, not_after=soon)


@pytest.fixture
def deploy(
    project: Path,
    make_https_server: Callable[[], HTTPServer],
    ca_file: Path,
    https_server_with: Callable[[trustme.LeafCert], HTTPServer],
) -> Callable[..., Deployment]:
    """Deploy the stand-in: backend, ``write vercel`` for real, then the frontend reading it."""

    def make(
        *,
        backend_secret: str = WEBHOOK_SECRET,
        checks_signatures: bool = True,
        frontend_cert: trustme.LeafCert | None = None,
        routes: dict[str, int] | None = None,
        health_path: str | None = "/api/health",
    ) -> Deployment:
        backend = Backend(backend_secret, checks_signatures)
        if routes is not None:
            backend.routes = routes
        backend_server = make_https_server()
        backend.install(backend_server)
        app_url = f"https://127.0.0.1:{backend_server.port}"
        env = {"SSL_CERT_FILE": str(ca_file)}
        values = {
            "APP_URL": app_url,
            "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "STRIPE_SECRET_KEY": FAKE_SECRETS["STRIPE_SECRET_KEY"],
        }
        store(project, {**values, **({"HEALTHCHECK_PATH": health_path} if health_path else {})})
        written = run_cli("write", "vercel", project=project, env=env)
        assert written.returncode == 0, written.stderr
        frontend_server = https_server_with(frontend_cert) if frontend_cert else make_https_server()
        Frontend(project, str(ca_file)).install(frontend_server)
        frontend_url = f"https://127.0.0.1:{frontend_server.port}"
        store(project, {"FRONTEND_URL": frontend_url})
        return Deployment(project, backend, app_url, frontend_url, env)

    return make
