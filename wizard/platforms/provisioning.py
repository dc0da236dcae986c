"""The neutral model of provisioning: find or create a vendor's resource from a token, wait for
it, read back the values the app needs, and hand them to the store.

An adapter with the ``provision`` capability implements ``Provisions``: ``provision_plan``
sends no write and says, per resource, ``found`` (with its id), ``create`` (with the settings,
masked) or ``blocked`` (why, and which variable to set); ``provision`` carries a plan out and
returns the values to store (as read back from the vendor's answers, never guessed). Secrets a
vendor will never show again (a database password the wizard generates) are handed to
``store`` *before* the call that uses them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

Values = Mapping[str, str | None]


class Store(Protocol):
    """Store ``values`` now (name -> value), source "created by API", and merge ``remember``
    (names and ids only, never a value) into the state's ``provisioned.<vendor>`` record, which
    the next ``provision_plan`` reads; raises if it cannot."""

    def __call__(
        self, values: Mapping[str, str], remember: Mapping[str, str] | None = None
    ) -> Awaitable[None]: ...


#: a progress line for people ("Supabase project convoai: COMING_UP (42s)")
Progress = Callable[[str], None]
Action = Literal["found", "create", "blocked"]


@dataclass
class ResourcePlan:
    """What provisioning would do for one resource (values masked: safe to print)."""

    vendor: str
    #: "project convoai", "database convoai", "price convoai_growth_monthly"
    resource: str
    action: Action
    #: the vendor's id when found ("" otherwise)
    ref: str = ""
    #: creation settings or what was found, for the plan (no secret, or masked)
    settings: dict[str, Any] = field(default_factory=dict)
    #: why it is blocked: one line with what to set or do
    why: str = ""
    #: the catalog variables this resource will store
    stores: tuple[str, ...] = ()
    #: what the plan should also say (a live/test mode, a differing price)
    notes: list[str] = field(default_factory=list)
    #: what creating it also changes of what exists (a lookup key moved off an old price): said
    #: again when asking for confirmation
    replaces: str = ""
    #: usage (2) or failure (1) when blocked
    exit_code: int = 2
    #: adapter-private data carried from plan to provision (never printed)
    carry: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def writes(self) -> bool:
        return self.action == "create"


@dataclass
class ProvisionResult:
    vendor: str
    resource: str
    ok: bool
    #: variables stored from this resource (names only)
    stored: list[str] = field(default_factory=list)
    #: one line each: what was done
    lines: list[str] = field(default_factory=list)
    #: what is left to do when not ok (one line, with the command)
    left: str = ""


class Provisions(Protocol):
    """The provision capability (see the module docstring)."""

    async def provision_plan(self, values: Values, state: Mapping[str, Any]) -> list[ResourcePlan]:
        """Find each resource (paged, by exact name); sends no write."""

    async def provision(
        self, plan: ResourcePlan, progress: Progress, store: Store
    ) -> ProvisionResult:
        """Create (unless found), wait until ready, read back and ``store`` the values."""
