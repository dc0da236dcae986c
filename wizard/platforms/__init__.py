"""The platforms the wizard talks to through their management APIs: one registry row each.

A row says what a platform is (its label, the token variables it needs, the id the state
remembers for it, the phase whose screen hosts it), what it can do (capabilities) and where its
adapter lives. Adapters (``wizard/platforms/<id>.py``) are imported only when a session first
needs one, so listing platforms (``--help``, ``status``, the TUI's tabs) imports no HTTP code.
Each adapter uses its vendor's one client in ``providers/<client>.py``.

Adding a destination is one row here, one adapter, and one client (README, "How it is built").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from checklists.advice import do
from checklists.errors import UsageError

Values = Mapping[str, str | None]

#: push: receives the catalog variables whose destination is its id, read back after writing
#: deploy: builds and follows a deploy; create: creates its service/project when missing
#: domains: adds a custom domain and says when it is verified
#: webhook: keeps an endpoint pointed at APP_URL; files: reads back the generated files
CAPABILITIES = ("push", "deploy", "create", "domains", "webhook", "files")


@dataclass(frozen=True)
class Platform:
    id: str
    label: str
    #: variables that must all be set to talk to it
    tokens: tuple[str, ...]
    #: phase whose screen hosts it (and whose status shows its drift)
    phase: str
    #: ``module:Class`` of its adapter, imported on first use
    adapter: str
    #: ``providers`` module of its one API client
    client: str
    capabilities: frozenset[str]
    #: the state's key for the id of its service/project ("" when it remembers none)
    ref_key: str = ""
    #: what its resource is called ("service", "project")
    noun: str = ""

    def can(self, capability: str) -> bool:
        return capability in self.capabilities


PLATFORMS: tuple[Platform, ...] = (
    Platform(
        "render",
        "Render",
        ("RENDER_API_KEY",),
        "render",
        "wizard.platforms.render:RenderAdapter",
        "providers.render",
        frozenset({"push", "deploy", "create", "domains"}),
        "service_id",
        "service",
    ),
    Platform(
        "vercel",
        "Vercel",
        ("VERCEL_TOKEN",),
        "vercel",
        "wizard.platforms.vercel:VercelAdapter",
        "providers.vercel",
        frozenset({"push", "deploy", "create", "domains"}),
        "project_id",
        "project",
    ),
    Platform(
        "stripe",
        "Stripe",
        ("STRIPE_SECRET_KEY",),
        "post-deploy",
        "wizard.platforms.stripe:StripeAdapter",
        "providers.stripe",
        frozenset({"webhook"}),
    ),
    Platform(
        "github",
        "GitHub",
        ("GITHUB_TOKEN", "GITHUB_REPOSITORY"),
        "github-actions",
        "wizard.platforms.github:GitHubAdapter",
        "providers.github",
        frozenset({"files"}),
    ),
)
BY_ID = {p.id: p for p in PLATFORMS}


def row(platform_id: str) -> Platform:
    return BY_ID[platform_id]


def with_capability(capability: str) -> tuple[Platform, ...]:
    return tuple(p for p in PLATFORMS if p.can(capability))


def missing_tokens(platform: Platform, values: Values) -> list[str]:
    return [t for t in platform.tokens if not values.get(t)]


def choose(values: Values, named: Sequence[str], capability: str = "push") -> list[str]:
    """The platforms named (each needs its tokens), or every one with ``capability`` whose
    tokens are set."""
    able = [p.id for p in with_capability(capability)]
    if not able:
        raise UsageError(f"No platform can {capability} yet.")
    unknown = [n for n in named if n not in able]
    if unknown:
        raise UsageError(f"{unknown[0]!r} is not a platform.", f"Choose from: {', '.join(able)}.")
    if named:
        missing = [t for n in named for t in missing_tokens(row(n), values)]
        if missing:
            raise UsageError(
                f"{', '.join(missing)} is not set.",
                f"Set it first: {do('vars set', missing[0])}",
            )
        return [p for p in able if p in named]
    chosen = [p for p in able if not missing_tokens(row(p), values)]
    if not chosen:
        first, *others = (row(p).tokens[0] for p in able)
        either = f"Neither {first} nor {others[0]}" if len(others) == 1 else f"No token ({first})"
        alternatives = f" (or {', '.join(others)})" if others else ""
        raise UsageError(
            f"{either} is set, so there is no platform to talk to.",
            f"Set one: {do('vars set', first)}{alternatives}",
        )
    return chosen
