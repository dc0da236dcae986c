"""What "Create it for me" says, the same in the TUI and ``--plain``: which phase offers each
vendor's provisioning, what it fills, the masked plan as lines, the question before anything is
created, and the follow-ups a plan may offer (new Stripe prices, a new database password).

No Textual here: the plain flow imports it too.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from checklists.advice import do

if TYPE_CHECKING:
    from wizard.platforms.provisioning import ResourcePlan

#: the catalog variables each vendor's provisioning stores (its adapter's ``stores``)
FILLS: dict[str, tuple[str, ...]] = {
    "supabase": ("SUPABASE_URL", "SUPABASE_SERVICE_KEY", "SUPABASE_DB_URL"),
    "upstash": ("REDIS_URL",),
    "stripe": ("STRIPE_STARTER_PRICE_ID", "STRIPE_GROWTH_PRICE_ID", "STRIPE_BUSINESS_PRICE_ID"),
    "sentry": ("SENTRY_DSN",),
}
#: what each finds or creates, for people
WHAT = {
    "supabase": "the Supabase project",
    "upstash": "the Upstash Redis database",
    "stripe": "the three monthly Stripe prices (at the STRIPE_*_AMOUNT answers)",
    "sentry": "the Sentry project",
}
#: advice a plan gives when only an option would go on (see ``follow_ups``)
REPLACE_PRICES = do("provision", "stripe", "--replace-prices")
RESET_PASSWORD = do("provision", "supabase", "--reset-db-password")
#: the option each follow-up turns on, and what it changes (asked before it is passed)
OPTIONS = {
    "replace_prices": "Create new Stripe prices that take the lookup keys? The old prices stay "
    "as they are for existing subscriptions.",
    "reset_db_password": "Reset the Supabase project's database password? Whatever uses the old "
    "one stops working.",
}


def host_phase(vendor: str) -> str:
    """The phase whose screen asks for the vendor's token (and so offers to create it): Stripe's
    key is asked on Render, Sentry's token on Post-deploy."""
    from checklists.catalog import catalog
    from wizard.platforms import row

    return catalog()[row(vendor).tokens[0]].phase


def vendors_of(phase_id: str) -> list[str]:
    """The vendors whose "Create it for me" the phase offers, in the registry's order."""
    from wizard.platforms import with_capability

    return [p.id for p in with_capability("provision") if host_phase(p.id) == phase_id]


def anchor(vendor: str, names: Sequence[str]) -> str:
    """The field of ``names`` the vendor's action goes before: the first one it fills on this
    screen, else its first token."""
    from wizard.platforms import row

    return next((n for n in names if n in FILLS[vendor]), row(vendor).tokens[0])


def anchors(phase_id: str, names: Sequence[str]) -> dict[str, str]:
    """field name -> the vendor whose action goes just before that field on the phase's screen."""
    return {anchor(vendor, names): vendor for vendor in vendors_of(phase_id)}


def intro(vendor: str) -> str:
    """What "Create it for me" does, said after its name."""
    from checklists.catalog import catalog
    from wizard.platforms import row

    tokens = " and ".join(row(vendor).tokens)
    fills = FILLS[vendor]
    where = {catalog()[n].phase for n in fills} - {host_phase(vendor)}
    shown = ", ".join(fills[:-1]) + f" and {fills[-1]}" if len(fills) > 1 else fills[0]
    if where:
        from wizard.phases import get_phase

        shown += f" ({', '.join(get_phase(p).title for p in sorted(where))})"
    return f"finds or creates {WHAT[vendor]} with {tokens} and fills {shown} (you confirm first)."


def plan_lines(plan: ResourcePlan) -> list[str]:
    """The masked plan of one resource, as ``provision`` prints it (why a resource is blocked is
    said by the operation, once)."""
    from wizard.platforms import row

    head = f"{row(plan.vendor).label} {plan.resource}: {plan.action}"
    if plan.ref:
        head += f" ({plan.ref})"
    lines = [head]
    if plan.settings:
        lines.append("  " + ", ".join(f"{k} {v}" for k, v in plan.settings.items()))
    lines += [f"  {note}" for note in plan.notes]
    return lines


def create_question(plans: Sequence[ResourcePlan]) -> str:
    """``Create Supabase project convoai?``"""
    from wizard.platforms import row

    return f"Create {', '.join(f'{row(p.vendor).label} {p.resource}' for p in plans)}?"


def follow_ups(plans: Sequence[ResourcePlan]) -> list[str]:
    """The options (``OPTIONS`` keys) the plans say would let provisioning go on: a Stripe price
    that differs from its amount, a found Supabase project whose password is not known here."""
    text = " ".join(" ".join([p.why, *p.notes]) for p in plans)
    found = []
    if REPLACE_PRICES in text:
        found.append("replace_prices")
    if RESET_PASSWORD in text:
        found.append("reset_db_password")
    return found
