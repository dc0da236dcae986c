"""The encrypted vault: a keyring backend on scrypt + AES-GCM that fails loudly and changes nothing."""

from __future__ import annotations

import base64
import json
import os
import sys
from pathlib import Path

import keyring
import pexpect
import pytest
from keyring.errors import PasswordDeleteError

from checklists.errors import StoreError
from tests.conftest import FAKE_SECRETS, REPO, TEST_PASSPHRASE, run_cli
from wizard.vault import Vault
from wizard.vault_keyring import VaultKeyring

SECRET = "sk_live_FAKEvaultSecretValue0123456"
KEY = FAKE_SECRETS["OPENAI_API_KEY"]


def vault(path: Path, passphrase: str = "right passphrase") -> Vault:
    return Vault(path, lambda new, wrong: None if wrong else passphrase)


def test_round_trip_through_the_keyring_api(tmp_path: Path) -> None:
    path = tmp_path / "v" / "vault.json"
    previous = keyring.get_keyring()
    keyring.set_keyring(
        VaultKeyring(path, lambda new, wrong: None if wrong else "right passphrase")
    )
    try:
        keyring.set_password("convoai-setup:p", "STRIPE_SECRET_KEY", SECRET)
        assert path.stat().st_mode & 0o777 == 0o600
        assert SECRET.encode() not in path.read_bytes()
        assert b"STRIPE_SECRET_KEY" not in path.read_bytes()  # names are encrypted too
        assert vault(path).get_password("convoai-setup:p", "STRIPE_SECRET_KEY") == SECRET
        assert keyring.get_password("convoai-setup:p", "MISSING") is None
        keyring.delete_password("convoai-setup:p", "STRIPE_SECRET_KEY")
        assert vault(path).get_password("convoai-setup:p", "STRIPE_SECRET_KEY") is None
        with pytest.raises(PasswordDeleteError):
            keyring.delete_password("convoai-setup:p", "STRIPE_SECRET_KEY")
    finally:
        keyring.set_keyring(previous)


def test_the_cli_and_the_keyring_backend_read_the_same_file(tmp_path: Path) -> None:
    path = tmp_path / "vault.json"
    vault(path).set_password("convoai-setup:p", "OPENAI_API_KEY", SECRET)
    backend = VaultKeyring(path, lambda new, wrong: None if wrong else "right passphrase")
    assert backend.get_password("convoai-setup:p", "OPENAI_API_KEY") == SECRET


def test_wrong_passphrase_is_a_clear_error_and_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "vault.json"
    vault(path).set_password("s", "u", SECRET)
    before = path.read_bytes()
    wrong = vault(path, "wrong passphrase")
    with pytest.raises(StoreError, match="Wrong passphrase"):
        wrong.get_password("s", "u")
    with pytest.raises(StoreError, match="Wrong passphrase"):
        wrong.set_password("s", "u2", "x")
    assert path.read_bytes() == before


@pytest.mark.parametrize("field", ["data", "nonce", "kdf"])
def test_tampering_is_detected_and_changes_nothing(tmp_path: Path, field: str) -> None:
    path = tmp_path / "vault.json"
    vault(path).set_password("s", "u", SECRET)
    doc = json.loads(path.read_text())
    if field == "kdf":
        doc["kdf"]["n"] = doc["kdf"]["n"] // 2  # weaker KDF: the verifier can't match
    else:
        raw = bytearray(base64.b64decode(doc[field]))
        raw[0] ^= 0x01
        doc[field] = base64.b64encode(bytes(raw)).decode()
    path.write_text(json.dumps(doc))
    tampered = path.read_bytes()
    with pytest.raises(StoreError, match=r"integrity check|Wrong passphrase"):
        vault(path).get_password("s", "u")
    with pytest.raises(StoreError):
        vault(path).set_password("s", "u", "overwrite")
    assert path.read_bytes() == tampered


def test_garbage_file_is_reported_as_damaged(tmp_path: Path) -> None:
    path = tmp_path / "vault.json"
    path.write_text("not a vault at all")
    with pytest.raises(StoreError, match="integrity check"):
        vault(path).get_password("s", "u")
    assert path.read_text() == "not a vault at all"


def test_vault_is_never_chosen_by_keyrings_own_discovery() -> None:
    assert not VaultKeyring.viable


def test_a_wrong_passphrase_is_asked_again_up_to_three_times(tmp_path: Path) -> None:
    path = tmp_path / "vault.json"
    vault(path).set_password("s", "u", SECRET)
    asked: list[int] = []
    answers = iter(["first wrong", "second wrong", "right passphrase"])

    def person(new: bool, wrong: int) -> str:
        asked.append(wrong)
        return next(answers)

    assert Vault(path, person).get_password("s", "u") == SECRET
    assert asked == [0, 1, 2]

    asked.clear()
    answers = iter(["wrong", "wrong again", "still wrong", "never asked"])
    before = path.read_bytes()
    with pytest.raises(StoreError, match="Wrong passphrase"):
        Vault(path, person).set_password("s", "u", "changed")
    assert asked == [0, 1, 2]
    assert path.read_bytes() == before


def test_a_passphrase_that_cannot_change_is_tried_once(tmp_path: Path) -> None:
    path = tmp_path / "vault.json"
    vault(path).set_password("s", "u", SECRET)
    asked: list[int] = []

    def variable(new: bool, wrong: int) -> str | None:
        asked.append(wrong)
        return None if wrong else "wrong passphrase"

    with pytest.raises(StoreError, match="Wrong passphrase"):
        Vault(path, variable).get_password("s", "u")
    assert asked == [0, 1]  # asked for another, got none: no second derivation, no prompt


def spawn_cli(project: Path, *args: str, passphrase: str = "") -> pexpect.spawn:
    return pexpect.spawn(
        sys.executable,
        ["-m", "wizard", *args, "--project", str(project)],
        cwd=str(REPO),
        env={**os.environ, "CONVOAI_SETUP_PASSPHRASE": passphrase},
        encoding="utf-8",
        timeout=60,
    )


def stored_project(project: Path) -> bytes:
    done = run_cli("vars", "set", "OPENAI_API_KEY", project=project, input=KEY)
    assert done.returncode == 0, done.stderr
    return Path(os.environ["CONVOAI_SETUP_VAULT"]).read_bytes()


def test_terminal_asks_again_after_a_wrong_passphrase(project: Path) -> None:
    stored_project(project)
    child = spawn_cli(project, "vars", "get", "OPENAI_API_KEY", "--reveal")
    child.expect_exact("Vault passphrase: ")
    child.sendline("not the passphrase")
    child.expect_exact("Wrong passphrase (2 tries left). Vault passphrase: ")
    child.sendline("nor this one")
    child.expect_exact("Wrong passphrase (1 try left). Vault passphrase: ")
    child.sendline(TEST_PASSPHRASE)
    child.expect_exact(KEY)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_three_wrong_passphrases_at_a_terminal_end_in_one_line(project: Path) -> None:
    before = stored_project(project)
    state = (project / ".convoai-setup" / "state.json").read_bytes()
    child = spawn_cli(project, "vars", "set", "ANTHROPIC_API_KEY")
    for _ in range(3):
        child.expect_exact("Vault passphrase: ")
        child.sendline("not the passphrase")
    child.expect(pexpect.EOF)
    child.close()
    after_prompts = (child.before or "").split("Vault passphrase: ")[-1].strip().splitlines()
    assert child.exitstatus == 2
    assert len(after_prompts) == 1 and "Wrong passphrase for the vault" in after_prompts[0]
    assert "ANTHROPIC_API_KEY (hidden)" not in (child.before or "")  # no value asked for
    assert Path(os.environ["CONVOAI_SETUP_VAULT"]).read_bytes() == before
    assert (project / ".convoai-setup" / "state.json").read_bytes() == state


def test_a_wrong_passphrase_variable_fails_at_once_even_at_a_terminal(project: Path) -> None:
    before = stored_project(project)
    child = spawn_cli(project, "vars", "get", "OPENAI_API_KEY", "--reveal", passphrase="not it")
    child.expect(pexpect.EOF)
    child.close()
    output = child.before or ""
    assert child.exitstatus == 2
    assert "Vault passphrase" not in output
    assert output.strip().count("\n") == 0 and "Wrong passphrase for the vault" in output
    assert Path(os.environ["CONVOAI_SETUP_VAULT"]).read_bytes() == before


def test_plain_wizard_asks_again_before_it_starts(project: Path) -> None:
    # The front ends ask for the passphrase on the plain terminal before drawing anything
    # (screens/run.py); a wrong one is asked again there too, then the wizard starts.
    stored_project(project)
    child = spawn_cli(project, "--plain", "phase", "upstash")
    child.expect_exact("Vault passphrase: ")
    child.sendline("not the passphrase")
    child.expect_exact("Wrong passphrase (2 tries left). Vault passphrase: ")
    child.sendline(TEST_PASSPHRASE)
    child.expect(r"REDIS_URL.*:")
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    child.close()
