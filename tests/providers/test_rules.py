"""Offline rules: each rule's verdicts, and arbitrary strings never make any rule raise."""

from __future__ import annotations

import base64
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checklists.catalog import catalog, mask, validate_format
from providers import rules
from providers.base import CheckResult
from tests.conftest import FAKE_SECRETS


def jwt(claims: dict[str, object]) -> str:
    def part(d: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(d).encode()).decode().rstrip("=")

    return f"{part({'alg': 'HS256', 'typ': 'JWT'})}.{part(claims)}.c2lnbmF0dXJlX2Zha2U"


def outcomes(results: list[CheckResult]) -> list[tuple[str, str]]:
    return [(r.check, r.outcome) for r in results]


def test_test_key_in_production_warns() -> None:
    values = {"STRIPE_SECRET_KEY": FAKE_SECRETS["STRIPE_SECRET_KEY"], "NODE_ENV": "production"}
    [r] = rules.stripe_mode(values)
    assert (r.outcome, r.phase) == ("warn", "render")
    assert rules.stripe_mode({**values, "NODE_ENV": "development"}) == []
    assert rules.stripe_mode({**values, "STRIPE_SECRET_KEY": "sk_live_abc"}) == []


def test_redis_url_rules() -> None:
    plain = {"REDIS_URL": "redis://default:pw@eu1-fake.upstash.io:6379"}
    [r] = rules.redis_url(plain)
    assert r.outcome == "fail" and "rediss://" in r.message and "pw" not in r.message
    [r] = rules.redis_url({"REDIS_URL": "https://eu1-fake.upstash.io"})
    assert r.outcome == "fail" and "REST URL" in r.message
    assert rules.redis_url({"REDIS_URL": FAKE_SECRETS["REDIS_URL"]}) == []
    assert rules.redis_url({"REDIS_URL": "redis://localhost:6379"}) == []


def test_supabase_key_roles() -> None:
    url = "https://abcdefgh.supabase.co"
    anon = jwt({"iss": "supabase", "role": "anon", "ref": "abcdefgh"})
    service = jwt({"iss": "supabase", "role": "service_role", "ref": "abcdefgh"})
    other = jwt({"iss": "supabase", "role": "service_role", "ref": "zzzzzzzz"})
    [r] = rules.supabase_key({"SUPABASE_SERVICE_KEY": anon, "SUPABASE_URL": url})
    assert r.outcome == "fail" and "anon key" in r.message and anon not in r.message
    assert rules.supabase_key({"SUPABASE_SERVICE_KEY": service, "SUPABASE_URL": url}) == []
    [r] = rules.supabase_key({"SUPABASE_SERVICE_KEY": other, "SUPABASE_URL": url})
    assert r.check == "project ref" and r.outcome == "fail"
    [r] = rules.supabase_key({"SUPABASE_SERVICE_KEY": "eyJnot-a-jwt"})
    assert "does not decode" in r.message
    [r] = rules.supabase_key({"SUPABASE_SERVICE_KEY": "sb_publishable_abc123"})
    assert "publishable" in r.message
    assert rules.supabase_key({"SUPABASE_SERVICE_KEY": FAKE_SECRETS["SUPABASE_SERVICE_KEY"]}) == []


def test_webhook_id_instead_of_secret() -> None:
    [r] = rules.webhook_secret({"STRIPE_WEBHOOK_SECRET": "we_1NfakeEndpoint"})
    assert r.outcome == "fail" and "whsec_" in r.message and r.phase == "post-deploy"
    assert (
        rules.webhook_secret({"STRIPE_WEBHOOK_SECRET": FAKE_SECRETS["STRIPE_WEBHOOK_SECRET"]}) == []
    )


def test_anthropic_key_in_openai_slot() -> None:
    [r] = rules.openai_key({"OPENAI_API_KEY": FAKE_SECRETS["ANTHROPIC_API_KEY"]})
    assert r.outcome == "fail" and "ANTHROPIC_API_KEY" in r.message
    assert rules.openai_key({"OPENAI_API_KEY": FAKE_SECRETS["OPENAI_API_KEY"]}) == []


def test_jwt_secret_length() -> None:
    [r] = rules.jwt_secret({"JWT_SECRET": "x" * 31})
    assert "31 characters" in r.message
    assert rules.jwt_secret({"JWT_SECRET": "x" * 32}) == []


def test_leak_guard() -> None:
    for name, value in FAKE_SECRETS.items():
        if name in ("JWT_SECRET", "RENDER_API_KEY", "VERCEL_TOKEN", "GITHUB_TOKEN"):
            continue  # no recognisable shape: random strings
        [r] = rules.vite_leaks({"VITE_SOMETHING": value})
        assert r.outcome == "fail" and value not in r.message, name
    service_jwt = jwt({"role": "service_role"})
    assert outcomes(rules.vite_leaks({"VITE_SUPABASE_KEY": service_jwt})) == [
        ("leak guard VITE_SUPABASE_KEY", "fail")
    ]
    assert rules.vite_leaks({"VITE_SUPABASE_ANON": jwt({"role": "anon"})}) == []
    assert rules.vite_leaks({"VITE_API_URL": "https://convoai-backend.onrender.com"}) == []
    assert rules.vite_leaks({"STRIPE_SECRET_KEY": FAKE_SECRETS["STRIPE_SECRET_KEY"]}) == []


def test_vite_api_url() -> None:
    app = "https://convoai-backend.onrender.com"
    assert rules.vite_api_url({"APP_URL": app, "VITE_API_URL": app + "/"}) == []
    assert (
        rules.vite_api_url(
            {
                "APP_URL": app,
                "VITE_API_URL": "https://api.example.com",
                "CUSTOM_DOMAIN": "api.example.com",
            }
        )
        == []
    )
    [r] = rules.vite_api_url({"APP_URL": app, "VITE_API_URL": "https://other.onrender.com"})
    assert r.outcome == "fail" and r.phase == "vercel"


# -- properties: arbitrary strings never raise ------------------------------------------------
NAMES = [*catalog(), "VITE_X", "OTHER"]
values_strategy = st.dictionaries(
    st.sampled_from(NAMES),
    st.one_of(st.none(), st.text(), st.from_regex(r"(eyJ|sk_|rediss?://|https://)\S*")),
)


@settings(max_examples=300, deadline=None)
@given(values_strategy)
def test_rules_never_raise(values: dict[str, str | None]) -> None:
    for rule in rules.RULES:
        for result in rule(values):
            assert result.outcome in ("ok", "warn", "fail", "skip")
            assert "\n" not in result.message
    rules.apply_rules(values)


@settings(max_examples=300, deadline=None)
@given(st.text(), st.text())
def test_jwt_and_secret_shape_never_raise(token: str, middle: str) -> None:
    rules.jwt_claims(token)
    rules.jwt_claims(f"eyJ.{middle}.x")
    rules.secret_shape(token)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(list(catalog())), st.text())
def test_validate_format_and_mask_never_raise(name: str, value: str) -> None:
    problems = validate_format(name, value)
    assert all(isinstance(p, str) for p in problems)
    shown = mask(name, value)
    if catalog()[name].secret and len(value) > 24 and "://" not in value:
        assert value not in shown


@settings(max_examples=200, deadline=None)
@given(values_strategy)
def test_offline_results_never_raise(values: dict[str, str | None]) -> None:
    from wizard.checks import offline_results

    for result in offline_results(values, None):
        assert result.outcome in ("ok", "warn", "fail", "skip")


@pytest.mark.parametrize(
    ("value", "what"),
    [
        ("https://x.example.com?key=sk_live_FAKE0123456789abcdef", "a Stripe secret key"),
        ("https://x.example.com/hook/whsec_FAKEsecret0123456789", "a Stripe webhook secret"),
        ("https://x.example.com/?openai=sk-FAKEopenaiKey0123456789abcd", "an OpenAI key"),
        ("https://x.example.com/#sb_secret_FAKE0123456789", "a Supabase secret key"),
    ],
)
def test_leak_guard_finds_a_secret_inside_a_longer_value(value: str, what: str) -> None:
    [r] = rules.vite_leaks({"VITE_API_URL": value})
    assert r.outcome == "fail" and f"VITE_API_URL holds {what} inside it" in r.message
    assert value not in r.message


@pytest.mark.parametrize(
    "value",
    [
        "https://risk-assessment.example.com/api",
        "https://task-sk-manager.example.com",
        "https://x.example.com/desk_live_feed",
        "https://convoai-backend.onrender.com",
    ],
)
def test_leak_guard_leaves_ordinary_urls_alone(value: str) -> None:
    assert rules.vite_leaks({"VITE_API_URL": value}) == []
