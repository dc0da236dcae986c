"""Migrations over a slow network: the wizard, psql and the Supabase CLI at 0 and 100 ms RTT.

Run: python3 -m bench.migrate_rtt [--runs 3] [--rtt-ms 100] [--wizard-repo DIR] [--python PATH]

All three apply the example project (schema.sql + migrations 001–004) to a freshly created
database (created outside the timing) on PostgreSQL 18 + pgvector listening on loopback TCP with
scram-sha-256, as Supabase does, through ``bench.latency_proxy`` (half the RTT each way, plus
one RTT for each TCP handshake). Every tool gets the same URL, ``…?sslmode=disable``:

- ``convoai-setup migrate``: ``convoai-setup --project COPY migrate``, the console script of a
  venv made with ``pip install`` of ``--wizard-repo`` (default: this checkout; ``bench.venv``),
  so another worktree's runner can be measured without touching it; or of ``--python``.
  SUPABASE_DB_URL sits in an encrypted vault, as in bench.migrate_bench.
- ``psql -X -q -v ON_ERROR_STOP=1 --single-transaction -f FILE``, once per file.
- ``supabase db push --db-url URL --yes`` (the real CLI, ``npm i -E supabase@2.117.0`` into
  bench/.cache/) on a copy whose schema.sql is ``supabase/migrations/000_schema.sql``.

Printed: median wall at 0 ms and at the given RTT, the extra seconds per 100 ms of RTT, that
slope in RTTs (seconds waited / RTT), and the round trips the proxy counted. The slope and the
count should agree; where they do not, the tool waits for something the count does not see.
The slope is also given from the proxy's first-to-last-byte span, which leaves out each tool's
start-up: on a busy machine the Supabase CLI's 1–3 s of CPU-bound start-up swings the wall.
"""

from __future__ import annotations

import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench.cli import bench_parser
from bench.common import REPO, clean_env, migration_files, psql_file, tcp_postgres
from bench.latency_proxy import LatencyProxy
from bench.venv import bench_venv, check_interpreter

DB = "bench_rtt"
SUPABASE_VERSION = "2.117.0"
CACHE = REPO / "bench" / ".cache"
#: what the example's files leave in the database; every tool must leave the same
FINGERPRINT_SQL = """
SELECT (SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace),
       (SELECT count(*) FROM pg_proc WHERE pronamespace = 'public'::regnamespace),
       (SELECT count(*) FROM pg_extension WHERE extname = 'vector')
"""


@dataclass
class Tool:
    name: str
    run: Callable[[], None]
    walls: dict[float, list[float]] = field(default_factory=dict)
    #: the proxy's first-to-last-byte span per run: the slope without start-up noise
    spans: dict[float, list[float]] = field(default_factory=dict)
    #: (connections, round trips) per run at the slow setting
    counts: list[tuple[int, int]] = field(default_factory=list)
    failure: str = ""


def _call(
    argv: Sequence[str], cwd: Path | None = None, env: dict[str, str] | None = None, stdin: str = ""
) -> None:
    done = subprocess.run(
        argv, cwd=cwd, env=env, input=stdin, text=True, capture_output=True, timeout=600
    )
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise RuntimeError(f"{Path(argv[0]).name} exited {done.returncode}: {' | '.join(tail)}")


def supabase_cli() -> tuple[Path | None, str]:
    """The real CLI from npm (cached), or None and why it cannot be had."""
    home = CACHE / f"supabase-cli-{SUPABASE_VERSION}"
    shim = home / "node_modules" / ".bin" / "supabase"
    if not shim.exists():
        if shutil.which("npm") is None:
            return None, "npm is not installed"
        home.mkdir(parents=True, exist_ok=True)
        # The package has no install script: its binary ships in the optional dependency
        # @supabase/cli-<os>-<arch>, a plain npm package, so nothing is fetched from GitHub.
        npm = ["npm", "i", "-E", f"supabase@{SUPABASE_VERSION}", "--no-audit", "--no-fund"]
        done = subprocess.run(npm, cwd=home, capture_output=True, text=True, timeout=600)
        if done.returncode != 0 or not shim.exists():
            why = (done.stderr.strip().splitlines() or ["no output"])[-1]
            return None, f"npm i -E supabase@{SUPABASE_VERSION} failed: {why}"
    done = subprocess.run([str(shim), "--version"], capture_output=True, text=True, timeout=120)
    version = done.stdout.strip()
    if done.returncode != 0 or version != SUPABASE_VERSION:
        return None, f"{shim} --version said {version or done.stderr.strip()!r}"
    return shim, version


def wizard_origin(repo: Path) -> str:
    """The commit of the checkout the venv was built from (the venv has its files as they are)."""
    git = ["git", "--no-optional-locks", "-C", str(repo)]  # reads only: no index refresh
    rev = subprocess.run([*git, "log", "-1", "--format=%h %s"], capture_output=True, text=True)
    dirty = subprocess.run([*git, "status", "--porcelain"], capture_output=True, text=True)
    changes = " + uncommitted changes" if dirty.stdout.strip() else ""
    return f"{repo} @ {rev.stdout.strip()[:70]}{changes}"


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def report(tools: list[Tool], rtt_ms: float, runs: int) -> str:
    slow = rtt_ms / 2
    rows = [
        f"| tool | wall at 0 ms | wall at {rtt_ms:g} ms RTT | extra s per 100 ms RTT "
        "| slope in RTTs: wall / network span | round trips (proxy) | connections |",
        "|---|---|---|---|---|---|---|",
    ]
    for tool in tools:
        if tool.failure:
            rows.append(f"| {tool.name} | — | — | — | — | — | {tool.failure} |")
            continue
        fast_s, slow_s = _median(tool.walls.get(0, [])), _median(tool.walls.get(slow, []))
        extra = slow_s - fast_s
        span_extra = _median(tool.spans.get(slow, [])) - _median(tool.spans.get(0, []))
        trips = sorted({rt for _, rt in tool.counts})
        conns = sorted({c for c, _ in tool.counts})
        rows.append(
            f"| {tool.name} | {fast_s:.2f} s | {slow_s:.2f} s | {extra * 100 / rtt_ms:.2f} s "
            f"| {extra * 1000 / rtt_ms:.1f} / {span_extra * 1000 / rtt_ms:.1f} "
            f"| {'/'.join(map(str, trips))} "
            f"| {'/'.join(map(str, conns))} |"
        )
    rows.append(f"\nmedians of {runs} runs each; fresh database per run; tools interleaved")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = bench_parser(__doc__ or "", runs=3)  # (timed runs per tool and RTT)
    parser.add_argument("--rtt-ms", type=float, default=100.0, help="the slow setting's RTT")
    parser.add_argument(
        "--wizard-repo", type=Path, default=REPO, help="checkout whose wizard to run (read only)"
    )
    parser.add_argument("--no-supabase", action="store_true", help="skip the Supabase CLI")
    parser.add_argument(
        "--trace", type=Path, help="write every chunk the proxy relays to this file (per run)"
    )
    args = parser.parse_args(argv)
    wizard_repo = args.wizard_repo.resolve()
    if not (wizard_repo / "wizard" / "__main__.py").exists():
        parser.error(f"{wizard_repo} has no wizard/__main__.py")
    py = check_interpreter(args.python) if args.python else bench_venv(wizard_repo)
    print(py.describe())

    cli, cli_note = (None, "skipped (--no-supabase)") if args.no_supabase else supabase_cli()
    with tempfile.TemporaryDirectory(prefix="bench-rtt-") as tmp:
        base = Path(tmp)
        password = secrets.token_hex(12)  # throwaway: this server lives as long as the run
        with tcp_postgres(base, password) as (host, port, admin):
            trace = args.trace.open("w", encoding="utf-8") if args.trace else None
            proxy = LatencyProxy(host, port, delay_ms=0, trace=trace).start()
            try:
                where = f"{proxy.host}:{proxy.port}/{DB}"
                url = f"postgresql://postgres:{password}@{where}?sslmode=disable"
                tools = _tools(base, url, py.script(), cli, cli_note)
                if not args.python:
                    print(f"wizard code: {wizard_origin(wizard_repo)}")
                print(f"supabase CLI: {cli_note}")
                _measure(tools, proxy, admin, args.runs, args.rtt_ms / 2)
            finally:
                proxy.stop()
                if trace is not None:
                    trace.close()
    print()
    print(report(tools, args.rtt_ms, args.runs))
    # Wall times swing with what else runs on the machine; the proxy's counts do not.
    print("load average (1, 5, 15 min) at the end: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    return 1 if any(t.failure for t in tools) else 0


def _wizard_env(base: Path) -> dict[str, str]:
    env = clean_env(base)
    env.update(
        CONVOAI_SETUP_KEYRING="vault",
        CONVOAI_SETUP_VAULT=str(base / "vault.json"),
        CONVOAI_SETUP_PASSPHRASE="bench passphrase",
        NO_COLOR="1",
    )
    return env


def _tools(base: Path, url: str, script: str, cli: Path | None, cli_note: str) -> list[Tool]:
    example = REPO / "examples" / "convoai"
    project = base / "convoai"
    shutil.copytree(example, project)
    env = _wizard_env(base)
    wizard = [script, "--project", str(project)]
    _call([*wizard, "vars", "set", "SUPABASE_DB_URL"], cwd=base, env=env, stdin=url)
    files = migration_files(example)

    def run_wizard() -> None:
        _call([*wizard, "migrate"], cwd=base, env=env)

    def run_psql() -> None:
        for f in files:
            _call(psql_file(url, f))

    tools = [Tool("convoai-setup migrate", run_wizard), Tool(f"psql -f (x{len(files)})", run_psql)]
    name = f"supabase db push ({SUPABASE_VERSION})"
    if cli is None:
        tools.append(Tool(name, lambda: None, failure=f"not run: {cli_note}"))
        return tools
    copy = base / "supabase-copy"
    shutil.copytree(example, copy)
    # The CLI takes only supabase/migrations/<digits>_<name>.sql, sorted by version: schema.sql
    # becomes version 000, so it still runs first and 001–004 keep their names and order.
    (copy / "supabase" / "schema.sql").rename(copy / "supabase" / "migrations" / "000_schema.sql")
    cli_env = dict(os.environ, HOME=str(base), DO_NOT_TRACK="1", SUPABASE_TELEMETRY_DISABLED="1")

    def run_supabase() -> None:
        _call([str(cli), "db", "push", "--db-url", url, "--yes"], cwd=copy, env=cli_env)

    tools.append(Tool(name, run_supabase))
    return tools


def _measure(tools: list[Tool], proxy: LatencyProxy, admin: str, runs: int, slow_ms: float) -> None:
    import psycopg

    def fresh_db() -> None:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {DB}")

    def fingerprint() -> tuple[int, ...]:
        with psycopg.connect(admin.replace("/postgres?", f"/{DB}?"), autocommit=True) as conn:
            row = conn.execute(FINGERPRINT_SQL).fetchone()
        return tuple(int(v) for v in row or ())

    expected: tuple[int, ...] | None = None
    # One untimed warm-up per tool (page cache, bytecode), then the tools take turns, so a
    # machine that slows down or speeds up affects every tool alike.
    plan = [(0.0, False)] + [(0.0, True)] * runs + [(slow_ms, True)] * runs
    for step, (delay, timed) in enumerate(plan):
        proxy.delay = delay / 1000
        for tool in tools:
            if tool.failure:
                continue
            fresh_db()
            proxy.reset()
            if proxy.trace is not None:
                print(f"== {tool.name} at {delay * 2:g} ms RTT", file=proxy.trace, flush=True)
            start = time.perf_counter()
            try:
                tool.run()
            except (RuntimeError, subprocess.TimeoutExpired) as exc:
                tool.failure = f"failed: {exc}"
                print(f"{tool.name}: {tool.failure}", file=sys.stderr)
                continue
            wall = time.perf_counter() - start
            stats = proxy.stats()
            got = fingerprint()
            expected = expected or got
            if got != expected:
                tool.failure = f"left a different database: {got} (others {expected})"
                continue
            if timed:
                tool.walls.setdefault(delay, []).append(wall)
                tool.spans.setdefault(delay, []).append(stats.span)
                if delay == slow_ms:
                    tool.counts.append((stats.connections, stats.round_trips))
            print(
                f"[{step}/{len(plan) - 1}] {delay * 2:g} ms RTT {tool.name}: {wall:.2f} s, "
                f"{stats.round_trips} round trips, {stats.connections} connections",
                flush=True,
            )


if __name__ == "__main__":
    sys.exit(main())
