"""Every fault ends in one clear line within the timeout: exercised through the OpenAI check."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from providers.openai import check_openai
from tests.providers.conftest import one, run_provider
from tests.providers.fakes import SilentServer, install_openai, json_response

KEY = "sk-FAKEopenaiKey0123456789abcdefghijklmnopqrstuv"


def _values() -> dict[str, str | None]:
    return {"OPENAI_API_KEY": KEY}


def _assert_clean(message: str) -> None:
    assert "\n" not in message and "Traceback" not in message and KEY not in message


async def test_good_key(https_server: HTTPServer, tls_env: dict[str, str]) -> None:
    install_openai(https_server, KEY)
    env = {**tls_env, "OPENAI_BASE_URL": https_server.url_for("/v1")}
    r = one(await run_provider(check_openai, _values(), env))
    assert (r.outcome, r.service, r.phase) == ("ok", "openai", "render")
    assert "1 models" in r.message


async def test_bad_key_401(https_server: HTTPServer, tls_env: dict[str, str]) -> None:
    install_openai(https_server, "sk-another-key-entirely-0000000000")
    env = {**tls_env, "OPENAI_BASE_URL": https_server.url_for("/v1")}
    r = one(await run_provider(check_openai, _values(), env))
    assert r.outcome == "fail" and "rejected the credentials (401)" in r.message
    _assert_clean(r.message)


@pytest.mark.parametrize(
    ("status", "headers", "expected"),
    [
        (403, {}, "refused access (403)"),
        (404, {}, "not found (404)"),
        (429, {"Retry-After": "17"}, "retry in 17s"),
        (429, {}, "wait a minute and retry"),
        (500, {}, "server error (500)"),
        (503, {}, "server error (503)"),
    ],
)
async def test_error_statuses(
    https_server: HTTPServer,
    tls_env: dict[str, str],
    status: int,
    headers: dict[str, str],
    expected: str,
) -> None:
    body = {
        "error": {
            "message": "vendor says no",
            "type": "invalid_request_error",
            "param": None,
            "code": None,
        }
    }
    https_server.expect_request("/v1/models").respond_with_response(
        json_response(body, status, headers)
    )
    env = {**tls_env, "OPENAI_BASE_URL": https_server.url_for("/v1")}
    r = one(await run_provider(check_openai, _values(), env))
    assert r.outcome == "fail" and expected in r.message, r.message
    _assert_clean(r.message)


async def test_invalid_json(https_server: HTTPServer, tls_env: dict[str, str]) -> None:
    https_server.expect_request("/v1/models").respond_with_data("<html>captive portal</html>", 200)
    env = {**tls_env, "OPENAI_BASE_URL": https_server.url_for("/v1")}
    r = one(await run_provider(check_openai, _values(), env))
    assert r.outcome == "fail" and "not with JSON" in r.message


async def test_connection_refused(refused_port: int, tls_env: dict[str, str]) -> None:
    env = {**tls_env, "OPENAI_BASE_URL": f"https://127.0.0.1:{refused_port}/v1"}
    r = one(await run_provider(check_openai, _values(), env))
    assert r.outcome == "fail" and "connection refused" in r.message


async def test_dns_failure_of_a_vendor_host_blames_the_network(tls_env: dict[str, str]) -> None:
    # The person never typed the API host: "check for typos" would send them the wrong way.
    env = {**tls_env, "OPENAI_BASE_URL": "https://no-such-host.invalid/v1"}
    r = one(await run_provider(check_openai, _values(), env))
    assert r.outcome == "fail" and "host not found (DNS)" in r.message
    assert "cannot reach no-such-host.invalid" in r.message and "proxy" in r.message
    assert "typo" not in r.message


async def test_dns_failure_of_an_entered_url_asks_for_typos(tls_env: dict[str, str]) -> None:
    from providers.app import check_app

    results = await run_provider(check_app, {"APP_URL": "https://no-such-host.invalid"}, tls_env)
    r = next(r for r in results if r.check == "reachable")
    assert r.outcome == "fail" and "host not found (DNS); check APP_URL for typos" in r.message


async def test_untrusted_certificate(https_server: HTTPServer, other_ca_file: Path) -> None:
    install_openai(https_server, KEY)
    env = {"SSL_CERT_FILE": str(other_ca_file), "OPENAI_BASE_URL": https_server.url_for("/v1")}
    r = one(await run_provider(check_openai, _values(), env))
    assert r.outcome == "fail" and "TLS verification failed" in r.message


async def test_plain_http_only_on_loopback(tls_env: dict[str, str]) -> None:
    env = {**tls_env, "OPENAI_BASE_URL": "http://api.example.com/v1"}
    r = one(await run_provider(check_openai, _values(), env))
    assert r.outcome == "fail" and "must be an https:// URL" in r.message


async def test_server_that_never_answers(silent: SilentServer, tls_env: dict[str, str]) -> None:
    env = {**tls_env, "OPENAI_BASE_URL": f"https://127.0.0.1:{silent.port}/v1"}
    r = one(await run_provider(check_openai, _values(), env, timeout=0.3))
    assert r.outcome == "fail" and "did not answer within 0.3s" in r.message


async def test_slow_answer_past_timeout(https_server: HTTPServer, tls_env: dict[str, str]) -> None:
    import time

    def slow(request: Request) -> Response:
        time.sleep(1.0)
        return json_response({"object": "list", "data": []})

    https_server.expect_request("/v1/models").respond_with_handler(slow)
    env = {**tls_env, "OPENAI_BASE_URL": https_server.url_for("/v1")}
    r = one(await run_provider(check_openai, _values(), env, timeout=0.3))
    assert r.outcome == "fail" and "did not answer within 0.3s" in r.message
