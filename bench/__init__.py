"""Benchmarks: scripts that print medians and ratios (never wall-clock asserts in tests)."""
