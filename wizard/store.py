"""The secret store: the OS keyring when it works, else the encrypted vault, said out loud.

Secrets are stored under service ``convoai-setup:<project-id>`` with the variable name as the
username. The backend is probed with a real write/read/delete before anything is asked, and a
fallback to the vault is always explained (DESIGN, lesson 3: keyrings fail on headless Linux).
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from checklists.errors import SetupError, StoreError, UsageError
from wizard.passphrase import PASSPHRASE_TRIES, PassphraseFn

SERVICE_PREFIX = "convoai-setup:"
SALT_KEY = "__fingerprint_salt__"
#: the shortest new vault passphrase accepted
MIN_PASSPHRASE = 8
T = TypeVar("T")


def vault_path() -> Path:
    """Where the vault lives: ``CONVOAI_SETUP_VAULT`` or the user data directory."""
    override = os.environ.get("CONVOAI_SETUP_VAULT")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("convoai-setup")) / "vault.json"


def keyring_lock_path() -> Path:
    """The lock serialising our changes to the system keyring: one per user, like the keyring.

    gnome-keyring mixes up items created and deleted at the same moment by different clients
    (an item just created is "not found"), so every change we make there, the probe's included,
    happens under this lock.
    """
    from platformdirs import user_data_dir

    return Path(user_data_dir("convoai-setup")) / "keyring.lock"


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


def terminal_passphrase(new: bool, wrong: int = 0) -> str | None:
    """The vault passphrase from ``CONVOAI_SETUP_PASSPHRASE`` or a hidden prompt on the terminal.

    After ``wrong`` wrong ones a person is asked again; the variable can't change, so then
    there is nothing else to try (None) and the vault reports the wrong passphrase at once.
    """
    env = os.environ.get("CONVOAI_SETUP_PASSPHRASE")
    if env:
        return None if wrong else env
    if not sys.stdin.isatty():
        raise StoreError(
            "The secret vault needs its passphrase and there is no terminal to ask on.",
            "Set CONVOAI_SETUP_PASSPHRASE, or run the command in a terminal.",
        )
    import getpass  # with termios: only when a person is asked

    if not new:
        if wrong:
            left = PASSPHRASE_TRIES - wrong
            prompt = f"Wrong passphrase ({left} {'try' if left == 1 else 'tries'} left). "
            return getpass.getpass(prompt + "Vault passphrase: ")
        return getpass.getpass("Vault passphrase: ")
    return _new_passphrase()


def _new_passphrase() -> str:
    """A new vault passphrase typed twice; too short or not repeated alike is asked again
    (``PASSPHRASE_TRIES`` times in all), then nothing is stored."""
    import getpass

    problem = ""
    for _ in range(PASSPHRASE_TRIES):
        if problem:
            sys.stderr.write(f"{problem} Try again.\n")
        first = getpass.getpass("New vault passphrase (protects your secrets on this machine): ")
        if len(first) < MIN_PASSPHRASE:
            problem = f"That passphrase is shorter than {MIN_PASSPHRASE} characters."
            continue
        if getpass.getpass("Repeat the passphrase: ") != first:
            problem = "The two passphrases differ."
            continue
        return first
    raise StoreError(
        f"{problem} No vault passphrase after {PASSPHRASE_TRIES} tries; nothing was stored.",
        f"Run again with a passphrase of {MIN_PASSPHRASE} characters or more, typed the same "
        "twice.",
    )


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
    import secrets  # (hmac, OpenSSL) not before a store is opened

    # A name of our own: processes probing at once must not read or delete each other's entry.
    token = secrets.token_hex(8)
    service, user = f"{SERVICE_PREFIX}probe", f"probe-{token}"
    from wizard.locks import file_lock

    try:
        with file_lock(keyring_lock_path(), "the system keyring"):
            _retrying(lambda: backend.set_password(service, user, token))
            ok = _retrying(lambda: backend.get_password(service, user)) == token
            _retrying(lambda: backend.delete_password(service, user))
    except SetupError:  # a lock timeout: said as it is, not as a refusing keyring
        raise
    except Exception as exc:
        return (
            None,
            f"the OS keyring ({_describe(backend)}) refused a test entry ({type(exc).__name__})",
        )
    if not ok:
        return None, f"the OS keyring ({_describe(backend)}) did not give back a test entry"
    return backend, ""


def _retrying(call: Callable[[], T]) -> T:
    """``call()``, again (three tries in all) after a transient fault of the keyring.

    A busy session bus drops new connections now and then (BrokenPipeError on Hello), and
    gnome-keyring, with many clients at once, answers now and then that an object it has just
    listed does not exist (secretstorage's ItemNotFoundException); failing on such a hiccup
    would put one process's secrets in the vault and the others' in the keyring. Every call
    retried here is idempotent (set replaces, get reads, delete of a probe entry).
    """
    for attempt in range(1, 4):
        try:
            return call()
        except Exception as exc:
            if attempt == 3 or not _transient(exc):
                raise
            time.sleep(0.05 * attempt)
    raise AssertionError("unreachable")


def _transient(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    for _ in range(5):  # the library wraps the socket error once or twice
        if seen is None:
            return False
        # by name: secretstorage is imported only by keyring's backend, never here
        if isinstance(seen, ConnectionError) or type(seen).__name__ == "ItemNotFoundException":
            return True
        seen = seen.__cause__ or seen.__context__
    return False


class SecretStore:
    """Secrets of one project, in the backend that was chosen for it. (A plain class, not a
    dataclass: this module is imported before the TUI's first frame.)"""

    def __init__(
        self,
        backend: Any,
        kind: str,
        description: str,
        reason: str,
        service: str,
        lock_file: Path | None = None,
    ) -> None:
        self.backend = backend
        #: ``system`` or ``vault``
        self.kind = kind
        #: shown to people: which keyring or which vault file
        self.description = description
        #: why the vault is used instead of the system keyring ("" when not a fallback)
        self.reason = reason
        self.service = service
        #: system keyring only: the lock file for changes (the vault has its own lock)
        self.lock_file = lock_file

    def __repr__(self) -> str:
        return f"SecretStore(kind={self.kind!r}, description={self.description!r})"

    @property
    def fell_back(self) -> bool:
        """True when the vault is used because the system keyring failed its probe just now."""
        return self.kind == "vault" and bool(self.reason) and not self.reason.startswith("chosen")

    def unlock(self) -> None:
        """Ask for what the backend needs (the vault passphrase) before asking for values."""
        if self.kind == "vault":
            self.backend.unlock()

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Exclusive use of this store for a read-modify-write (the salt, a set + read back).

        The vault is unlocked first, so a passphrase prompt never happens while others wait.
        """
        if self.kind == "vault":
            self.unlock()
            with self.backend.lock():
                yield
        elif self.lock_file is not None:
            from wizard.locks import file_lock

            with file_lock(self.lock_file, "the system keyring"):
                yield
        else:
            yield

    def _fix(self) -> str:
        """What to do when the backend failed; never "use the vault" when it is the vault."""
        if self.kind == "vault":
            return (
                "Check that the vault file and its directory are yours and writable, and that "
                "the disk isn't full, then retry."
            )
        return "Unlock your keyring, or set CONVOAI_SETUP_KEYRING=vault to use the encrypted vault."

    def get(self, name: str) -> str | None:
        try:
            value = _retrying(lambda: self.backend.get_password(self.service, name))
        except StoreError:
            raise
        except Exception as exc:
            raise StoreError(
                f"Reading {name} from the {self.description} failed ({type(exc).__name__}).",
                self._fix(),
            ) from None
        return value if isinstance(value, str) else None

    def set(self, name: str, value: str) -> None:
        """Store and read back: a backend that silently drops values is caught here."""
        with self.locked():
            try:
                _retrying(lambda: self.backend.set_password(self.service, name, value))
                stored = _retrying(lambda: self.backend.get_password(self.service, name))
            except StoreError:
                raise
            except Exception as exc:
                raise StoreError(
                    f"Writing {name} to the {self.description} failed ({type(exc).__name__}); "
                    "nothing was changed.",
                    self._fix(),
                ) from None
        if stored != value:
            raise StoreError(
                f"The {self.description} did not give back {name} as written.", self._fix()
            )

    def delete(self, name: str) -> bool:
        """Remove ``name``; False when it was not stored."""
        with self.locked():
            if self.get(name) is None:
                return False
            try:
                self.backend.delete_password(self.service, name)
            except StoreError:
                raise
            except Exception as exc:
                raise StoreError(
                    f"Deleting {name} from the {self.description} failed ({type(exc).__name__}).",
                    self._fix(),
                ) from None
        return True

    def salt(self) -> bytes:
        """The per-project fingerprint salt, created once: under the store's lock, re-read there.

        Two processes must never each make one: a digest made with a salt that is then
        replaced would make phases falsely stale.
        """
        existing = self.get(SALT_KEY)
        if not existing:
            with self.locked():
                existing = self.get(SALT_KEY)  # someone may have made it while we waited
                if not existing:
                    import secrets

                    existing = secrets.token_hex(32)
                    self.set(SALT_KEY, existing)
        return bytes.fromhex(existing)


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
            description = f"system keyring ({_describe(backend)})"
            return SecretStore(backend, "system", description, "", service, keyring_lock_path())
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
