"""The encrypted vault: a keyring backend on scrypt + AES-GCM that fails loudly and changes nothing."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import keyring
import pytest
from keyring.errors import PasswordDeleteError

from wizard.errors import StoreError
from wizard.vault import Vault
from wizard.vault_keyring import VaultKeyring

SECRET = "sk_live_FAKEvaultSecretValue0123456"


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
