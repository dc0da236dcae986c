"""Fixtures for provider tests: the CA env, a silent server, a refused port, a provider runner."""

from __future__ import annotations

import socket
from collections.abc import Awaitable, Callable, Iterator, Mapping
from pathlib import Path

import pytest

from providers.base import CheckContext, CheckResult
from providers.http import make_client
from tests.providers.fakes import SilentServer

Check = Callable[[CheckContext], Awaitable[list[CheckResult]]]


@pytest.fixture
def tls_env(ca_file: Path) -> dict[str, str]:
    """The env the code under test gets: trust the test CA, nothing else changed."""
    return {"SSL_CERT_FILE": str(ca_file)}


@pytest.fixture
def silent() -> Iterator[SilentServer]:
    server = SilentServer()
    yield server
    server.close()


@pytest.fixture
def refused_port() -> int:
    """A loopback port with nobody listening (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def run_provider(
    check: Check,
    values: Mapping[str, str | None],
    env: Mapping[str, str],
    timeout: float = 5.0,
    **kwargs: object,
) -> list[CheckResult]:
    """Call one provider check for real, on a client built exactly as the runner builds it."""
    async with make_client(env, timeout) as client:
        ctx = CheckContext(values, client, timeout, env, **kwargs)  # type: ignore[arg-type]
        return await check(ctx)


def one(results: list[CheckResult]) -> CheckResult:
    assert len(results) == 1, results
    return results[0]
