"""Statement splitting must give the Supabase CLI's ``statements`` array; refusals must be exact.

The split cases are the CLI's own (supabase/cli pkg/parser/state_test.go): each list is the
statements ``Split`` returns for their concatenation.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from wizard.migration_files import (
    MigrationFile,
    split_statements,
    split_with_offsets,
    transaction_control,
)

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
    ["$$\"Dane's horse\"$$"],
    ['SELECT "$";', " $$"],
    ["SELECT ';' 1"],
    ["SELECT ';'';' 1"],
    ["SELECT '\\';", " 1'"],
    ['CREATE POLICY "cats;dogs" on cats_dogs;', " END"],
    ['CREATE POLICY "pet""name" on pets;', " END"],
    ['CREATE RULE notify_me AS ON UPDATE TO mytable DO (NOTIFY mytable; SELECT "1");', "SELECT 1"],
    ["CREATE RULE r AS ON UPDATE TO t DO (-- )\nSELECT ')';\n-- )\n)\n"],
    ["CREATE FUNCTION add(a integer, b integer) RETURNS integer\nLANGUAGE SQL\nBEGIN ATOMIC\n\tSELECT 'add';\n\tSELECT a + b;\nEND;"],
    ["begin atomic; select 'end'; end"],
    ["CREATE FUNCTION test() BEGIN\nATOMIC-- END;\n-- END;\nEND\n;"],
    ["create table public.atomic_test (id int);", "\nselect 1;"],
    ["CREATE FUNCTION public.f_atomic() RETURNS void LANGUAGE plpgsql\nAS $$\nBEGIN\n  RAISE NOTICE 'hello';\nEND;\n$$;", "\nGRANT EXECUTE ON FUNCTION public.f_atomic() TO authenticated;"],
    ["select is_atomic from flags;", "\nselect 1;"],
    ["select col1atomic from t;", "\nselect 1;"],
]  # fmt: skip


@pytest.mark.parametrize("parts", CLI_CASES, ids=range(len(CLI_CASES)))
def test_split_matches_the_cli(parts: list[str]) -> None:
    # SplitAndTrim = Split, then trailing ';' and surrounding space trimmed, empties dropped.
    expected = [p.rstrip(";").strip() for p in parts if p.rstrip(";").strip()]
    assert split_statements("".join(parts)) == expected


def test_offsets_point_at_each_trimmed_statement() -> None:
    sql = "-- head\nCREATE TABLE a (x int);\n\n  SELECT 1;\n"
    statements, offsets = split_with_offsets(sql)
    assert [sql[o : o + len(s)] for s, o in zip(statements, offsets, strict=True)] == statements


def _file(sql: str) -> MigrationFile:
    statements, offsets = split_with_offsets(sql)
    return MigrationFile("005", "x", Path("005_x.sql"), sql, statements, offsets)


@pytest.mark.parametrize(
    ("sql", "found"),
    [
        ("CREATE TABLE a (x int);\nCOMMIT;\nBEGIN;\nCREATE TABLE b (x int);", (2, "COMMIT")),
        ("-- note\n/* c */ begin;\nSELECT 1;", (2, "BEGIN")),
        ("SELECT 1;\n\nROLLBACK;", (3, "ROLLBACK")),
        ("START TRANSACTION;", (1, "START TRANSACTION")),
        ("SELECT 1;\nEND;", (2, "END")),
    ],
)
def test_transaction_control_is_refused(sql: str, found: tuple[int, str]) -> None:
    assert transaction_control(_file(sql)) == found


@pytest.mark.parametrize(
    "sql",
    [
        "CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$\nBEGIN\n  PERFORM 1;\nEND;\n$$;",
        "CREATE FUNCTION g() RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT 1;\nEND;",
        "DO $body$ BEGIN COMMIT; END $body$;",
        "SAVEPOINT s;\nROLLBACK TO SAVEPOINT s;",
        "SELECT 'BEGIN; COMMIT;';",
    ],
)
def test_transaction_words_inside_bodies_are_not_refused(sql: str) -> None:
    assert transaction_control(_file(sql)) is None


def test_line_of_uses_the_server_position() -> None:
    f = _file("-- a\nSELECT 1;\n\n-- why\nSELECT\n  nosuch;\n")
    assert f.line_of(1) == 5  # first line that is not a comment
    assert f.line_of(1, len("-- why\nSELECT\n  n")) == 6
