"""One error base at the bottom of the import graph; one ``describe`` for both front ends."""

from __future__ import annotations

from providers.base import ProviderError
from providers.errors import SetupError, describe
from providers.postgres import PostgresError
from tests.core.test_boundaries import loaded_after
from wizard.errors import StateError, UsageError, ValidationError, WizardError
from wizard.outputs import OutputConflict


def test_every_error_derives_from_the_one_base() -> None:
    for cls in (WizardError, UsageError, StateError, OutputConflict, ProviderError, PostgresError):
        assert issubclass(cls, SetupError)
    assert UsageError("x").exit_code == 2 and ValidationError("x").exit_code == 1
    assert ProviderError("x").exit_code == 1


def test_describe_reads_the_line_and_hides_unexpected_text() -> None:
    assert describe(UsageError("Bad flag.", "Use --help.")) == "Bad flag. Use --help."
    assert describe(ProviderError("Stripe said no (401).")) == "Stripe said no (401)."
    leaky = RuntimeError("postgres://user:FAKEpw@host/db refused")
    line = describe(leaky)
    assert "RuntimeError" in line and "FAKEpw" not in line


def test_the_base_imports_nothing_of_the_wizard() -> None:
    loaded = loaded_after("import providers.errors")
    assert not {m for m in loaded if m == "wizard" or m.startswith(("wizard.", "screens"))}
