"""``--plain`` asks again at once for a value of the wrong kind, and offers to re-enter a value
whose live check failed right after the check (a real pty; OpenAI's stand-in on HTTPS)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pytest_httpserver import HTTPServer

from tests.conftest import FAKE_SECRETS, scan_for_secrets
from tests.plain.drive import answer, finish, keep_values, prompt, spawn, transcript
from tests.providers.fakes import install_openai
from tests.push.conftest import store
from wizard.project import Project
from wizard.values import Answers

LIVE_KEY = "sk_live_FAKEstripeLiveKey0123456789abcdefgh"


def test_a_test_key_for_production_is_asked_again_at_once(project: Path) -> None:
    child = spawn(project, "phase", "render")
    # NODE_ENV keeps its default, production; the key typed next is a test key.
    for name in ("NODE_ENV", "PORT", "OPENAI_API_KEY"):
        child.expect(prompt(name))
        child.send("\r")
    answer(child, r"Generate JWT_SECRET now\?", "\r")
    for name in ("JWT_SECRET", "APP_URL"):
        child.expect(prompt(name))
        child.send("\r")
    child.expect(prompt("STRIPE_SECRET_KEY"))
    child.send(FAKE_SECRETS["STRIPE_SECRET_KEY"] + "\r")
    child.expect(r"✗ STRIPE_SECRET_KEY is a test key \(sk_test_\) but NODE_ENV is production")
    answer(child, r"Enter STRIPE_SECRET_KEY again\?", "\r")  # default: yes
    child.expect(prompt("STRIPE_SECRET_KEY"))
    child.send(LIVE_KEY + "\r")
    child.expect(r"saved STRIPE_SECRET_KEY to the vault: sk_live_…")
    # asked again before anything else: the next value's prompt comes only now
    assert "STRIPE_STARTER_PRICE_ID:" not in transcript(child)
    child.expect(prompt("STRIPE_STARTER_PRICE_ID"))
    child.sendintr()
    assert finish(child) == 130
    assert Answers(Project(project)).resolve("STRIPE_SECRET_KEY").value == LIVE_KEY
    out = transcript(child)
    assert FAKE_SECRETS["STRIPE_SECRET_KEY"] not in out and LIVE_KEY not in out


def test_a_key_the_live_check_rejected_is_offered_for_reentry(
    project: Path, make_https_server: Callable[[], HTTPServer], ca_file: Path
) -> None:
    openai = make_https_server()
    install_openai(openai, FAKE_SECRETS["OPENAI_API_KEY"])
    wrong = "sk-FAKEwrongOpenaiKey0123456789abcdefghijklmnop"
    store(project, {"OPENAI_API_KEY": wrong})
    env = {"SSL_CERT_FILE": str(ca_file), "OPENAI_BASE_URL": openai.url_for("/v1")}
    child = spawn(project, "phase", "render", env=env)
    keep_values(child, "render")
    answer(child, r"Write render\.yaml\?", "n\r")
    answer(child, r"Verify Render backend now", "\r")  # default: yes
    child.expect(r"✗ openai models: OpenAI rejected the credentials \(401\)")
    # right after the check, before the platform step or the verdict
    answer(child, r"Enter OPENAI_API_KEY again\?", "\r")
    child.expect(prompt("OPENAI_API_KEY"))
    child.send(FAKE_SECRETS["OPENAI_API_KEY"] + "\r")
    child.expect("saved OPENAI_API_KEY")
    child.expect(r"✓ openai models: key works")  # checked again with the new key
    child.expect("Render: RENDER_API_KEY is not set")
    child.expect("Render backend: not done yet")
    assert finish(child) == 0
    assert (
        Answers(Project(project)).resolve("OPENAI_API_KEY").value == FAKE_SECRETS["OPENAI_API_KEY"]
    )
    out = transcript(child)
    assert out.count("Enter OPENAI_API_KEY again?") >= 1
    assert wrong not in out and FAKE_SECRETS["OPENAI_API_KEY"] not in out
    assert scan_for_secrets(project / ".convoai-setup") == []
