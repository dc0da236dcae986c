"""What the state remembers about each platform: the id found last time (with the name and scope
it was found by) and the latest push or drift outcome. Names, ids and outcomes only: never a
value.

Kept apart from the adapters so ``status`` (``wizard.drift.drift_note``) never imports httpx.
"""

from __future__ import annotations

from collections.abc import Awaitable, Mapping
from typing import Any, TypeVar

from checklists.errors import Gone
from wizard.platforms import row
from wizard.platforms.plan import Applied, PushPlan
from wizard.project import Project
from wizard.state import StateFile, now_iso

T = TypeVar("T")


def known(project: Project) -> dict[str, Any]:
    """The state's ``platforms`` record (names, ids, outcomes per platform)."""
    found = StateFile(project).read().get("platforms")
    return found if isinstance(found, dict) else {}


def remembered(known: Mapping[str, Any] | None, scope: Mapping[str, str], key: str) -> str | None:
    """The id ``known`` (the state's record of one platform) holds for the same ``scope``."""
    if not known or any(known.get(k, "") != v for k, v in scope.items()):
        return None
    ref = known.get(key)
    return ref if isinstance(ref, str) and ref else None


async def unless_gone(pending: Awaitable[T]) -> T | Gone:
    """``pending``'s result, or the ``Gone`` it raised (a remembered id that no longer works)."""
    try:
        return await pending
    except Gone as exc:
        return exc


def summary(plan: PushPlan, by: str, applied: Applied | None = None) -> dict[str, Any]:
    """What the state remembers about a platform after ``drift`` or ``push`` (names only)."""
    if applied is not None:
        different, missing = sorted(applied.not_landed), []
    else:
        different, missing = plan.named("change"), plan.named("add")
    exists = plan.exists or (applied is not None and bool(applied.ref))
    ref = applied.ref if applied is not None else plan.ref
    target = plan.target if applied is None else plan.target.replace("to create", applied.ref)
    key = row(plan.destination).ref_key
    found = {**plan.scope, key: ref} if ref else {}
    return {
        **found,
        "at": now_iso(),
        "by": by,
        "target": target,
        "in_sync": exists and not different and not missing,
        "exists": exists,
        "different": different,
        "missing": missing,
        "extra": len(plan.named("kept")),
    }


def record(project: Project, destination: str, doc: Mapping[str, Any]) -> None:
    """Remember the latest drift/push result of ``destination`` in the state."""
    with StateFile(project).update() as state:
        platforms = state.setdefault("platforms", {})
        entry = dict(doc)
        if doc.get("by") == "push" and doc.get("in_sync"):
            entry["pushed_at"] = doc["at"]
        elif "pushed_at" in platforms.get(destination, {}):
            entry["pushed_at"] = platforms[destination]["pushed_at"]
        platforms[destination] = entry
