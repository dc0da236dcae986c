"""Hypothesis over hostile input (issue 9): ``vars import`` files, ``vars set`` values and
state.json contents. Whatever comes in: no traceback, no "unexpected" error, an exit code from
the contract, nothing raw on the terminal, and every file byte-unchanged after a refusal.

Most examples run in-process through ``wizard.cli.main`` (what ``python -m wizard`` runs);
a few go through real subprocesses, where an encoding error on stdout would show.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from checklists.catalog import catalog, normalise
from checklists.chars import first_unsafe
from tests.conftest import FAKE_SECRETS, TEST_PASSPHRASE, run_cli
from wizard.cli import main
from wizard.project import find_project
from wizard.values import Answers

CONTRACT = {0, 1, 2}
#: the CLI's last resort for a bug ("unexpected ValueError; … report it")
UNEXPECTED = re.compile(r"unexpected \w+(Error|Exception|Exit)\b|report it")
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
NAMES = sorted(catalog())
PLAIN = [n for n in NAMES if not catalog()[n].secret]
FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
PIECES = st.sampled_from(
    [
        "\0",
        "\x1b[31m",
        "\x1b]0;x\x07",
        "\x7f",
        "\x9b",
        "\u202e",
        "\ud800",
        "\r",
        "\n",
        "\t",
        "${CONVOAI_SETUP_PASSPHRASE}",
        "${HOME}",
        "$HOME",
        "://[",
        "[::1",
        ":port",
        "\\",
        "'",
        '"',
        "#",
        " ",
        "=",
        "export ",
        "\ufeff",
        "é",
        "https://",
        "@",
        "/",
    ]
)
EXAMPLES = st.sampled_from([v.example for v in catalog().values()])
GOOD = st.sampled_from(
    [
        *FAKE_SECRETS.values(),
        "https://a.example.com",
        "production",
        "10000",
        "acme/convoai",
        "https://pk@o1.ingest.sentry.io/42",
        "price_1Nabcdefghij",
        "api.example.com",
    ]
)
HOSTILE_TEXT = st.lists(st.one_of(st.text(max_size=6), PIECES, EXAMPLES), max_size=5).map("".join)


def snapshot(project: Path) -> dict[str, bytes]:
    files = [*project.rglob("*"), Path(os.environ["CONVOAI_SETUP_VAULT"])]
    return {str(p): p.read_bytes() for p in files if p.is_file() and not p.is_symlink()}


@contextlib.contextmanager
def stdin_bytes(data: bytes) -> Iterator[None]:
    saved = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")
    try:
        yield
    finally:
        sys.stdin = saved


def cli(argv: list[str], project: Path, stdin: bytes = b"") -> tuple[int, str, str]:
    """``main`` in-process, as ``python -m wizard`` runs it; SystemExit counts as its code."""
    out, err = io.StringIO(), io.StringIO()
    with stdin_bytes(stdin), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main([*argv, "--project", str(project)])
        except SystemExit as exc:  # argparse's usage errors
            code = exc.code if isinstance(exc.code, int) else 2
    return code, out.getvalue(), err.getvalue()


def assert_humane(code: int, out: str, err: str) -> None:
    assert code in CONTRACT, (code, err)
    assert "Traceback" not in err and not UNEXPECTED.search(err), err
    assert not RAW_CONTROL.search(err.replace("\n", "")), repr(err)
    assert TEST_PASSPHRASE not in out + err


def assert_stored_cleanly(project: Path, names: list[str]) -> None:
    """Whatever was stored is plain text and never the expanded passphrase."""
    answers = Answers(find_project(project), use_environment=False)
    for name in names:
        value = answers.resolve(name).value
        assert value is not None and not first_unsafe(value), (name, value)
        assert TEST_PASSPHRASE not in value
    for path in (project / ".convoai-setup").iterdir():
        assert TEST_PASSPHRASE.encode() not in path.read_bytes()


def _import(project: Path, tmp_path: Path, data: bytes, flags: list[str]) -> None:
    source = tmp_path / "fuzz.env"
    source.write_bytes(data)
    before = snapshot(project)
    code, out, err = cli(["vars", "import", str(source), *flags], project)
    event(f"import exit {code}")
    assert_humane(code, out, err)
    if code != 0:
        assert snapshot(project) == before, err
    else:
        assert "Imported" in err
        imported = re.search(r"Imported \d+ values from .*?: (.*)\.\n", err)
        assert imported is not None, err
        assert_stored_cleanly(project, [n for n in imported.group(1).split(", ") if n in catalog()])


@FUZZ
@given(data=st.binary(max_size=200), allow=st.booleans())
def test_fuzz_import_random_bytes(project: Path, tmp_path: Path, data: bytes, allow: bool) -> None:
    _import(project, tmp_path, data, ["--allow-invalid"] if allow else [])


CLEAN_LINE = st.sampled_from(NAMES).map(lambda n: f"{n}={catalog()[n].example}")
HOSTILE_LINE = st.tuples(
    st.one_of(st.sampled_from(NAMES), HOSTILE_TEXT),
    st.sampled_from(["=", " = ", '="', "='", ": ", ""]),
    HOSTILE_TEXT,
    st.sampled_from(["", '"', "'", " # comment", "\\"]),
).map(lambda t: "".join(t))
LINE = st.one_of(CLEAN_LINE, CLEAN_LINE, HOSTILE_LINE)


@FUZZ
@given(
    lines=st.lists(LINE, min_size=1, max_size=6),
    allow=st.booleans(),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "latin-1"]),
)
def test_fuzz_import_structured_hostile_lines(
    project: Path, tmp_path: Path, lines: list[str], allow: bool, encoding: str
) -> None:
    data = "\n".join(lines).encode(
        encoding, errors="surrogatepass" if encoding != "latin-1" else "replace"
    )
    _import(project, tmp_path, data, ["--allow-invalid"] if allow else [])


@FUZZ
@given(
    name=st.sampled_from(NAMES),
    value=st.one_of(HOSTILE_TEXT, EXAMPLES, GOOD, GOOD),
    via_argv=st.booleans(),
    allow=st.booleans(),
    garbage=st.sampled_from([False, False, False, True]),  # a stray non-UTF-8 byte
)
def test_fuzz_vars_set(
    project: Path, name: str, value: str, via_argv: bool, allow: bool, garbage: bool
) -> None:
    argv = ["vars", "set", name, *(["--allow-invalid"] if allow else [])]
    stdin = value.encode("utf-8", errors="surrogatepass") + (b"\xff" if garbage else b"")
    if via_argv and not catalog()[name].secret:
        argv.append(value)
        stdin = b""
    before = snapshot(project)
    code, out, err = cli(argv, project, stdin)
    event(f"set exit {code}")
    assert_humane(code, out, err)
    if code != 0:
        assert snapshot(project) == before, err
        return
    assert_stored_cleanly(project, [name])
    got = cli(["vars", "get", name, "--reveal"], project)
    assert got[0] == 0 and got[1] == normalise(value) + "\n"


def _valid_state() -> dict[str, object]:
    return {
        "version": 1,
        "values": {
            "APP_URL": {
                "value": "https://a.example.com",
                "source": "entered",
                "updated_at": "2026-01-01T00:00:00Z",
                "digest": "ab",
                "format_ok": True,
            }
        },
        "phases": {
            "vercel": {
                "status": "done",
                "at": "x",
                "message": "",
                "fingerprint": "f",
                "inputs": {"APP_URL": "ab"},
                "completed_at": "x",
            }
        },
        "checks": {
            "app.live": {
                "service": "app",
                "check": "live",
                "phase": "post-deploy",
                "outcome": "ok",
                "message": "m",
                "variables": ["APP_URL"],
                "at": "x",
            }
        },
        "files": {"vercel.json": {"sha256": "0" * 64, "written_at": "x"}},
        "store": {"backend": "vault"},
        "migrations": {"applied": 5, "pending": 0, "edited": 0, "unknown": 0, "at": "x"},
    }


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | HOSTILE_TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(HOSTILE_TEXT, inner, max_size=3),
    max_leaves=8,
)
PATHS = st.sampled_from(
    [
        ("version",),
        ("values",),
        ("values", "APP_URL"),
        ("values", "APP_URL", "value"),
        ("values", "APP_URL", "format_ok"),
        ("phases",),
        ("phases", "vercel"),
        ("phases", "vercel", "inputs"),
        ("checks", "app.live"),
        ("checks", "app.live", "at"),
        ("checks", "app.live", "variables"),
        ("files", "vercel.json"),
        ("store",),
        ("store", "backend"),
        ("migrations",),
        ("migrations", "applied"),
        ("created_at",),
    ]
)


def _mutated(path: tuple[str, ...], value: object) -> bytes:
    doc = _valid_state()
    node: dict[str, object] = doc
    for key in path[:-1]:
        child = node[key]
        assert isinstance(child, dict)
        node = child
    node[path[-1]] = value
    return json.dumps(doc).encode("utf-8", errors="surrogatepass")


STATES = st.one_of(
    st.binary(max_size=120),
    JSON.map(lambda v: json.dumps(v).encode("utf-8", errors="surrogatepass")),
    st.builds(_mutated, PATHS, JSON),
    st.builds(_mutated, PATHS, st.one_of(GOOD, HOSTILE_TEXT, st.integers(0, 9), st.booleans())),
    st.just(json.dumps(_valid_state()).encode()),
)
STATE_COMMANDS = st.sampled_from(
    [
        ["status"],
        ["status", "--json"],
        ["vars", "list"],
        ["vars", "get", "APP_URL"],
        ["export", "--format", "json"],
        ["export"],
        ["write", "--dry-run"],
        ["vars", "set", "NODE_ENV", "production"],
    ]
)


@FUZZ
@given(content=STATES, argv=STATE_COMMANDS)
def test_fuzz_state_json(project: Path, content: bytes, argv: list[str]) -> None:
    state_dir = project / ".convoai-setup"
    state_dir.mkdir(exist_ok=True)
    for old in state_dir.glob("state.json*"):
        old.unlink()
    state = state_dir / "state.json"
    state.write_bytes(content)
    code, out, err = cli(argv, project)
    event(f"state exit {code}" + (" moved aside" if "moved to" in err else ""))
    assert_humane(code, out, err)
    aside = list(state_dir.glob("state.json.corrupt-*"))
    if "moved to" in err:
        assert code == 2 and err.count("\n") == 1, err
        assert [p.read_bytes() for p in aside] == [content]
        assert not state.exists()
    else:
        assert aside == []
        if argv[:2] != ["vars", "set"] and "newer convoai-setup" not in err:
            assert state.read_bytes() == content


@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=st.sampled_from(NAMES), value=HOSTILE_TEXT, state=STATES)
def test_fuzz_through_real_processes(
    project: Path, tmp_path: Path, name: str, value: str, state: bytes
) -> None:
    before = snapshot(project)
    stdin = value.replace("\ud800", "?")  # a pipe carries text here; bytes are fuzzed in-process
    done = run_cli("vars", "set", name, project=project, input=stdin)
    assert_humane(done.returncode, done.stdout, done.stderr)
    if done.returncode != 0:
        assert snapshot(project) == before
    source = tmp_path / "fuzz.env"
    source.write_text(f"{name}={value}\n", encoding="utf-8", errors="surrogatepass")
    done = run_cli("vars", "import", str(source), project=project)
    assert_humane(done.returncode, done.stdout, done.stderr)
    (project / ".convoai-setup").mkdir(exist_ok=True)
    (project / ".convoai-setup" / "state.json").write_bytes(state)
    for argv in (["vars", "list"], ["export", "--format", "json"], ["status"]):
        done = run_cli(*argv, project=project)
        assert_humane(done.returncode, done.stdout, done.stderr)
        for old in (project / ".convoai-setup").glob("state.json.corrupt-*"):
            old.unlink()
