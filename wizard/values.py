"""Every catalog value: where it is, where it came from, and how it is stored.

Secrets go to the secret store and are represented in the state only by a keyed digest;
everything else goes to the state. Precedence when reading (DESIGN, CLI contract):
explicit flag > environment (non-secret values) > secret store/state > catalog default.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checklists.advice import do
from checklists.catalog import Variable, catalog, normalise_for, validate_format
from checklists.chars import unsafe_problem
from checklists.errors import UsageError, ValidationError
from wizard.passphrase import PassphraseFn
from wizard.project import Project
from wizard.state import StateData, StateFile, now_iso
from wizard.store import SecretStore, open_store, terminal_passphrase


@dataclass(frozen=True)
class Resolved:
    """A value as the wizard will use it."""

    name: str
    value: str | None
    #: flag, environment, .env, entered, generated, imported, created by API, default
    #: (None: missing)
    source: str | None


def lookup(name: str) -> Variable:
    """The catalog entry, or a usage error that lists what exists."""
    try:
        return catalog()[name.strip().upper()]
    except KeyError:
        from difflib import get_close_matches

        close = get_close_matches(name.upper(), list(catalog()), n=3, cutoff=0.6)
        hint = f"Did you mean {', '.join(close)}?" if close else f"See: {do('vars list')}"
        raise UsageError(f"{name!r} is not a variable convoai-setup knows.", hint) from None


def read_dotenv(path: Path) -> dict[str, str | None]:
    """A ``.env`` file's values, never expanded from the environment; clear error if not UTF-8."""
    import io

    from dotenv import dotenv_values

    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"{path} is not UTF-8 text (byte {exc.start + 1} can't be decoded); nothing was "
            "read from it.",
            "Save it as UTF-8 (most editors offer it under 'Save with encoding'), then run again.",
        ) from None
    # interpolate=False: ``${VAR}`` in a file must never pull in the environment (issue 9).
    return dotenv_values(stream=io.StringIO(text), interpolate=False)


def _checked(name: str, raw: str, where: str) -> str:
    """A value from outside the store, normalised; refused when it holds a control character."""
    value = normalise_for(name, raw)
    unsafe = unsafe_problem(f"{name} in {where}", value)
    if unsafe:
        raise ValidationError(unsafe + ".", f"Fix or remove {name} there, then run again.")
    return value


def digest(salt: bytes, name: str, value: str) -> str:
    """Keyed digest of a value: lets ``status`` see a change without ever storing the value."""
    return hmac.new(salt, f"{name}\0{value}".encode(), hashlib.sha256).hexdigest()


class Answers:
    """Reads and writes the project's values through the state file and the secret store."""

    def __init__(
        self,
        project: Project,
        overrides: Mapping[str, str] | None = None,
        passphrase: PassphraseFn = terminal_passphrase,
        use_environment: bool = True,
    ) -> None:
        self.project = project
        self.state_file = StateFile(project)
        self.overrides = dict(overrides or {})
        self._passphrase = passphrase
        self._store: SecretStore | None = None
        self._use_environment = use_environment
        self._dotenv: dict[str, str] | None = None

    # -- store ---------------------------------------------------------------------------------
    @property
    def store(self) -> SecretStore:
        """The secret store, opened (and probed) on first use."""
        if self._store is None:
            remembered = self.state_file.read().get("store", {}).get("backend")
            self._store = open_store(self.project.project_id(), remembered, self._passphrase)
        return self._store

    # -- reading -------------------------------------------------------------------------------
    def _environment(self, name: str) -> tuple[str, str] | None:
        if not self._use_environment:
            return None
        if os.environ.get(name):
            return _checked(name, os.environ[name], "the environment"), "environment"
        if self._dotenv is None:
            self._dotenv = self._read_dotenv()
        if name in self._dotenv:
            return _checked(name, self._dotenv[name], f"{self.project.root / '.env'}"), ".env"
        return None

    def _read_dotenv(self) -> dict[str, str]:
        path = self.project.root / ".env"
        if not path.is_file():
            return {}
        return {k: v for k, v in read_dotenv(path).items() if v}

    def resolve(self, name: str, state: StateData | None = None) -> Resolved:
        var = lookup(name)
        if name in self.overrides:
            return Resolved(name, _checked(name, self.overrides[name], "the command line"), "flag")
        # Secrets come only from the store: a stray .env must never stand in for a production key.
        if not var.secret:
            env = self._environment(name)
            if env:
                return Resolved(name, env[0], env[1])
        state = self.state_file.read() if state is None else state
        record = state["values"].get(name)
        if record:
            value = self.store.get(name) if var.secret else record.get("value")
            if value is not None:
                return Resolved(name, value, record.get("source", "entered"))
        if var.default is not None:
            return Resolved(name, var.default, "default")
        if var.default_from is not None:  # VITE_API_URL follows APP_URL until set on its own
            other = self.resolve(var.default_from, state)
            if other.value:
                return Resolved(name, other.value, f"default ({var.default_from})")
        return Resolved(name, None, None)

    def resolve_all(self, names: Iterable[str] | None = None) -> dict[str, Resolved]:
        state = self.state_file.read()
        return {n: self.resolve(n, state) for n in (names or catalog())}

    def values(self, names: Iterable[str] | None = None) -> dict[str, str | None]:
        """Just the values, for checks and writers."""
        return {n: r.value for n, r in self.resolve_all(names).items()}

    # -- writing -------------------------------------------------------------------------------
    def prepare(self, name: str, raw: str, allow_invalid: bool = False) -> tuple[str, list[str]]:
        """Normalise and validate one value; raises before anything is written."""
        var = lookup(name)
        value = normalise_for(var.name, raw)
        if not value:
            raise ValidationError(
                f"{name} is empty; nothing was stored.",
                f"Paste the value (find it at: {var.where}), or run {do('vars unset', name)}.",
            )
        unsafe = unsafe_problem(name, value)
        if unsafe:  # never stored, not even with --allow-invalid
            raise ValidationError(unsafe + "; nothing was stored.")
        problems = validate_format(name, value)
        if problems and not allow_invalid:
            raise ValidationError(problems[0] + "; nothing was stored.", "")
        return value, problems

    def set_many(
        self, items: Mapping[str, str], source: str = "entered", allow_invalid: bool = False
    ) -> dict[str, list[str]]:
        """Validate all, then store all; on any error the store and state are as before."""
        prepared = {name: self.prepare(name, raw, allow_invalid) for name, raw in items.items()}
        secret_names = [n for n in prepared if catalog()[n].secret]
        store = self.store
        salt = store.salt()
        previous: dict[str, str | None] = {}
        try:
            with self.state_file.update() as state:
                for name in secret_names:
                    previous[name] = store.get(name)
                    store.set(name, prepared[name][0])
                for name, (value, problems) in prepared.items():
                    record: dict[str, Any] = {
                        "source": source,
                        "updated_at": now_iso(),
                        "digest": digest(salt, name, value),
                        "format_ok": not problems,
                    }
                    if not catalog()[name].secret:
                        record["value"] = value
                    else:
                        record["secret"] = True
                    state["values"][name] = record
                if secret_names:
                    state.setdefault("store", {})["backend"] = store.kind
        except BaseException:
            self._restore(previous)
            raise
        return {name: problems for name, (_, problems) in prepared.items()}

    def set(
        self, name: str, raw: str, source: str = "entered", allow_invalid: bool = False
    ) -> list[str]:
        """Store one value; returns the format problems that ``allow_invalid`` let through."""
        return self.set_many({name: raw}, source, allow_invalid)[name]

    def unset(self, name: str) -> bool:
        """Forget a value; False when it was not set."""
        var = lookup(name)
        removed = False
        with self.state_file.update() as state:
            if var.secret:
                removed = self.store.delete(name)
            removed = state["values"].pop(name, None) is not None or removed
        return removed

    def _restore(self, previous: Mapping[str, str | None]) -> None:
        for name, old in previous.items():
            try:
                if old is None:
                    self.store.delete(name)
                else:
                    self.store.set(name, old)
            except Exception:  # best effort: the original error is the one to report
                pass
