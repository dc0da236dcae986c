"""OpenAI: the key lists models (``GET {OPENAI_BASE_URL}/models``; the base includes ``/v1``)."""

from __future__ import annotations

from collections.abc import Mapping

from checklists.errors import ProviderError
from providers.base import CheckContext, CheckResult, Results, Stopwatch
from providers.http import base_url, get_json

VARIABLES = ("OPENAI_API_KEY",)
AUTH_HINT = "Create a new secret key at platform.openai.com > API keys"


async def check_model_list(
    ctx: CheckContext,
    vendor: str,
    base: tuple[str, str],
    path: str,
    headers: Mapping[str, str],
    hint: str,
    variables: tuple[str, ...],
) -> list[CheckResult]:
    """A key works when ``GET <base><path>`` lists models (OpenAI and Anthropic share this).

    ``base`` is (the env variable that overrides it, the vendor's documented base URL).
    """
    out, watch = Results(vendor.lower(), "render"), Stopwatch()
    try:
        url = base_url(ctx.env, *base) + path
        doc = await get_json(ctx, vendor, url, hint, dict(headers))
        models = doc.get("data") if isinstance(doc, dict) else None
        if not isinstance(models, list):
            raise ProviderError(
                f"{vendor} answered {path} without a model list; is {base[0]} right?"
            )
    except ProviderError as exc:
        out.error("models", exc, variables, watch)
        return out.items
    out.add("models", "ok", f"key works ({len(models)} models visible)", variables, watch)
    return out.items


async def check_openai(ctx: CheckContext) -> list[CheckResult]:
    base = ("OPENAI_BASE_URL", "https://api.openai.com/v1")
    headers = {"Authorization": f"Bearer {ctx.value('OPENAI_API_KEY')}"}
    return await check_model_list(ctx, "OpenAI", base, "/models", headers, AUTH_HINT, VARIABLES)
