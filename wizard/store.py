"""The secret store: the OS keyring when it works, else the encrypted vault, said out loud.

Secrets are stored under service ``convoai-setup:<project-id>`` with the variable name as the
username. The backend is probed with a real write/read/delete before anything is asked, and a
fallback to the vault is always explained (DESIGN, lesson 3: keyrings fail on headless Linux).
"""

from __future__ import annotations

import getpass
import os
import secrets
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wizard.errors import StoreError, UsageError

SERVICE_PREFIX = "convoai-setup:"
SALT_KEY = "__fingerprint_salt__"
PassphraseFn = Callable[[bool], str]


def vault_path() -> Path:
    """Where the vault lives: ``CONVOAI_SETUP_VAULT`` or the user data directory."""
    override = os.environ.get("CONVOAI_SETUP_VAULT")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("convoai-setup")) / "vault.json"


def forced_backend() -> str | None:
    """``CONVOAI_SETUP_KEYRING`` if set: ``system`` or ``vault``."""
    value = os.environ.get("CONVOAI_SETUP_KEYRING", "").strip().lower()
    if value in ("", "auto"):
        return None
    if value not in ("system", "vault"):
        raise UsageError(
            f"CONVOAI_SETUP_KEYRING={value!r} is not a backend I know.",
            "Use system, vault, or unset it to choose automatically.",
        )
    return value


def terminal_passphrase(new: bool) -> str:
    """The vault passphrase from ``CONVOAI_SETUP_PASSPHRASE`` or a hidden prompt on the terminal."""
    env = os.environ.get("CONVOAI_SETUP_PASSPHRASE")
    if env:
        return env
    if not sys.stdin.isatty():
        raise StoreError(
            "The secret vault needs its passphrase and there is no terminal to ask on.",
            "Set CONVOAI_SETUP_PASSPHRASE, or run the command in a terminal.",
        )
    if not new:
        return getpass.getpass("Vault passphrase: ")
    first = getpass.getpass("New vault passphrase (protects your secrets on this machine): ")
    if len(first) < 8:
        raise StoreError(
            "That passphrase is shorter than 8 characters.", "Run again with a longer one."
        )
    if getpass.getpass("Repeat the passphrase: ") != first:
        raise StoreError("The two passphrases differ; nothing was stored.", "Run again.")
    return first


def _describe(backend: Any) -> str:
    cls = type(backend)
    return f"{cls.__module__.rsplit('.', 1)[-1]}.{cls.__name__}"


def probe_system() -> tuple[Any | None, str]:
    """The system keyring if a real write/read/delete works on it, else ``(None, why)``."""
    try:
        import keyring
        from keyring.backends import chainer, fail
    except Exception as exc:  # a broken keyring install must not stop the vault fallback
        return None, f"the keyring library failed to load ({type(exc).__name__})"
    try:
        backend = keyring.get_keyring()
    except Exception as exc:
        return None, f"no keyring backend could be loaded ({type(exc).__name__})"
    if isinstance(backend, fail.Keyring) or (
        isinstance(backend, chainer.ChainerBackend) and not backend.backends
    ):
        return (
            None,
            "no OS keyring is reachable (no Secret Service, macOS Keychain or Windows vault)",
        )
    if type(backend).__module__.endswith("null"):
        return None, "the configured keyring backend discards secrets (null backend)"
    service, user, token = f"{SERVICE_PREFIX}probe", "probe", secrets.token_hex(8)
    try:
        backend.set_password(service, user, token)
        ok = backend.get_password(service, user) == token
        backend.delete_password(service, user)
    except Exception as exc:
        return (
            None,
            f"the OS keyring ({_describe(backend)}) refused a test entry ({type(exc).__name__})",
        )
    if not ok:
        return None, f"the OS keyring ({_describe(backend)}) did not give back a test entry"
    return backend, ""


@dataclass
class SecretStore:
    """Secrets of one project, in the backend that was chosen for it."""

    backend: Any
    #: ``system`` or ``vault``
    kind: str
    #: shown to people: which keyring or which vault file
    description: str
    #: why the vault is used instead of the system keyring ("" when not a fallback)
    reason: str
    service: str

    @property
    def fell_back(self) -> bool:
        """True when the vault is used because the system keyring failed its probe just now."""
        return self.kind == "vault" and bool(self.reason) and not self.reason.startswith("chosen")

    def unlock(self) -> None:
        """Ask for what the backend needs (the vault passphrase) before asking for values."""
        if self.kind == "vault":
            self.backend.unlock()

    def get(self, name: str) -> str | None:
        try:
            value = self.backend.get_password(self.service, name)
        except StoreError:
            raise
        except Exception as exc:
            raise StoreError(
                f"Reading {name} from the {self.kind} keyring failed ({type(exc).__name__}).",
                "Unlock your keyring, or set CONVOAI_SETUP_KEYRING=vault to use the encrypted vault.",
            ) from None
        return value if isinstance(value, str) else None

    def set(self, name: str, value: str) -> None:
        """Store and read back: a backend that silently drops values is caught here."""
        try:
            self.backend.set_password(self.service, name, value)
            stored = self.backend.get_password(self.service, name)
        except StoreError:
            raise
        except Exception as exc:
            raise StoreError(
                f"Writing {name} to the {self.kind} keyring failed ({type(exc).__name__}); "
                "nothing was changed.",
                "Unlock your keyring, or set CONVOAI_SETUP_KEYRING=vault to use the encrypted vault.",
            ) from None
        if stored != value:
            raise StoreError(
                f"The {self.kind} keyring did not give back {name} as written.",
                "Set CONVOAI_SETUP_KEYRING=vault to use the encrypted vault instead.",
            )

    def delete(self, name: str) -> bool:
        """Remove ``name``; False when it was not stored."""
        if self.get(name) is None:
            return False
        try:
            self.backend.delete_password(self.service, name)
        except StoreError:
            raise
        except Exception as exc:
            raise StoreError(
                f"Deleting {name} from the {self.kind} keyring failed ({type(exc).__name__}).",
                "Unlock your keyring and retry.",
            ) from None
        return True

    def salt(self) -> bytes:
        """The per-project fingerprint salt, created on first use."""
        existing = self.get(SALT_KEY)
        if existing:
            return bytes.fromhex(existing)
        fresh = secrets.token_hex(32)
        self.set(SALT_KEY, fresh)
        return bytes.fromhex(fresh)


def open_store(
    project_id: str,
    remembered: str | None = None,
    passphrase: PassphraseFn = terminal_passphrase,
) -> SecretStore:
    """Choose the backend: forced by env, else remembered for the project, else probe.

    ``remembered`` is the backend the project's secrets were written to; staying with it keeps
    them from being split across two stores when a keyring comes and goes.
    """
    service = f"{SERVICE_PREFIX}{project_id}"
    forced = forced_backend()
    choice = forced or remembered
    reason = ""
    if choice != "vault":
        backend, why = probe_system()
        if backend is not None:
            return SecretStore(
                backend, "system", f"system keyring ({_describe(backend)})", "", service
            )
        if forced == "system":
            raise StoreError(
                f"CONVOAI_SETUP_KEYRING=system but {why}.",
                "Start your keyring (e.g. gnome-keyring) or unset CONVOAI_SETUP_KEYRING to use "
                "the encrypted vault.",
            )
        if remembered == "system":
            raise StoreError(
                f"This project's secrets are in the system keyring, but {why}.",
                "Unlock or start your keyring and retry (set CONVOAI_SETUP_KEYRING=vault to "
                "start over in the vault).",
            )
        reason = why
    else:
        reason = (
            "chosen by CONVOAI_SETUP_KEYRING=vault" if forced else "chosen earlier for this project"
        )
    # The vault core, not its keyring adapter: the same file and format without loading keyring.
    from wizard.vault import Vault

    path = vault_path()
    return SecretStore(
        Vault(path, passphrase), "vault", f"encrypted vault ({path})", reason, service
    )
