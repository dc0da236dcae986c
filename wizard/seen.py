"""Values the wizard saw rather than was given: the health path ``verify`` last saw answering
2xx/3xx on the current ``APP_URL`` (``state["seen"]``).

Light on purpose (the state and hashlib): fingerprints read it on every ``status``.
"""

from __future__ import annotations

from typing import Any

from wizard.state import StateData, StateFile, now_iso


def seen_health(state: StateData) -> dict[str, Any] | None:
    """What ``verify`` last saw answering 2xx/3xx as a health path (``state["seen"]``)."""
    seen = state.get("seen")
    record = seen.get("HEALTHCHECK_PATH") if isinstance(seen, dict) else None
    if isinstance(record, dict) and isinstance(record.get("value"), str):
        return record
    return None


def seen_digest(state: StateData, name: str) -> str | None:
    """A digest standing for a seen value in fingerprints (None: nothing seen that applies).

    The seen health path is a value like any other to what is rendered from it (render.yaml)
    and to the checks that read it: it changing must make them stale. It is not a secret, so a
    plain hash of it serves (no salt, no secret store).
    """
    seen = seen_health(state) if name == "HEALTHCHECK_PATH" else None
    app_url = (state.get("values", {}).get("APP_URL") or {}).get("value")
    if seen is None or seen.get("app_url") != app_url:
        return None
    import hashlib  # only when something was seen

    return "seen:" + hashlib.sha256(f"{name}\0{seen['value']}".encode()).hexdigest()


def remember_health(state_file: StateFile, app_url: str, path: str | None, status: int) -> None:
    """Keep (or, with ``path`` None, forget) the health path seen answering on ``app_url``."""
    with state_file.update() as state:
        if not isinstance(state.get("seen"), dict):  # absent, or broken by a hand edit
            state["seen"] = {}
        seen = state["seen"]
        if path is None:
            seen.pop("HEALTHCHECK_PATH", None)
        else:
            seen["HEALTHCHECK_PATH"] = {
                "value": path,
                "app_url": app_url,
                "status": status,
                "at": now_iso(),
            }
