"""The developer's shell and the checkout's ``.env``: pointed out, never used for production.

Almost every checkout has a ``.env`` (the app's local config: ``NODE_ENV=development``,
``APP_URL=http://localhost:5000``) and a developer's shell often exports the same names. Values
that reach a production destination come only from the store and catalog defaults
(``wizard.values``); where the shell or ``.env`` names a catalog variable with another value,
``vars list``, ``status`` and the push plan say so once, values masked as everywhere.

The push plan also refuses what could only work on the developer's machine: a loopback host or a
plain ``http://`` URL bound for Render or Vercel, with where the value came from.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from checklists.advice import do
from checklists.catalog import catalog, mask, normalise_for, split_url
from checklists.errors import SetupError
from wizard.values import Resolved, read_dotenv

if TYPE_CHECKING:
    from wizard.platforms.plan import PushPlan
    from wizard.values import Answers

#: sources that mean "stored here" (everything else is a default or derived)
DERIVED = ("default", "seen", "package.json")


@dataclass(frozen=True)
class Outside:
    """A catalog variable the shell or ``.env`` sets to something other than what production
    gets."""

    name: str
    #: "the environment" or "`.env`"
    where: str
    value: str
    production: Resolved

    def line(self) -> str:
        """One line, values masked as everywhere (a secret is never shown)."""
        have = f"{self.where} has {self.name}={mask(self.name, self.value)}"
        source, shown = self.production.source, mask(self.name, self.production.value)
        if self.production.value is None:
            return (
                f"{have}; production has no value and never takes it from there: "
                f"{do('vars set', self.name)} (or {do('vars import', 'FILE')})"
            )
        if source == "default":
            return f"{have}; production uses the default {shown}"
        if source is not None and source.startswith(DERIVED):
            return f"{have}; production uses {shown} ({source})"
        return f"{have}; production uses the stored {shown}"

    def doc(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "where": self.where,
            "value": mask(self.name, self.value),
            "production": mask(self.name, self.production.value),
            "production_source": self.production.source,
        }


def _dotenv(answers: Answers) -> Mapping[str, str | None]:
    """The checkout's ``.env`` ({} when absent or unreadable: it is only compared, so a broken
    one must not stop anything)."""
    path = answers.project.root / ".env"
    try:
        return read_dotenv(path) if path.is_file() else {}
    except (SetupError, OSError):
        return {}


def differences(
    answers: Answers, names: Iterable[str] | None = None, secrets: bool = True
) -> list[Outside]:
    """Catalog variables the shell or ``.env`` sets differently from production, each once
    (the environment first).

    ``secrets`` False: a stored secret is not compared (that needs the secret store, which
    ``status`` never opens).
    """
    if not answers.use_environment:
        return []
    wanted = list(names or catalog())
    found: dict[str, tuple[str, str]] = {}
    for name in wanted:
        if os.environ.get(name):
            found[name] = ("the environment", os.environ[name])
    for name, raw in _dotenv(answers).items():
        if name in wanted and raw and name not in found:
            found[name] = ("`.env`", raw)
    if not found:
        return []
    state = answers.state_file.read()
    out = []
    for name, (where, raw) in found.items():
        if catalog()[name].secret and not secrets and name in state["values"]:
            continue
        production = answers.resolve(name, state)
        if normalise_for(name, raw) != production.value:
            out.append(Outside(name, where, raw, production))
    return out


def unreachable(value: str) -> str | None:
    """Why a platform could never use ``value`` (a loopback host, plain http), or None."""
    parts = split_url(value) if "://" in value else None
    if parts is None or not parts.hostname:
        return None
    import ipaddress

    host = parts.hostname.lower().rstrip(".")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        local = host == "localhost" or host.endswith(".localhost")
    else:
        local = address.is_loopback or address.is_unspecified
    if local:
        return f"{host} is this machine (loopback), which no platform can reach"
    if parts.scheme == "http":
        return "it is plain http://, which production must not use (https://)"
    return None


def refuse_local(plan: PushPlan, resolved: Mapping[str, Resolved], label: str) -> None:
    """Block ``plan`` when a value it would send only works on this machine, naming each one
    and where it came from; nothing is then sent to that platform."""
    if plan.blocked:
        return  # already blocked for another reason, said first
    found = {n: unreachable(v) for n, v in plan.desired.items()}
    bad = {n: why for n, why in found.items() if why}
    if not bad:
        return
    lines = [
        f"{n}={mask(n, plan.desired[n])} (source: {_source(resolved, n)}): {why}"
        for n, why in bad.items()
    ]
    plan.blocked = (
        f"refused {'; '.join(lines)}; nothing was pushed to {label}. Store the production value: "
        f"{do('vars set', next(iter(bad)), 'https://…')}"
    )


def _source(resolved: Mapping[str, Resolved], name: str) -> str:
    found = resolved.get(name)
    return (found.source if found else None) or "unknown"


def note_differences(plan: PushPlan, found: Iterable[Outside]) -> None:
    """Add to the plan the shell/.env differences of the variables it covers."""
    covered = {v.name for v in plan.variables}
    plan.notes.extend(o.line() for o in found if o.name in covered)
