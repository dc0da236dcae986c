"""The secret store against the real Secret Service (gnome-keyring) and the vault fallback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FAKE_SECRETS, TEST_PASSPHRASE, run_cli, scan_for_secrets

KEY = FAKE_SECRETS["STRIPE_SECRET_KEY"]


def keyring_lookup(env: dict[str, str], service: str, name: str) -> str | None:
    """Read an entry straight from the Secret Service, bypassing convoai-setup."""
    code = (
        "import sys, keyring; v = keyring.get_keyring().get_password(sys.argv[1], sys.argv[2]); "
        "print('' if v is None else v)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, service, name],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.rstrip("\n") or None


def test_system_keyring_is_used_when_it_works(
    project: Path, secret_service: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    env = {**secret_service, "CONVOAI_SETUP_KEYRING": "", "CONVOAI_SETUP_PASSPHRASE": ""}
    done = run_cli("vars", "set", "STRIPE_SECRET_KEY", project=project, input=KEY + "\n", env=env)
    assert done.returncode == 0, done.stderr
    assert "system keyring (SecretService.Keyring)" in done.stderr
    project_id = (project / ".convoai-setup" / "project-id").read_text().strip()
    assert keyring_lookup(env, f"convoai-setup:{project_id}", "STRIPE_SECRET_KEY") == KEY
    state = json.loads((project / ".convoai-setup" / "state.json").read_text())
    assert state["store"]["backend"] == "system"
    got = run_cli("vars", "get", "STRIPE_SECRET_KEY", "--reveal", project=project, env=env)
    assert got.stdout.strip() == KEY
    assert not (Path(os.environ["CONVOAI_SETUP_VAULT"])).exists()
    gone = run_cli("vars", "unset", "STRIPE_SECRET_KEY", project=project, env=env)
    assert gone.returncode == 0
    assert keyring_lookup(env, f"convoai-setup:{project_id}", "STRIPE_SECRET_KEY") is None
    assert scan_for_secrets(project) == []


def test_falls_back_to_the_vault_and_says_why(project: Path) -> None:
    # No session bus: the Secret Service can't be reached, as on a headless server.
    env = {"CONVOAI_SETUP_KEYRING": "", "DBUS_SESSION_BUS_ADDRESS": "unix:path=/nonexistent"}
    done = run_cli("vars", "set", "STRIPE_SECRET_KEY", project=project, input=KEY, env=env)
    assert done.returncode == 0, done.stderr
    assert "encrypted vault" in done.stderr and "no OS keyring is reachable" in done.stderr
    vault = Path(os.environ["CONVOAI_SETUP_VAULT"])
    assert vault.exists() and KEY.encode() not in vault.read_bytes()
    state = json.loads((project / ".convoai-setup" / "state.json").read_text())
    assert state["store"]["backend"] == "vault"
    got = run_cli("vars", "get", "STRIPE_SECRET_KEY", "--reveal", project=project, env=env)
    assert got.stdout.strip() == KEY


def test_vault_choice_is_remembered_even_when_a_keyring_appears(
    project: Path, secret_service: dict[str, str]
) -> None:
    no_bus = {"CONVOAI_SETUP_KEYRING": "", "DBUS_SESSION_BUS_ADDRESS": "unix:path=/nonexistent"}
    assert (
        run_cli(
            "vars", "set", "STRIPE_SECRET_KEY", project=project, input=KEY, env=no_bus
        ).returncode
        == 0
    )
    with_bus = {**secret_service, "CONVOAI_SETUP_KEYRING": ""}
    got = run_cli("vars", "get", "STRIPE_SECRET_KEY", "--reveal", project=project, env=with_bus)
    assert got.returncode == 0 and got.stdout.strip() == KEY


def test_forcing_an_unusable_system_keyring_is_an_error(project: Path) -> None:
    env = {"CONVOAI_SETUP_KEYRING": "system", "DBUS_SESSION_BUS_ADDRESS": "unix:path=/nonexistent"}
    done = run_cli("vars", "set", "STRIPE_SECRET_KEY", project=project, input=KEY, env=env)
    assert done.returncode == 2
    assert "CONVOAI_SETUP_KEYRING=system" in done.stderr
    assert not (project / ".convoai-setup" / "state.json").exists()


def test_unknown_backend_name_is_a_usage_error(project: Path) -> None:
    env = {"CONVOAI_SETUP_KEYRING": "kwallet"}
    done = run_cli("vars", "set", "STRIPE_SECRET_KEY", project=project, input=KEY, env=env)
    assert done.returncode == 2 and "CONVOAI_SETUP_KEYRING='kwallet'" in done.stderr
    assert not (project / ".convoai-setup" / "state.json").exists()


def test_wrong_passphrase_changes_nothing(project: Path) -> None:
    assert run_cli("vars", "set", "STRIPE_SECRET_KEY", project=project, input=KEY).returncode == 0
    vault = Path(os.environ["CONVOAI_SETUP_VAULT"])
    before_vault = vault.read_bytes()
    before_state = (project / ".convoai-setup" / "state.json").read_bytes()
    done = run_cli(
        "vars", "set", "OPENAI_API_KEY", project=project,
        input=FAKE_SECRETS["OPENAI_API_KEY"], env={"CONVOAI_SETUP_PASSPHRASE": "not it"},
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "Wrong passphrase" in done.stderr
    assert vault.read_bytes() == before_vault
    assert (project / ".convoai-setup" / "state.json").read_bytes() == before_state


def test_no_terminal_and_no_passphrase_is_a_clear_error(project: Path) -> None:
    done = run_cli(
        "vars", "set", "STRIPE_SECRET_KEY", project=project, input=KEY,
        env={"CONVOAI_SETUP_PASSPHRASE": ""},
    )  # fmt: skip
    assert done.returncode == 2
    assert "no terminal" in done.stderr and "CONVOAI_SETUP_PASSPHRASE" in done.stderr
    assert not Path(os.environ["CONVOAI_SETUP_VAULT"]).exists()
    assert TEST_PASSPHRASE not in done.stderr
