"""OpenAI: the key lists models (``GET {OPENAI_BASE_URL}/models``; the base includes ``/v1``)."""

from __future__ import annotations

from providers.base import CheckContext, CheckError, CheckResult, Results, Stopwatch
from providers.http import base_url, get_json

VARIABLES = ("OPENAI_API_KEY",)
AUTH_HINT = "Create a new secret key at platform.openai.com > API keys"


async def check_openai(ctx: CheckContext) -> list[CheckResult]:
    out, watch = Results("openai", "render"), Stopwatch()
    try:
        base = base_url(ctx.env, "OPENAI_BASE_URL", "https://api.openai.com/v1")
        headers = {"Authorization": f"Bearer {ctx.value('OPENAI_API_KEY')}"}
        doc = await get_json(ctx, "OpenAI", f"{base}/models", AUTH_HINT, headers)
        models = doc.get("data") if isinstance(doc, dict) else None
        if not isinstance(models, list):
            raise CheckError("OpenAI answered /models without a model list; is OPENAI_BASE_URL right?")  # fmt: skip
    except CheckError as exc:
        out.error("models", exc, VARIABLES, watch)
        return out.items
    out.add("models", "ok", f"key works ({len(models)} models visible)", VARIABLES, watch)
    return out.items
