"""The vault as a genuine keyring backend, for anything that talks to keyring.

    PYTHON_KEYRING_BACKEND=wizard.vault_keyring.VaultKeyring keyring get convoai-setup:<id> NAME

reads the same vault file as convoai-setup (path from CONVOAI_SETUP_VAULT or the default, the
passphrase from CONVOAI_SETUP_PASSPHRASE or a hidden prompt).
"""

from __future__ import annotations

from pathlib import Path

from jaraco.classes import properties
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

from wizard.passphrase import PassphraseFn
from wizard.vault import EntryMissing, Vault


class VaultKeyring(KeyringBackend):
    """Keyring backend over the vault. Only ever chosen explicitly, never auto-detected."""

    @properties.classproperty
    def priority(cls) -> float:
        # A priority that raises keeps keyring's own backend discovery from picking the vault.
        raise RuntimeError("the convoai-setup vault is selected explicitly, never automatically")

    def __init__(self, path: Path | None = None, passphrase: PassphraseFn | None = None) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        from wizard.store import terminal_passphrase, vault_path

        self.vault = Vault(path or vault_path(), passphrase or terminal_passphrase)

    def get_password(self, service: str, username: str) -> str | None:
        return self.vault.get_password(service, username)

    def set_password(self, service: str, username: str, password: str) -> None:
        self.vault.set_password(service, username, password)

    def delete_password(self, service: str, username: str) -> None:
        try:
            self.vault.delete_password(service, username)
        except EntryMissing:
            raise PasswordDeleteError(f"{username} is not in the vault") from None
