"""Fixtures of the ``up`` world: a fresh checkout with only the tokens typed, and the world."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from tests.fixtures.redis_tls import REDIS_PASSWORD, RedisServer, _start, free_port
from tests.up.database import Cluster, cluster, supabase_cluster
from tests.up.names import require_namespaces
from tests.up.world import World, build_world

__all__ = ["cluster", "supabase_cluster"]  # the database fixtures, for the tests here


@pytest.fixture(scope="session")
def upstash_redis(
    tls_ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RedisServer]:
    """The real TLS redis-server of tests.fixtures.redis_tls, with a certificate for the names
    Upstash gives its databases (``*.upstash.io``)."""
    workdir = tmp_path_factory.mktemp("redis-upstash")
    leaf = tls_ca.issue_cert("localhost", "127.0.0.1", "*.upstash.io")
    cert, key = workdir / "cert.pem", workdir / "key.pem"
    leaf.cert_chain_pems[0].write_to_path(str(cert))
    leaf.private_key_pem.write_to_path(str(key))
    port = free_port()
    args = ["--port", "0", "--tls-port", str(port), "--tls-cert-file", str(cert)]
    args += ["--tls-key-file", str(key), "--tls-auth-clients", "no"]
    args += ["--requirepass", REDIS_PASSWORD]
    with _start(args, port, workdir):
        yield RedisServer(port, REDIS_PASSWORD)


@pytest.fixture
def world(
    tmp_path: Path,
    project: Path,
    tls_ca: trustme.CA,
    ca_file: Path,
    cluster: Cluster,
    upstash_redis: RedisServer,
) -> Iterator[World]:
    require_namespaces()
    with build_world(tmp_path, project, tls_ca, ca_file, cluster, upstash_redis.port) as made:
        made.upstash.password = upstash_redis.password
        yield made
