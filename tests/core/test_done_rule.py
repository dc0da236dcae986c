"""The one done rule against real runs: checks tie their verdict to the values they checked."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.evidence import statuses
from tests.fixtures.redis_tls import RedisServer
from wizard.checks import finish_phase
from wizard.project import Project
from wizard.values import Answers


@pytest.fixture
def tls(redis_tls: RedisServer, ca_file: Path) -> dict[str, str]:
    return {"SSL_CERT_FILE": str(ca_file)}


def set_redis(project: Path, url: str) -> None:
    Answers(Project(project), use_environment=False).set("REDIS_URL", url)


def test_a_passing_check_goes_stale_when_its_value_changes(
    project: Path, redis_tls: RedisServer, tls: dict[str, str]
) -> None:
    set_redis(project, redis_tls.url())
    assert statuses(project)["upstash"].todo == ("run the upstash check",)
    assert run_cli("check", "upstash", project=project, env=tls).returncode == 0
    assert statuses(project)["upstash"].status == "done"

    set_redis(project, redis_tls.url(password="FAKEwrongPassw0rd"))
    upstash = statuses(project)["upstash"]
    # the old "ok" was for another value: not done, and it says what changed
    assert upstash.status == "stale" and upstash.changed == ("REDIS_URL",)
    assert upstash.todo == ("run the upstash check again: its values changed since it ran",)
    run = json.loads((project / ".convoai-setup" / "state.json").read_text())["check_runs"]
    assert run["upstash"]["outcome"] == "ok"  # the evidence is kept, just not trusted


def test_done_reruns_stale_checks_instead_of_reading_old_ones(
    project: Path, redis_tls: RedisServer, tls: dict[str, str]
) -> None:
    set_redis(project, redis_tls.url())
    assert run_cli("check", "upstash", project=project, env=tls).returncode == 0
    set_redis(project, redis_tls.url(password="FAKEwrongPassw0rd"))
    answers = Answers(Project(project), use_environment=False)
    seen: list[str] = []
    status = asyncio.run(
        finish_phase(answers, "upstash", env=tls, on_result=lambda r: seen.append(r.outcome))
    )
    assert "fail" in seen  # it ran again, on the new (wrong) password
    assert status.status == "failed" and status.failed

    set_redis(project, redis_tls.url())
    status = asyncio.run(finish_phase(answers, "upstash", env=tls))
    assert status.status == "done" and statuses(project)["upstash"].status == "done"


def test_a_phase_without_checks_is_done_by_its_current_file(project: Path) -> None:
    assert run_cli("write", "env-example", project=project).returncode == 0
    assert statuses(project)["env-example"].status == "done"
    (project / ".env.example").write_text("# edited\n")
    env_example = statuses(project)["env-example"]
    assert env_example.status == "stale"
    assert env_example.todo == (
        ".env.example changed on disk since it was written; write it again",
    )


def test_the_api_domain_moves_app_url_and_makes_vercel_stale(project: Path) -> None:
    from checklists.errors import ValidationError
    from tests.evidence import prove
    from wizard.actions import set_api_domain

    answers = Answers(Project(project), use_environment=False)
    answers.set("APP_URL", "https://convoai-backend.onrender.com")
    prove(project, "vercel")
    assert statuses(project)["vercel"].status == "done"
    with pytest.raises(ValidationError):
        set_api_domain(answers, "not a domain")
    done = set_api_domain(answers, "https://API.example.com/")
    assert done.url == "https://api.example.com" and done.stale == ["vercel"]
    assert answers.resolve("APP_URL").value == answers.resolve("VITE_API_URL").value == done.url
    assert answers.resolve("CUSTOM_DOMAIN").value is None  # the site's domain: `domain set`
