"""A stateful stand-in for Stripe's prices and products (PROVISION-CONTRACTS §3) on a real loopback
HTTPS server.

As Stripe does: bodies and queries are form-encoded with brackets (``recurring[interval]``,
``lookup_keys[]`` or ``lookup_keys[0]``); ``GET /v1/prices`` lists only active prices unless
``active=false`` is asked, newest first, ``limit`` 10 by default; an unknown parameter is a 400; a
lookup key is unique among all prices (active or not) and a second price asking for it fails
unless ``transfer_lookup_key=true`` moves it; a price cannot change its amount; a POST with an
``Idempotency-Key`` seen before is answered with the first answer (a different body with the
same key is an ``idempotency_error``). Every request is recorded (``log``) for the write count
and the OpenAPI validation.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
from dataclasses import dataclass, field
from typing import Any

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.providers.fakes import json_response
from tests.provision.openapi_check import Recorded, decode, drop_connection, record

PRICE_PARAMS = {
    "active",
    "billing_scheme",
    "currency",
    "currency_options",
    "custom_unit_amount",
    "expand",
    "lookup_key",
    "metadata",
    "nickname",
    "product",
    "product_data",
    "recurring",
    "tax_behavior",
    "tiers",
    "tiers_mode",
    "transfer_lookup_key",
    "transform_quantity",
    "unit_amount",
    "unit_amount_decimal",
}
LIST_PARAMS = {
    "active",
    "created",
    "currency",
    "ending_before",
    "expand",
    "limit",
    "lookup_keys",
    "product",
    "recurring",
    "starting_after",
    "type",
}


def error(
    message: str, status: int = 400, kind: str = "invalid_request_error", **extra: Any
) -> Response:
    return json_response({"error": {"type": kind, "message": message, **extra}}, status)


@dataclass
class StripeStandIn:
    key: str
    live: bool = False
    #: id -> price, in creation order
    prices: dict[str, dict[str, Any]] = field(default_factory=dict)
    products: dict[str, dict[str, Any]] = field(default_factory=dict)
    log: list[Recorded] = field(default_factory=list)
    #: Idempotency-Key -> (form, status, body)
    replays: dict[str, tuple[list[tuple[str, str]], int, Any]] = field(default_factory=dict)
    #: the first price creation is carried out, then its connection dropped (answer lost)
    drop_once: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    # -- setup ---------------------------------------------------------------------------------
    def add_product(self, name: str) -> str:
        pid = f"prod_{secrets.token_hex(7)}"
        self.products[pid] = {
            "id": pid,
            "object": "product",
            "active": True,
            "name": name,
            "livemode": self.live,
            "metadata": {},
        }
        return pid

    def add_price(
        self,
        lookup_key: str | None,
        unit_amount: int,
        currency: str = "usd",
        interval: str | None = "month",
        active: bool = True,
        product: str | None = None,
    ) -> dict[str, Any]:
        pid = f"price_{secrets.token_hex(8)}"
        price = {
            "id": pid,
            "object": "price",
            "active": active,
            "billing_scheme": "per_unit",
            "currency": currency,
            "unit_amount": unit_amount,
            "type": "recurring" if interval else "one_time",
            "recurring": {"interval": interval, "interval_count": 1, "usage_type": "licensed"}
            if interval
            else None,
            "lookup_key": lookup_key,
            "product": product or self.add_product("Existing"),
            "livemode": self.live,
            "metadata": {},
            "nickname": None,
        }
        self.prices[pid] = price
        return price

    def holder(self, lookup_key: str) -> dict[str, Any] | None:
        return next((p for p in self.prices.values() if p["lookup_key"] == lookup_key), None)

    def writes(self) -> list[tuple[str, str]]:
        return [(r.method, r.path) for r in self.log if r.writes]

    def install(self, server: HTTPServer) -> None:
        server.expect_request(re.compile(r"^/v1/.*")).respond_with_handler(self.handle)

    # -- the API -------------------------------------------------------------------------------
    def handle(self, request: Request) -> Response:
        rec = record(request)
        with self.lock:
            self.log.append(rec)
            auth = rec.headers.get("Authorization", "")
            if auth != f"Bearer {self.key}":
                return error("Invalid API Key provided: sk_test_****1234", 401)
            if rec.method == "GET" and rec.path == "/v1/balance":  # what the key check reads
                return json_response({"object": "balance", "livemode": self.live})
            if rec.method == "GET" and rec.path == "/v1/prices":
                return self.list_prices(rec)
            if rec.method == "POST" and rec.path == "/v1/prices":
                answer = self.idempotent(rec, self.create_price)
                if self.drop_once:
                    self.drop_once = False
                    return drop_connection(request)
                return answer
            found = re.fullmatch(r"/v1/prices/(price_\w+)", rec.path)
            if rec.method == "GET" and found:
                price = self.prices.get(found.group(1))
                if price is None:
                    return error(f"No such price: '{found.group(1)}'", 404, code="resource_missing")
                return json_response(price)
            return error(f"Unrecognized request URL ({rec.method}: {rec.path}).", 404)

    def idempotent(self, rec: Recorded, act: Any) -> Response:
        key = rec.headers.get("Idempotency-Key")
        if key and key in self.replays:
            form, status, body = self.replays[key]
            if form != rec.form:
                return error(
                    "Keys for idempotent requests can only be used with the same parameters "
                    "they were first used with.",
                    kind="idempotency_error",
                )
            return json_response(body, status, {"Idempotent-Replayed": "true"})
        response: Response = act(rec)
        if key and response.status_code < 500:
            self.replays[key] = (rec.form, response.status_code, json.loads(response.get_data()))
        return response

    def list_prices(self, rec: Recorded) -> Response:
        query = decode(rec.query)
        unknown = sorted(set(query) - LIST_PARAMS)
        if unknown:
            return error(f"Received unknown parameter: {unknown[0]}", param=unknown[0])
        keys = query.get("lookup_keys")
        if keys is not None and (not isinstance(keys, list) or len(keys) > 10):
            return error("lookup_keys takes at most 10 keys", param="lookup_keys")
        # "Returns a list of your active prices … For the list of inactive prices, set active
        # to false."
        active = query.get("active", "true") != "false"
        limit = int(query.get("limit", "10"))
        found = [
            p
            for p in reversed(list(self.prices.values()))  # newest first
            if p["active"] == active and (keys is None or p["lookup_key"] in keys)
        ]
        after = query.get("starting_after")
        if after:
            ids = [p["id"] for p in found]
            found = found[ids.index(after) + 1 :] if after in ids else []
        page = found[:limit]
        return json_response(
            {"object": "list", "data": page, "has_more": len(found) > limit, "url": "/v1/prices"}
        )

    def create_price(self, rec: Recorded) -> Response:
        form = decode(rec.form)
        unknown = sorted(set(form) - PRICE_PARAMS)
        if unknown:
            return error(f"Received unknown parameter: {unknown[0]}", param=unknown[0])
        if "currency" not in form:
            return error("Missing required param: currency.", param="currency")
        amount = form.get("unit_amount", "")
        if not re.fullmatch(r"[0-9]+", amount):
            return error("Invalid integer: " + amount, param="unit_amount")
        recurring = form.get("recurring") or {}
        if recurring and recurring.get("interval") not in ("day", "week", "month", "year"):
            return error("Invalid recurring[interval]", param="recurring[interval]")
        product = form.get("product")
        if product is None:
            data = form.get("product_data")
            if not isinstance(data, dict) or not data.get("name"):
                return error("You must pass either product or product_data.", param="product")
            product = self.add_product(data["name"])
        elif product not in self.products:
            return error(f"No such product: '{product}'", param="product", code="resource_missing")
        lookup_key = form.get("lookup_key")
        holder = self.holder(lookup_key) if lookup_key else None
        if holder is not None:
            if form.get("transfer_lookup_key") != "true":
                return error(
                    f"A price (`{holder['id']}`) already uses that lookup key.", param="lookup_key"
                )
            holder["lookup_key"] = None  # transferred atomically to the new price
        price = self.add_price(
            lookup_key,
            int(amount),
            form["currency"],
            recurring.get("interval"),
            form.get("active", "true") != "false",
            product,
        )
        price.update(nickname=form.get("nickname"), metadata=form.get("metadata") or {})
        return json_response(price)
