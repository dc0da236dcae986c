"""Anthropic: the key lists models (``GET {ANTHROPIC_BASE_URL}/v1/models``, base without ``/v1``)."""

from __future__ import annotations

from providers.base import CheckContext, CheckResult
from providers.openai import check_model_list

VARIABLES = ("ANTHROPIC_API_KEY",)
AUTH_HINT = "Create a key in the Anthropic Console > Settings > API keys"


async def check_anthropic(ctx: CheckContext) -> list[CheckResult]:
    base = ("ANTHROPIC_BASE_URL", "https://api.anthropic.com")
    headers = {"x-api-key": ctx.value("ANTHROPIC_API_KEY"), "anthropic-version": "2023-06-01"}
    return await check_model_list(
        ctx, "Anthropic", base, "/v1/models", headers, AUTH_HINT, VARIABLES
    )
