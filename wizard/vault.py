"""An encrypted vault file with the keyring backend interface (``VaultKeyring`` adapts it).

Used where the OS keyring is unusable (headless Linux, containers, CI). The file holds one
JSON header plus AES-256-GCM ciphertext of all entries; the key comes from scrypt over a
passphrase. A verifier lets us tell a wrong passphrase from a tampered file. The file is
0600 and replaced atomically, so a failed write never loses the previous contents.

The vault is shared by every project on the machine, so every change is a read-modify-write
under ``<vault>.lock``: the file is re-read inside the lock (another process may have changed
it since) and read back after writing, before anyone is told a value was stored. The
passphrase is always obtained before the lock is taken, so nobody waits on a person typing.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checklists.errors import StoreError

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from wizard.fsutil import atomic_write
from wizard.locks import file_lock
from wizard.passphrase import PASSPHRASE_TRIES, PassphraseFn

FORMAT = "convoai-setup-vault"
VERSION = 1
# scrypt cost: the scrypt paper's parameters for interactive use (N=2^14, r=8, p=1: 16 MiB,
# ~50 ms), since every command that reads a secret derives the key once. The parameters are
# stored in each vault file, so raising them later doesn't break existing vaults.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1

Entries = dict[str, dict[str, str]]


def _aead(key: bytes) -> AESGCM:
    """AES-256-GCM with ``key``. cryptography (~10 MiB) is loaded when a secret is first read
    or written, not when the store is opened (the TUI opens it right after its first frame)."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM(key)


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

    def __init__(self, path: Path, passphrase: PassphraseFn) -> None:
        self.path = Path(path)
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self._passphrase = passphrase
        self._key: bytes | None = None
        self._header: dict[str, Any] | None = None
        self._check = b""
        # The passphrase that opened (or created) this vault: when another process creates the
        # file first, with its own salt, the same passphrase opens it without asking again.
        self._known: str | None = None

    # -- keyring API -------------------------------------------------------------------------
    def get_password(self, service: str, username: str) -> str | None:
        # No lock for reading: the file is only ever replaced whole (atomic rename).
        return self._load().get(service, {}).get(username)

    def set_password(self, service: str, username: str, password: str) -> None:
        def change(entries: Entries) -> None:
            entries.setdefault(service, {})[username] = password

        self._modify(change)

    def delete_password(self, service: str, username: str) -> None:
        def change(entries: Entries) -> None:
            if username not in entries.get(service, {}):
                raise EntryMissing(username)
            del entries[service][username]
            if not entries[service]:
                del entries[service]

        self._modify(change)

    # -- beyond keyring ----------------------------------------------------------------------
    def setdefault(self, service: str, username: str, value: str) -> str:
        """The stored value, or ``value`` stored now if there is none (one atomic step)."""
        kept: list[str] = []

        def change(entries: Entries) -> None:
            kept.append(entries.setdefault(service, {}).setdefault(username, value))

        self._modify(change)
        return kept[0]

    def services(self) -> list[str]:
        """The service names that hold entries (one per project), sorted."""
        return sorted(self._load())

    def unlock(self) -> None:
        """Ask for the passphrase now (before the user types a value), not at the first write."""
        if self.path.exists():
            self._load()
        elif self._key is None:
            self._new_key()

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the vault's lock; re-entrant, bounded wait (``wizard.locks``)."""
        with file_lock(self.lock_path, f"the vault {self.path}"):
            yield

    def _modify(self, change: Callable[[Entries], None]) -> None:
        """Read, change and write the vault under its lock, then read it back."""
        self.unlock()  # a passphrase prompt happens here, before the lock, never under it
        with self.lock():
            entries = self._load()  # the file as it is now, not as it was before the lock
            change(entries)
            self._save(entries)
            if self._load() != entries:
                raise StoreError(
                    f"The vault {self.path} did not read back as written; the change may be lost.",
                    "Check the disk (full? read-only?) and the file's permissions, then retry.",
                )

    # -- file format -------------------------------------------------------------------------
    def _new_key(self) -> None:
        kdf = {"name": "scrypt", "salt": _b64(os.urandom(16)), "n": SCRYPT_N, "r": SCRYPT_R}
        kdf["p"] = SCRYPT_P
        header = {"format": FORMAT, "version": VERSION, "kdf": kdf}
        passphrase = self._passphrase(True, 0)
        if passphrase is None:
            raise StoreError(
                f"No passphrase was given for the new vault {self.path}; nothing was stored.",
                "Set CONVOAI_SETUP_PASSPHRASE, or run the command in a terminal.",
            )
        key, verifier = self._derive(passphrase, kdf)
        self._key, self._header, self._known = key, header, passphrase
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
            self._open(header, check)
        assert self._key is not None
        from cryptography.exceptions import InvalidTag

        try:
            plain = _aead(self._key).decrypt(nonce, data, _aad(header))
            entries = json.loads(plain)
        except (InvalidTag, ValueError):
            raise self._damaged() from None
        if not isinstance(entries, dict):
            raise self._damaged()
        return entries

    def _open(self, header: dict[str, Any], check: bytes) -> None:
        """Derive the key for ``header``: the known passphrase first, then up to three asked."""
        if self._known is not None and self._try(self._known, header, check):
            return
        for wrong in range(PASSPHRASE_TRIES):
            passphrase = self._passphrase(False, wrong)
            if passphrase is None:  # nobody to ask again (a variable, not a person)
                break
            if self._try(passphrase, header, check):
                return
        raise StoreError(
            f"Wrong passphrase for the vault {self.path}; nothing was changed.",
            "Try again, or set CONVOAI_SETUP_PASSPHRASE to the passphrase you chose.",
        )

    def _try(self, passphrase: str, header: dict[str, Any], check: bytes) -> bool:
        try:
            key, verifier = self._derive(passphrase, header["kdf"])
        except (ValueError, KeyError, TypeError):
            raise self._damaged() from None
        if not hmac.compare_digest(hashlib.sha256(verifier).digest(), check):
            return False
        self._key, self._header, self._check, self._known = key, header, check, passphrase
        return True

    def _save(self, entries: Entries) -> None:
        if self._key is None or self._header is None:
            self._new_key()  # first write: a new vault with a fresh salt
        assert self._key is not None and self._header is not None
        nonce = os.urandom(12)
        data = _aead(self._key).encrypt(
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


def _aad(header: dict[str, Any]) -> bytes:
    # Binding the header (KDF parameters) into the tag makes editing it detectable.
    return json.dumps(header, sort_keys=True).encode("utf-8")
