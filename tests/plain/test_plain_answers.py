"""--plain says what happened: failures in one line, confirms that wait for Enter, each value
asked once, and a value of the wrong kind offered again. Driven through a real pty (pexpect)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pexpect
import pytest

from checklists.catalog import for_phase
from tests.conftest import FAKE_SECRETS
from tests.fixtures.redis_tls import free_port
from tests.plain.test_plain import PROVISION_SENTRY, skip_optional, spawn
from wizard.project import Project
from wizard.values import Answers

#: what prompt_toolkit puts between a question and its shown answer (styles, spaces)
STYLE = r"(?:\x1b\[[0-9;?]*[A-Za-z]|\s)*"


def anon_jwt() -> str:
    """A Supabase anon key's shape: a JWT whose role claim is ``anon``."""

    def part(doc: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(doc).encode()).decode().rstrip("=")

    claims = {"iss": "supabase", "ref": "abcdefgh", "role": "anon", "iat": 1700000000}
    return f"{part({'alg': 'HS256', 'typ': 'JWT'})}.{part(claims)}.FAKEsignatureFAKEsignature"


def test_webhook_failure_is_printed_and_confirms_wait_for_enter(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Answers(Project(project)).set_many(
        {
            "APP_URL": "https://api.example.com",
            "STRIPE_SECRET_KEY": FAKE_SECRETS["STRIPE_SECRET_KEY"],
        }
    )
    # Nothing listens on this loopback port: the API call fails to connect.
    monkeypatch.setenv("CONVOAI_SETUP_STRIPE_API", f"http://127.0.0.1:{free_port()}")
    child = spawn(project, "phase", "post-deploy")
    child.expect(r"STRIPE_WEBHOOK_SECRET.*:")
    child.sendline("")
    child.expect(r"CUSTOM_DOMAIN.*:")
    child.sendline("")
    child.expect(r"FRONTEND_URL.*:")
    child.sendline("")
    skip_optional(child, PROVISION_SENTRY)
    child.expect(r"API domain.*:")
    child.sendline("")
    child.expect(r"Create the Stripe webhook endpoint through the API\?")
    # y and Enter in one write: y alone must not answer, or Enter answers the next question.
    child.send("y\r")
    child.expect(r"✗ [^\r\n]*Stripe[^\r\n]*")
    failure = child.after
    child.expect(r"Smoke test the live site now")
    child.send("\r")  # default: no
    child.expect(r"Verify Post-deploy now \(runs its live checks\)\?")
    child.send("n\r")
    child.expect(rf"runs its live checks\)\?{STYLE}No")
    child.expect("Post-deploy: not done yet")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "\n" not in failure.strip()
    assert "unexpected" not in failure.lower()


def test_each_domain_is_asked_once(project: Path) -> None:
    """CUSTOM_DOMAIN (the site's domain on Vercel) is asked once, with the phase's values; the
    API's own domain is one separate question that sets APP_URL and VITE_API_URL only."""
    render = "https://convoai-backend.onrender.com"
    Answers(Project(project)).set_many({"APP_URL": render, "VITE_API_URL": render})
    child = spawn(project, "phase", "post-deploy")
    child.expect(r"STRIPE_WEBHOOK_SECRET.*:")
    child.sendline("")
    child.expect(r"CUSTOM_DOMAIN.*:")
    child.sendline("app.example.com")
    child.expect("saved CUSTOM_DOMAIN")
    child.expect(r"FRONTEND_URL.*:")
    child.sendline("")
    skip_optional(child, PROVISION_SENTRY)
    child.expect(r"API domain, e\.g\. api\.example\.com \(Enter keeps them\):")
    asked = child.before or ""
    child.sendline("API.example.com/")
    child.expect("APP_URL and VITE_API_URL are now https://api.example.com")
    child.expect(r"Create the Stripe webhook endpoint")
    rest = child.before or ""
    child.send("\r")  # default: no
    child.expect(r"Smoke test the live site now")
    child.send("\r")  # default: no
    child.expect(r"Verify Post-deploy now \(runs its live checks\)\?")
    child.send("n\r")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    # no second question for the site's domain (its header, its prompt)
    assert "CUSTOM_DOMAIN (" not in asked + rest and "CUSTOM_DOMAIN:" not in asked + rest
    values = Answers(Project(project)).values(["CUSTOM_DOMAIN", "APP_URL", "VITE_API_URL"])
    assert values == {
        "CUSTOM_DOMAIN": "app.example.com",
        "APP_URL": "https://api.example.com",
        "VITE_API_URL": "https://api.example.com",
    }


def test_an_anon_key_is_offered_for_reentry(project: Path) -> None:
    child = spawn(project, "phase", "supabase")
    child.expect(r"SUPABASE_URL.*:")
    child.sendline("https://abcdefgh.supabase.co")
    child.expect(r"SUPABASE_SERVICE_KEY.*:")
    child.sendline(anon_jwt())
    child.expect(r"✗ SUPABASE_SERVICE_KEY is the anon key")
    child.expect(r"Enter SUPABASE_SERVICE_KEY again\?")
    child.send("\r")  # default: yes
    child.expect(r"SUPABASE_SERVICE_KEY.*:")
    child.sendline(FAKE_SECRETS["SUPABASE_SERVICE_KEY"])
    child.expect("saved SUPABASE_SERVICE_KEY")
    child.expect(r"SUPABASE_DB_URL.*:")
    child.sendline("")
    for var in for_phase("supabase")[3:]:  # provision's optional answers: Enter passes each
        child.expect(rf"{var.name}.*:")
        child.sendline("")
    child.expect("✗ SUPABASE_DB_URL is not set, so the migrations were not applied")
    child.expect(r"Verify Supabase now \(runs its live checks\)\?")
    child.send("n\r")
    child.expect("Supabase: not done yet")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    key = Answers(Project(project)).resolve("SUPABASE_SERVICE_KEY").value
    assert key == FAKE_SECRETS["SUPABASE_SERVICE_KEY"]
