"""One stateful world of real loopback servers for ``convoai-setup up``: every vendor's stand-in,
the databases behind them, and the deployed site, with the names the vendors assign resolving
for the wizard (``tests.up.names``).

- Supabase: the Management API (``SupabaseWorld``), a real PostgreSQL per project behind the
  pooler's address, and each project's Data API at ``https://<ref>.supabase.co``.
- Upstash: the Developer API; its database is a real TLS redis-server named
  ``<endpoint>.upstash.io``.
- Stripe: prices and webhook endpoints in one account (``StripeWorld``).
- Sentry, OpenAI: the suite's stand-ins.
- Render (``RenderWorld``; ``convoai-backend`` is taken on onrender.com, so the service gets a
  suffixed host), Vercel (``VercelWorld``; ``convoai`` is taken on vercel.app), GitHub
  (``GitHubWorld``).
- The site: the backend at the host Render assigned, the frontend at the domain Vercel assigned.

``git_push`` is what the developer does when ``up`` asks: the generated files land on the
default branch, Render and Vercel build it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import trustme
from pytest_httpserver import HTTPServer

from tests.conftest import FAKE_SECRETS, REPO
from tests.fixtures.tls import HOSTS, server_context
from tests.providers.fakes import install_openai
from tests.provision.sentry_standin import SentryStandIn
from tests.provision.upstash_standin import UpstashStandIn
from tests.push.conftest import store
from tests.up.database import Cluster
from tests.up.names import VENDOR_NAMES, HostsFile, loopback_address
from tests.up.recorder import Recorder
from tests.up.site import DeployedFrontend, LiveBackend
from tests.up.supabase_world import SupabaseWorld
from tests.up.vendors import GitHubWorld, RenderWorld, StripeWorld, VercelWorld

SUPABASE_TOKEN = "sbp_FAKEsupabaseAccessToken0123456789abcdef"
UPSTASH_EMAIL = "owner@example.com"
UPSTASH_KEY = "FAKEupstashApiKey-0123456789abcdef"
SENTRY_TOKEN = "sntryu_FAKEsentryUserToken0123456789abcdef"
UPSTASH_HOST = "usw2-convoai-41872.upstash.io"
REPOSITORY = "acme/convoai"
#: what a developer types: the tokens (and the repository and the three prices)
TOKENS = {
    "SUPABASE_ACCESS_TOKEN": SUPABASE_TOKEN,
    "UPSTASH_EMAIL": UPSTASH_EMAIL,
    "UPSTASH_API_KEY": UPSTASH_KEY,
    "STRIPE_SECRET_KEY": FAKE_SECRETS["STRIPE_SECRET_KEY"],
    "STRIPE_STARTER_AMOUNT": "29 usd",
    "STRIPE_GROWTH_AMOUNT": "79 usd",
    "STRIPE_BUSINESS_AMOUNT": "149.95 usd",
    "SENTRY_AUTH_TOKEN": SENTRY_TOKEN,
    "OPENAI_API_KEY": FAKE_SECRETS["OPENAI_API_KEY"],
    "RENDER_API_KEY": FAKE_SECRETS["RENDER_API_KEY"],
    "VERCEL_TOKEN": FAKE_SECRETS["VERCEL_TOKEN"],
    "GITHUB_TOKEN": FAKE_SECRETS["GITHUB_TOKEN"],
    "GITHUB_REPOSITORY": REPOSITORY,
}


def _writes(*shapes: tuple[str, str, str, int]) -> Counter[tuple[str, str, str]]:
    return Counter({(v, m, p): n for v, m, p, n in shapes})


#: what a first run writes, to the commit it asks for (vendor, method, path, times)
FIRST_WRITES = _writes(
    ("supabase", "POST", "/v1/projects", 1),
    ("upstash", "POST", "/v2/redis/database", 1),
    ("stripe", "POST", "/v1/prices", 3),
    ("sentry", "POST", "/api/0/teams/acme/backend/projects/", 1),
    ("render", "POST", "/v1/services", 1),
    ("vercel", "POST", "/v11/projects", 1),
)
#: up's steps in the plan's order, as every front end shows them (written out here, not read
#: from wizard.up.steps: the order is what the tests hold the product to)
STEP_IDS = [
    "provision",
    "jwt",
    "checks",
    "migrations",
    "render",
    "vercel",
    "files",
    "github",
    "webhook",
    "deploy",
    "verify",
]
#: what the run after the commit writes: the endpoint, Render's two new values, one deploy
RESUME_WRITES = _writes(
    ("stripe", "POST", "/v1/webhook_endpoints", 1),
    ("render", "PUT", "/v1/services/{id}/env-vars/APP_URL", 1),
    ("render", "PUT", "/v1/services/{id}/env-vars/STRIPE_WEBHOOK_SECRET", 1),
    ("render", "POST", "/v1/services/{id}/deploys", 1),
)


@dataclass
class UpRun:
    code: int
    stdout: str
    stderr: str
    seconds: float

    def events(self) -> list[dict[str, Any]]:
        import json

        return [json.loads(line) for line in self.stdout.splitlines() if line.strip()]


def commands_asked(text: str) -> tuple[list[str], str]:
    """(the paths of the ``git add`` up asked for, the branch of its ``git push``)."""
    found = re.search(r"git add (.+?) && git commit -m '[^']*' && git push origin (\S+?);", text)
    assert found is not None, text
    return found.group(1).split(), found.group(2)


@dataclass
class World:
    project: Path
    env: dict[str, str]
    hosts: HostsFile
    recorder: Recorder
    cluster: Cluster
    supabase: SupabaseWorld
    upstash: UpstashStandIn
    stripe: StripeWorld
    sentry: SentryStandIn
    render: RenderWorld
    vercel: VercelWorld
    github: GitHubWorld
    backend: LiveBackend
    frontend: DeployedFrontend
    #: name -> the loopback address of the server answering for it
    addresses: dict[str, str] = field(default_factory=dict)
    #: every server by what it plays ("openai", "render", "backend", …)
    servers: dict[str, HTTPServer] = field(default_factory=dict)

    # -- the developer's side ------------------------------------------------------------------
    def type_tokens(self, values: Mapping[str, str] = TOKENS) -> None:
        store(self.project, dict(values))

    def up(self, *args: str) -> UpRun:
        return self.command("up", *args)

    def command(self, *args: str, timeout: float = 180) -> UpRun:
        """``convoai-setup ARGS`` for real: a subprocess with no terminal, resolving the world's
        names through its private /etc/hosts."""
        argv = self.hosts.argv(sys.executable, "-m", "wizard", *args)
        argv += ["--project", str(self.project)]
        started = time.monotonic()
        done = subprocess.run(
            argv,
            input="",
            capture_output=True,
            text=True,
            env={**os.environ, **self.env},
            timeout=timeout,
            cwd=REPO,
        )
        assert "\ue000" not in done.stdout + done.stderr, done.stdout + done.stderr
        return UpRun(done.returncode, done.stdout, done.stderr, time.monotonic() - started)

    def git_push(self, paths: Sequence[str]) -> None:
        """``git add PATHS && git commit && git push origin main``: the branch gets the files as
        they are in the checkout; Render and Vercel build it."""
        files = {p: (self.project / p).read_text(encoding="utf-8") for p in paths}
        self.github.push(files)
        self.frontend.build(files)
        self.render.git_push(REPOSITORY, self.github.branch)
        self.vercel.git_push(REPOSITORY, self.github.branch)

    # -- what the vendors hold -----------------------------------------------------------------
    def service(self) -> dict[str, Any]:
        (service,) = self.render.services.values()
        return service

    def app_url(self) -> str:
        return str(self.service()["serviceDetails"]["url"])

    def secrets(self) -> dict[str, str]:
        """Every secret in play: the tokens, every secret the wizard stored (generated or
        provisioned), and whatever the vendors generated."""
        from checklists.catalog import catalog
        from wizard.project import Project
        from wizard.values import Answers

        found = {k: v for k, v in TOKENS.items() if catalog()[k].secret}
        stored = Answers(Project(self.project), use_environment=False)
        secret = [n for n, v in catalog().items() if v.secret]
        found |= {f"stored {n}": v for n, v in stored.values(secret).items() if v}
        for ref, password in self.supabase.passwords.items():
            found[f"db password {ref}"] = password
            found[f"service jwt {ref}"] = self.supabase.service_jwt(ref)
            found[f"secret key {ref}"] = self.supabase.secret_key(ref)
        found["redis password"] = self.upstash.password
        for endpoint in self.stripe.endpoints.values():
            found[f"webhook secret {endpoint['id']}"] = endpoint["secret"]
        for (org, slug), keys in self.sentry.keys.items():
            for key in keys:
                found[f"sentry secret {org}/{slug}"] = key["secret"]
        return found

    def leaks(self, *texts: str) -> list[str]:
        return [name for name, value in self.secrets().items() if any(value in t for t in texts)]

    def sync_names(self) -> None:
        """Make every name a vendor has assigned so far resolve to the server answering it."""
        for service in list(self.render.services.values()):
            host = urlsplit(str(service["serviceDetails"]["url"])).hostname
            if host:
                self.hosts.add(host, self.addresses["backend"])
        for project in list(self.vercel.projects.values()):
            self.hosts.add(str(project["_domain"]), self.addresses["frontend"])
        for ref in list(self.supabase.projects):
            self.hosts.add(f"{ref}.supabase.co", self.addresses["data api"])


def world_cert(ca: trustme.CA) -> trustme.LeafCert:
    return ca.issue_cert(*HOSTS, *VENDOR_NAMES)


@contextmanager
def build_world(
    root: Path, project: Path, ca: trustme.CA, ca_file: Path, cluster: Cluster, redis_port: int
) -> Iterator[World]:
    ctx = server_context(world_cert(ca))
    with ExitStack() as stack:

        def server(host: str = "127.0.0.1", port: int = 0) -> HTTPServer:
            made = HTTPServer(host=host, port=port, ssl_context=ctx, threaded=True)
            made.start()
            stack.callback(lambda: made.stop() if made.is_running() else None)
            return made

        hosts = HostsFile(root / "hosts")
        hosts.add(UPSTASH_HOST, "127.0.0.1")  # where the TLS redis-server listens
        addresses = {name: loopback_address() for name in ("backend", "frontend", "data api")}
        api = {name: server() for name in ("supabase", "upstash", "stripe", "render")}
        api |= {name: server() for name in ("vercel", "github", "openai")}
        api |= {name: server() for name in ("sentry", "sentry region")}
        site = {name: server(addresses[name], 443) for name in ("backend", "frontend")}
        data_api = server(addresses["data api"], 443)
        render = RenderWorld(FAKE_SECRETS["RENDER_API_KEY"], taken={"convoai-backend"})
        vercel = VercelWorld(FAKE_SECRETS["VERCEL_TOKEN"], taken={"convoai"})
        frontend = DeployedFrontend(root / "deployed", str(ca_file), hosts.names)
        world = World(
            project=project,
            env={},
            hosts=hosts,
            recorder=Recorder(),
            cluster=cluster,
            supabase=SupabaseWorld(SUPABASE_TOKEN, cluster=cluster),
            upstash=UpstashStandIn(
                UPSTASH_EMAIL,
                UPSTASH_KEY,
                host=UPSTASH_HOST,
                port=redis_port,
                password="FAKEupstashRedisPassw0rd",
            ),
            stripe=StripeWorld(FAKE_SECRETS["STRIPE_SECRET_KEY"]),
            sentry=SentryStandIn(SENTRY_TOKEN),
            render=render,
            vercel=vercel,
            github=GitHubWorld(FAKE_SECRETS["GITHUB_TOKEN"], REPOSITORY),
            backend=LiveBackend(""),
            frontend=frontend,
            addresses=addresses,
            servers={**api, **site, "data api": data_api},
        )
        world.recorder.after = world.sync_names
        world.supabase.script = ("COMING_UP", "ACTIVE_HEALTHY")

        def live_secret() -> str:
            services = list(render.services)
            env = render.live_env(services[0]) if services else {}
            return env.get("STRIPE_WEBHOOK_SECRET", "")

        world.backend.secret_of = live_secret
        everything = re.compile(r"^/.*")
        wrap = world.recorder.wrap
        routes: list[tuple[HTTPServer, str, Any]] = [
            (api["supabase"], "supabase", world.supabase.handle),
            (data_api, "supabase data api", world.supabase.data_api),
            (api["upstash"], "upstash", world.upstash.handle),
            (api["stripe"], "stripe", world.stripe.handle),
            (api["sentry"], "sentry", lambda r: world.sentry.handle(r, "base")),
            (api["sentry region"], "sentry", lambda r: world.sentry.handle(r, "region")),
            (api["render"], "render", render.handle),
            (api["vercel"], "vercel", vercel.handle),
            (api["github"], "github", world.github.handle),
            (site["backend"], "site:backend", world.backend.handle),
            (site["frontend"], "site:frontend", frontend.handle),
        ]
        for where, vendor, handler in routes:
            where.expect_request(everything).respond_with_handler(wrap(vendor, handler))
        world.sentry.base_url = api["sentry"].url_for("").rstrip("/")
        world.sentry.region_url = api["sentry region"].url_for("").rstrip("/")
        world.sentry.add_org("acme", ["backend"])
        install_openai(api["openai"], FAKE_SECRETS["OPENAI_API_KEY"])

        def base(name: str) -> str:
            return str(api[name].url_for("")).rstrip("/")

        world.env = {
            "SSL_CERT_FILE": str(ca_file),
            "CONVOAI_SETUP_SUPABASE_API": base("supabase"),
            "CONVOAI_SETUP_UPSTASH_API": base("upstash"),
            "CONVOAI_SETUP_STRIPE_API": base("stripe"),
            "CONVOAI_SETUP_SENTRY_API": base("sentry"),
            "CONVOAI_SETUP_RENDER_API": base("render"),
            "CONVOAI_SETUP_VERCEL_API": base("vercel"),
            "CONVOAI_SETUP_GITHUB_API": base("github"),
            "OPENAI_BASE_URL": base("openai") + "/v1",
            "CONVOAI_SETUP_PROVISION_POLL": "0.02",
            "CONVOAI_SETUP_PROVISION_WAIT": "30",
            "CONVOAI_SETUP_DEPLOY_POLL": "0.02",
            "CONVOAI_SETUP_DEPLOY_WAIT": "30",
        }
        yield world
