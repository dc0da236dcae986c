"""The command line the benchmarks share: ``--runs N`` and ``--python PATH``, and the
interpreter they measure, printed before anything is timed."""

from __future__ import annotations

import argparse

from bench.venv import Interpreter, bench_venv, check_interpreter


def bench_parser(doc: str, runs: int) -> argparse.ArgumentParser:
    """A parser with ``--runs`` (default ``runs``) and ``--python``; a script adds its own."""
    parser = argparse.ArgumentParser(description=doc.strip().split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=runs, help=f"timed runs (default {runs})")
    parser.add_argument("--python", help="an interpreter with convoai-setup installed (not -e)")
    return parser


def interpreter(python: str | None) -> Interpreter:
    """``--python`` checked (refused if editable), or the benchmark venv (built when the
    project changed)."""
    return check_interpreter(python) if python else bench_venv()


def parse(parser: argparse.ArgumentParser) -> tuple[argparse.Namespace, Interpreter]:
    """The arguments, and the interpreter to measure, described on stdout."""
    args = parser.parse_args()
    py = interpreter(args.python)
    print(py.describe())
    return args, py
