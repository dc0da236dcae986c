"""Shared fixtures: every test is isolated from the developer's machine (harlequin/posting style).

HOME, XDG directories and the vault live under tmp_path; the secret store is the vault with a
known test passphrase unless a test asks for the real Secret Service (``secret_service``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest

pytest_plugins = [
    "tests.fixtures.secret_service",
    "tests.fixtures.postgres",
    "tests.fixtures.tls",
    "tests.fixtures.redis_tls",
]

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "convoai"
TEST_PASSPHRASE = "correct horse battery staple"

#: Fake secrets planted by tests; everything written is scanned for them (secrets discipline).
FAKE_SECRETS = {
    "SUPABASE_SERVICE_KEY": "sb_secret_FAKEsupabaseServiceKey0123456789abcdef",
    "REDIS_URL": "rediss://default:FAKEredisPassw0rd123456@fake-endpoint.upstash.io:6379",
    "OPENAI_API_KEY": "sk-FAKEopenaiKey0123456789abcdefghijklmnopqrstuv",
    "JWT_SECRET": "FAKEjwtSecretFAKEjwtSecretFAKEjwtSecret1234=",
    "STRIPE_SECRET_KEY": "sk_test_FAKEstripeKey0123456789abcdefghij4f2a",
    "STRIPE_WEBHOOK_SECRET": "whsec_FAKEwebhookSecret0123456789abcdefghij",
    "ANTHROPIC_API_KEY": "sk-ant-FAKEanthropicKey0123456789abcdefghij",
    "SUPABASE_DB_URL": "postgresql://postgres:FAKEdbPassw0rd987654@db.fakeref.supabase.co:5432/postgres",
    "RENDER_API_KEY": "rnd_FAKErenderKey0123456789",
    "VERCEL_TOKEN": "FAKEvercelToken0123456789",
    "GITHUB_TOKEN": "github_pat_FAKEgithubToken0123456789abcdef",
}


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point HOME, XDG dirs and the vault at tmp_path; default to the vault backend."""
    home = tmp_path / "home"
    home.mkdir()
    for var, sub in (
        ("HOME", ""),
        ("XDG_DATA_HOME", "data"),
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_CACHE_HOME", "cache"),
        ("XDG_STATE_HOME", "state"),
    ):
        monkeypatch.setenv(var, str(home / sub) if sub else str(home))
    monkeypatch.setenv("CONVOAI_SETUP_VAULT", str(home / "vault.json"))
    monkeypatch.setenv("CONVOAI_SETUP_KEYRING", "vault")
    monkeypatch.setenv("CONVOAI_SETUP_PASSPHRASE", TEST_PASSPHRASE)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    for name in (*FAKE_SECRETS, "APP_URL", "VITE_API_URL", "NODE_ENV", "PORT", "SUPABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    return home


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A fresh copy of the example ConvoAI checkout."""
    dest = tmp_path / "convoai"
    shutil.copytree(EXAMPLE, dest, ignore=shutil.ignore_patterns(".convoai-setup"))
    return dest


def run_cli(
    *args: str,
    project: Path | None = None,
    input: str | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 60,
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m wizard`` for real, in a subprocess, with no TTY."""
    argv = [sys.executable, "-m", "wizard", *args]
    if project is not None:
        argv += ["--project", str(project)]
    full_env = dict(os.environ)
    full_env.update(env or {})
    done = subprocess.run(
        argv,
        input=input if input is not None else "",
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
        cwd=REPO,
    )
    # Advice reaches a terminal as a command, never as its raw marker (checklists/advice.py).
    assert "\ue000" not in done.stdout + done.stderr, done.stdout + done.stderr
    return done


def scan_for_secrets(root: Path, secrets: Mapping[str, str] = FAKE_SECRETS) -> list[str]:
    """Every (file, variable) where a planted secret value appears under ``root``."""
    hits = []
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink():
            data = path.read_bytes()
            for name, value in secrets.items():
                if value.encode() in data:
                    hits.append(f"{path.relative_to(root)}: {name}")
    return hits
