"""Migration files: discovery, order, and statement splitting exactly as the Supabase CLI does it.

The CLI stores each applied file's statements in ``supabase_migrations.schema_migrations`` and
compares them to spot drift, so our split must produce the same array. ``split_statements`` is a
port of the CLI's tokenizer (supabase/cli ``pkg/parser/state.go`` and ``token.go``): a state
machine over characters that only treats ``;`` as a separator outside '…' and "…" quotes,
``$$``/``$tag$`` bodies, ``--`` and nested ``/* */`` comments, a ``\\``-escaped character,
parentheses, and ``BEGIN ATOMIC … END`` bodies. Each statement is kept as written (comments and
all) with trailing ``;`` and surrounding white space trimmed (``SplitAndTrim``). The CLI's quirks
are kept on purpose (e.g. the first ``)`` closes nested parentheses, ``END`` ends an atomic body
even inside a longer word): matching the CLI matters more than parsing SQL perfectly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from wizard.errors import UsageError
from wizard.project import Project

MIGRATION_FILE = re.compile(r"^([0-9]+)_(.*)\.sql$")
#: ``supabase/schema.sql`` has no version prefix; it is tracked under this version (see history)
SCHEMA_VERSION = "schema"
#: first keywords of statements that end or open the transaction each file runs in
TRANSACTION_CONTROL = {"BEGIN", "COMMIT", "END", "ROLLBACK", "ABORT", "START"}


@dataclass
class MigrationFile:
    version: str
    name: str
    path: Path
    sql: str
    statements: list[str]
    #: offset in ``sql`` where each statement starts (for file:line in error messages)
    offsets: list[int] = field(default_factory=list, repr=False)

    @property
    def is_schema(self) -> bool:
        return self.version == SCHEMA_VERSION

    def line_of(self, index: int, position: int | None = None) -> int:
        """1-based line of statement ``index`` (at 1-based char ``position`` within it, if known)."""
        start = self.offsets[index]
        stmt = self.statements[index]
        if position:
            return self.sql.count("\n", 0, start) + stmt.count("\n", 0, position - 1) + 1
        # No position: the statement's first line that is not a comment or blank.
        first = start + len(stmt) - len(_skip_comments(stmt))
        return self.sql.count("\n", 0, first) + 1


# -- the CLI's tokenizer -----------------------------------------------------------------------
class _State:
    def next(self, ch: str, text: str, start: int, end: int) -> _State | None:
        raise NotImplementedError


class _Ready(_State):
    def next(self, ch: str, text: str, start: int, end: int) -> _State | None:
        if ch == "$":
            return _Tag(end - 1)
        if ch in "'\"":
            return _Quote(ch)
        if ch == "-":
            return _Comment()
        if ch == "/":
            return _Block()
        if ch == "\\":
            return _Escape()
        if ch == ";":
            return None
        if ch == "(":
            return _Atomic(self, ")")
        if ch in "cC":
            off = end - 6
            if off > start and text[off:end].upper() == "ATOMIC" and text[off - 1].isspace():
                return _Atomic(self, "END")
        return self


class _Comment(_State):
    def next(self, ch: str, text: str, start: int, end: int) -> _State | None:
        if ch == "-":
            return _Dollar("\n")  # nothing is escaped in a line comment, as in a dollar quote
        return _Ready().next(ch, text, start, end)


class _Block(_State):
    def __init__(self) -> None:
        self.depth = 0

    def next(self, ch: str, text: str, start: int, end: int) -> _State | None:
        window = text[end - 2 : end]
        if window == "/*":
            self.depth += 1
            return self
        if self.depth == 0:
            return _Ready().next(ch, text, start, end)
        if window == "*/":
            self.depth -= 1
            if self.depth == 0:
                return _Ready()
        return self


class _Quote(_State):
    def __init__(self, delimiter: str) -> None:
        self.delimiter = delimiter
        self.escape = False

    def next(self, ch: str, text: str, start: int, end: int) -> _State | None:
        if self.escape:
            if ch == self.delimiter:  # a doubled quote stays inside the literal
                self.escape = False
                return self
            return _Ready().next(ch, text, start, end)
        if ch == self.delimiter:
            self.escape = True
        return self


class _Dollar(_State):
    def __init__(self, delimiter: str) -> None:
        self.delimiter = delimiter

    def next(self, ch: str, text: str, start: int, end: int) -> _State | None:
        if text[max(start, end - len(self.delimiter)) : end] == self.delimiter:
            return _Ready()
        return self


class _Tag(_State):
    def __init__(self, offset: int) -> None:
        self.offset = offset

    def next(self, ch: str, text: str, start: int, end: int) -> _State | None:
        if ch == "$":
            return _Dollar(text[self.offset : end])
        if ch.isalpha() or ch.isdigit() or ch == "_":
            return self
        return _Ready().next(ch, text, start, end)


class _Escape(_State):
    def next(self, ch: str, text: str, start: int, end: int) -> _State | None:
        return _Ready()


class _Atomic(_State):
    def __init__(self, prev: _State, delimiter: str) -> None:
        self.prev = prev
        self.delimiter = delimiter

    def next(self, ch: str, text: str, start: int, end: int) -> _State | None:
        current = self.prev.next(ch, text, start, end)
        if current is not None:  # a ';' inside the body does not end the statement
            self.prev = current
        if isinstance(self.prev, _Ready):
            window = text[max(start, end - len(self.delimiter)) : end]
            if window.upper() == self.delimiter:
                return _Ready()
        return self


def split_with_offsets(sql: str) -> tuple[list[str], list[int]]:
    """The CLI's ``SplitAndTrim``: statements, and where each (trimmed) one starts in ``sql``."""
    statements: list[str] = []
    offsets: list[int] = []

    def emit(start: int, end: int) -> None:
        token = sql[start:end].rstrip(";")
        trimmed = token.strip()
        if trimmed:
            statements.append(trimmed)
            offsets.append(start + len(token) - len(token.lstrip()))

    state: _State = _Ready()
    start = 0
    for i, ch in enumerate(sql):
        nxt = state.next(ch, sql, start, i + 1)
        if nxt is None:
            emit(start, i + 1)
            start, nxt = i + 1, _Ready()
        state = nxt
    emit(start, len(sql))
    return statements, offsets


def split_statements(sql: str) -> list[str]:
    """The statements the Supabase CLI records for a file with this content."""
    return split_with_offsets(sql)[0]


_COMMENTS = re.compile(r"\A(?:\s+|--[^\n]*(?:\n|\Z)|/\*.*?\*/)*", re.S)


def _skip_comments(stmt: str) -> str:
    return stmt[_COMMENTS.match(stmt).end() :]  # type: ignore[union-attr]  # \A(...)* always matches


def transaction_control(file: MigrationFile) -> tuple[int, str] | None:
    """(line, keyword) of the first top-level statement that would end our transaction."""
    for index, stmt in enumerate(file.statements):
        words = _skip_comments(stmt).split(None, 2)
        first = words[0].upper().rstrip(";") if words else ""
        second = words[1].upper() if len(words) > 1 else ""
        if first == "START" and second != "TRANSACTION":
            continue
        if first == "ROLLBACK" and second in ("TO", "PREPARED"):
            continue  # ROLLBACK TO SAVEPOINT stays inside the transaction
        if first in TRANSACTION_CONTROL:
            return file.line_of(index), " ".join(words[:2]).upper() if first == "START" else first
    return None


# -- discovery ---------------------------------------------------------------------------------
def load(path: Path, version: str, name: str) -> MigrationFile:
    try:
        sql = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(
            f"Cannot read {path}: {exc}.", "Check the file's permissions and encoding (UTF-8)."
        ) from None
    statements, offsets = split_with_offsets(sql)
    return MigrationFile(version, name, path, sql, statements, offsets)


def discover(project: Project) -> list[MigrationFile]:
    """``supabase/schema.sql`` first, then ``supabase/migrations/<version>_<name>.sql`` by number.

    Files in ``migrations/`` that don't match the CLI's pattern are ignored, as the CLI does.
    """
    files: list[MigrationFile] = []
    schema = project.root / "supabase" / "schema.sql"
    if schema.is_file():
        files.append(load(schema, SCHEMA_VERSION, "schema"))
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
        files.append(load(path, version, name))
    return files
