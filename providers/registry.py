"""Which live checks exist: registry id -> phase, check function, and the variables it needs.

Check functions are named as ``module:function`` and imported only when a run needs them, so
listing the registry (``--help``, the TUI's check screen) costs no imports of httpx or redis.
"""

from __future__ import annotations

from checklists.frozen import Frozen

#: ``typing.TYPE_CHECKING`` without importing ``typing`` (mypy treats the name the same way):
#: ``status`` reads the registry, and needs neither ``providers.base`` nor ``dataclasses``
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable
    from typing import Final, TypeAlias

    from providers.base import CheckContext, CheckResult

    CheckFn: TypeAlias = Callable[[CheckContext], Awaitable[list[CheckResult]]]


class Provider(Frozen):
    """One live check: where its results go, its function, and the values it reads."""

    __match_args__ = ("id", "service", "phase", "target", "requires", "reads", "optional")
    __slots__ = __match_args__
    #: registry id; also what ``select_services`` returns
    id: Final[str]
    #: service id of its results
    service: Final[str]
    phase: Final[str]
    #: ``module:function`` of the async check
    target: Final[str]
    #: all must be set for the live check to run (else one ``skip`` result says which)
    requires: Final[tuple[str, ...]]
    #: everything it reads (a format failure in any of ``requires`` skips the live check)
    reads: Final[tuple[str, ...]]
    #: True when ``requires`` are optional values: missing means "not used", not "not set yet"
    optional: Final[bool]

    def __init__(
        self,
        id: str,
        service: str,
        phase: str,
        target: str,
        requires: tuple[str, ...],
        reads: tuple[str, ...] = (),
        optional: bool = False,
    ) -> None:
        self.id = id
        self.service = service
        self.phase = phase
        self.target = target
        self.requires = requires
        self.reads = reads
        self.optional = optional

    def load(self) -> CheckFn:
        import importlib

        module, _, name = self.target.partition(":")
        fn: CheckFn = getattr(importlib.import_module(module), name)
        return fn


STRIPE_PRICES = ("STRIPE_STARTER_PRICE_ID", "STRIPE_GROWTH_PRICE_ID", "STRIPE_BUSINESS_PRICE_ID")

PROVIDERS: tuple[Provider, ...] = (
    Provider(
        "supabase",
        "supabase",
        "supabase",
        "providers.supabase:check_supabase",
        ("SUPABASE_URL", "SUPABASE_SERVICE_KEY"),
    ),
    Provider(
        "postgres",
        "postgres",
        "supabase",
        "providers.postgres:check_postgres",
        ("SUPABASE_DB_URL",),
    ),
    Provider("upstash", "upstash", "upstash", "providers.upstash:check_upstash", ("REDIS_URL",)),
    Provider(
        "stripe",
        "stripe",
        "render",
        "providers.stripe:check_stripe",
        ("STRIPE_SECRET_KEY",),
        ("NODE_ENV", *STRIPE_PRICES),
    ),
    Provider("openai", "openai", "render", "providers.openai:check_openai", ("OPENAI_API_KEY",)),
    Provider(
        "anthropic",
        "anthropic",
        "render",
        "providers.anthropic:check_anthropic",
        ("ANTHROPIC_API_KEY",),
        optional=True,
    ),
    Provider(
        "render",
        "render",
        "render",
        "providers.render:check_render",
        (),
        ("RENDER_API_KEY", "RENDER_SERVICE_NAME", "RENDER_OWNER"),
    ),
    Provider(
        "vercel",
        "vercel",
        "vercel",
        "providers.vercel:check_vercel",
        (),
        ("VERCEL_TOKEN", "VERCEL_PROJECT", "VERCEL_TEAM"),
    ),
    Provider(
        "github",
        "github",
        "github-actions",
        "providers.github:check_github",
        (),
        ("GITHUB_TOKEN", "GITHUB_REPOSITORY"),
    ),
    Provider(
        "stripe-webhook",
        "stripe",
        "post-deploy",
        "providers.stripe:check_stripe_webhook",
        ("APP_URL", "STRIPE_SECRET_KEY"),
    ),
    Provider(
        "sentry",
        "sentry",
        "post-deploy",
        "providers.sentry:check_sentry",
        ("SENTRY_DSN",),
        optional=True,
    ),
    Provider("app", "app", "post-deploy", "providers.app:check_app", ("APP_URL",)),
)

BY_ID = {p.id: p for p in PROVIDERS}
