"""What the Supabase Management API's answers mean: a project ref that is safe to use, the
permissions a scoped token lacks, the service key among the API keys, and the session pooler's
connection string with the database password in it (PROVISION-CONTRACTS §1)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import httpx

from checklists.advice import do
from checklists.errors import ProviderError

#: what the pooler's connection strings hold where the database password goes
PLACEHOLDERS = ("[YOUR-PASSWORD]", "%5BYOUR-PASSWORD%5D")
#: scoped-token permissions the API names in ``missing_permissions`` -> the dashboard's words
PERMISSIONS = {"api_gateway_keys_secret_read": "API Key Secrets (Read)"}
TOKEN_HINT = (
    "Create a token that has it at Supabase Dashboard > Account > Access Tokens (a classic "
    f"token has every permission), then: {do('vars set', 'SUPABASE_ACCESS_TOKEN')}"
)
_REF = re.compile(r"^[a-z0-9]{1,63}$")


def valid_ref(ref: object) -> str | None:
    """A project ref safe in a host name and a path (the API documents 20 lowercase letters)."""
    return ref if isinstance(ref, str) and _REF.match(ref) else None


def missing_permissions(response: httpx.Response) -> list[str]:
    """What a scoped token lacks, from a 403's ``missing_permissions`` (its shape is not
    documented: a list of names or of objects, or one name)."""
    try:
        body = response.json()
    except ValueError:
        return []
    raw = body.get("missing_permissions") if isinstance(body, dict) else None
    items = raw if isinstance(raw, list) else [raw] if isinstance(raw, str) else []
    out: list[str] = []
    for item in items:
        if isinstance(item, dict):
            item = item.get("name") or item.get("permission")
        if isinstance(item, str) and item:
            out.append(PERMISSIONS.get(item, item))
    return out


def connection_text(entry: dict[str, Any]) -> str:
    text = entry.get("connection_string") or entry.get("connectionString")
    return text if isinstance(text, str) else ""


def session_pooler_url(entries: list[dict[str, Any]], password: str) -> str:
    """The session pooler's connection string with ``password`` in it (URL-quoted).

    As the Supabase CLI does for migrations: the PRIMARY entry in session mode on port 5432,
    else the PRIMARY transaction entry moved from port 6543 to 5432 (the same pooler serves
    sessions there; migrations need a session, and the direct host is IPv6-only).
    """
    primary = [
        e for e in entries if e.get("database_type", "PRIMARY") == "PRIMARY" and connection_text(e)
    ]
    session = [
        e
        for e in primary
        if e.get("pool_mode") == "session" and _port(connection_text(e)) in (5432, None)
    ]
    transaction = [e for e in primary if e.get("pool_mode") == "transaction"]
    if session:
        url = connection_text(session[0])
    elif transaction:
        url = connection_text(transaction[0])
        if _port(url) == 6543:
            url = url.replace(":6543/", ":5432/", 1)
    else:
        raise ProviderError(
            "Supabase's pooler configuration lists no primary connection string in session or "
            "transaction mode, so SUPABASE_DB_URL cannot be built.",
            "Copy it from the dashboard (Connect > Session pooler), then: "
            f"{do('vars set', 'SUPABASE_DB_URL')}",
        )
    return with_password(url, password)


def _port(url: str) -> int | None:
    for placeholder in PLACEHOLDERS:  # "[…]" reads as an IPv6 address to urlsplit
        url = url.replace(placeholder, "password")
    try:
        return urlsplit(url).port
    except ValueError:
        return None


def with_password(url: str, password: str) -> str:
    """``url`` with ``password`` (URL-quoted) in place of the placeholder, or after the user."""
    quoted = quote(password, safe="")
    for placeholder in PLACEHOLDERS:
        if placeholder in url:
            return url.replace(placeholder, quoted, 1)
    parts = urlsplit(url)
    userinfo, at, host = parts.netloc.rpartition("@")
    if not at or not userinfo:
        raise ProviderError(
            "Supabase's pooler connection string names no database user, so SUPABASE_DB_URL "
            "cannot be built.",
            "Copy it from the dashboard (Connect > Session pooler), then: "
            f"{do('vars set', 'SUPABASE_DB_URL')}",
        )
    user = userinfo.split(":", 1)[0]
    return urlunsplit(parts._replace(netloc=f"{user}:{quoted}@{host}"))


def service_key(keys: list[dict[str, Any]], legacy: bool) -> tuple[str, str]:
    """(the service key, which one it is) from ``GET …/api-keys?reveal=true``.

    While legacy keys are enabled, the ``service_role`` JWT (the plan and the app were written
    for it); else the ``sb_secret_…`` key whose JWT template's role is ``service_role`` (as the
    Supabase CLI picks it).
    """
    if legacy:
        found = [k for k in keys if k.get("name") == "service_role" and k.get("type") != "secret"]
        which = "the legacy service_role JWT (legacy API keys are enabled)"
    else:
        found = [
            k
            for k in keys
            if k.get("type") == "secret"
            and isinstance(k.get("secret_jwt_template"), dict)
            and k["secret_jwt_template"].get("role") == "service_role"
        ]
        name = found[0].get("name") if found else ""
        which = f"the secret key {name} (sb_secret_…; legacy API keys are disabled)"
    if not found:
        raise ProviderError(
            "Supabase lists no service_role key for the project "
            + (
                "(legacy API keys are enabled, but there is no service_role key)."
                if legacy
                else "(legacy API keys are disabled and no sb_secret_ key has the service_role "
                "role)."
            ),
            "Create a secret key at Dashboard > Project Settings > API Keys, then run provision "
            f"again (or paste it: {do('vars set', 'SUPABASE_SERVICE_KEY')})",
        )
    value = found[0].get("api_key")
    if not isinstance(value, str) or not value:
        raise ProviderError(
            "Supabase did not reveal the service key (api_key is null although reveal=true was "
            "asked): the access token may lack the permission API Key Secrets (Read).",
            TOKEN_HINT,
        )
    return value, which
