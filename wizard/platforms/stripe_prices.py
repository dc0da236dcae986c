"""Stripe's provision capability: the three monthly plan prices, found by lookup key or created.

Each plan's price holds the lookup key ``convoai_<plan>_monthly``. The keys are looked up among
active prices and, separately, archived ones (Stripe lists only active prices unless asked). A
price holding a key is used only when its amount, currency and interval are the
``STRIPE_*_AMOUNT`` answer; one that differs, or an archived one still holding the key, is
reported and left alone (a price cannot be edited). ``--replace-prices`` (the ``replace_prices``
option, confirmed by the front end) then creates a new price that takes the key with
``transfer_lookup_key``, on the old price's product. A missing price is created with its product
in one request (``product_data``): no product is left behind when the price fails. The mode (test
or live) is the key's: Stripe keeps the two apart, and the plan says which.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from checklists.advice import do
from checklists.errors import EXIT_FAILED, ValidationError
from providers.stripe import StripeClient
from wizard.platforms.provisioning import Progress, ProvisionResult, ResourcePlan, Store, Values
from wizard.platforms.stripe_amounts import EXAMPLE, matches, parse_amount, price_text

#: (plan id, its name in the app)
PLANS = (("starter", "Starter"), ("growth", "Growth"), ("business", "Business"))
REPLACE = do("provision", "stripe", "--replace-prices")


def lookup_key(plan: str) -> str:
    return f"convoai_{plan}_monthly"


def price_var(plan: str) -> str:
    return f"STRIPE_{plan.upper()}_PRICE_ID"


def amount_var(plan: str) -> str:
    return f"STRIPE_{plan.upper()}_AMOUNT"


def by_key(prices: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {str(p["lookup_key"]): p for p in prices if p.get("lookup_key")}


class StripePrices:
    """Mixed into ``StripeAdapter``: uses its ``api``."""

    api: StripeClient

    async def provision_plan(self, values: Values, state: Mapping[str, Any]) -> list[ResourcePlan]:
        replace = bool((state.get("options") or {}).get("replace_prices"))
        keys = [lookup_key(plan) for plan, _ in PLANS]
        active, archived = await asyncio.gather(
            self.api.prices(keys, active=True), self.api.prices(keys, active=False)
        )
        mode = self.api.mode
        note = f"{mode} mode: STRIPE_SECRET_KEY is a {mode} key, and Stripe keeps the modes apart"
        if mode == "test" and values.get("NODE_ENV") == "production":
            note += "; NODE_ENV is production, so use a live key (sk_live_…) for real payments"
        plans = [
            self._plan(plan, label, values, by_key(active), by_key(archived), replace)
            for plan, label in PLANS
        ]
        plans[0].notes.append(note)  # once: the key decides the mode of all three
        return plans

    def _plan(
        self,
        plan: str,
        label: str,
        values: Values,
        active: dict[str, dict[str, Any]],
        archived: dict[str, dict[str, Any]],
        replace: bool,
    ) -> ResourcePlan:
        key, name = lookup_key(plan), amount_var(plan)
        resource, stores = f"price {key}", (price_var(plan),)
        holder = active.get(key)
        old = holder or archived.get(key)

        def blocked(why: str, code: int = 2) -> ResourcePlan:
            return ResourcePlan(
                "stripe", resource, "blocked", why=why, stores=stores, exit_code=code
            )

        text = str(values.get(name) or "")
        stored = str(values.get(price_var(plan)) or "")
        if not text and stored:
            # A price id pasted by hand stays as it is: there is no answer to compare it with
            # (the live check reads it), and nothing is written or stored again.
            return ResourcePlan(
                "stripe",
                resource,
                "found",
                ref=stored,
                settings={"kept": f"{price_var(plan)} as stored ({name} is not set)"},
                carry={"kept": True},
            )
        if not text:
            seen = f"; {old['id']} holds the key at {price_text(old)}" if old else ""
            return blocked(
                f"{name} is not set (the price is yours to decide){seen}; set it "
                f"({do('vars set', name, EXAMPLE)}), or paste the price id "
                f"({do('vars set', price_var(plan))})"
            )
        try:
            amount = parse_amount(name, text)
        except ValidationError as exc:
            return blocked(exc.line())
        if holder is not None and matches(holder, amount):
            return ResourcePlan(
                "stripe",
                resource,
                "found",
                ref=str(holder["id"]),
                settings={"amount": price_text(holder)},
                stores=stores,
            )
        form: dict[str, Any] = {
            "currency": amount.currency,
            "unit_amount": amount.minor,
            "recurring[interval]": "month",
            "lookup_key": key,
            "nickname": f"ConvoAI {label} monthly",
            "metadata[convoai_plan]": plan,
        }
        settings = {"amount": f"{amount}/month", "lookup key": key}
        if old is None:
            form["product_data[name]"] = f"ConvoAI {label}"
            settings["product"] = f"ConvoAI {label} (new)"
            return ResourcePlan(
                "stripe",
                resource,
                "create",
                settings=settings,
                stores=stores,
                carry={"form": form},
            )
        state = "" if holder is not None else "archived (inactive) "
        if not replace:
            same = matches(old, amount)
            differs = f"the {state}price {old['id']} holds {key} at {price_text(old)}" + (
                "" if same else f", not {amount}/month"
            )
            if holder is not None:
                fix = f"set {name} to match it, or create a new price that takes the key"
            elif same:
                fix = "unarchive it in the Dashboard (Product catalog), or create a new price"
            else:
                fix = "create a new price that takes the key"
            return blocked(
                f"{differs}: it is not used and not changed (a price cannot be edited); {fix}: "
                f"{REPLACE}",
                EXIT_FAILED,
            )
        product = old.get("product")
        product = product.get("id") if isinstance(product, dict) else product
        form.update(product=product, transfer_lookup_key="true")
        settings["product"] = str(product)
        return ResourcePlan(
            "stripe",
            resource,
            "create",
            settings=settings,
            stores=stores,
            replaces=(
                f"the new price takes {key} from the {state}price {old['id']} "
                f"({price_text(old)}), which stays as it is for existing subscriptions"
            ),
            carry={"form": form},
        )

    async def provision(
        self, plan: ResourcePlan, progress: Progress, store: Store
    ) -> ProvisionResult:
        key = plan.resource.removeprefix("price ")
        if plan.carry.get("kept"):
            line = f"Stripe price {key}: {plan.ref} kept as stored"
            return ProvisionResult("stripe", plan.resource, True, [], [line])
        [name] = plan.stores
        if plan.action == "found":
            await store({name: plan.ref})
            line = f"Stripe price {key}: found ({plan.ref}); {name} stored"
            return ProvisionResult("stripe", plan.resource, True, [name], [line])
        created = await self.api.create_price(
            plan.carry["form"], f"Creating the Stripe price {key}"
        )
        progress(f"Stripe price {key}: created ({created['id']}); reading the lookup key back")
        now = by_key(await self.api.prices([key], active=True)).get(key)
        if now is None or now.get("id") != created["id"]:
            holder = now.get("id") if now else "no price"
            return ProvisionResult(
                "stripe",
                plan.resource,
                False,
                left=(
                    f"Stripe created {created['id']}, but {key} is held by {holder}; look at "
                    f"Product catalog in the Dashboard, then {do('provision', 'stripe')}"
                ),
            )
        await store({name: str(created["id"])})
        line = f"Stripe price {key}: created ({created['id']}, {price_text(now)}); {name} stored"
        return ProvisionResult("stripe", plan.resource, True, [name], [line])
