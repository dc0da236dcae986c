"""An encrypted vault file with the keyring backend interface (``VaultKeyring`` adapts it).

Used where the OS keyring is unusable (headless Linux, containers, CI). The file holds one
JSON header plus AES-256-GCM ciphertext of all entries; the key comes from scrypt over a
passphrase. A verifier lets us tell a wrong passphrase from a tampered file. The file is
0600 and replaced atomically, so a failed write never loses the previous contents.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from wizard.errors import StoreError
from wizard.fsutil import atomic_write

FORMAT = "convoai-setup-vault"
VERSION = 1
# scrypt cost: the scrypt paper's parameters for interactive use (N=2^14, r=8, p=1: 16 MiB,
# ~50 ms), since every command that reads a secret derives the key once. The parameters are
# stored in each vault file, so raising them later doesn't break existing vaults.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1

Entries = dict[str, dict[str, str]]


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: Any) -> bytes:
    if not isinstance(text, str):
        raise ValueError("expected base64 text")
    return base64.b64decode(text.encode("ascii"), validate=True)


class EntryMissing(KeyError):
    """``delete_password`` of an entry that isn't there (keyring's PasswordDeleteError, adapted)."""


class Vault:
    """One encrypted file with keyring's get/set/delete_password interface.

    It does not import keyring: the CLI uses it directly so a vault-backed command doesn't pay
    for loading keyring (~70 ms). ``wizard.vault_keyring.VaultKeyring`` is the real keyring
    backend over it.
    """

    def __init__(self, path: Path, passphrase: Callable[[bool], str]) -> None:
        """``passphrase(new)`` returns the passphrase; ``new`` is True when creating the vault."""
        self.path = Path(path)
        self._passphrase = passphrase
        self._key: bytes | None = None
        self._header: dict[str, Any] | None = None

    # -- keyring API -------------------------------------------------------------------------
    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(service, {}).get(username)

    def set_password(self, service: str, username: str, password: str) -> None:
        entries = self._load()
        entries.setdefault(service, {})[username] = password
        self._save(entries)

    def delete_password(self, service: str, username: str) -> None:
        entries = self._load()
        if username not in entries.get(service, {}):
            raise EntryMissing(username)
        del entries[service][username]
        if not entries[service]:
            del entries[service]
        self._save(entries)

    def unlock(self) -> None:
        """Ask for the passphrase now (before the user types a value), not at the first write."""
        if self.path.exists():
            self._load()
        elif self._key is None:
            self._new_key()

    # -- file format -------------------------------------------------------------------------
    def _new_key(self) -> None:
        kdf = {"name": "scrypt", "salt": _b64(os.urandom(16)), "n": SCRYPT_N, "r": SCRYPT_R}
        kdf["p"] = SCRYPT_P
        header = {"format": FORMAT, "version": VERSION, "kdf": kdf}
        key, verifier = self._derive(self._passphrase(True), kdf)
        self._key, self._header = key, header
        self._check = hashlib.sha256(verifier).digest()

    def _derive(self, passphrase: str, kdf: dict[str, Any]) -> tuple[bytes, bytes]:
        # hashlib's scrypt (OpenSSL) releases the GIL, so other threads run while it works.
        n, r, p = int(kdf["n"]), int(kdf["r"]), int(kdf["p"])
        if n > 2**20 or r > 32 or p > 16:  # a tampered header must not make us allocate GiBs
            raise ValueError("scrypt parameters out of range")
        raw = hashlib.scrypt(
            passphrase.encode("utf-8"),
            salt=_unb64(kdf["salt"]),
            n=n,
            r=r,
            p=p,
            maxmem=256 * r * n * p + (1 << 20),
            dklen=64,
        )
        return raw[:32], raw[32:]  # encryption key, verifier key

    def _load(self) -> Entries:
        try:
            blob = self.path.read_bytes()
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise StoreError(
                f"Cannot read the vault {self.path}: {exc.strerror}.", "Check its permissions."
            ) from None
        try:
            doc = json.loads(blob)
            if doc.get("format") != FORMAT or doc.get("version") != VERSION:
                raise ValueError("not a convoai-setup vault")
            header = {"format": doc["format"], "version": doc["version"], "kdf": doc["kdf"]}
            check, nonce, data = _unb64(doc["check"]), _unb64(doc["nonce"]), _unb64(doc["data"])
        except (ValueError, KeyError, TypeError, AttributeError):
            raise self._damaged() from None
        if self._key is None or self._header != header:
            passphrase = self._passphrase(False)
            try:
                key, verifier = self._derive(passphrase, header["kdf"])
            except (ValueError, KeyError, TypeError):
                raise self._damaged() from None
            if not hmac.compare_digest(hashlib.sha256(verifier).digest(), check):
                raise StoreError(
                    f"Wrong passphrase for the vault {self.path}; nothing was changed.",
                    "Try again, or set CONVOAI_SETUP_PASSPHRASE to the passphrase you chose.",
                )
            self._key, self._header, self._check = key, header, check
        try:
            plain = AESGCM(self._key).decrypt(nonce, data, _aad(header))
            entries = json.loads(plain)
        except (InvalidTag, ValueError):
            raise self._damaged() from None
        if not isinstance(entries, dict):
            raise self._damaged()
        return entries

    def _save(self, entries: Entries) -> None:
        if self._key is None or self._header is None:
            self._new_key()  # first write: a new vault with a fresh salt
        assert self._key is not None and self._header is not None
        nonce = os.urandom(12)
        data = AESGCM(self._key).encrypt(
            nonce, json.dumps(entries).encode("utf-8"), _aad(self._header)
        )
        doc = dict(self._header, check=_b64(self._check), nonce=_b64(nonce), data=_b64(data))
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        atomic_write(self.path, json.dumps(doc, indent=1).encode("utf-8"), mode=0o600)

    def _damaged(self) -> StoreError:
        return StoreError(
            f"The vault {self.path} failed its integrity check (it was modified or is damaged); "
            "nothing was changed.",
            "Restore it from a backup, or move it aside and enter your secrets again.",
        )

    _check: bytes = b""


def _aad(header: dict[str, Any]) -> bytes:
    # Binding the header (KDF parameters) into the tag makes editing it detectable.
    return json.dumps(header, sort_keys=True).encode("utf-8")
