"""How the benchmarks order their runs and judge a ratio (``bench.common``)."""

from __future__ import annotations

import random

from bench.common import ratio, ratio_interval, turns, verdict


def test_the_commands_take_turns_in_alternating_order() -> None:
    assert list(turns(["hello", "wizard"], 4)) == [
        (0, "hello"),
        (0, "wizard"),
        (1, "wizard"),
        (1, "hello"),
        (2, "hello"),
        (2, "wizard"),
        (3, "wizard"),
        (3, "hello"),
    ]
    # every position is held equally often by each command
    three = [name for _, name in turns(["a", "b", "c"], 2)]
    assert three == ["a", "b", "c", "c", "b", "a"]


def rounds(true_ratio: float, n: int, spread: float, seed: int) -> tuple[list[float], list[float]]:
    """``n`` paired rounds of a base near 240 ms and a program ``true_ratio`` times it, each
    run off by up to ``spread`` (a busy machine)."""
    draw = random.Random(seed)
    base = [240 * (1 + draw.uniform(-spread, spread)) for _ in range(n)]
    samples = [b * true_ratio * (1 + draw.uniform(-spread, spread)) for b in base]
    return samples, base


def test_the_interval_holds_the_median_is_repeatable_and_narrows_with_more_rounds() -> None:
    samples, base = rounds(1.02, 31, 0.05, seed=1)
    low, high = ratio_interval(samples, base)
    assert low < ratio(samples, base) < high
    assert ratio_interval(samples, base) == (low, high)  # seeded: the same figures
    many_samples, many_base = rounds(1.02, 301, 0.05, seed=1)
    many_low, many_high = ratio_interval(many_samples, many_base)
    assert many_high - many_low < (high - low) / 2
    assert many_low < 1.02 < many_high


def test_a_target_is_met_only_when_the_whole_interval_is_within_it() -> None:
    clear = rounds(0.9, 61, 0.03, seed=2)
    assert verdict(*clear, target=1.0) == "OK"
    over = rounds(1.1, 61, 0.03, seed=3)
    assert verdict(*over, target=1.0) == "OVER TARGET"
    # a median just under the target with the noise spanning it: met, but not clearly
    close = rounds(1.0, 61, 0.05, seed=5)
    low, high = ratio_interval(*close)
    assert ratio(*close) <= 1.0 and low < 1.0 < high
    assert verdict(*close, target=1.0) == "AT TARGET"
