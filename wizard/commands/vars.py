"""``convoai-setup vars set|list|get|unset|import``: every catalog variable, safely."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from checklists.errors import EXIT_FAILED, UsageError, ValidationError
from wizard.commands import print_json, project_of


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("vars", parents=[common], help="set, list, get, unset or import values")
    vs = p.add_subparsers(dest="vars_command", metavar="ACTION", required=True)

    s = vs.add_parser(
        "set",
        parents=[common],
        help="store one value (secrets only from a hidden prompt or stdin)",
        description="Store one catalog value. A secret is read from a hidden prompt, or from "
        "stdin when piped; never from the command line, where ps and shell history would see it.",
    )
    s.add_argument("name")
    s.add_argument("value", nargs="?", help="non-secret values only")
    s.add_argument(
        "--allow-invalid", action="store_true", help="store even if the format looks wrong"
    )
    s.set_defaults(handler=run_set)

    ls = vs.add_parser("list", parents=[common], help="every variable, masked")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(handler=run_list)

    g = vs.add_parser("get", parents=[common], help="one value (masked unless --reveal)")
    g.add_argument("name")
    g.add_argument("--reveal", action="store_true", help="print the real value")
    g.set_defaults(handler=run_get)

    u = vs.add_parser("unset", parents=[common], help="forget one value")
    u.add_argument("name")
    u.set_defaults(handler=run_unset)

    i = vs.add_parser("import", parents=[common], help="import catalog values from a .env file")
    i.add_argument("file", metavar="FILE.env")
    i.add_argument("--allow-invalid", action="store_true")
    i.set_defaults(handler=run_import)


def _answers(args: argparse.Namespace) -> Any:
    from wizard.values import Answers

    return Answers(project_of(args))


def _prompt(name: str, secret: bool) -> str:
    """A value from a hidden prompt (secrets) or a plain one."""
    import getpass

    try:
        return getpass.getpass(f"{name} (hidden): ") if secret else input(f"{name}: ")
    except UnicodeDecodeError:
        raise UsageError(
            f"What was typed for {name} is not UTF-8 text; nothing was stored.",
            "Set the terminal to UTF-8 (e.g. LANG=C.UTF-8) and paste the value again.",
        ) from None


def _read_value(name: str) -> str:
    """All of stdin (a pipe), decoded as UTF-8 whatever the locale says."""
    data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read()
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"The value piped in for {name} is not UTF-8 text (byte {exc.start + 1} can't be "
            "decoded); nothing was stored.",
            "Pipe the value as UTF-8 text (check the file's encoding, e.g. with 'file').",
        ) from None


def run_set(args: argparse.Namespace) -> int:
    from checklists.catalog import mask
    from wizard.console import info, warn
    from wizard.values import lookup

    var = lookup(args.name)
    if var.secret and args.value is not None:
        raise UsageError(
            f"{var.name} is a secret and is never taken from the command line (ps and shell "
            "history would keep it); nothing was stored.",
            f"Run 'convoai-setup vars set {var.name}' and paste at the hidden prompt, or pipe it: "
            f"... | convoai-setup vars set {var.name}",
        )
    answers = _answers(args)
    prompt = args.value is None and sys.stdin.isatty()
    # A value already at hand (argv, pipe) is judged before anything is created on disk.
    raw = None if prompt else (args.value if args.value is not None else _read_value(var.name))
    if raw is not None:
        answers.prepare(var.name, raw, allow_invalid=args.allow_invalid)
    store_note = ""
    if var.secret:
        store = answers.store
        store.unlock()  # a wrong passphrase should fail before the user pastes anything
        store_note = f" in the {store.description}"
        if store.fell_back:
            info(f"Using the {store.description}: {store.reason}.")
    if raw is None:
        raw = _prompt(var.name, var.secret)
    problems = answers.set(var.name, raw, allow_invalid=args.allow_invalid)
    for problem in problems:
        warn(problem + " (stored anyway: --allow-invalid)")
    value = answers.resolve(var.name).value
    info(f"{var.name} stored{store_note}: {mask(var.name, value)}")
    return 0


def run_list(args: argparse.Namespace) -> int:
    from checklists.catalog import catalog, mask
    from wizard.checklist import status_of
    from wizard.console import info, table, warn
    from wizard.outside import differences

    answers = _answers(args)
    state = answers.state_file.read()
    if any(v.secret and v.name in state["values"] for v in catalog().values()):
        info(f"Secrets: {answers.store.description}")
    shell = {o.name: o for o in differences(answers)}
    rows = []
    doc = []
    for name, resolved in answers.resolve_all().items():
        var = catalog()[name]
        status = status_of(name, resolved.value, state["values"].get(name))
        shown = mask(name, resolved.value)
        doc.append(
            {
                "name": name,
                "phase": var.phase,
                "destinations": list(var.destinations),
                "required": var.required,
                "secret": var.secret,
                "status": status,
                "source": resolved.source,
                "value": shown,
                # set differently in the shell or .env: pointed out, never used
                "outside": shell[name].doc() if name in shell else None,
            }
        )
        rows.append(
            [
                name,
                var.phase,
                ",".join(var.destinations),
                "yes" if var.required else "no",
                status,
                resolved.source or "",
                shown,
            ]
        )
    if args.json:
        print_json(doc)
    else:
        print(table(["NAME", "PHASE", "GOES TO", "REQUIRED", "STATUS", "SOURCE", "VALUE"], rows, 4))
        for found in shell.values():
            warn(f"{found.line()}. (The shell and .env never reach production.)")
    return 0


def run_get(args: argparse.Namespace) -> int:
    from checklists.catalog import mask
    from wizard.console import error
    from wizard.values import lookup

    var = lookup(args.name)
    resolved = _answers(args).resolve(var.name)
    if resolved.value is None:
        error(f"{var.name} is not set. Set it: convoai-setup vars set {var.name}")
        return EXIT_FAILED
    if not args.reveal:
        print(mask(var.name, resolved.value))
    elif sys.stdout.isatty():
        from checklists.chars import escape

        print(escape(resolved.value))  # a raw escape sequence must not reach the terminal
    else:
        print(resolved.value)
    return 0


def run_unset(args: argparse.Namespace) -> int:
    from wizard.console import info
    from wizard.values import lookup

    var = lookup(args.name)
    removed = _answers(args).unset(var.name)
    info(f"{var.name} {'removed' if removed else 'was not set; nothing to do'}.")
    return 0


def run_import(args: argparse.Namespace) -> int:
    from pathlib import Path

    from checklists.catalog import catalog
    from wizard.console import info, warn
    from wizard.values import read_dotenv

    path = Path(args.file)
    if not path.is_file():
        raise UsageError(
            f"{path} does not exist or is not a file.", "Pass the path of a .env file."
        )
    raw = read_dotenv(path)
    known = {k: v for k, v in raw.items() if k in catalog() and v not in (None, "")}
    unknown = sorted(k for k in raw if k not in catalog())
    empty = sorted(k for k, v in raw.items() if k in catalog() and v in (None, ""))
    if not known:
        raise ValidationError(
            f"{path} holds no value for a catalog variable; nothing was imported.",
            "See the names with: convoai-setup vars list",
        )
    answers = _answers(args)
    problems: list[str] = []
    for name, value in known.items():  # judge every value before the store is even opened
        try:
            answers.prepare(name, value, allow_invalid=args.allow_invalid)
        except ValidationError as exc:
            problems.append(exc.message.removesuffix(".").removesuffix("; nothing was stored"))
    if problems:  # every one of them, then nothing stored
        count = f"{len(problems)} values are" if len(problems) > 1 else "1 value is"
        raise ValidationError(
            f"{count} invalid in {path}, so nothing was imported: {'; '.join(problems)}.",
            "Fix them in the file (or pass --allow-invalid to store them marked invalid), then "
            "import again.",
        )
    if any(catalog()[k].secret for k in known):
        info(f"Secrets: {answers.store.description}")
    stored = answers.set_many(known, source="imported", allow_invalid=args.allow_invalid)
    for _name, found in stored.items():
        for problem in found:
            warn(f"{problem} (imported anyway: --allow-invalid)")
    info(f"Imported {len(known)} values from {path}: {', '.join(known)}.")
    if unknown:
        info(f"Ignored {len(unknown)} names the catalog doesn't have: {', '.join(unknown)}.")
    if empty:
        info(f"Skipped {len(empty)} empty values: {', '.join(empty)}.")
    return 0
