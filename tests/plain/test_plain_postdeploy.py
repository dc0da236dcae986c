"""``--plain``'s Post-deploy offers the custom domain (``domain set``'s operation, pushing through
the same plain front end as the push step) and the live site's smoke test (``verify``'s), driven
through a real pty against the stateful stand-ins."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.conftest import run_cli, scan_for_secrets
from tests.plain.conftest import Platforms
from tests.plain.drive import answer, finish, keep_values, spawn, transcript
from tests.push.conftest import RENDER_VARS, SECRETS, VALUES, leaks, state_of
from tests.verify.conftest import Deployment
from wizard.project import Project
from wizard.values import Answers

OLD = VALUES["APP_URL"]
NEW = "https://api.example.com"
HOOK = "/api/subscriptions/webhook"


def test_the_smoke_test_runs_verify_and_records_it(deploy: Callable[..., Deployment]) -> None:
    site = deploy()
    child = spawn(site.project, "phase", "post-deploy", env=site.env)
    keep_values(child, "post-deploy")
    answer(child, r"API domain.*\(Enter keeps them\):", "\r")
    answer(child, r"Create the Stripe webhook endpoint through the API\?", "\r")  # no
    answer(child, r"Smoke test the live site now", "y\r")
    answer(child, r"Also POST a signed Stripe test event", "y\r")
    child.expect(rf"all 8 checks passed on {site.frontend_url} \(FRONTEND_URL from FRONTEND_URL\)")
    answer(child, r"Verify Post-deploy now", "n\r")
    assert finish(child) == 0
    out = transcript(child)
    assert "✓ api proxy:" in out and "✓ webhook signature:" in out
    # One correctly signed event reached the app (a type it ignores), as with `verify`.
    assert site.backend.received == ["balance.available"]
    checks = state_of(site.project)["checks"]
    assert checks["verify.backend"]["outcome"] == "ok"
    assert leaks(out) == [] and scan_for_secrets(site.project / ".convoai-setup") == []


def world(project: Path, platforms: Platforms, verify_after: int) -> tuple[str, str]:
    """Render has every variable (APP_URL the old one), Vercel VITE_API_URL; the webhook
    endpoint was created for the old APP_URL; domains verify on the ``verify_after``-th try."""
    sid = platforms.service({n: VALUES[n] for n in RENDER_VARS})
    entry = {"key": "VITE_API_URL", "value": OLD, "type": "plain"}
    pid = platforms.project([{**entry, "target": ["production", "preview"]}])
    platforms.render_domains.verify_after = platforms.vercel_domains.verify_after = verify_after
    created = run_cli("stripe", "create-webhook", project=project, env=platforms.env)
    assert created.returncode == 0, created.stderr
    return sid, pid


def test_custom_domain_is_added_verified_set_and_pushed_with_the_webhook(
    stored: Path, platforms: Platforms
) -> None:
    sid, pid = world(stored, platforms, verify_after=1)
    [endpoint] = platforms.stripe.endpoints
    child = spawn(stored, "phase", "post-deploy", env=platforms.env)
    keep_values(child, "post-deploy", {"CUSTOM_DOMAIN": "app.example.com"})
    answer(child, r"API domain.*\(Enter keeps them\):", "api.example.com\r")
    child.expect("APP_URL and VITE_API_URL are now https://api.example.com")
    answer(
        child, r"Set up app\.example\.com on Vercel and api\.example\.com on Render now\?", "y\r"
    )
    child.expect("Create these DNS records at your DNS provider")
    child.expect(r"\[check 1\] app\.example\.com on Vercel: verified; api\.example\.com on Render")
    child.expect(r"Verified\. Set FRONTEND_URL=https://app\.example\.com\.")
    child.expect(r"change\s+APP_URL\s+https://api\.example\.com")  # the masked plan
    # one question for both platforms and the webhook (the terminal wraps it at 100 columns)
    child.expect(
        r"Set 1 variable\(s\) on Render and set 1 variable\(s\) on Vercel and move Stripe "
        r"webhook endpoint"
    )
    answer(child, r"then deploy\?", "y\r")
    child.expect(r"Render: set 1 variable\(s\): APP_URL\.")
    child.expect(rf"moved webhook endpoint {endpoint['id']}")
    child.expect(r"Next: convoai-setup write vercel")
    answer(child, r"Create the Stripe webhook endpoint through the API\?", "\r")
    answer(child, r"Send a Sentry test event\?", "\r")
    answer(child, r"Smoke test the live site now", "\r")
    answer(child, r"Verify Post-deploy now", "n\r")
    assert finish(child) == 0
    out = transcript(child)
    # The domains were added on both platforms (the same service and project push writes to).
    assert "app.example.com" in platforms.vercel_domains.domains
    assert "api.example.com" in platforms.render_domains.domains
    # Pushed: APP_URL on Render, VITE_API_URL on Vercel; the same endpoint moved, none added.
    assert platforms.render.env[sid]["APP_URL"] == NEW
    assert [e["value"] for e in platforms.vercel.envs[pid] if e["key"] == "VITE_API_URL"] == [NEW]
    assert len(platforms.stripe.created) == 1
    assert platforms.stripe.endpoints[0]["url"] == NEW + HOOK
    assert state_of(stored)["stripe_webhook"] == {"id": endpoint["id"], "url": NEW + HOOK}
    values = Answers(Project(stored)).values(["CUSTOM_DOMAIN", "FRONTEND_URL", "APP_URL"])
    assert values == {
        "CUSTOM_DOMAIN": "app.example.com",
        "FRONTEND_URL": "https://app.example.com",
        "APP_URL": NEW,
    }
    assert leaks(out) == [] and scan_for_secrets(stored / ".convoai-setup", SECRETS) == []


def test_ctrl_c_while_waiting_stops_waiting_and_changes_nothing_here(
    stored: Path, platforms: Platforms
) -> None:
    sid, _pid = world(stored, platforms, verify_after=99)
    child = spawn(stored, "phase", "post-deploy", env=platforms.env)
    keep_values(child, "post-deploy", {"CUSTOM_DOMAIN": "app.example.com"})
    answer(child, r"API domain.*\(Enter keeps them\):", "\r")
    answer(child, r"Set up app\.example\.com on Vercel now\?", "y\r")  # APP_URL is Render's
    child.expect(r"\[check 1\] app\.example\.com on Vercel: waiting for")
    child.sendintr()
    child.expect(r"✗ Stopped waiting\. The domains stay added on the platforms; nothing changed")
    # the wizard goes on with the phase
    answer(child, r"Create the Stripe webhook endpoint through the API\?", "\r")
    answer(child, r"Send a Sentry test event\?", "\r")
    answer(child, r"Smoke test the live site now", "\r")
    answer(child, r"Verify Post-deploy now", "n\r")
    assert finish(child) == 0
    assert "app.example.com" in platforms.vercel_domains.domains
    assert platforms.render_domains.domains == {}
    assert Answers(Project(stored)).resolve("FRONTEND_URL").value is None
    assert platforms.render.writes() == [] and platforms.vercel.writes() == []
    assert platforms.render.env[sid]["APP_URL"] == OLD
