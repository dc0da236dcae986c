"""Upstash check against a real TLS redis-server with --requirepass (and a plain one)."""

from __future__ import annotations

from pathlib import Path

from providers.upstash import check_upstash
from tests.fixtures.redis_tls import RedisServer
from tests.migrations.relay import counting_relay
from tests.providers.conftest import one, run_provider
from tests.providers.fakes import SilentServer


async def _check(url: str, env: dict[str, str], timeout: float = 5.0) -> tuple[str, str]:
    r = one(await run_provider(check_upstash, {"REDIS_URL": url}, env, timeout))
    assert (r.service, r.phase, r.variables) == ("upstash", "upstash", ("REDIS_URL",))
    # The URL carries the password: no message may contain either.
    assert url not in r.message and "Passw0rd" not in r.message and "\n" not in r.message
    return r.outcome, r.message


async def test_good_password(redis_tls: RedisServer, tls_env: dict[str, str]) -> None:
    assert await _check(redis_tls.url(), tls_env) == ("ok", "TLS, AUTH and PING succeeded")


async def test_good_password_by_ip(redis_tls: RedisServer, tls_env: dict[str, str]) -> None:
    outcome, _ = await _check(redis_tls.url(host="127.0.0.1"), tls_env)
    assert outcome == "ok"


async def test_wrong_password(redis_tls: RedisServer, tls_env: dict[str, str]) -> None:
    outcome, message = await _check(redis_tls.url(password="wrongPassw0rd"), tls_env)
    assert outcome == "fail"
    assert message.startswith("Upstash refused the password (AUTH failed). Copy the rediss:// URL")


async def test_no_password(redis_tls: RedisServer, tls_env: dict[str, str]) -> None:
    outcome, message = await _check(f"rediss://localhost:{redis_tls.port}", tls_env)
    assert outcome == "fail" and "password" in message


async def test_wrong_ca(redis_tls: RedisServer, other_ca_file: Path) -> None:
    outcome, message = await _check(redis_tls.url(), {"SSL_CERT_FILE": str(other_ca_file)})
    assert outcome == "fail" and "TLS verification failed" in message


async def test_server_without_tls(redis_plain: RedisServer, tls_env: dict[str, str]) -> None:
    outcome, message = await _check(redis_plain.url(), tls_env)
    assert outcome == "fail"
    assert "does not speak TLS" in message or "did not answer" in message, message


async def test_connection_refused(refused_port: int, tls_env: dict[str, str]) -> None:
    outcome, message = await _check(f"rediss://default:x@127.0.0.1:{refused_port}", tls_env)
    assert outcome == "fail" and "refused the connection" in message


async def test_silent_server(silent: SilentServer, tls_env: dict[str, str]) -> None:
    outcome, message = await _check(f"rediss://default:x@127.0.0.1:{silent.port}", tls_env, 0.3)
    assert outcome == "fail" and "did not answer within 0.3s" in message


async def test_auth_and_ping_share_one_round_trip(
    redis_tls: RedisServer, tls_env: dict[str, str]
) -> None:
    """Through a counting relay: the TLS handshake, then AUTH and PING answered together."""
    with counting_relay(("127.0.0.1", redis_tls.port)) as relay:
        url = f"rediss://default:{redis_tls.password}@localhost:{relay.port}"
        assert await _check(url, tls_env) == ("ok", "TLS, AUTH and PING succeeded")
        # TLS 1.3 (1) + AUTH/PING (1); redis-py alone: + HELLO, CLIENT SETINFO, separate PING
        assert relay.round_trips == 2 and relay.connections == 1
        relay.reset()
        wrong = f"rediss://default:wrongPassw0rd@localhost:{relay.port}"
        outcome, message = await _check(wrong, tls_env)
        assert outcome == "fail" and message.startswith("Upstash refused the password")
        assert relay.round_trips == 2
