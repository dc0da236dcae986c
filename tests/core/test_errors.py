"""One error hierarchy, in one module at the bottom of the import graph; one ``describe``."""

from __future__ import annotations

import importlib
import pkgutil

from checklists.errors import (
    OutputConflict,
    PostgresError,
    ProviderError,
    SetupError,
    StateError,
    UsageError,
    ValidationError,
    WizardError,
    describe,
)
from tests.core.test_boundaries import loaded_after


def _subclasses(cls: type) -> set[type]:
    found = set(cls.__subclasses__())
    for sub in list(found):
        found |= _subclasses(sub)
    return found


def test_every_error_derives_from_the_one_base() -> None:
    for cls in (WizardError, UsageError, StateError, OutputConflict, ProviderError, PostgresError):
        assert issubclass(cls, SetupError)
    assert UsageError("x").exit_code == 2 and ValidationError("x").exit_code == 1
    assert ProviderError("x").exit_code == 1


def test_every_error_class_is_defined_in_the_one_module() -> None:
    for package in ("checklists", "providers", "wizard"):
        for info in pkgutil.walk_packages(importlib.import_module(package).__path__, f"{package}."):
            if not info.name.endswith("__main__"):
                importlib.import_module(info.name)
    elsewhere = sorted(
        f"{c.__module__}.{c.__qualname__}"
        for c in _subclasses(SetupError)
        if c.__module__ != "checklists.errors" and not c.__module__.startswith("tests")
    )
    assert elsewhere == []


def test_describe_reads_the_line_and_hides_unexpected_text() -> None:
    assert describe(UsageError("Bad flag.", "Use --help.")) == "Bad flag. Use --help."
    assert describe(ProviderError("Stripe said no (401).")) == "Stripe said no (401)."
    leaky = RuntimeError("postgres://user:FAKEpw@host/db refused")
    line = describe(leaky)
    assert "RuntimeError" in line and "FAKEpw" not in line


def test_the_base_imports_nothing_of_the_product() -> None:
    loaded = loaded_after("import checklists.errors")
    product = ("wizard", "screens", "providers")
    assert not {m for m in loaded if m in product or m.startswith(tuple(p + "." for p in product))}
    assert {m for m in loaded if m.startswith("checklists")} == {"checklists", "checklists.errors"}
