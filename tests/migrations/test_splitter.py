"""Statements come from PostgreSQL's own parser (pglast); refusals must be exact.

The split cases are the Supabase CLI's own (supabase/cli pkg/parser/state_test.go): each list is
the statements its ``Split`` returns for their concatenation. Where the text is valid SQL our
split must give the same array (the CLI compares nothing, but ``supabase migration fetch`` writes
files back from it, and rows the CLI wrote must not read as edited). The CLI's lexer also splits
text that is not SQL at all; PostgreSQL's parser rejects those, with the line, before anything runs.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from wizard.migration_files import MigrationFile, parse, same_text, split_statements

CLI_CASES = [
    ["END;", "-- comment"],
    ["SELECT --; 1"],
    ["- ;", "END"],
    ["-- /* \n;", " */ END"],
    ["SELECT /* ; */ 1;"],
    ["SELECT /*; /*;*/ ;*/ 1"],
    ["/ * ;", " */ END"],
    [";", "END;", ";"],
    ["BEGIN   ;", "  END"],
    ["\\;;", "\\;"],
    ["$tag$ any ; string$tag$"],
    ['$$"Dane\'s horse"$$'],
    ['SELECT "$";', " $$"],
    ["SELECT ';' 1"],
    ["SELECT ';'';' 1"],
    ["SELECT '\\';", " 1'"],
    ['CREATE POLICY "cats;dogs" on cats_dogs;', " END"],
    ['CREATE POLICY "pet""name" on pets;', " END"],
    ['CREATE RULE notify_me AS ON UPDATE TO mytable DO (NOTIFY mytable; SELECT "1");', "SELECT 1"],
    ["CREATE RULE r AS ON UPDATE TO t DO (-- )\nSELECT ')';\n-- )\n)\n"],
    [
        "CREATE FUNCTION add(a integer, b integer) RETURNS integer\nLANGUAGE SQL\nBEGIN "
        "ATOMIC\n\tSELECT 'add';\n\tSELECT a + b;\nEND;"
    ],
    ["begin atomic; select 'end'; end"],
    ["CREATE FUNCTION test() BEGIN\nATOMIC-- END;\n-- END;\nEND\n;"],
    ["create table public.atomic_test (id int);", "\nselect 1;"],
    [
        "CREATE FUNCTION public.f_atomic() RETURNS void LANGUAGE plpgsql\nAS $$\nBEGIN\n  "
        "RAISE NOTICE 'hello';\nEND;\n$$;",
        "\nGRANT EXECUTE ON FUNCTION public.f_atomic() TO authenticated;",
    ],
    ["select is_atomic from flags;", "\nselect 1;"],
    ["select col1atomic from t;", "\nselect 1;"],
]
#: CLI cases that are not SQL: (line, the parser's message), and why PostgreSQL refuses them
NOT_SQL = {
    2: (1, "syntax error"),  # "- ;": a lone minus
    3: (2, "syntax error"),  # "*/ END" outside any comment
    6: (1, "syntax error"),  # "/ * ;": a division with no operands
    9: (1, "syntax error"),  # "\\;": a backslash is no token outside psql
    10: (1, "syntax error"),  # a bare string is not a statement
    11: (1, "syntax error"),  # same, dollar-quoted
    12: (1, "unterminated dollar-quoted string"),  # "$$" opens a body that never ends
    13: (1, "syntax error"),  # "SELECT ';' 1": two expressions, no comma
    14: (1, "syntax error"),  # same, with a doubled quote
    15: (1, "syntax error"),  # "'\\'" ends at the second quote (standard_conforming_strings)
    21: (1, "syntax error"),  # "begin atomic" outside CREATE FUNCTION
}


@pytest.mark.parametrize("parts", CLI_CASES, ids=range(len(CLI_CASES)))
def test_split_matches_the_cli(parts: list[str]) -> None:
    index = CLI_CASES.index(parts)
    statements, _, _, refusal = parse("".join(parts))
    if index in NOT_SQL:
        assert statements == [] and refusal is not None
        line, message = NOT_SQL[index]
        assert refusal[0] == line and refusal[1].startswith(message), refusal
        return
    # SplitAndTrim = Split, then trailing ';' and surrounding space trimmed, empties dropped.
    expected = [p.rstrip(";").strip() for p in parts if p.rstrip(";").strip()]
    assert statements == expected


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        # E-strings: a backslash-escaped quote does not end the literal
        ("SELECT E'it\\'s; COMMIT';\nSELECT 1;", ["SELECT E'it\\'s; COMMIT'", "SELECT 1"]),
        # U& strings with escapes, and a UESCAPE clause
        (
            "SELECT U&'d\\0061t\\+000061;';SELECT U&'!0061;' UESCAPE '!';",
            ["SELECT U&'d\\0061t\\+000061;'", "SELECT U&'!0061;' UESCAPE '!'"],
        ),
        # nested block comments keep their ';' and COMMIT
        (
            "SELECT /* a /* COMMIT; */ b; */ 1;\nSELECT 2",
            ["SELECT /* a /* COMMIT; */ b; */ 1", "SELECT 2"],
        ),
        # tagged dollar quotes whose body holds ';', COMMIT, and another tag
        (
            "DO $fn$ BEGIN PERFORM 1; COMMIT; RAISE NOTICE $x$;$x$; END $fn$;\nSELECT 3;",
            ["DO $fn$ BEGIN PERFORM 1; COMMIT; RAISE NOTICE $x$;$x$; END $fn$", "SELECT 3"],
        ),
        # comments before a statement stay with it; a comment-only stretch is an entry
        (
            "-- head\nSELECT 1 /* x */ ;  -- between\n; SELECT 2; -- tail\n",
            ["-- head\nSELECT 1 /* x */", "-- between", "SELECT 2", "-- tail"],
        ),
    ],
)
def test_the_parser_reads_quotes_comments_and_bodies(sql: str, expected: list[str]) -> None:
    statements, _, runnable, refusal = parse(sql)
    assert statements == expected and refusal is None
    assert runnable == [s not in ("-- between", "-- tail") for s in statements]


def test_offsets_point_at_each_statement_with_multibyte_text() -> None:
    # libpg_query counts UTF-8 bytes; the offsets must be characters of the Python string.
    sql = "-- ünïcødé 😀\nCREATE TABLE a (x text DEFAULT 'é😀');\n\n  SELECT '€'; -- ß\n"
    statements, offsets, _, _ = parse(sql)
    assert [sql[o : o + len(s)] for s, o in zip(statements, offsets, strict=True)] == statements
    assert statements[1] == "SELECT '€'"


def _file(sql: str) -> MigrationFile:
    statements, offsets, runnable, refusal = parse(sql)
    return MigrationFile("005", "x", Path("005_x.sql"), sql, statements, offsets, runnable, refusal)


@pytest.mark.parametrize(
    ("sql", "line", "label"),
    [
        ("CREATE TABLE a (x int);\nCOMMIT;\nBEGIN;\nCREATE TABLE b (x int);", 2, "COMMIT"),
        ("-- note\n/* c */ begin;\nSELECT 1;", 2, "BEGIN"),
        ("SELECT 1;\n\nROLLBACK;", 3, "ROLLBACK"),
        ("START TRANSACTION;", 1, "START TRANSACTION"),
        ("SELECT 1;\nEND;", 2, "END"),
        ("SELECT 1;\nabort;", 2, "ABORT"),
        ("SELECT 1;\n  PREPARE TRANSACTION 'p1';", 2, "PREPARE TRANSACTION"),
        ("COMMIT PREPARED 'p1';", 1, "COMMIT PREPARED"),
        ("ROLLBACK PREPARED 'p1';", 1, "ROLLBACK PREPARED"),
        ("SELECT E'it\\'s';\nCOMMIT;\nCREATE TABLE t (x int);", 2, "COMMIT"),
        ("SELECT 'é😀';\nCOMMIT;", 2, "COMMIT"),
        (
            "CREATE TABLE t (x int);\nCREATE INDEX CONCURRENTLY i ON t (x);",
            2,
            "CREATE INDEX CONCURRENTLY",
        ),
        ("DROP INDEX CONCURRENTLY i;", 1, "DROP INDEX CONCURRENTLY"),
        ("REINDEX TABLE CONCURRENTLY t;", 1, "REINDEX"),
        ("VACUUM t;", 1, "VACUUM"),
        ("CREATE DATABASE d;", 1, "CREATE DATABASE"),
        ("ALTER SYSTEM SET work_mem = '8MB';", 1, "ALTER SYSTEM"),
        ("ALTER TABLE t DETACH PARTITION p CONCURRENTLY;", 1, "DETACH PARTITION CONCURRENTLY"),
    ],
)
def test_statements_that_end_the_transaction_are_refused(sql: str, line: int, label: str) -> None:
    refusal = _file(sql).refusal
    assert refusal is not None and refusal[0] == line
    assert refusal[1].startswith(f"contains {label};"), refusal


@pytest.mark.parametrize(
    "sql",
    [
        "CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$\nBEGIN\n  PERFORM 1;\nEND;\n$$;",
        "CREATE FUNCTION g() RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT 1;\nEND;",
        "DO $body$ BEGIN COMMIT; END $body$;",
        # Savepoints nest inside the file's transaction and cannot end it: allowed.
        "SAVEPOINT s;\nROLLBACK TO SAVEPOINT s;\nRELEASE SAVEPOINT s;",
        "SELECT 'BEGIN; COMMIT;';",
        "CREATE INDEX i ON t (x);\nANALYZE t;",
    ],
)
def test_transaction_words_inside_bodies_are_not_refused(sql: str) -> None:
    assert _file(sql).refusal is None


def test_a_parse_error_names_its_line_even_after_multibyte_text() -> None:
    refusal = _file("SELECT 'ü😀';\n\nCREATE TABLE ok (x int);\nSELEC 1;\n").refusal
    assert refusal == (
        4,
        'syntax error at or near "SELEC" (PostgreSQL\'s parser); nothing was run. Fix the SQL.',
    )
    assert _file("SELECT 1;\nSELECT 'unterminated;\n").refusal is not None


def test_line_of_uses_the_server_position() -> None:
    f = _file("-- a\nSELECT 1;\n\n-- why\nSELECT\n  nosuch;\n")
    assert f.line_of(1) == 5  # first line that is not a comment
    assert f.line_of(1, len("-- why\nSELECT\n  n")) == 6


def test_a_different_split_of_the_same_text_is_not_an_edit() -> None:
    f = _file("SELECT E'a\\'b';\nSELECT 2;\n")
    # what the CLI's lexer records for this file (it ends the literal at the backslash-quote)
    assert same_text(["SELECT E'a\\'b'", "SELECT 2"], f)
    assert same_text(["SELECT E'a\\'b';\nSELECT 2"], f)
    assert not same_text(["SELECT E'a\\'b'", "SELECT 3"], f)
    assert split_statements(f.sql) == ["SELECT E'a\\'b'", "SELECT 2"]


def _discover_in_subprocess(project: Path) -> tuple[list[str], bool]:
    """(each file's refusal or "", whether PostgreSQL's parser was loaded) in a fresh process."""
    import json
    import subprocess
    import sys

    from tests.conftest import REPO

    code = (
        "import json, sys; from pathlib import Path; from wizard.migration_files import discover;"
        "from wizard.project import Project;"
        f"files = discover(Project(Path({str(project)!r})));"
        "print(json.dumps([[f.refusal[1] if f.refusal else '' for f in files], 'pglast' in "
        "sys.modules]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    refusals, loaded = json.loads(out.stdout)
    return refusals, loaded


def test_unchanged_files_are_not_parsed_again(project: Path, isolated_env: Path) -> None:
    from tests.migrations.conftest import add_migration

    assert _discover_in_subprocess(project) == ([""] * 5, True)
    assert _discover_in_subprocess(project) == ([""] * 5, False)  # from the cache
    # The cache lives with the user, not in the checkout a repository could ship.
    cache = isolated_env / "cache" / "convoai-setup" / "parsed.json"
    assert cache.is_file() and not list(project.rglob("parsed.json"))
    assert cache.stat().st_mode & 0o777 == 0o600
    # A changed file is parsed again, and the guard sees its COMMIT.
    add_migration(project, "005_x.sql", "SELECT 1;\nCOMMIT;\n")
    refusals, loaded = _discover_in_subprocess(project)
    assert loaded and refusals[-1].startswith("contains COMMIT;")
    # A damaged cache is ignored (and rewritten).
    cache.write_text('{"x": [1, 2]')
    assert _discover_in_subprocess(project)[1] is True
    assert _discover_in_subprocess(project)[1] is False
