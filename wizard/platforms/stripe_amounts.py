"""Plan prices as people write them ("29 usd", "149.95 usd", "1500 jpy") and as Stripe takes them
(an integer in the currency's minor unit).

Decimal arithmetic only, never a float: 149.95 as a float is 149.94999…, and a cent lost in a
conversion is a wrong price. Each currency has its own exponent (docs.stripe.com/currencies):
zero-decimal currencies take whole units as they are (1500 jpy is 1500); the three-decimal ones
(bhd, jod, kwd, omr, tnd) are sent in thousandths, their last digit 0, which two decimals at most
always give; every other currency in hundredths. ISK is two-decimal in the API but accepts whole
krónur only since 2023. The catalog's pattern for ``STRIPE_*_AMOUNT`` says the same (a test keeps
the two in agreement), so ``vars set`` refuses what this module would.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from checklists.advice import do
from checklists.errors import ValidationError

#: Stripe's zero-decimal currencies (docs.stripe.com/currencies#zero-decimal)
ZERO_DECIMAL = frozenset(
    [
        "bif",
        "clp",
        "djf",
        "gnf",
        "jpy",
        "kmf",
        "krw",
        "mga",
        "pyg",
        "rwf",
        "ugx",
        "vnd",
        "vuv",
        "xaf",
        "xof",
        "xpf",
    ]
)
THREE_DECIMAL = frozenset(["bhd", "jod", "kwd", "omr", "tnd"])
#: whole units only: the zero-decimal currencies, and ISK (two-decimal, fractions refused)
WHOLE_UNITS = ZERO_DECIMAL | {"isk"}
#: a value to show in advice, quoted for a shell
EXAMPLE = "'29 usd'"
SHAPE = re.compile(r"^(0|[1-9][0-9]{0,11})(?:\.([0-9]{1,2}))? ([A-Za-z]{3})$")


def exponent(currency: str) -> int:
    """Digits of the currency's minor unit in Stripe's API."""
    if currency in ZERO_DECIMAL:
        return 0
    return 3 if currency in THREE_DECIMAL else 2


@dataclass(frozen=True)
class Amount:
    #: the integer Stripe's ``unit_amount`` takes
    minor: int
    #: lowercase ISO code, as Stripe wants it
    currency: str

    def __str__(self) -> str:
        return f"{major(self.minor, self.currency)} {self.currency}"


def major(minor: int, currency: str) -> str:
    """``2900, "usd"`` -> ``"29.00"``; ``1500, "jpy"`` -> ``"1500"``."""
    digits = exponent(currency)
    if currency in WHOLE_UNITS and digits:  # ISK: whole units, written without decimals
        return str(Decimal(minor).scaleb(-digits).quantize(Decimal(1)))
    return str(Decimal(minor).scaleb(-digits).quantize(Decimal(1).scaleb(-digits)))


def parse_amount(name: str, text: str) -> Amount:
    """``name``'s value as an ``Amount``; ``ValidationError`` naming the variable otherwise."""
    found = SHAPE.match(text.strip())
    currency = found.group(3).lower() if found else ""
    if found is None or (found.group(2) is not None and currency in WHOLE_UNITS):
        raise ValidationError(
            f"{name} should be an amount and a currency such as 29 usd or 149.95 eur (at most 2 "
            "decimals; whole units for jpy and other zero-decimal currencies).",
            f"Set it again: {do('vars set', name, EXAMPLE)}",
        )
    value = Decimal(found.group(1) + (f".{found.group(2)}" if found.group(2) else ""))
    minor = value.scaleb(exponent(currency))
    # At most 2 decimals and an exponent of at least 2 (or whole units): always integral.
    assert minor == minor.to_integral_value()
    return Amount(int(minor), currency)


def price_text(price: dict[str, Any]) -> str:
    """A Stripe price as people read it: ``29.00 usd/month``, ``29.00 usd one-time``."""
    currency = str(price.get("currency") or "?")
    amount = price.get("unit_amount")
    money = (
        f"{major(amount, currency)} {currency}"
        if isinstance(amount, int) and not isinstance(amount, bool)
        else f"a {price.get('billing_scheme') or 'custom'} amount in {currency}"
    )
    recurring = price.get("recurring")
    if price.get("type") != "recurring" or not isinstance(recurring, dict):
        return f"{money} one-time"
    count = recurring.get("interval_count") or 1
    interval = recurring.get("interval") or "?"
    return f"{money}/{interval}" if count == 1 else f"{money} every {count} {interval}s"


def matches(price: dict[str, Any], amount: Amount) -> bool:
    """Same amount, currency and monthly interval as ``amount``."""
    recurring = price.get("recurring")
    return (
        price.get("unit_amount") == amount.minor
        and price.get("currency") == amount.currency
        and price.get("type") == "recurring"
        and isinstance(recurring, dict)
        and recurring.get("interval") == "month"
        and (recurring.get("interval_count") or 1) == 1
    )
