"""Migration files: discovery, order, and statements split by PostgreSQL's own parser.

Each file is parsed with ``pglast`` (libpg_query: the server's own grammar, PostgreSQL 18), so
quoting can never hide a statement: ``E'it\\'s'``, ``U&'…'``, nested ``/* */`` comments,
``$tag$`` bodies and ``BEGIN ATOMIC … END`` are read exactly as the server reads them. A pending
file the parser rejects, or one with a statement that cannot run inside the file's transaction,
is refused with ``file:line`` before anything runs (``refusal``).

The Supabase CLI records each applied file's statements in
``supabase_migrations.schema_migrations``; we record the same array: every top-level statement as
written (leading comments kept) with its ``;`` and surrounding white space trimmed, plus, as the
CLI's ``SplitAndTrim`` does, each comment-only stretch between two ``;`` (or after the last one)
as an entry of its own. Comment-only entries are recorded but never sent (``runnable``).
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checklists.errors import UsageError
from wizard.project import Project

MIGRATION_FILE = re.compile(r"^([0-9]+)_(.*)\.sql$")
#: ``supabase/schema.sql`` has no version prefix; it is tracked under this version (see history)
SCHEMA_VERSION = "schema"

#: TransactionStmt kinds that would end, open or hand over the file's transaction, and how to
#: name them (``""``: the statement's own first word, so ``END`` and ``ABORT`` read as typed).
#: SAVEPOINT, RELEASE and ROLLBACK TO stay allowed: they nest inside the file's transaction and
#: cannot end it (a RELEASE of an unknown savepoint fails, and the file rolls back).
TRANSACTION_CONTROL: dict[str, str] = {
    "TRANS_STMT_BEGIN": "",
    "TRANS_STMT_START": "START TRANSACTION",
    "TRANS_STMT_COMMIT": "",
    "TRANS_STMT_ROLLBACK": "",
    "TRANS_STMT_PREPARE": "PREPARE TRANSACTION",
    "TRANS_STMT_COMMIT_PREPARED": "COMMIT PREPARED",
    "TRANS_STMT_ROLLBACK_PREPARED": "ROLLBACK PREPARED",
}
CONTROL_FIX = (
    "each file runs in one transaction that convoai-setup commits, so nothing was run. "
    "Remove the transaction control statements."
)
NO_TRANSACTION_FIX = (
    "cannot run inside a transaction block, and each file runs in one, so nothing was run. "
    "Run it by hand outside convoai-setup, or drop CONCURRENTLY."
)


@dataclass
class MigrationFile:
    version: str
    name: str
    path: Path
    sql: str
    #: what the Supabase CLI records for this file (empty when the parser rejected it)
    statements: list[str]
    #: offset in ``sql`` where each statement starts (for file:line in error messages)
    offsets: list[int] = field(default_factory=list, repr=False)
    #: False for comment-only entries: recorded, never sent
    runnable: list[bool] = field(default_factory=list, repr=False)
    #: (line, message) when this file must not run: a parse error or a refused statement
    refusal: tuple[int, str] | None = None

    @property
    def is_schema(self) -> bool:
        return self.version == SCHEMA_VERSION

    def line_of(self, index: int, position: int | None = None) -> int:
        """1-based line of statement ``index`` (at 1-based char ``position`` within it, if
        known)."""
        start = self.offsets[index]
        stmt = self.statements[index]
        if position:
            return self.sql.count("\n", 0, start) + stmt.count("\n", 0, position - 1) + 1
        # No position: the statement's first line that is not a comment or blank.
        return self.sql.count("\n", 0, start + _code_start(stmt)) + 1


# -- parsing -----------------------------------------------------------------------------------
def _code_start(text: str) -> int:
    """Offset of the first token in ``text`` that is not a comment (0 if none)."""
    from pglast.parser import scan

    for token in scan(text):
        if token.name not in ("SQL_COMMENT", "C_COMMENT"):
            return int(token.start)
    return 0


def _comment_pieces(sql: str, start: int, end: int) -> tuple[list[tuple[str, int]], int]:
    """The CLI's entries for ``sql[start:end]``, a stretch of comments, white space and ``;``.

    Returns the comment-only entries ended by a ``;`` and where the last, unended stretch
    starts: it belongs to the statement that follows (PostgreSQL 18 starts a statement at its
    first token; the CLI keeps the comments before it).
    """
    from pglast.parser import scan

    gap = sql[start:end]
    cuts = [t.start for t in scan(gap) if t.name == "ASCII_59"] if ";" in gap else []
    out: list[tuple[str, int]] = []
    begin = 0
    for cut in cuts:
        text = gap[begin:cut]
        if text.strip():
            out.append((text.strip(), start + begin + len(text) - len(text.lstrip())))
        begin = cut + 1
    return out, start + begin


def _refused(node: Any) -> str | None:
    """How to name ``node`` if it must not run in the file's transaction, else None."""
    kind = type(node).__name__
    if kind == "TransactionStmt":
        return TRANSACTION_CONTROL.get(node.kind.name)
    label: str | None = None
    if kind == "IndexStmt" and node.concurrent:
        label = "CREATE INDEX CONCURRENTLY"
    elif kind == "DropStmt" and node.concurrent:
        label = "DROP INDEX CONCURRENTLY"
    elif kind == "ReindexStmt" and (
        any(p.defname == "concurrently" for p in node.params or ())
        or node.kind.name in ("REINDEX_OBJECT_SYSTEM", "REINDEX_OBJECT_DATABASE")
    ):
        label = "REINDEX"
    elif kind == "VacuumStmt" and node.is_vacuumcmd:
        label = "VACUUM"
    elif kind == "ClusterStmt" and node.relation is None:
        label = "CLUSTER (every table)"
    elif kind == "AlterTableStmt" and any(
        type(getattr(c, "def_", None)).__name__ == "PartitionCmd" and c.def_.concurrent
        for c in node.cmds or ()
    ):
        label = "DETACH PARTITION CONCURRENTLY"
    else:
        label = {
            "CreatedbStmt": "CREATE DATABASE",
            "DropdbStmt": "DROP DATABASE",
            "CreateTableSpaceStmt": "CREATE TABLESPACE",
            "DropTableSpaceStmt": "DROP TABLESPACE",
            "AlterSystemStmt": "ALTER SYSTEM",
        }.get(kind)
    return label


def parse(sql: str) -> tuple[list[str], list[int], list[bool], tuple[int, str] | None]:
    """(statements, offsets, runnable, refusal) for a file's text; see the module docstring.

    pglast reports locations as character indexes into ``sql`` (it maps libpg_query's UTF-8
    byte offsets back), so slices of ``sql`` are taken directly.
    """
    from pglast.parser import ParseError, parse_sql

    def line(at: int) -> int:
        return sql.count("\n", 0, at) + 1

    try:
        raw = parse_sql(sql)
    except ParseError as exc:
        message, index = exc.args[0], exc.args[1] if len(exc.args) > 1 else None
        at = index if isinstance(index, int) else len(sql.rstrip())
        return (
            [],
            [],
            [],
            (line(at), f"{message} (PostgreSQL's parser); nothing was run. Fix the SQL."),
        )
    statements: list[str] = []
    offsets: list[int] = []
    runnable: list[bool] = []
    refusal: tuple[int, str] | None = None

    def add(pieces: list[tuple[str, int]], run: bool) -> None:
        for text, offset in pieces:
            if not text:
                continue
            statements.append(text)
            offsets.append(offset)
            runnable.append(run)

    cursor = 0
    for stmt in raw:
        begin = stmt.stmt_location or 0
        end = begin + stmt.stmt_len if stmt.stmt_len else len(sql)
        pieces, begin = _comment_pieces(sql, cursor, begin)
        add(pieces, False)
        text = sql[begin:end]
        offset = begin + len(text) - len(text.lstrip())
        add([(text.strip(), offset)], True)
        label = _refused(stmt.stmt)
        if label is not None and refusal is None:
            code = offset + _code_start(text.strip())
            if label == "":  # BEGIN, COMMIT/END, ROLLBACK/ABORT: as written
                label = re.split(r"\W", sql[code:], maxsplit=1)[0].upper()
            fix = (
                CONTROL_FIX if type(stmt.stmt).__name__ == "TransactionStmt" else NO_TRANSACTION_FIX
            )
            refusal = (line(code), f"contains {label}; {fix}")
        cursor = end + 1 if sql[end : end + 1] == ";" else end
    pieces, rest = _comment_pieces(sql, cursor, len(sql))
    add([*pieces, (sql[rest:].strip(), rest + len(sql[rest:]) - len(sql[rest:].lstrip()))], False)
    return statements, offsets, runnable, refusal


def split_statements(sql: str) -> list[str]:
    """The statements recorded for a file with this content (empty if it does not parse)."""
    return parse(sql)[0]


def same_text(recorded: list[str], file: MigrationFile) -> bool:
    """Whether ``recorded`` holds ``file``'s text, ignoring only white space and ``;``.

    Used when the arrays differ: rows written by the Supabase CLI or an older convoai-setup were
    split by a hand-written lexer that cuts some files (``E'\\''``, ``BEGIN ATOMIC``) elsewhere.
    The same text split elsewhere is the same migration, not an edited one.
    """
    drop = re.compile(r"[\s;]+")
    return drop.sub("", "".join(recorded)) == drop.sub("", file.sql)


# -- discovery ---------------------------------------------------------------------------------
#: bump when ``parse`` changes what it returns for the same text (cache entries then miss)
PARSE_CACHE_VERSION = "1:pg18"
#: entries kept in the parse cache (several projects share it)
PARSE_CACHE_SIZE = 256
_Parsed = tuple[list[str], list[int], list[bool], tuple[int, str] | None]


def _cache_path() -> Path:
    """The parse cache: in the user's cache directory, never in the (possibly hostile) checkout.

    A cache a repository could ship would let it mark a file with a COMMIT as harmless.
    """
    import os
    import sys

    if sys.platform.startswith("linux"):  # platformdirs' own rule, without its import time
        base = os.environ.get("XDG_CACHE_HOME", "").strip() or str(Path.home() / ".cache")
        return Path(base) / "convoai-setup" / "parsed.json"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("convoai-setup")) / "parsed.json"


def _valid(entry: Any) -> _Parsed | None:
    """A cache entry as ``parse`` returns it, or None if it has any other shape."""
    if not (isinstance(entry, list) and len(entry) == 4):
        return None
    statements, offsets, runnable, refusal = entry
    lists = (
        isinstance(statements, list)
        and isinstance(offsets, list)
        and isinstance(runnable, list)
        and len(statements) == len(offsets) == len(runnable)
        and all(isinstance(x, str) for x in statements)
        and all(type(x) is int for x in offsets)
        and all(type(x) is bool for x in runnable)
    )
    if not lists:
        return None
    if refusal is None:
        return statements, offsets, runnable, None
    if isinstance(refusal, list) and len(refusal) == 2:
        line, message = refusal
        if type(line) is int and isinstance(message, str):
            return statements, offsets, runnable, (line, message)
    return None


def parse_cached(texts: list[str]) -> list[_Parsed]:
    """``parse`` for each text, remembered by content hash between runs.

    Loading PostgreSQL's parser costs more than the rest of a migration's start-up on a fast
    link; unchanged files (every file, on most runs) need not load it. Best effort: an
    unreadable or malformed cache is ignored, one that cannot be written is left alone.
    """
    import hashlib
    import json

    from wizard.fsutil import atomic_write

    path = _cache_path()
    try:
        cache = json.loads(path.read_text(encoding="utf-8"))
        entries: dict[str, Any] = cache if isinstance(cache, dict) else {}
    except (OSError, ValueError):
        entries = {}
    out: list[_Parsed] = []
    keys: list[str] = []
    changed = False
    for text in texts:
        key = hashlib.sha256(f"{PARSE_CACHE_VERSION}\0{text}".encode()).hexdigest()
        keys.append(key)
        parsed = _valid(entries.get(key))
        if parsed is None:
            parsed = parse(text)
            changed = True
        out.append(parsed)
    if changed:
        for key, parsed in zip(keys, out, strict=True):
            entries.pop(key, None)
            entries[key] = [parsed[0], parsed[1], parsed[2], parsed[3]]  # newest last
        kept = dict(list(entries.items())[-PARSE_CACHE_SIZE:])
        with contextlib.suppress(OSError):
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(path, json.dumps(kept).encode(), mode=0o600)
    return out


def read_sql(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(
            f"Cannot read {path}: {exc}.", "Check the file's permissions and encoding (UTF-8)."
        ) from None


def misnamed(project: Project) -> list[str]:
    """Files in ``supabase/migrations/`` not named ``<version>_<name>.sql``: never applied, as
    the Supabase CLI skips them too (dotfiles such as ``.gitkeep`` aside)."""
    folder = project.root / "supabase" / "migrations"
    if not folder.is_dir():
        return []
    return sorted(
        p.name
        for p in folder.iterdir()
        if p.is_file() and not p.name.startswith(".") and not MIGRATION_FILE.match(p.name)
    )


def skip_warning(name: str) -> str:
    """What the Supabase CLI says of such a file, and what to do."""
    return (
        f"skipping migration {name}: the file name must match <version>_<name>.sql (as the "
        "Supabase CLI requires), so it is never applied; rename it to <version>_"
        f"{name.removesuffix('.sql')}.sql, its version after the last one's"
    )


def discover(project: Project) -> list[MigrationFile]:
    """``supabase/schema.sql`` first, then ``supabase/migrations/<version>_<name>.sql`` by number.

    Files in ``migrations/`` that don't match the CLI's pattern are skipped, as the CLI does
    (``misnamed`` lists them, so that ``migrate`` can warn as the CLI does).
    """
    named: list[tuple[Path, str, str]] = []  # (path, version, name)
    schema = project.root / "supabase" / "schema.sql"
    if schema.is_file():
        named.append((schema, SCHEMA_VERSION, "schema"))
    folder = project.root / "supabase" / "migrations"
    found: list[tuple[int, str, Path, str]] = []
    for path in folder.glob("*.sql") if folder.is_dir() else ():
        match = MIGRATION_FILE.match(path.name)
        if match:
            found.append((int(match.group(1)), match.group(1), path, match.group(2)))
    found.sort(key=lambda item: (item[0], item[1]))
    seen: dict[str, Path] = {}
    for _, version, path, name in found:
        if version in seen:
            raise UsageError(
                f"{seen[version].name} and {path.name} share version {version}: the history table "
                "records one file per version.",
                "Renumber one of them.",
            )
        seen[version] = path
        named.append((path, version, name))
    texts = [read_sql(path) for path, _, _ in named]
    return [
        MigrationFile(version, name, path, sql, *parsed)
        for (path, version, name), sql, parsed in zip(
            named, texts, parse_cached(texts), strict=True
        )
    ]
