"""What ``status`` says about a platform whose variables drifted (read from the state only).

Kept apart from ``wizard.platforms`` so ``status`` never imports httpx.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: the phase whose screen and status show each platform
PHASE_OF = {"render": "render", "vercel": "vercel"}


def drift_note(state: Mapping[str, Any], phase_id: str) -> str:
    """For ``status``: "" when the phase's platform was in sync (or never compared)."""
    for destination, phase in PHASE_OF.items():
        if phase != phase_id:
            continue
        doc = state.get("platforms", {}).get(destination)
        if not doc or doc.get("in_sync"):
            return ""
        if not doc.get("exists", True):
            return (
                f"{destination.capitalize()}: {doc.get('target', '')} does not exist yet "
                f"(convoai-setup push {destination})"
            )
        names = [*doc.get("different", []), *doc.get("missing", [])]
        return (
            f"{destination.capitalize()} differs since {doc.get('at')}: {', '.join(names)} "
            f"(convoai-setup push {destination})"
        )
    return ""
