"""The catalog holds every variable of the plan with the fields the rest of the tool derives from."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from checklists.catalog import catalog, for_destination, mask, normalise, validate_format

PLAN = Path("/work/shared/plan/production-deployment-plan.md")
RENDER_VARS = [
    "NODE_ENV",
    "PORT",
    "SUPABASE_URL",
    "SUPABASE_SERVICE_KEY",
    "REDIS_URL",
    "OPENAI_API_KEY",
    "JWT_SECRET",
    "APP_URL",
    "STRIPE_SECRET_KEY",
    "STRIPE_WEBHOOK_SECRET",
    "STRIPE_STARTER_PRICE_ID",
    "STRIPE_GROWTH_PRICE_ID",
    "STRIPE_BUSINESS_PRICE_ID",
    "SENTRY_DSN",
    "ANTHROPIC_API_KEY",
]
WIZARD_ONLY = ["SUPABASE_DB_URL", "RENDER_API_KEY", "VERCEL_TOKEN", "GITHUB_TOKEN"]
OPTIONAL = {"PORT", "SENTRY_DSN", "ANTHROPIC_API_KEY"}


def test_render_and_vercel_variables_match_the_plan_checklist() -> None:
    assert [v.name for v in for_destination("render")] == RENDER_VARS
    assert [v.name for v in for_destination("vercel")] == ["VITE_API_URL"]
    for name in RENDER_VARS:
        assert catalog()[name].required == (name not in OPTIONAL), name
    if PLAN.exists():  # the shared plan is beside the repo in development and CI
        checklist = PLAN.read_text().split("## Environment Variables Checklist")[1]
        named = re.findall(r"`([A-Z_]+)`", checklist)
        assert set(named) == {*RENDER_VARS, "VITE_API_URL"}


def test_wizard_only_credentials_never_reach_the_app() -> None:
    for name in WIZARD_ONLY:
        var = catalog()[name]
        assert var.destinations == ("wizard",)
        assert var.secret
        assert not var.app_env


def test_every_entry_is_complete() -> None:
    for var in catalog().values():
        assert var.description and var.example and var.where, var.name
        assert var.phase in {
            "supabase",
            "upstash",
            "render",
            "vercel",
            "github-actions",
            "env-example",
            "post-deploy",
        }
    assert "service_role secret" in catalog()["SUPABASE_SERVICE_KEY"].where
    assert catalog()["JWT_SECRET"].generator == "jwt-secret"
    assert catalog()["JWT_SECRET"].min_length == 32


def test_format_rules_catch_the_classic_mistakes() -> None:
    assert "endpoint id" in validate_format("STRIPE_WEBHOOK_SECRET", "we_1234567890abcdef")[0]
    assert "REST URL" in validate_format("REDIS_URL", "https://eu1-x.upstash.io")[0]
    assert "rediss://" in validate_format("REDIS_URL", "redis://default:pw@x.upstash.io:6379")[0]
    assert "publishable" in validate_format("STRIPE_SECRET_KEY", "pk_live_abcdefghijklmnopqrst")[0]
    assert "Anthropic key" in validate_format("OPENAI_API_KEY", "sk-ant-abcdefghijklmnopqrstuv")[0]
    assert validate_format("OPENAI_API_KEY", "sk-proj-abcdefghijklmnopqrstuv") == []
    assert "product id" in validate_format("STRIPE_GROWTH_PRICE_ID", "prod_abcdefghijkl")[0]
    assert "at least 32" in validate_format("JWT_SECRET", "x" * 31)[0]
    assert validate_format("JWT_SECRET", "x" * 32) == []
    assert "https://" in validate_format("APP_URL", "http://convoai.example.com")[0]
    assert validate_format("APP_URL", "http://127.0.0.1:8080") == []  # loopback, for tests
    assert validate_format("REDIS_URL", "rediss://default:pw@x.upstash.io:6379") == []
    assert validate_format("PORT", "65536") and validate_format("PORT", "10000") == []
    assert validate_format("SENTRY_DSN", "https://abc@o1.ingest.sentry.io/42") == []
    assert validate_format("SENTRY_DSN", "https://o1.ingest.sentry.io/42")
    assert validate_format("CUSTOM_DOMAIN", "https://api.example.com")
    assert validate_format("CUSTOM_DOMAIN", "api.example.com") == []


def test_messages_never_echo_the_value() -> None:
    secret = "sk_live_SOMETHINGsecret_but_wrong with space"
    for name in catalog():
        for message in validate_format(name, secret):
            assert secret not in message and "SOMETHINGsecret" not in message


def test_normalise_strips_what_pastes_and_pipes_add() -> None:
    assert normalise("sk_live_abc\n") == "sk_live_abc"
    assert normalise('  "sk_live_abc"  \r\n') == "sk_live_abc"
    assert normalise("'quoted'") == "quoted"
    assert normalise('"unbalanced') == '"unbalanced'
    assert normalise("line1\nline2\n") == "line1\nline2"


def test_mask_hides_secrets_and_keeps_a_recognisable_tail() -> None:
    assert mask("STRIPE_SECRET_KEY", "sk_live_FAKEfakefakefake4f2a") == "sk_live_…4f2a"
    assert mask("REDIS_URL", "rediss://default:hunter2pw@x.upstash.io:6379") == (
        "rediss://default:…@x.upstash.io:6379"
    )
    assert "short" not in mask("JWT_SECRET", "short")
    assert mask("APP_URL", "https://a.example.com") == "https://a.example.com"
    assert mask("OPENAI_API_KEY", None) == ""


@given(name=st.sampled_from(sorted(catalog())), value=st.text())
def test_validation_and_masking_never_raise(name: str, value: str) -> None:
    problems = validate_format(name, value)
    assert isinstance(problems, list)
    shown = mask(name, value)
    if catalog()[name].secret and len(value) >= 16 and "://" not in value:
        assert value not in shown
