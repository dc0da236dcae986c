"""Plan prices to Stripe's minor units: decimal arithmetic, each currency's own exponent, and the
catalog's format rule agreeing with the parser on every input."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checklists.catalog import validate_format, variable
from checklists.errors import ValidationError
from wizard.platforms.stripe_amounts import (
    WHOLE_UNITS,
    ZERO_DECIMAL,
    matches,
    parse_amount,
    price_text,
)

NAMES = ("STRIPE_STARTER_AMOUNT", "STRIPE_GROWTH_AMOUNT", "STRIPE_BUSINESS_AMOUNT")


@pytest.mark.parametrize(
    ("text", "minor", "currency"),
    [
        ("29 usd", 2900, "usd"),
        ("149.95 usd", 14995, "usd"),  # 149.95 * 100 as a float is 14994.999…
        ("1500 jpy", 1500, "jpy"),
        ("0.1 eur", 10, "eur"),
        ("29 USD", 2900, "usd"),
        ("5.12 kwd", 5120, "kwd"),  # three decimals, the last one 0 as Stripe requires
        ("500 isk", 50000, "isk"),  # two-decimal in the API, whole krónur only
        ("0 usd", 0, "usd"),
    ],
)
def test_amounts_in_minor_units(text: str, minor: int, currency: str) -> None:
    amount = parse_amount("STRIPE_GROWTH_AMOUNT", text)
    assert (amount.minor, amount.currency) == (minor, currency)
    assert validate_format("STRIPE_GROWTH_AMOUNT", text) == []


@pytest.mark.parametrize(
    "text", ["29", "usd 29", "29usd", "29.999 usd", "1500.5 jpy", "10.5 isk", "$29", "1,000 usd"]
)
def test_bad_amounts_are_refused_by_both(text: str) -> None:
    with pytest.raises(ValidationError, match="STRIPE_GROWTH_AMOUNT should be an amount"):
        parse_amount("STRIPE_GROWTH_AMOUNT", text)
    assert validate_format("STRIPE_GROWTH_AMOUNT", text)


def test_the_catalog_rule_names_the_same_whole_unit_currencies() -> None:
    for name in NAMES:
        pattern = variable(name).pattern or ""
        listed = re.search(r"\(\?:([a-z|]+)\)\$", pattern)
        assert listed is not None, name
        assert set(listed.group(1).split("|")) == WHOLE_UNITS
    assert {"jpy", "krw", "vnd", "clp"} <= ZERO_DECIMAL


CURRENCIES = st.sampled_from(["usd", "eur", "jpy", "krw", "isk", "kwd", "bhd", "gbp", "USD", "Jpy"])


@given(
    whole=st.integers(min_value=0, max_value=10**13),
    fraction=st.one_of(st.none(), st.text("0123456789", min_size=1, max_size=3)),
    currency=CURRENCIES,
    spaces=st.sampled_from([" ", "  ", "", "\u00a0"]),
)
def test_the_catalog_rule_and_the_parser_agree(
    whole: int, fraction: str | None, currency: str, spaces: str
) -> None:
    text = f"{whole}{'' if fraction is None else '.' + fraction}{spaces}{currency}"
    refused = bool(validate_format("STRIPE_STARTER_AMOUNT", text))
    try:
        amount = parse_amount("STRIPE_STARTER_AMOUNT", text)
    except ValidationError:
        assert refused, text
        return
    assert not refused, text
    # and the conversion is exact: back to the same decimal number
    digits = 0 if amount.currency in ZERO_DECIMAL else 3 if amount.currency in ("kwd", "bhd") else 2
    assert amount.minor == int(whole * 10**digits + int((fraction or "0").ljust(digits, "0")))


def test_a_found_price_matches_only_the_same_amount_currency_and_month() -> None:
    amount = parse_amount("STRIPE_GROWTH_AMOUNT", "149.95 usd")
    monthly = {"interval": "month", "interval_count": 1}
    price = {"unit_amount": 14995, "currency": "usd", "type": "recurring", "recurring": monthly}
    assert matches(price, amount)
    assert not matches({**price, "unit_amount": 14994}, amount)
    assert not matches({**price, "currency": "eur"}, amount)
    assert not matches({**price, "recurring": {"interval": "year"}}, amount)
    assert not matches({**price, "recurring": {**monthly, "interval_count": 3}}, amount)
    assert not matches({**price, "type": "one_time", "recurring": None}, amount)
    assert price_text({**price, "recurring": {**monthly, "interval_count": 3}}) == (
        "149.95 usd every 3 months"
    )
