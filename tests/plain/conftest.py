"""The platforms ``--plain`` talks to: the stateful Render, Vercel and Stripe stand-ins on HTTPS
(tests/push, tests/providers), with the domain endpoints routed to the domain stand-ins
(tests/verify/fakes.py) sharing the same service and project, as tests/push/test_domain_push.py
does. The deployed-site stand-in (``deploy``) comes from tests/verify."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.conftest import FAKE_SECRETS
from tests.providers.fakes import FakeStripe
from tests.push.conftest import stored  # noqa: F401  (a fixture used here)
from tests.push.fake_render import FakeRender
from tests.push.fake_vercel import FakeVercel
from tests.push.test_stripe_webhook import install as install_stripe
from tests.verify import fakes as domains
from tests.verify.conftest import deploy, https_server_with  # noqa: F401  (fixtures)


@dataclass
class Platforms:
    render: FakeRender
    vercel: FakeVercel
    render_domains: domains.FakeRender
    vercel_domains: domains.FakeVercel
    stripe: FakeStripe
    #: what the wizard's environment adds: the test CA and every base URL
    env: dict[str, str]

    def service(self, env: dict[str, str]) -> str:
        """The Render service ``convoai-backend`` with these variables (its domains too)."""
        sid = self.render.add_service("convoai-backend", env)
        self.render_domains.service_id = sid
        return sid

    def project(self, envs: list[dict[str, Any]]) -> str:
        """The Vercel project ``convoai`` with these variables (its domains too)."""
        pid = self.vercel.add_project("convoai", envs)
        self.vercel_domains.project_id = pid
        return pid


def _route(
    domain_fake: Callable[[Request], Response],
    push_fake: Callable[[Request], Response],
    domain_path: str,
) -> Callable[[Request], Response]:
    return lambda r: domain_fake(r) if domain_path in r.path else push_fake(r)


@pytest.fixture
def platforms(make_https_server: Callable[[], HTTPServer], ca_file: Path) -> Platforms:
    render = FakeRender(FAKE_SECRETS["RENDER_API_KEY"])
    vercel = FakeVercel(FAKE_SECRETS["VERCEL_TOKEN"])
    render_domains = domains.FakeRender(render.key)
    vercel_domains = domains.FakeVercel(vercel.token)
    servers = {name: make_https_server() for name in ("render", "vercel", "stripe")}
    servers["render"].expect_request(re.compile("^/")).respond_with_handler(
        _route(render_domains.handle, render.handle, "/custom-domains")
    )
    servers["vercel"].expect_request(re.compile("^/")).respond_with_handler(
        _route(vercel_domains.handle, vercel.handle, "domains")
    )
    stripe, _updates = install_stripe(servers["stripe"])
    env = {
        "SSL_CERT_FILE": str(ca_file),
        "CONVOAI_SETUP_RENDER_API": servers["render"].url_for("").rstrip("/"),
        "CONVOAI_SETUP_VERCEL_API": servers["vercel"].url_for("").rstrip("/"),
        "CONVOAI_SETUP_STRIPE_API": servers["stripe"].url_for("").rstrip("/"),
        "CONVOAI_SETUP_DEPLOY_POLL": "0.02",
        "CONVOAI_SETUP_DEPLOY_WAIT": "20",
    }
    return Platforms(render, vercel, render_domains, vercel_domains, stripe, env)
