"""The shape of ``state.json``, checked on every load.

The state is meant to be read and, now and then, edited by hand. A field of the wrong type
(``"values": []``, ``"at": 5``) would otherwise surface far away as an AttributeError or a
TypeError in whichever command touched it first; instead ``problem`` names the first field
that is wrong and the caller moves the file aside, as it does with one that isn't JSON.

Known fields are checked by type; unknown keys are allowed (a feature of a newer minor
version, a note someone added) and left alone.
"""

from __future__ import annotations

import json

from checklists.chars import escape, first_unsafe

#: ``typing.TYPE_CHECKING`` without importing ``typing`` (mypy treats the name the same way)
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

NoneType = type(None)
#: field -> the JSON types it may have, per kind of record
VALUE_RECORD: dict[str, tuple[type, ...]] = {
    "value": (str,),
    "source": (str,),
    "updated_at": (str,),
    "digest": (str,),
    "format_ok": (bool,),
    "secret": (bool,),
}
PHASE_RECORD: dict[str, tuple[type, ...]] = {
    "status": (str,),
    "at": (str, NoneType),
    "message": (str, NoneType),
    "fingerprint": (str,),
    "completed_at": (str, NoneType),
    "inputs": (dict,),
}
CHECK_RECORD: dict[str, tuple[type, ...]] = {
    "service": (str,),
    "check": (str,),
    "phase": (str, NoneType),
    "outcome": (str,),
    "message": (str,),
    "at": (str,),
    "variables": (list,),
}
FILE_RECORD: dict[str, tuple[type, ...]] = {"sha256": (str,), "written_at": (str,)}
MIGRATIONS: dict[str, tuple[type, ...]] = {
    "applied": (int,),
    "pending": (int,),
    "edited": (int,),
    "unknown": (int,),
    "at": (str,),
    "vector": (str, NoneType),
}
#: what ``push``/``drift`` last found per platform (``wizard.platforms.record``)
PLATFORM_RECORD: dict[str, tuple[type, ...]] = {
    "at": (str,),
    "by": (str,),
    "target": (str,),
    "in_sync": (bool,),
    "exists": (bool,),
    "different": (list,),
    "missing": (list,),
    "extra": (int,),
    "pushed_at": (str,),
    "service_id": (str,),
    "service_name": (str,),
    "owner": (str,),
    "project_id": (str,),
    "project_name": (str,),
    "team": (str,),
}
STRIPE_WEBHOOK: dict[str, tuple[type, ...]] = {"id": (str,), "url": (str,)}
TOP: dict[str, tuple[type, ...]] = {
    "values": (dict,),
    "phases": (dict,),
    "checks": (dict,),
    "files": (dict,),
    "store": (dict,),
    "migrations": (dict, NoneType),
    "created_at": (str,),
    "updated_at": (str,),
    "platforms": (dict,),
    "stripe_webhook": (dict, NoneType),
}
BACKENDS = ("system", "vault")


def _kind(value: Any) -> str:
    names = {
        bool: "true/false",
        int: "a number",
        float: "a number",
        str: "text",
        list: "a list",
        dict: "an object",
        NoneType: "null",
    }
    return names.get(type(value), type(value).__name__)


def _fields(where: str, record: Any, spec: Mapping[str, tuple[type, ...]]) -> str | None:
    if not isinstance(record, dict):
        return f"{where} is {_kind(record)}, not an object"
    for key, types in spec.items():
        if key not in record:
            continue
        value = record[key]
        # bool is an int in Python, never in the schema
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
            return f"{where}.{key} is {_kind(value)}"
    return None


def _each(where: str, section: dict[str, Any], spec: Mapping[str, tuple[type, ...]]) -> str | None:
    for key, record in section.items():
        problem = _fields(f"{where}.{key}", record, spec)
        if problem:
            return problem
    return None


def problem(data: Any) -> str | None:
    """The first thing wrong with a parsed state document (None: it is well formed).

    Field names come from the file, so the sentence is escaped: a key holding a newline or an
    escape sequence must not break the one-line error or reach the terminal raw.
    """
    found = _problem(data)
    return escape(found) if found else None


def _problem(data: Any) -> str | None:
    if not isinstance(data, dict):
        return f"the document is {_kind(data)}, not an object"
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        return "version is not a positive whole number"
    found = _fields("state", data, TOP)
    found = found or _each("values", data.get("values", {}), VALUE_RECORD)
    found = found or _each("phases", data.get("phases", {}), PHASE_RECORD)
    found = found or _each("checks", data.get("checks", {}), CHECK_RECORD)
    found = found or _each("files", data.get("files", {}), FILE_RECORD)
    found = found or _fields("store", data.get("store", {}), {"backend": (str, NoneType)})
    found = found or _fields("migrations", data.get("migrations") or {}, MIGRATIONS)
    found = found or _each("platforms", data.get("platforms", {}), PLATFORM_RECORD)
    found = found or _fields("stripe_webhook", data.get("stripe_webhook") or {}, STRIPE_WEBHOOK)
    return found or _details(data)


def _details(data: dict[str, Any]) -> str | None:
    """What the field types don't say: nested lists, known backends, printable values."""
    for name, record in data.get("values", {}).items():
        value = record.get("value")
        if isinstance(value, str) and first_unsafe(value):
            return f"values.{name}.value holds a control character"
    for name, record in data.get("phases", {}).items():
        inputs = record.get("inputs", {})
        if not all(isinstance(d, str | NoneType) for d in inputs.values()):
            return f"phases.{name}.inputs holds something other than digests"
    for name, record in data.get("checks", {}).items():
        if not all(isinstance(v, str) for v in record.get("variables", [])):
            return f"checks.{name}.variables holds something other than names"
    for name, record in data.get("platforms", {}).items():
        for key in ("different", "missing"):
            if not all(isinstance(v, str) for v in record.get(key, [])):
                return f"platforms.{name}.{key} holds something other than names"
    if data.get("store", {}).get("backend") not in (None, *BACKENDS):
        return "store.backend is neither system nor vault"
    try:
        # Saving must be possible: lone surrogates ("\ud800") can't be written back as UTF-8.
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except (UnicodeEncodeError, RecursionError, ValueError):
        return "the document holds text that is not valid Unicode"
    return None
