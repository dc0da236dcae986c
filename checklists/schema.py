"""What a catalog entry may say: checked when the catalog loads, so a typo fails loudly.

A misspelt key (``requried = true``) would otherwise be ignored and the variable silently
optional; an unknown destination, check or generator would make a variable vanish from an
export, a check run or the Generate button. Each is a ``CatalogError`` naming the entry.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from checklists.errors import CatalogError

DESTINATIONS = ("render", "vercel", "wizard")
#: generator names the wizard implements (``wizard.generate.GENERATORS``; a test keeps them equal)
GENERATORS = ("jwt-secret",)
#: live-check ids an entry's ``checks`` may name (``providers.registry.BY_ID``; a test keeps
#: them equal: the catalog sits below the providers and never imports them)
CHECKS = (
    "supabase",
    "postgres",
    "upstash",
    "stripe",
    "openai",
    "anthropic",
    "render",
    "vercel",
    "github",
    "stripe-webhook",
    "sentry",
    "app",
)
REQUIRED = {
    "phase": str,
    "destinations": list,
    "required": bool,
    "secret": bool,
    "description": str,
    "example": str,
    "where": str,
}
OPTIONAL = {
    "default": str,
    "generator": str,
    "prefixes": list,
    "schemes": list,
    "min_length": int,
    "pattern": str,
    "pattern_help": str,
    "wrong_prefixes": dict,
    "checks": list,
    "trim_slash": bool,
    "bare_url": bool,
    "default_from": str,
}


def _fail(source: str, name: str, what: str) -> CatalogError:
    return CatalogError(
        f"{source}: [vars.{name}] {what}.",
        "Fix the catalog entry (see checklists/catalog.py, class Variable).",
    )


def validate(raw: Mapping[str, Any], source: str) -> None:
    """Raise ``CatalogError`` for anything in ``raw`` (the parsed TOML) the wizard can't honour."""
    unknown_tables = set(raw) - {"vars"}
    if unknown_tables or not isinstance(raw.get("vars"), dict) or not raw["vars"]:
        what = (
            f"unknown table {sorted(unknown_tables)[0]!r}"
            if unknown_tables
            else "no [vars.*] entries"
        )
        raise CatalogError(f"{source}: {what}.", "The catalog holds only [vars.NAME] tables.")
    names = set(raw["vars"])
    for name, entry in raw["vars"].items():
        if not re.fullmatch(r"[A-Z][A-Z0-9_]*", name):
            raise _fail(source, name, "is not an environment variable name (A-Z, 0-9, _)")
        if not isinstance(entry, dict):
            raise _fail(source, name, "is not a table")
        for key in entry:
            if key not in REQUIRED and key not in OPTIONAL:
                raise _fail(source, name, f"has an unknown key {key!r}")
        for key in REQUIRED:
            if key not in entry:
                raise _fail(source, name, f"misses {key!r}")
        for key, kind in {**REQUIRED, **OPTIONAL}.items():
            if key in entry and not isinstance(entry[key], kind):
                raise _fail(
                    source, name, f"has {key!r} of the wrong type (expected {kind.__name__})"
                )
        for destination in entry["destinations"]:
            if destination not in DESTINATIONS:
                raise _fail(
                    source,
                    name,
                    f"has an unknown destination {destination!r} (known: "
                    f"{', '.join(DESTINATIONS)})",
                )
        if not entry["destinations"]:
            raise _fail(source, name, "has no destination")
        for check in entry.get("checks", ()):
            if check not in CHECKS:
                raise _fail(
                    source, name, f"names an unknown check {check!r} (known: {', '.join(CHECKS)})"
                )
        generator = entry.get("generator")
        if generator is not None and generator not in GENERATORS:
            raise _fail(
                source,
                name,
                f"names an unknown generator {generator!r} (known: {', '.join(GENERATORS)})",
            )
        source_var = entry.get("default_from")
        if source_var is not None and (source_var not in names or source_var == name):
            raise _fail(
                source,
                name,
                f"takes its default from {source_var!r}, which is not another catalog variable",
            )
        if entry.get("pattern") is not None:
            try:
                re.compile(entry["pattern"])
            except re.error as exc:
                raise _fail(
                    source, name, f"has a pattern that is not a regular expression ({exc})"
                ) from None
