"""The Data API check tells missing grants (42501) from missing tables, through ``/rest/v1/``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from checklists.advice import render
from providers.base import CheckContext
from providers.http import make_client
from providers.supabase import SupabaseClient, check_supabase
from tests.conftest import EXAMPLE, FAKE_SECRETS
from tests.providers.conftest import run_provider
from tests.providers.fakes import install_supabase, json_response
from tests.provision.supabase_fake import FakeSupabase

KEY = FAKE_SECRETS["SUPABASE_SERVICE_KEY"]


def install_table(server: HTTPServer, granted: bool) -> list[str]:
    """``/rest/v1/<table>`` as PostgREST answers it for service_role: PostgreSQL's 42501 when
    the table exists without a grant, PGRST205 when there is no such table."""
    asked: list[str] = []

    def table(request: Request) -> Response:
        asked.append(request.path)
        name = request.path.rsplit("/", 1)[-1]
        if request.headers.get("apikey") != KEY:
            return json_response({"message": "Invalid API key"}, 401)
        if not granted:
            return json_response(
                {
                    "code": "42501",
                    "details": None,
                    "hint": None,
                    "message": f"permission denied for table {name}",
                },
                403,
            )
        return json_response(
            {
                "code": "PGRST205",
                "details": None,
                "hint": None,
                "message": f"Could not find the table 'public.{name}' in the schema cache",
            },
            404,
        )

    server.expect_request(re.compile(r"^/rest/v1/[a-z_]+$")).respond_with_handler(table)
    return asked


@pytest.mark.parametrize("granted", [False, True])
async def test_a_missing_grant_is_named_for_what_it_is(
    https_server: HTTPServer, ca_file: Path, granted: bool
) -> None:
    # What PostgREST lists for service_role on a project whose tables have no grants: nothing.
    install_supabase(https_server, KEY, paths=())
    asked = install_table(https_server, granted)
    values = {"SUPABASE_URL": https_server.url_for("").rstrip("/"), "SUPABASE_SERVICE_KEY": KEY}
    env = {"SSL_CERT_FILE": str(ca_file)}
    results = await run_provider(check_supabase, values, env, project_root=EXAMPLE)
    schema = results[1]
    assert schema.check == "schema" and schema.outcome == "warn"
    assert asked == ["/rest/v1/organizations"]  # one table probed
    if not granted:
        assert "42501 permission denied for table organizations" in schema.message
        assert "convoai-setup migrate --grants" in render(schema.message)  # as on a terminal
        assert "not applied" not in schema.message
    else:  # the table does not exist: the migrations have not run
        assert "migrations not applied yet" in schema.message
        assert "--grants" not in schema.message


async def test_a_used_up_window_is_waited_for_before_the_next_request(
    https_server: HTTPServer, ca_file: Path
) -> None:
    """An answer saying no request is left makes the next one wait for X-RateLimit-Reset
    instead of being refused with 429."""
    fake = FakeSupabase("sbp_FAKEsupabaseAccessToken0123456789abcdef")
    fake.install(https_server)
    env = {
        "SSL_CERT_FILE": str(ca_file),
        "CONVOAI_SETUP_SUPABASE_API": https_server.url_for("").rstrip("/"),
    }
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    async with make_client(env, 5.0) as client:
        api = SupabaseClient(CheckContext({}, client, 5.0, env), fake.token, sleep=sleep)
        await api.organizations()
        assert waits == []  # 119 left: no wait
        fake.window_left = 0
        await api.organizations()
        assert waits == []  # the answer said 0 left: the wait is for the next request
        await api.organizations()
    assert len(waits) == 1 and 59 < waits[0] <= 60  # the fake's X-RateLimit-Reset: 60
    assert len(fake.log) == 3
