"""Masking and URL parsing never raise on a stored value (issue 9 §4).

``urlsplit`` refuses ``://[`` and ``.port`` refuses a non-numeric port; a secret holding either
used to break ``vars list``, ``vars get``, ``export`` and ``status`` until it was unset.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checklists.catalog import catalog, mask, split_url, url_port, validate_format
from tests.conftest import run_cli

#: strings that make urllib raise (bad IPv6 hosts, bad ports) or look like URLs with passwords
URLISH = [
    "abc://[defghijklmnopqrstuvwxyz0123456789",
    "https://[::1",
    "https://]x[/",
    "https://[not-ipv6]/",
    "rediss://default:pw@[zz]:6379",
    "rediss://default:pw@host:notaport",
    "rediss://default:pw@host:99999999",
    "postgresql://u:p@h:-1/db",
    "x://:@:",
    "://",
    "://[",
    "sk_live_://[abcdefghijklmnopqrstuvwxyz",
]


@pytest.mark.parametrize("value", URLISH)
def test_mask_and_validate_are_total_on_url_like_values(value: str) -> None:
    for name in catalog():
        shown = mask(name, value)
        assert isinstance(shown, str)
        assert isinstance(validate_format(name, value), list)
        if catalog()[name].secret and ":pw@" in value:
            assert "pw" not in shown.replace("pwd", "")


def test_a_password_url_with_a_bad_port_hides_the_password() -> None:
    shown = mask("REDIS_URL", "rediss://default:hunter2hunter2@host:notaport")
    assert "hunter2" not in shown
    assert split_url("https://[") is None
    parts = split_url("https://h:port/")
    assert parts is not None and url_port(parts) is None


@given(st.text(alphabet=st.sampled_from(list(":/[]@%?#.-_ab12")), max_size=40))
def test_url_helpers_never_raise(value: str) -> None:
    parts = split_url(value)
    if parts is not None:
        url_port(parts)
    for name in ("REDIS_URL", "SUPABASE_DB_URL", "APP_URL", "SENTRY_DSN", "JWT_SECRET"):
        mask(name, value)
        validate_format(name, value)


STORED = [
    ("JWT_SECRET", "abc://[defghijklmnopqrstuvwxyz0123456789", []),
    ("REDIS_URL", "rediss://default:hunter2hunter2@fake.upstash.io:notaport", ["--allow-invalid"]),
    (
        "SUPABASE_DB_URL",
        "postgresql://postgres:hunter2hunter2@[db:5432/postgres",
        ["--allow-invalid"],
    ),
    ("SENTRY_DSN", "https://abc@[o1.ingest.sentry.io/42", ["--allow-invalid"]),
]


@pytest.mark.parametrize(("name", "value", "flags"), STORED)
def test_every_stored_value_survives_list_get_export_and_status(
    project: Path, name: str, value: str, flags: list[str]
) -> None:
    done = run_cli("vars", "set", name, *flags, project=project, input=value + "\n")
    assert done.returncode == 0, done.stderr
    secret = catalog()[name].secret
    runs = {
        "list": run_cli("vars", "list", project=project),
        "list json": run_cli("vars", "list", "--json", project=project),
        "get": run_cli("vars", "get", name, project=project),
        "reveal": run_cli("vars", "get", name, "--reveal", project=project),
        "markdown": run_cli("export", project=project),
        "json": run_cli("export", "--format", "json", project=project),
        "dotenv": run_cli(
            "export",
            "--format",
            "dotenv",
            "--reveal",
            "--destination",
            catalog()[name].destinations[0],
            project=project,
        ),
        "status": run_cli("status", project=project),
        "status json": run_cli("status", "--json", project=project),
        "check": run_cli("check", catalog()[name].phase, "--timeout", "2", project=project),
    }
    for what, run in runs.items():
        assert "unexpected" not in run.stderr and "Traceback" not in run.stderr, (what, run.stderr)
        assert run.returncode in (0, 1), (what, run.stderr)
        if what != "check":
            assert run.returncode == 0, (what, run.stderr)
        if secret and what not in ("reveal", "dotenv"):
            assert "hunter2" not in run.stdout + run.stderr, what
            assert value not in run.stdout + run.stderr, what
    assert runs["reveal"].stdout == value + "\n"
    rows = {r["name"]: r for r in json.loads(runs["list json"].stdout)}
    assert rows[name]["status"] in ("set", "invalid")


def test_a_forced_app_url_that_urllib_refuses_is_a_clean_error_for_write_and_check(
    project: Path,
) -> None:
    done = run_cli("vars", "set", "APP_URL", "https://[convoai", "--allow-invalid", project=project)
    assert done.returncode == 0, done.stderr
    for argv in (["write", "vercel"], ["check", "vercel", "post-deploy", "--timeout", "2"]):
        run = run_cli(*argv, project=project)
        assert run.returncode in (1, 2), (argv, run.stderr)
        assert "unexpected" not in run.stderr and "report it" not in run.stderr, (argv, run.stderr)
        assert "Traceback" not in run.stderr
