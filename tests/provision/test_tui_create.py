"""The TUI's "Create it for me": the provision operation for the vendor of each phase, run by
Pilot against the stateful stand-ins (Supabase, Upstash, Stripe, Sentry) over real HTTPS, with
what the stand-ins received and what the store holds asserted, and secrets scanned for."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from textual.widgets import Button, Input, Static

from screens.app import WizardApp
from screens.create import CreateForMe
from screens.modals import YesNoModal
from screens.phase import PhaseScreen
from screens.run import prepare_answers
from tests.conftest import scan_for_secrets
from tests.provision.sentry_standin import SentryStandIn
from tests.provision.stripe_standin import StripeStandIn
from tests.provision.supabase_fake import FakeSupabase
from tests.provision.upstash_standin import UpstashStandIn
from tests.push.conftest import state_of, store
from tests.push.test_tui_push import modal_ready, until
from tests.ui.conftest import SIZE, fill, settle
from wizard.project import Project
from wizard.values import Answers

SUPABASE_TOKEN = "sbp_FAKEsupabaseAccessToken0123456789abcdef"
UPSTASH_KEY = "FAKEupstashApiKey-0123456789abcdef"
STRIPE_KEY = "sk_test_FAKEstripeKey0123456789abcdefghij4f2a"
SENTRY_TOKEN = "sntryu_FAKEsentryUserToken0123456789abcdef"
REDIS_PASSWORD = "FAKEupstashDbPassw0rd-tui0123"
AMOUNTS = {
    "STRIPE_STARTER_AMOUNT": "29 usd",
    "STRIPE_GROWTH_AMOUNT": "79 usd",
    "STRIPE_BUSINESS_AMOUNT": "149.95 usd",
}


def stored(project: Path, *names: str) -> dict[str, str | None]:
    return Answers(Project(project), use_environment=False).values(list(names))


@asynccontextmanager
async def phase_screen(
    project: Path, phase: str, env: Mapping[str, str], monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Any]:
    """The app on the phase's Values tab, the vendors from ``env`` (read from os.environ by the
    workers, as the CLI reads them)."""
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    app = WizardApp(prepare_answers(project), phase)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, PhaseScreen)
        yield pilot


def create(pilot: Any) -> CreateForMe:
    [box] = pilot.app.screen.query(CreateForMe)
    return box


def log(pilot: Any) -> str:
    return str(create(pilot).query_one(".create-log", Static).render())


async def press(pilot: Any, selector: str = ".create-run") -> None:
    create(pilot).query_one(selector, Button).press()
    await pilot.pause()


async def answer(pilot: Any, yes: bool) -> str:
    """Wait for the modal, answer it, and return its question."""
    await until(pilot, lambda: modal_ready(pilot))
    modal = pilot.app.screen
    assert isinstance(modal, YesNoModal)
    modal.query_one("#yes" if yes else "#no", Button).press()
    await pilot.pause()
    return modal.question


async def finished(pilot: Any) -> None:
    await until(pilot, lambda: not create(pilot).running)
    await settle(pilot)


def field(pilot: Any, name: str) -> str:
    return pilot.app.screen.query_one(f"#input-{name}", Input).value


# -- Supabase ---------------------------------------------------------------------------------
@pytest.fixture
def supabase(https_server: HTTPServer) -> FakeSupabase:
    fake = FakeSupabase(SUPABASE_TOKEN)
    fake.install(https_server)
    return fake


@pytest.fixture
def supabase_env(https_server: HTTPServer, ca_file: Path) -> dict[str, str]:
    return {
        "SSL_CERT_FILE": str(ca_file),
        "CONVOAI_SETUP_SUPABASE_API": https_server.url_for("").rstrip("/"),
        "CONVOAI_SETUP_PROVISION_POLL": "0.02",
        "CONVOAI_SETUP_PROVISION_WAIT": "60",
    }


async def test_supabase_is_created_after_the_modal_and_its_values_fill_the_fields(
    project: Path,
    supabase: FakeSupabase,
    supabase_env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store(project, {"SUPABASE_ACCESS_TOKEN": SUPABASE_TOKEN})
    async with phase_screen(project, "supabase", supabase_env, monkeypatch) as pilot:
        await press(pilot)
        question = await answer(pilot, yes=True)
        await finished(pilot)
        shown = log(pilot)
        fields = {n: field(pilot, n) for n in ("SUPABASE_URL", "SUPABASE_DB_URL")}
        [ref] = supabase.projects
        status = str(pilot.app.screen.query_one("#phase-intro", Static).render())
    assert question.startswith("Create Supabase project convoai?")
    [body] = supabase.created
    assert body["name"] == "convoai" and body["organization_slug"] == "acme"
    values = stored(project, "SUPABASE_URL", "SUPABASE_SERVICE_KEY", "SUPABASE_DB_URL")
    assert values["SUPABASE_URL"] == f"https://{ref}.supabase.co"
    assert values["SUPABASE_SERVICE_KEY"] == supabase.service_jwt(ref)
    assert body["db_pass"] in str(values["SUPABASE_DB_URL"])
    # The plan (masked), the wait, and what was stored, in the tab; the fields show the values.
    assert "Supabase project convoai: create" in shown
    assert f"({ref}): ACTIVE_HEALTHY" in shown
    assert (
        "✓ Stored SUPABASE_DB_URL, SUPABASE_SERVICE_KEY, SUPABASE_URL (secrets in the vault)"
        in shown
    )
    assert fields == {
        "SUPABASE_URL": values["SUPABASE_URL"],
        "SUPABASE_DB_URL": values["SUPABASE_DB_URL"],
    }
    assert "enter SUPABASE_URL" not in status  # the phase no longer waits for it
    assert state_of(project)["values"]["SUPABASE_URL"]["source"] == "created by API"
    secrets = {
        "token": SUPABASE_TOKEN,
        "password": body["db_pass"],
        "jwt": supabase.service_jwt(ref),
    }
    assert [n for n, v in secrets.items() if v in shown] == []
    assert scan_for_secrets(project, secrets) == []


async def test_esc_stops_the_wait_and_pressing_again_picks_the_same_project_up(
    project: Path,
    supabase: FakeSupabase,
    supabase_env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store(project, {"SUPABASE_ACCESS_TOKEN": SUPABASE_TOKEN})
    supabase.script = ("COMING_UP",)  # it stays coming up until the test says otherwise
    async with phase_screen(project, "supabase", supabase_env, monkeypatch) as pilot:
        screen = pilot.app.screen
        await press(pilot)
        await answer(pilot, yes=True)
        await until(pilot, lambda: "COMING_UP" in log(pilot))
        await pilot.press("escape")
        await finished(pilot)
        assert pilot.app.screen is screen  # Esc stopped the run; it did not leave the screen
        first = log(pilot)
        [ref] = supabase.projects
        supabase.projects[ref]["status"] = "ACTIVE_HEALTHY"
        await press(pilot)  # found by name, still remembered: no second create, no question
        await finished(pilot)
        second = log(pilot)
        await pilot.press("escape")  # nothing running now: back to the overview
        await settle(pilot)
        assert pilot.app.screen is not screen
    assert first.splitlines()[-1].startswith("Stopped. What was created stays")
    assert len(supabase.created) == 1
    assert f"Supabase project convoai: found ({ref})" in second
    assert stored(project, "SUPABASE_URL")["SUPABASE_URL"] == f"https://{ref}.supabase.co"


async def test_without_the_token_it_says_where_to_get_it_and_sends_nothing(
    project: Path,
    supabase: FakeSupabase,
    supabase_env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with phase_screen(project, "supabase", supabase_env, monkeypatch) as pilot:
        await press(pilot)
        await finished(pilot)
        shown = log(pilot)
    assert "Enter SUPABASE_ACCESS_TOKEN below and Save first. Where: " in shown
    assert supabase.log == []


# -- Upstash ----------------------------------------------------------------------------------
async def test_upstash_saves_the_typed_token_first_and_a_declined_modal_creates_nothing(
    project: Path,
    make_https_server: Callable[[], HTTPServer],
    ca_file: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server = make_https_server()
    upstash = UpstashStandIn("owner@example.com", UPSTASH_KEY, password=REDIS_PASSWORD)
    upstash.install(server)
    env = {"SSL_CERT_FILE": str(ca_file), "CONVOAI_SETUP_UPSTASH_API": server.url_for("")[:-1]}
    async with phase_screen(project, "upstash", env, monkeypatch) as pilot:
        await fill(pilot, "UPSTASH_EMAIL", "owner@example.com")
        await fill(pilot, "UPSTASH_API_KEY", UPSTASH_KEY)
        await press(pilot)  # the typed fields are saved first, then the plan
        declined = await answer(pilot, yes=False)
        await finished(pilot)
        no = log(pilot)
        await press(pilot)
        await answer(pilot, yes=True)
        await finished(pilot)
        yes = log(pilot)
        shown = field(pilot, "REDIS_URL")
    assert declined.startswith("Create Upstash database convoai?")
    assert "Not confirmed: nothing was created." in no
    writes = [w for w in upstash.writes()]
    assert writes == [("POST", "/v2/redis/database")]  # one create, after the second press
    assert stored(project, "UPSTASH_API_KEY")["UPSTASH_API_KEY"] == UPSTASH_KEY
    redis_url = stored(project, "REDIS_URL")["REDIS_URL"]
    assert redis_url == f"rediss://default:{REDIS_PASSWORD}@127.0.0.1:6379"
    assert shown == redis_url  # the field shows it (masked on screen: it is a password input)
    assert "✓ Stored REDIS_URL" in yes
    secrets = {"api key": UPSTASH_KEY, "redis password": REDIS_PASSWORD}
    assert [n for n, v in secrets.items() if v in no + yes] == []
    assert scan_for_secrets(project, secrets) == []


# -- Stripe prices, on Render -----------------------------------------------------------------
async def test_stripe_prices_a_differing_one_is_reported_then_replaced_when_asked(
    project: Path, https_server: HTTPServer, ca_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stripe = StripeStandIn(STRIPE_KEY)
    stripe.install(https_server)
    old = stripe.add_price("convoai_growth_monthly", 4900)  # 49 usd, not the 79 usd asked
    env = {"SSL_CERT_FILE": str(ca_file), "CONVOAI_SETUP_STRIPE_API": https_server.url_for("")[:-1]}
    store(project, {"STRIPE_SECRET_KEY": STRIPE_KEY, **AMOUNTS})
    async with phase_screen(project, "render", env, monkeypatch) as pilot:
        await press(pilot)
        await answer(pilot, yes=True)  # the two missing prices
        await finished(pilot)
        first = log(pilot)
        option = create(pilot).query_one(".create-option", Button)
        assert option.display and str(option.label) == "Replace prices"
        await press(pilot, ".create-option")
        asked = await answer(pilot, yes=True)  # the option, asked first
        replaced = await answer(pilot, yes=True)  # then the creation, naming what it replaces
        await finished(pilot)
        second = log(pilot)
        shown = field(pilot, "STRIPE_GROWTH_PRICE_ID")
    assert asked.startswith("Create new Stripe prices that take the lookup keys?")
    assert f"the new price takes convoai_growth_monthly from the price {old['id']}" in replaced
    # The differing price was reported, in the screen's words, and left as it was.
    assert f"the price {old['id']} holds convoai_growth_monthly at 49.00 usd/month" in first
    assert "Replace prices on Render backend (F2 Values)" in first
    assert "convoai-setup" not in first
    assert old["unit_amount"] == 4900 and old["lookup_key"] is None  # the key moved off it
    ids = stored(project, "STRIPE_STARTER_PRICE_ID", "STRIPE_GROWTH_PRICE_ID")
    growth = stripe.holder("convoai_growth_monthly")
    assert growth is not None and growth["unit_amount"] == 7900
    assert ids["STRIPE_GROWTH_PRICE_ID"] == growth["id"] == shown
    assert ids["STRIPE_STARTER_PRICE_ID"] == stripe.holder("convoai_starter_monthly")["id"]
    assert second.endswith(
        "✓ Stored STRIPE_STARTER_PRICE_ID, STRIPE_GROWTH_PRICE_ID, STRIPE_BUSINESS_PRICE_ID."
    )
    # one create per missing price, then the replacement: never a duplicate
    assert [p for m, p in stripe.writes()] == ["/v1/prices"] * 3
    assert STRIPE_KEY not in first + second
    assert scan_for_secrets(project, {"key": STRIPE_KEY}) == []


# -- Sentry, on Post-deploy -------------------------------------------------------------------
async def test_sentry_project_is_created_in_the_org_region_and_its_dsn_stored(
    project: Path,
    make_https_server: Callable[[], HTTPServer],
    ca_file: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    base, region = make_https_server(), make_https_server()
    sentry = SentryStandIn(SENTRY_TOKEN)
    sentry.install(base, region)
    sentry.add_org("acme", ["backend"])
    env = {"SSL_CERT_FILE": str(ca_file), "CONVOAI_SETUP_SENTRY_API": base.url_for("")[:-1]}
    store(project, {"SENTRY_AUTH_TOKEN": SENTRY_TOKEN})
    async with phase_screen(project, "post-deploy", env, monkeypatch) as pilot:
        await press(pilot)
        question = await answer(pilot, yes=True)
        await finished(pilot)
        shown = log(pilot)
    assert question.startswith("Create Sentry project convoai-backend?")
    # under the team (not the organization endpoint, which makes a team on every call), in the
    # organization's region
    assert ("region", "POST", "/api/0/teams/acme/backend/projects/") in sentry.hosts
    assert sentry.teams["acme"] == ["backend"]
    dsn = stored(project, "SENTRY_DSN")["SENTRY_DSN"]
    [key] = sentry.keys[("acme", "convoai-backend")]
    assert dsn == key["dsn"]["public"]
    assert "✓ Stored SENTRY_DSN" in shown
    assert SENTRY_TOKEN not in shown
    assert scan_for_secrets(project, {"token": SENTRY_TOKEN, "secret": key["secret"]}) == []
