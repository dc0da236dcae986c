"""The catalog is validated when it loads: a broken copy fails with a line that names the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from checklists.catalog import CATALOG_FILE, catalog, load_catalog, normalise_for, validate_format
from checklists.errors import CatalogError
from checklists.schema import CHECKS, GENERATORS
from tests.conftest import run_cli
from wizard.generate import GENERATORS as IMPLEMENTED
from wizard.project import Project
from wizard.values import Answers


def broken(tmp_path: Path, old: str, new: str) -> Path:
    text = CATALOG_FILE.read_text()
    assert old in text
    copy = tmp_path / "catalog.toml"
    copy.write_text(text.replace(old, new, 1))
    return copy


@pytest.mark.parametrize(
    ("old", "new", "said"),
    [
        ("required = true", "requried = true", "[vars.NODE_ENV] has an unknown key 'requried'"),
        (
            'destinations = ["render"]',
            'destinations = ["netlify"]',
            "unknown destination 'netlify'",
        ),
        (
            'checks = ["supabase"]',
            'checks = ["supabse"]',
            "[vars.SUPABASE_URL] names an unknown check 'supabse'",
        ),
        (
            'generator = "jwt-secret"',
            'generator = "jwt"',
            "[vars.JWT_SECRET] names an unknown generator 'jwt'",
        ),
        (
            'default_from = "APP_URL"',
            'default_from = "API_URL"',
            "[vars.VITE_API_URL] takes its default from 'API_URL'",
        ),
        ("required = true", 'required = "yes"', "has 'required' of the wrong type (expected bool)"),
        (
            'secret = false\ndescription = "Node',
            'description = "Node',
            "[vars.NODE_ENV] misses 'secret'",
        ),
        ("[vars.NODE_ENV]", "[checks.NODE_ENV]", "unknown table 'checks'"),
    ],
)
def test_a_broken_catalog_copy_is_refused(tmp_path: Path, old: str, new: str, said: str) -> None:
    with pytest.raises(CatalogError) as caught:
        load_catalog(broken(tmp_path, old, new))
    line = caught.value.line()
    assert said in line and str(tmp_path) in line and caught.value.exit_code == 2


def test_the_shipped_catalog_loads_and_its_generators_exist() -> None:
    assert load_catalog(CATALOG_FILE) == catalog()
    assert set(GENERATORS) == set(IMPLEMENTED)


def test_the_catalog_knows_exactly_the_registered_checks() -> None:
    from providers.registry import BY_ID

    assert set(CHECKS) == set(BY_ID)


def test_url_values_lose_a_trailing_slash() -> None:
    for name in ("APP_URL", "VITE_API_URL", "SUPABASE_URL"):
        assert normalise_for(name, "https://api.example.com/\n") == "https://api.example.com"
    # only where paths get appended: other values keep what was typed
    assert normalise_for("SENTRY_DSN", "https://k@o1.ingest.sentry.io/42/").endswith("/42/")


def test_supabase_url_with_a_path_is_refused_with_the_fix() -> None:
    problems = validate_format("SUPABASE_URL", "https://abcdefgh.supabase.co/rest/v1")
    assert problems == [
        "SUPABASE_URL must be the project URL alone, without /rest/v1; use "
        "https://abcdefgh.supabase.co"
    ]
    assert validate_format("SUPABASE_URL", "https://abcdefgh.supabase.co/") == []


def test_stored_urls_are_normalised_and_vite_api_url_follows_app_url(project: Path) -> None:
    done = run_cli("vars", "set", "APP_URL", "https://api.example.com/", project=project)
    assert done.returncode == 0, done.stderr
    answers = Answers(Project(project), use_environment=False)
    assert answers.resolve("APP_URL").value == "https://api.example.com"
    vite = answers.resolve("VITE_API_URL")
    assert (vite.value, vite.source) == ("https://api.example.com", "default (APP_URL)")
    refused = run_cli(
        "vars", "set", "SUPABASE_URL", "https://abcdefgh.supabase.co/rest/v1", project=project
    )
    assert refused.returncode == 1 and "use https://abcdefgh.supabase.co" in refused.stderr
    answers.set("VITE_API_URL", "https://edge.example.com/")  # set on its own: it wins
    assert answers.resolve("VITE_API_URL").value == "https://edge.example.com"
