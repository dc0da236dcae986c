"""The validated catalog, cached in the user's cache directory under a key of what decides it.

Parsing and validating ``catalog.toml`` (tomllib, the schema, the check registry) costs more
than ``status``'s whole start-up; reading this JSON file costs a fraction of a millisecond.
The key covers the catalog's text, the files of the rules that validate it, the cache format
and the Python version, so any change of those is parsed again. It is a CRC-32 of those bytes
(with their lengths): a checksum to notice a change, not a defence against a forger (the cache
is the user's own), and ``zlib`` loads in a tenth of the time of ``hashlib``'s OpenSSL, on
every command. Never in a project: a repository must not be able to ship what its catalog
says. Paths are strings (``os.path``): ``pathlib`` is not needed to read a cache.
"""

from __future__ import annotations

import json
import os
import sys

#: ``typing.TYPE_CHECKING`` without importing ``typing`` (mypy treats the name the same way)
TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

_HERE = os.path.dirname(__file__)
#: what decides the validated catalog besides its own text: the rules (``checklists.schema``)
#: and the live checks an entry may name (``providers.registry``); ``RULE_FILES`` as Paths
RULE_PATHS = (
    os.path.join(_HERE, "schema.py"),
    os.path.join(os.path.dirname(_HERE), "providers", "registry.py"),
)
#: bump when the cache file's layout changes
CACHE_FORMAT = 2


def __getattr__(name: str) -> tuple[Path, ...]:
    # ``RULE_FILES`` as ``Path`` objects, made when asked for (pathlib is not on status's path).
    if name == "RULE_FILES":
        from pathlib import Path

        return tuple(Path(p) for p in RULE_PATHS)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def key(catalog_file: str | os.PathLike[str]) -> str | None:
    """A checksum of the catalog's text, the files of its rules, the cache format and the
    Python that parses it; None when one can't be read (then nothing is cached)."""
    import zlib

    crc = zlib.crc32(f"{CACHE_FORMAT}\0{sys.version}\0".encode())
    sizes = []
    try:
        for path in (catalog_file, *RULE_PATHS):
            with open(path, "rb") as fh:
                data = fh.read()
            crc = zlib.crc32(data + b"\0", crc)
            sizes.append(str(len(data)))
    except OSError:
        return None
    return f"{CACHE_FORMAT}-{crc:08x}-{'-'.join(sizes)}"


def path() -> str | None:
    """In the user's cache directory, beside the migration parse cache (None: no home
    directory to put it in)."""
    if sys.platform.startswith("linux"):  # platformdirs' own rule, without its import time
        base = os.environ.get("XDG_CACHE_HOME", "").strip()
        if not base:
            home = os.path.expanduser("~")
            if not os.path.isabs(home):  # nobody's home (Path.home() raises): no cache
                return None
            base = os.path.join(home, ".cache")
        return os.path.join(base, "convoai-setup", "catalog.json")
    from platformdirs import user_cache_dir

    return os.path.join(user_cache_dir("convoai-setup"), "catalog.json")


def read(wanted: str) -> dict[str, Any] | None:
    """The cached ``[vars.*]`` tables when the cache was written for ``wanted``; else None."""
    where = path()
    if where is None:
        return None
    try:
        with open(where, "rb") as fh:
            document = json.loads(fh.read())
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
    if target is None:
        return
    tmp = os.path.join(os.path.dirname(target), f".{os.path.basename(target)}.{os.getpid()}.tmp")
    try:
        text = json.dumps({"key": written_for, "vars": raw})
        if json.loads(text)["vars"] != raw:  # a TOML type JSON would change (a date): no cache
            return
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, target)
    except (OSError, TypeError, ValueError):
        from contextlib import suppress

        with suppress(OSError):
            os.unlink(tmp)
