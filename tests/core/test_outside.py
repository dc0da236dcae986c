"""What could only work on the developer's machine, and package.json's name as a Vercel project."""

from __future__ import annotations

import pytest

from wizard.outside import unreachable
from wizard.values import vercel_name


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("http://localhost:5000", "localhost is this machine"),
        ("https://localhost", "localhost is this machine"),
        ("https://api.localhost:8443", "api.localhost is this machine"),
        ("https://127.0.0.1:5000", "127.0.0.1 is this machine"),
        ("https://[::1]:5000/api", "::1 is this machine"),
        ("http://0.0.0.0:10000", "0.0.0.0 is this machine"),
        ("rediss://default:pw@localhost:6379", "localhost is this machine"),
        ("http://convoai-backend.onrender.com", "plain http://"),
    ],
)
def test_values_only_this_machine_could_use_are_named(value: str, why: str) -> None:
    found = unreachable(value)
    assert found is not None and why in found
    assert "pw" not in found  # never the value, only the host


@pytest.mark.parametrize(
    "value",
    [
        "https://convoai-backend.onrender.com",
        "rediss://default:pw@fake-endpoint.upstash.io:6379",
        "production",
        "10000",
        "sk_live_FAKE0123456789",
        "https://10.0.0.5",  # private but not loopback: a platform's own network may reach it
    ],
)
def test_production_values_pass(value: str) -> None:
    assert unreachable(value) is None


@pytest.mark.parametrize(
    ("package", "project"),
    [
        ("convoai", "convoai"),
        ("@acme/convoai-web", "convoai-web"),
        ("ConvoAI", "convoai"),
        ("convoai app", None),
        ("a---b", None),
        ("", None),
        (None, None),
    ],
)
def test_vercel_project_name_from_package_json(package: str | None, project: str | None) -> None:
    assert vercel_name(package) == project
