"""Anthropic: the key lists models (``GET {ANTHROPIC_BASE_URL}/v1/models``, base without ``/v1``)."""

from __future__ import annotations

from providers.base import CheckContext, CheckError, CheckResult, Results, Stopwatch
from providers.http import base_url, get_json

VARIABLES = ("ANTHROPIC_API_KEY",)
AUTH_HINT = "Create a key in the Anthropic Console > Settings > API keys"


async def check_anthropic(ctx: CheckContext) -> list[CheckResult]:
    out, watch = Results("anthropic", "render"), Stopwatch()
    try:
        base = base_url(ctx.env, "ANTHROPIC_BASE_URL", "https://api.anthropic.com")
        headers = {"x-api-key": ctx.value("ANTHROPIC_API_KEY"), "anthropic-version": "2023-06-01"}
        doc = await get_json(ctx, "Anthropic", f"{base}/v1/models", AUTH_HINT, headers)
        models = doc.get("data") if isinstance(doc, dict) else None
        if not isinstance(models, list):
            raise CheckError("Anthropic answered /v1/models without a model list; is ANTHROPIC_BASE_URL right?")  # fmt: skip
    except CheckError as exc:
        out.error("models", exc, VARIABLES, watch)
        return out.items
    out.add("models", "ok", f"key works ({len(models)} models visible)", VARIABLES, watch)
    return out.items
