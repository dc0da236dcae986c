"""Anthropic: the key lists models (``GET {ANTHROPIC_BASE_URL}/v1/models``, base without ``/v1``).

The list is paged (``has_more``, ``last_id`` -> ``after_id``): the count is reported only when
every page was read, so "3 models visible" is never a first page mistaken for the whole.
"""

from __future__ import annotations

from checklists.errors import ProviderError
from providers.base import CheckContext, CheckResult, Results, Stopwatch
from providers.http import base_url, get_json

VARIABLES = ("ANTHROPIC_API_KEY",)
AUTH_HINT = "Create a key in the Anthropic Console > Settings > API keys"
#: pages read at most (1000 models each): the check proves the key, it is not an inventory
MAX_PAGES = 10
PAGE_LIMIT = 1000


async def check_anthropic(ctx: CheckContext) -> list[CheckResult]:
    out, watch = Results("anthropic", "render"), Stopwatch()
    headers = {"x-api-key": ctx.value("ANTHROPIC_API_KEY"), "anthropic-version": "2023-06-01"}
    count, complete = 0, False
    try:
        url = base_url(ctx.env, "ANTHROPIC_BASE_URL", "https://api.anthropic.com") + "/v1/models"
        params: dict[str, str | int] = {"limit": PAGE_LIMIT}
        for _ in range(MAX_PAGES):
            doc = await get_json(ctx, "Anthropic", url, AUTH_HINT, headers, params)
            models = doc.get("data") if isinstance(doc, dict) else None
            if not isinstance(models, list):
                raise ProviderError(
                    "Anthropic answered /v1/models without a model list; is "
                    "ANTHROPIC_BASE_URL right?"
                )
            count += len(models)
            last = doc.get("last_id")
            if doc.get("has_more") is not True:
                complete = True
                break
            if not isinstance(last, str) or not last:
                break  # more pages, but no cursor to ask for them: don't count what we saw
            params = {"limit": PAGE_LIMIT, "after_id": last}
    except ProviderError as exc:
        out.error("models", exc, VARIABLES, watch)
        return out.items
    seen = f"{count} models visible" if complete else "it lists models"
    out.add("models", "ok", f"key works ({seen})", VARIABLES, watch)
    return out.items
