"""Supabase, Anthropic, Sentry, Render, Vercel, GitHub and the app, against local servers."""

from __future__ import annotations

import json
from pathlib import Path

from pytest_httpserver import HTTPServer

from providers.anthropic import check_anthropic
from providers.app import check_app, check_vercel_json
from providers.github import check_github
from providers.render import check_render
from providers.sentry import check_sentry
from providers.supabase import check_supabase, expected_paths
from providers.vercel import check_vercel
from tests.conftest import EXAMPLE, FAKE_SECRETS
from tests.providers.conftest import one, run_provider
from tests.providers.fakes import (
    SCHEMA_PATHS,
    FakeSentry,
    install_anthropic,
    install_app,
    install_github,
    install_render,
    install_supabase,
    install_vercel,
)


def base(server: HTTPServer) -> str:
    return server.url_for("").rstrip("/")


async def test_supabase_ok_and_schema(https_server: HTTPServer, tls_env: dict[str, str]) -> None:
    key = FAKE_SECRETS["SUPABASE_SERVICE_KEY"]
    install_supabase(https_server, key)
    values = {"SUPABASE_URL": base(https_server), "SUPABASE_SERVICE_KEY": key}
    results = await run_provider(check_supabase, values, tls_env, project_root=EXAMPLE)
    assert [(r.check, r.outcome) for r in results] == [("data api", "ok"), ("schema", "ok")]
    # sb_secret_ keys go in apikey only, never as a Bearer token.
    request, _ = https_server.log[-1]
    assert request.headers.get("apikey") == key and "Authorization" not in request.headers


async def test_supabase_migrations_missing(
    https_server: HTTPServer, tls_env: dict[str, str]
) -> None:
    key = FAKE_SECRETS["SUPABASE_SERVICE_KEY"]
    install_supabase(https_server, key, paths=("/organizations",))
    values = {"SUPABASE_URL": base(https_server), "SUPABASE_SERVICE_KEY": key}
    schema = await run_provider(check_supabase, values, tls_env, project_root=EXAMPLE)
    assert schema[1].outcome == "warn" and "migrations not applied yet" in schema[1].message


async def test_supabase_bad_and_publishable_keys(
    https_server: HTTPServer, tls_env: dict[str, str]
) -> None:
    install_supabase(https_server, FAKE_SECRETS["SUPABASE_SERVICE_KEY"])
    url = base(https_server)
    r = one(
        await run_provider(
            check_supabase,
            {"SUPABASE_URL": url, "SUPABASE_SERVICE_KEY": "sb_secret_wrongwrongwrong0000000000"},
            tls_env,
        )
    )
    assert r.outcome == "fail" and "401" in r.message
    r = one(
        await run_provider(
            check_supabase,
            {"SUPABASE_URL": url, "SUPABASE_SERVICE_KEY": "sb_publishable_abcdefabcdef0000000000"},
            tls_env,
        )
    )
    assert r.outcome == "fail" and "anon or publishable key" in r.message


def test_expected_paths_follow_the_project_schema() -> None:
    assert set(expected_paths(EXAMPLE)) == set(SCHEMA_PATHS)


async def test_anthropic(https_server: HTTPServer, tls_env: dict[str, str]) -> None:
    key = FAKE_SECRETS["ANTHROPIC_API_KEY"]
    install_anthropic(https_server, key)
    env = {**tls_env, "ANTHROPIC_BASE_URL": base(https_server)}
    assert one(await run_provider(check_anthropic, {"ANTHROPIC_API_KEY": key}, env)).outcome == "ok"
    r = one(
        await run_provider(check_anthropic, {"ANTHROPIC_API_KEY": "sk-ant-wrong0000000000000"}, env)
    )
    assert r.outcome == "fail" and "401" in r.message


async def test_anthropic_follows_has_more_before_counting(
    https_server: HTTPServer, tls_env: dict[str, str]
) -> None:
    key = FAKE_SECRETS["ANTHROPIC_API_KEY"]
    pages = install_anthropic(https_server, key, models=45, page_size=20)
    env = {**tls_env, "ANTHROPIC_BASE_URL": base(https_server)}
    r = one(await run_provider(check_anthropic, {"ANTHROPIC_API_KEY": key}, env))
    assert r.outcome == "ok" and "45 models visible" in r.message
    assert pages == [None, "claude-fake-019", "claude-fake-039"]  # after_id = the last id seen


async def test_anthropic_does_not_count_a_list_it_did_not_finish(
    https_server: HTTPServer, tls_env: dict[str, str]
) -> None:
    from providers.anthropic import MAX_PAGES

    key = FAKE_SECRETS["ANTHROPIC_API_KEY"]
    pages = install_anthropic(https_server, key, models=MAX_PAGES + 5, page_size=1)
    env = {**tls_env, "ANTHROPIC_BASE_URL": base(https_server)}
    r = one(await run_provider(check_anthropic, {"ANTHROPIC_API_KEY": key}, env))
    assert r.outcome == "ok" and len(pages) == MAX_PAGES
    assert "models visible" not in r.message and "lists models" in r.message


async def test_sentry_envelope(https_server: HTTPServer, tls_env: dict[str, str]) -> None:
    fake = FakeSentry("abc123publickey")
    fake.install(https_server)
    dsn = f"https://abc123publickey@127.0.0.1:{https_server.port}/42"
    r = one(await run_provider(check_sentry, {"SENTRY_DSN": dsn}, tls_env))
    assert r.outcome == "skip" and "--send-test-event" in r.message and not fake.envelopes
    r = one(await run_provider(check_sentry, {"SENTRY_DSN": dsn}, tls_env, send_test_event=True))
    assert r.outcome == "ok", r.message
    [(headers, body)] = fake.envelopes
    assert headers["Content-Type"] == "application/x-sentry-envelope"
    assert headers["X-Sentry-Auth"].startswith("Sentry sentry_version=7, sentry_client=")
    header, item, event = (json.loads(line) for line in body.split(b"\n"))
    assert (
        len(header["event_id"]) == 32 and header["dsn"] == dsn and header["sent_at"].endswith("Z")
    )
    assert item == {"type": "event", "length": len(body.split(b"\n")[2])}
    assert event == {"message": "hello world", "level": "error"}
    wrong = f"https://wrongkey@127.0.0.1:{https_server.port}/42"
    r = one(await run_provider(check_sentry, {"SENTRY_DSN": wrong}, tls_env, send_test_event=True))
    assert r.outcome == "fail" and "refused the test event (400)" in r.message


async def test_render_vercel_github(https_server: HTTPServer, tls_env: dict[str, str]) -> None:
    install_render(https_server, FAKE_SECRETS["RENDER_API_KEY"], ("convoai-backend",))
    install_vercel(https_server, FAKE_SECRETS["VERCEL_TOKEN"], ("convoai",))
    install_github(https_server, FAKE_SECRETS["GITHUB_TOKEN"], ("acme/convoai",))
    url = base(https_server)
    env = {
        **tls_env,
        "CONVOAI_SETUP_RENDER_API": url,
        "CONVOAI_SETUP_VERCEL_API": url,
        "CONVOAI_SETUP_GITHUB_API": url,
    }
    good = {
        "RENDER_API_KEY": FAKE_SECRETS["RENDER_API_KEY"],
        "RENDER_SERVICE_NAME": "convoai-backend",
        "VERCEL_TOKEN": FAKE_SECRETS["VERCEL_TOKEN"],
        "VERCEL_PROJECT": "convoai",
        "GITHUB_TOKEN": FAKE_SECRETS["GITHUB_TOKEN"],
        "GITHUB_REPOSITORY": "acme/convoai",
    }
    for check in (check_render, check_vercel, check_github):
        assert (await run_provider(check, good, env))[0].outcome == "ok"
        assert one(await run_provider(check, {}, env)).outcome == "skip"
    missing = {
        **good,
        "RENDER_SERVICE_NAME": "nope",
        "VERCEL_PROJECT": "missing-project",
        "GITHUB_REPOSITORY": "acme/missing",
    }
    for check, words in (
        (check_render, "no service named nope"),
        (check_vercel, "no project named"),
        (check_github, "not found"),
    ):
        r = one(await run_provider(check, missing, env))
        assert r.outcome == "fail" and words in r.message
    bad = {k: (v + "x" if "TOKEN" in k or "KEY" in k else v) for k, v in good.items()}
    for check, code in ((check_render, "401"), (check_vercel, "403"), (check_github, "401")):
        r = one(await run_provider(check, bad, env))
        assert r.outcome == "fail" and code in r.message and "FAKE" not in r.message


async def test_app_health_and_fallback(make_https_server, tls_env: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    with_health, without = make_https_server(), make_https_server()
    install_app(with_health)
    install_app(without, health=False)
    r = one(await run_provider(check_app, {"APP_URL": base(with_health)}, tls_env))
    assert r.outcome == "ok" and "/api/health" in r.message
    r = one(await run_provider(check_app, {"APP_URL": base(without) + "/"}, tls_env))
    assert r.outcome == "ok" and r.message.startswith("/ answered 200")


def test_vercel_json_rewrites(tmp_path: Path) -> None:
    app = "https://convoai-backend.onrender.com"
    doc = {
        "rewrites": [
            {"source": "/api/:path*", "destination": f"{app}/api/:path*"},
            {"source": "/widget.js", "destination": "https://old.onrender.com/api/widget.js"},
        ]
    }
    (tmp_path / "vercel.json").write_text(json.dumps(doc))
    [r] = check_vercel_json({"APP_URL": app}, tmp_path)
    assert r.outcome == "fail" and "/widget.js" in r.message and "/api/:path*" not in r.message
    doc["rewrites"][1]["destination"] = f"{app}/api/widget.js"
    (tmp_path / "vercel.json").write_text(json.dumps(doc))
    assert check_vercel_json({"APP_URL": app}, tmp_path)[0].outcome == "ok"
    (tmp_path / "vercel.json").write_text("{not json")
    assert check_vercel_json({"APP_URL": app}, tmp_path)[0].outcome == "fail"
    assert check_vercel_json({"APP_URL": app}, tmp_path / "nowhere") == []
