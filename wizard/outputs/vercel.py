"""``vercel.json``: the plan's Phase 4.2 config, merged into an existing file without losing
anything the user added.

Ours: the top-level build keys, the ``/api/:path*`` and ``/widget.js`` rewrites (updated in place
when the backend URL changes), the SPA fallback (always last) and the ``widget.js`` headers.
Everything else in an existing file is kept where it was.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from checklists.advice import do
from checklists.errors import VercelConfigError

SCHEMA = "https://openapi.vercel.sh/vercel.json"
SPA_SOURCES = frozenset({"/(.*)", "/:path*", "/:path(.*)"})
SPA_FALLBACK = {"source": "/(.*)", "destination": "/index.html"}
WIDGET_HEADERS = [
    {"key": "Access-Control-Allow-Origin", "value": "*"},
    {"key": "Cache-Control", "value": "public, max-age=3600"},
]


def backend_url(values: Mapping[str, str | None]) -> str:
    """Where Vercel proxies ``/api``: ``APP_URL`` (the API's custom domain once
    ``domain set --api`` moved it there).

    ``CUSTOM_DOMAIN`` is the site's own domain on Vercel: proxying to it would loop.
    Only ``https://`` is accepted, loopback included: Vercel's edge can't reach your machine,
    so an ``http://localhost`` rewrite would only ever fail in production.
    """
    url = (values.get("APP_URL") or "").strip()
    if not url:
        raise VercelConfigError(
            "APP_URL is not set, so vercel.json has no backend to proxy /api to; nothing "
            "was written.",
            f"Set it ({do('vars set', 'APP_URL', 'https://convoai-backend.onrender.com')}), or "
            f"write the other files alone: {do('write', 'env-example', 'ci', 'render')}",
        )
    try:
        parts = urlsplit(url)
    except ValueError:  # ``https://[host``: urllib refuses it, so it can't be a backend URL
        raise VercelConfigError(
            "APP_URL is not a valid URL (its host part can't be parsed); nothing was written.",
            "Set the deployed backend's https URL: "
            f"{do('vars set', 'APP_URL', 'https://convoai-backend.onrender.com')}",
        ) from None
    if parts.scheme != "https" or not parts.hostname:
        raise VercelConfigError(
            "APP_URL must be an https:// URL for vercel.json's rewrites (got "
            f"{parts.scheme or 'no'}"
            "://); nothing was written.",
            "Vercel proxies to the deployed backend: use its https URL, e.g. "
            "https://convoai-backend.onrender.com",
        )
    if parts.query or parts.fragment:
        raise VercelConfigError(
            "APP_URL must not have a query or fragment; nothing was written.",
            "Use the bare backend URL, e.g. https://convoai-backend.onrender.com",
        )
    return url.rstrip("/")


def our_rewrites(backend: str) -> list[dict[str, str]]:
    return [
        {"source": "/api/:path*", "destination": f"{backend}/api/:path*"},
        {"source": "/widget.js", "destination": f"{backend}/api/widget.js"},
    ]


def render_vercel_json(backend: str) -> dict[str, Any]:
    """The plan's Phase 4.2 vercel.json for ``backend``."""
    return {
        "$schema": SCHEMA,
        "version": 2,
        "buildCommand": "npm run build",
        "outputDirectory": "dist/public",
        "installCommand": "npm install",
        "framework": "vite",
        "rewrites": [*our_rewrites(backend), dict(SPA_FALLBACK)],
        "headers": [{"source": "/widget.js", "headers": [dict(h) for h in WIDGET_HEADERS]}],
    }


def parse_existing(text: str, where: str) -> dict[str, Any]:
    """An existing vercel.json as a dict, or a clear error that says where it is broken."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        line, col = getattr(exc, "lineno", "?"), getattr(exc, "colno", "?")
        raise VercelConfigError(
            f"{where} is not valid JSON (line {line}, column {col}); it was left unchanged.",
            f"Fix it (or move it aside) and run {do('write', 'vercel')} again.",
        ) from None
    if not isinstance(data, dict):
        raise VercelConfigError(f"{where} is not a JSON object; it was left unchanged.")
    for key in ("rewrites", "headers"):
        if key in data and not (
            isinstance(data[key], list) and all(isinstance(x, dict) for x in data[key])
        ):
            raise VercelConfigError(
                f"{where}: {key!r} must be a list of objects; it was left unchanged."
            )
    if "routes" in data:
        raise VercelConfigError(
            f"{where} uses the legacy 'routes', which Vercel refuses next to rewrites and headers; "
            "it was left unchanged.",
            "Move those routes to 'rewrites'/'headers' (Vercel docs: vercel.json), then run again.",
        )
    return data


def _is_spa_fallback(rule: Mapping[str, Any]) -> bool:
    return rule.get("source") in SPA_SOURCES and rule.get("destination") == "/index.html"


def merge(existing: dict[str, Any], ours: dict[str, Any]) -> dict[str, Any]:
    """``existing`` with our keys set in place, ours rewrites first, user rules kept, SPA last."""
    merged = dict(existing)
    for key, value in ours.items():
        if key not in ("rewrites", "headers"):
            merged[key] = value
    by_source = {r["source"]: r for r in ours["rewrites"] if not _is_spa_fallback(r)}
    kept: list[dict[str, Any]] = []
    for rule in existing.get("rewrites", []):
        if _is_spa_fallback(rule):
            continue
        source = rule.get("source")
        ours_here = isinstance(source, str) and source in by_source
        kept.append({**rule, **by_source.pop(str(source))} if ours_here else rule)
    missing = [r for r in ours["rewrites"] if r["source"] in by_source]
    merged["rewrites"] = [*missing, *kept, dict(SPA_FALLBACK)]
    merged["headers"] = _merge_headers(existing.get("headers", []), ours["headers"])
    return merged


def _merge_headers(existing: list[dict[str, Any]], ours: list[dict[str, Any]]) -> list[Any]:
    out = [dict(h) for h in existing]
    for entry in ours:
        target = next((h for h in out if h.get("source") == entry["source"]), None)
        if target is None:
            out.append(entry)
            continue
        current = [dict(h) for h in target.get("headers", []) if isinstance(h, dict)]
        for header in entry["headers"]:
            same = [h for h in current if str(h.get("key", "")).lower() == header["key"].lower()]
            if same:
                same[0].update(header)
            else:
                current.append(header)
        target["headers"] = current
    return out


def _indent(text: str | None) -> str:
    """The existing file's indent unit (kept, so a merge diff shows only real changes)."""
    found = re.search(r"^([ \t]+)\S", text or "", re.MULTILINE)
    return found.group(1) if found else "  "


def render_text(existing_text: str | None, backend: str, where: str = "vercel.json") -> str:
    """The file's new text: ours alone, or merged into the existing file."""
    ours = render_vercel_json(backend)
    data = ours if existing_text is None else merge(parse_existing(existing_text, where), ours)
    return json.dumps(data, indent=_indent(existing_text), ensure_ascii=False) + "\n"
