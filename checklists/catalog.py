"""Load the variable catalog (``catalog.toml``) and validate values offline.

``validate_format`` is the one offline format check: the TUI, the plain flow, ``vars set``
and ``check`` all call it, so a value is judged the same way everywhere.
"""

from __future__ import annotations

import os
import re
from functools import cache

from checklists.advice import do
from checklists.catalog_variable import Variable as Variable  # (re-exported)
from checklists.chars import escape, unsafe_problem

#: ``typing.TYPE_CHECKING`` without importing ``typing`` (mypy treats the name the same way):
#: every command reads the catalog, and ``status`` must start fast
TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any
    from urllib.parse import SplitResult

#: the catalog file as a string (``CATALOG_FILE`` is the same as a ``Path``)
CATALOG_PATH = os.path.join(os.path.dirname(__file__), "catalog.toml")
DESTINATIONS = ("render", "vercel", "wizard")
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


def __getattr__(name: str) -> Path:
    # ``CATALOG_FILE`` as a ``Path``, made when first asked for: pathlib is not imported by
    # the commands that only read the catalog.
    if name == "CATALOG_FILE":
        from pathlib import Path

        return Path(CATALOG_PATH)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@cache
def catalog() -> dict[str, Variable]:
    """All variables by name, in the order of the plan's checklist (validated on load).

    Parsing and validating the TOML costs more than a command's whole start-up, so the
    validated entries are kept in the user's cache directory under a hash of everything that
    decides them (``checklists.catalog_cache``): a changed catalog, rule or Python is parsed
    again.
    """
    from checklists import catalog_cache

    key = catalog_cache.key(CATALOG_PATH)
    raw = catalog_cache.read(key) if key else None
    if raw is not None:
        try:
            return _variables(raw)
        except (KeyError, TypeError, ValueError):
            pass  # an entry of another shape: parse the catalog itself
    raw = _parse(CATALOG_PATH)
    if key:
        catalog_cache.write(key, raw)
    return _variables(raw)


def load_catalog(path: str | os.PathLike[str]) -> dict[str, Variable]:
    """Read and validate a catalog file; ``CatalogError`` says what is wrong in it."""
    return _variables(_parse(path))


def _parse(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The validated ``[vars.*]`` tables of a catalog file (tomllib: only when parsing)."""
    import tomllib

    from checklists.errors import CatalogError
    from checklists.schema import validate

    try:
        with open(path, "rb") as fh:
            document = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CatalogError(
            f"{path}: cannot be read as TOML ({exc}).", "Restore the file from the package."
        ) from None
    validate(document, os.fspath(path))
    vars_: dict[str, Any] = document["vars"]
    return vars_


def _variables(raw: dict[str, Any]) -> dict[str, Variable]:
    """``Variable`` rows from validated ``[vars.*]`` tables, in their order."""
    from checklists.advice import from_text

    out: dict[str, Variable] = {}
    for name, entry in raw.items():
        out[name] = Variable(
            name=name,
            phase=entry["phase"],
            destinations=tuple(entry["destinations"]),
            required=bool(entry["required"]),
            secret=bool(entry["secret"]),
            description=from_text(entry["description"]),
            example=entry["example"],
            where=from_text(entry["where"]),
            default=entry.get("default"),
            generator=entry.get("generator"),
            prefixes=tuple(entry.get("prefixes", ())),
            schemes=tuple(entry.get("schemes", ())),
            min_length=int(entry.get("min_length", 0)),
            pattern=entry.get("pattern"),
            pattern_help=entry.get("pattern_help", ""),
            wrong_prefixes=dict(entry.get("wrong_prefixes", {})),
            checks=tuple(entry.get("checks", ())),
            trim_slash=bool(entry.get("trim_slash", False)),
            bare_url=bool(entry.get("bare_url", False)),
            default_from=entry.get("default_from"),
        )
    return out


def variable(name: str) -> Variable:
    """The catalog entry for ``name``; ``KeyError`` when there is none."""
    return catalog()[name]


def for_destination(destination: str) -> list[Variable]:
    """Variables that go to ``destination``, in catalog order."""
    return [v for v in catalog().values() if destination in v.destinations]


def for_phase(phase: str) -> list[Variable]:
    """Variables a phase asks for, in catalog order."""
    return [v for v in catalog().values() if v.phase == phase]


def normalise(value: str) -> str:
    """Strip what pastes and pipes add: surrounding whitespace/newlines and one pair of quotes.

    Peers store ``"sk_live_…"\\n`` verbatim and the app breaks later; we never do.
    """
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        value = value[1:-1].strip()
    return value


def normalise_for(name: str, value: str) -> str:
    """``normalise`` plus the variable's own rule: a trailing ``/`` dropped where paths get
    appended (``APP_URL/`` + ``/api/health`` would be ``//api/health``)."""
    value = normalise(value)
    var = catalog().get(name)
    if var is not None and var.trim_slash and "://" in value:
        value = value.rstrip("/")
    return value


def split_url(value: str) -> SplitResult | None:
    """``urlsplit`` that never raises: None for what it refuses (``://[``, a bad IPv6 host)."""
    from urllib.parse import urlsplit  # with ipaddress: only when a URL is judged

    try:
        return urlsplit(value)
    except ValueError:
        return None


def url_port(parts: SplitResult) -> int | None:
    """The port, None when absent or not a number in range (``.port`` raises on those)."""
    try:
        return parts.port
    except ValueError:
        return None


def _url_problem(var: Variable, value: str) -> str | None:
    parts = split_url(value)
    if parts is None or _bad_port(parts):
        return f"{var.name} is not a valid URL; expected e.g. {var.example}"
    host = parts.hostname or ""
    scheme = parts.scheme.lower()
    allowed = set(var.schemes)
    # Plain http is accepted only on loopback, for local testing (DESIGN: "Provider base URLs").
    if "https" in allowed and scheme == "http" and host in LOOPBACK_HOSTS:
        allowed.add("http")
    if scheme not in allowed:
        wanted = " or ".join(f"{s}://" for s in var.schemes)
        got = f"{scheme}://" if scheme else "no scheme"
        return f"{var.name} must start with {wanted} (got {got}); expected e.g. {var.example}"
    # libpq also takes the host (or a unix socket directory) as a ?host= parameter.
    if not host and "host=" not in parts.query:
        return f"{var.name} has no host; expected e.g. {var.example}"
    if var.bare_url and (parts.path.strip("/") or parts.query or parts.fragment):
        extra = (
            parts.path
            if parts.path.strip("/")
            else "?" + parts.query
            if parts.query
            else "#" + parts.fragment
        )
        base = f"{scheme}://{parts.netloc}"
        return f"{var.name} must be the project URL alone, without {extra}; use {base}"
    return None


def _bad_port(parts: SplitResult) -> bool:
    """True when a port is written but is not a number from 0 to 65535."""
    try:
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return True
    return False


def validate_format(name: str, value: str) -> list[str]:
    """Offline problems with ``value`` for variable ``name`` (empty list: the format is fine).

    Messages name the variable and say what to paste instead; they never echo the value.
    """
    var = variable(name)
    value = normalise_for(name, value)
    if not value:
        return [f"{name} is empty" + ("; it is required" if var.required else "")]
    unsafe = unsafe_problem(name, value)
    if unsafe:
        # Checked first and alone: a NUL or an escape makes every other judgement meaningless.
        return [unsafe]
    for bad, why in var.wrong_prefixes.items():
        # A wrong prefix wins over a shorter allowed one: sk-ant-… starts with sk- too.
        if value.startswith(bad) and not any(
            value.startswith(p) and len(p) >= len(bad) for p in var.prefixes
        ):
            return [f"{name}: {why}"]
    problems: list[str] = []
    # A pattern that spells out a space (RENDER_OWNER: workspace names are free text) decides
    # about spaces itself; everywhere else whitespace in a value is a paste accident.
    spaced = var.pattern is not None and " " in var.pattern
    if any(ch.isspace() and not (spaced and ch == " ") for ch in value):
        problems.append(f"{name} contains whitespace; paste the value alone")
    if var.prefixes and not value.startswith(var.prefixes):
        wanted = ", ".join(var.prefixes)
        problems.append(f"{name} should start with {wanted}; find it at {var.where}")
    if var.schemes:
        problem = _url_problem(var, value)
        if problem:
            problems.append(problem)
    if var.min_length and len(value) < var.min_length:
        problems.append(
            f"{name} is {len(value)} characters; it needs at least {var.min_length}"
            + (f" (generate one: {do('generate jwt-secret', '--store')})" if var.generator else "")
        )
    if var.pattern and not re.search(var.pattern, value):
        problems.append(f"{name} should be {var.pattern_help or 'in the documented format'}")
    return problems


def mask(name: str, value: str | None) -> str:
    """How a value is shown without ``--reveal``: secrets as ``sk_live_…4f2a``, others as is."""
    if value is None or value == "":
        return ""
    var = catalog().get(name)
    if var is None or not var.secret:
        return escape(value)
    parts = split_url(value) if "://" in value else None
    if parts is not None and parts.password:
        # URLs with a password: keep scheme, user and host, hide the password completely.
        host = parts.hostname or ""
        port = url_port(parts)
        shown_port = f":{port}" if port else ""
        user = parts.username or ""
        return escape(f"{parts.scheme}://{user}:…@{host}{shown_port}{parts.path}")
    # Anything else, including a URL urlsplit refuses: a known prefix and a short tail only.
    tail = value[-4:] if len(value) >= 16 else ""
    prefix = next((p for p in var.prefixes if value.startswith(p)), "")
    return escape(f"{prefix}…{tail}")
