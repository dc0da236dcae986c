"""Sentry: the DSN's shape, and on request a real test event (an envelope, API-CONTRACTS §6)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from urllib.parse import urlsplit

from checklists.errors import ProviderError
from providers.base import CheckContext, CheckResult, Results, Stopwatch
from providers.http import require_tls, send, status_message

VARIABLES = ("SENTRY_DSN",)
CLIENT = "convoai-setup/0.1"


def envelope_target(dsn: str) -> tuple[str, str]:
    """(envelope URL, public key) of a DSN; ``ProviderError`` when it has not the documented shape."""
    try:
        parts = urlsplit(dsn)
        host, port = parts.hostname, parts.port
    except ValueError:
        raise ProviderError(
            "SENTRY_DSN is not a URL; copy it from Sentry > Settings > Client Keys"
        ) from None
    path, _, project = parts.path.rstrip("/").rpartition("/")
    if not parts.username or not host or not project.isdigit():
        raise ProviderError(
            "SENTRY_DSN should look like https://PUBLIC_KEY@HOST/PROJECT_ID; copy it from "
            "Sentry > Settings > Client Keys"
        )
    netloc = f"[{host}]" if ":" in host else host
    netloc += f":{port}" if port else ""
    return f"{parts.scheme}://{netloc}{path}/api/{project}/envelope/", parts.username


def envelope(dsn: str) -> bytes:
    event = json.dumps({"message": "hello world", "level": "error"}).encode()
    header = {
        "event_id": uuid.uuid4().hex,
        "dsn": dsn,
        "sent_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
    }
    item = {"type": "event", "length": len(event)}
    return b"\n".join([json.dumps(header).encode(), json.dumps(item).encode(), event])


async def check_sentry(ctx: CheckContext) -> list[CheckResult]:
    out, watch = Results("sentry", "post-deploy"), Stopwatch()
    dsn = ctx.value("SENTRY_DSN")
    try:
        url, public_key = envelope_target(dsn)
        require_tls(url, "SENTRY_DSN")
        if not ctx.send_test_event:
            out.add(
                "test event",
                "skip",
                "DSN looks right; add --send-test-event to post a real test event",
                VARIABLES,
                watch,
            )
            return out.items
        headers = {
            "X-Sentry-Auth": (
                f"Sentry sentry_version=7, sentry_client={CLIENT}, sentry_key={public_key}"
            ),
            "Content-Type": "application/x-sentry-envelope",
        }
        response = await send(
            ctx, "Sentry", "POST", url, entered="SENTRY_DSN", headers=headers, content=envelope(dsn)
        )
        if response.status_code in (400, 403):
            raise ProviderError(
                f"Sentry refused the test event ({response.status_code}): the DSN's key is "
                "wrong or revoked. Copy the DSN again from Settings > Client Keys"
            )
        if not response.is_success:
            raise ProviderError(
                status_message(response, "Sentry", "Copy the DSN again from Settings > Client Keys")
            )
    except ProviderError as exc:
        out.error("test event", exc, VARIABLES, watch)
        return out.items
    out.add(
        "test event",
        "ok",
        "test event accepted: look for 'hello world' in Sentry > Issues",
        VARIABLES,
        watch,
    )
    return out.items
