"""The validated catalog, cached in the user's cache directory under a hash of what decides it.

Parsing and validating ``catalog.toml`` (tomllib, the schema, the check registry) costs more
than ``status``'s whole start-up; reading this JSON file costs a fraction of a millisecond.
The key covers the catalog's text, the files of the rules that validate it, the cache format
and the Python version, so any change of those is parsed again. Never in a project: a
repository must not be able to ship what its catalog says.
"""

from __future__ import annotations

import json
import os
import sys
from contextlib import suppress
from pathlib import Path
from typing import Any

#: what decides the validated catalog besides its own text: the rules (``checklists.schema``)
#: and the live checks an entry may name (``providers.registry``)
RULE_FILES = (
    Path(__file__).with_name("schema.py"),
    Path(__file__).parent.parent / "providers" / "registry.py",
)
#: bump when the cache file's layout changes
CACHE_FORMAT = 1


def key(catalog_file: Path) -> str | None:
    """A hash of the catalog's text, the files of its rules, the cache format and the Python
    that parses it; None when one can't be read (then nothing is cached)."""
    import hashlib

    digest = hashlib.sha256(f"{CACHE_FORMAT}\0{sys.version}\0".encode())
    try:
        for path in (catalog_file, *RULE_FILES):
            digest.update(path.read_bytes() + b"\0")
    except OSError:
        return None
    return digest.hexdigest()


def path() -> Path:
    """In the user's cache directory, beside the migration parse cache."""
    if sys.platform.startswith("linux"):  # platformdirs' own rule, without its import time
        base = os.environ.get("XDG_CACHE_HOME", "").strip() or str(Path.home() / ".cache")
        return Path(base) / "convoai-setup" / "catalog.json"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("convoai-setup")) / "catalog.json"


def read(wanted: str) -> dict[str, Any] | None:
    """The cached ``[vars.*]`` tables when the cache was written for ``wanted``; else None."""
    try:
        document = json.loads(path().read_bytes())
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(document, dict) or document.get("key") != wanted:
        return None
    raw = document.get("vars")
    return raw if isinstance(raw, dict) and raw else None


def write(written_for: str, raw: dict[str, Any]) -> None:
    """Replace the cache (temp file + rename: a reader sees the old file or the new one).

    Best effort: a read-only or full disk only means the next run parses again.
    """
    target = path()
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        text = json.dumps({"key": written_for, "vars": raw})
        if json.loads(text)["vars"] != raw:  # a TOML type JSON would change (a date): no cache
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, target)
    except (OSError, TypeError, ValueError):
        with suppress(OSError):
            tmp.unlink()
