"""Every catalog value: where it is, where it came from, and how it is stored.

Secrets go to the secret store and are represented in the state only by a keyed digest;
everything else goes to the state. Precedence when reading (DESIGN, CLI contract): explicit
flag > secret store/state > what the wizard saw or the checkout says (a health path verify saw
answering, package.json's name) > catalog default.

Production values come only from there. The shell environment and the checkout's ``.env`` are
the developer's (``NODE_ENV=development``, ``APP_URL=http://localhost:5000``): they are never
read implicitly. ``wizard.outside`` only points out where they differ (``vars list``,
``status``, the push plan); ``vars import .env`` is the explicit way in.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Final

from checklists.advice import do
from checklists.catalog import Variable, catalog, normalise_for, validate_format
from checklists.chars import unsafe_problem
from checklists.errors import UsageError, ValidationError
from checklists.frozen import Frozen
from wizard.passphrase import PassphraseFn
from wizard.project import Project
from wizard.seen import seen_health
from wizard.state import StateData, StateFile, now_iso
from wizard.store import SecretStore, open_store, terminal_passphrase


class Resolved(Frozen):
    """A value as the wizard will use it. (A ``Frozen`` record, not a dataclass: this module
    is imported before the TUI's first frame.)"""

    __match_args__ = ("name", "value", "source")
    __slots__ = __match_args__
    name: Final[str]
    value: Final[str | None]
    #: flag, environment, .env, entered, generated, imported, created by API, default
    #: (None: missing)
    source: Final[str | None]

    def __init__(self, name: str, value: str | None, source: str | None) -> None:
        self.name, self.value, self.source = name, value, source

    def __repr__(self) -> str:  # the value may be a secret: never in a repr, a log, a traceback
        shown = "None" if self.value is None else "<set>"
        return f"Resolved(name={self.name!r}, value={shown}, source={self.source!r})"


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
    import hashlib  # OpenSSL: when a value is stored, not when the TUI starts
    import hmac

    return hmac.new(salt, f"{name}\0{value}".encode(), hashlib.sha256).hexdigest()


#: Vercel project names: lowercase letters, digits, ".", "_" and "-", at most 100 (no "---")
_VERCEL_NAME = re.compile(r"^[a-z0-9._-]{1,100}$")


def package_name(project: Project) -> str | None:
    """``name`` from the checkout's package.json (None when there is none)."""
    try:
        data = json.loads(project.package_json.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    name = data.get("name") if isinstance(data, dict) else None
    return name if isinstance(name, str) and name else None


def vercel_name(name: str | None) -> str | None:
    """package.json's name as a Vercel project name (a scope dropped), or None if it can't be."""
    bare = (name or "").rsplit("/", 1)[-1].strip().lower()
    return bare if _VERCEL_NAME.match(bare) and "---" not in bare else None


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
        #: look at the shell and .env to point out where they differ (never to use them)
        self.use_environment = use_environment

    # -- store ---------------------------------------------------------------------------------
    @property
    def store(self) -> SecretStore:
        """The secret store, opened (and probed) on first use."""
        if self._store is None:
            remembered = self.state_file.read().get("store", {}).get("backend")
            self._store = open_store(self.project.project_id(), remembered, self._passphrase)
        return self._store

    # -- reading -------------------------------------------------------------------------------
    def resolve(self, name: str, state: StateData | None = None) -> Resolved:
        """The value production gets: flag > stored > seen/derived > default. The shell and
        the checkout's .env are never consulted (see ``outside``)."""
        var = lookup(name)
        if name in self.overrides:
            return Resolved(name, _checked(name, self.overrides[name], "the command line"), "flag")
        state = self.state_file.read() if state is None else state
        record = state["values"].get(name)
        if record:
            value = self.store.get(name) if var.secret else record.get("value")
            if value is not None:
                return Resolved(name, value, record.get("source", "entered"))
        derived = self._derived(name, state)
        if derived is not None:
            return derived
        if var.default is not None:
            return Resolved(name, var.default, "default")
        if var.default_from is not None:  # VITE_API_URL follows APP_URL until set on its own
            other = self.resolve(var.default_from, state)
            if other.value:
                return Resolved(name, other.value, f"default ({var.default_from})")
        return Resolved(name, None, None)

    def _derived(self, name: str, state: StateData) -> Resolved | None:
        """A value nobody set but the wizard knows: the health path ``verify`` saw answering
        2xx/3xx on the current APP_URL, the Vercel project named as package.json names it."""
        if name == "HEALTHCHECK_PATH":
            seen = seen_health(state)
            if seen is not None and seen.get("app_url") == self.resolve("APP_URL", state).value:
                return Resolved(name, str(seen["value"]), f"seen by verify ({seen['status']})")
        if name == "VERCEL_PROJECT":
            project_name = vercel_name(package_name(self.project))
            if project_name:
                return Resolved(name, project_name, "package.json")
        return None

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
