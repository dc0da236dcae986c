"""YAML emitting for the generated workflow and Blueprint: block style, readable, GitHub-safe."""

from __future__ import annotations

import re
from typing import Any

import yaml

#: YAML 1.2 booleans only. PyYAML follows YAML 1.1, where ``on``/``off``/``yes``/``no`` are
#: booleans too, so it would quote the workflow's ``on:`` key. GitHub reads YAML 1.2, where those
#: words are plain strings; ``true``/``false`` stay quoted when they are strings.
_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")


class BlockDumper(yaml.SafeDumper):
    """SafeDumper with indented sequences and YAML 1.2 booleans."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # Indent list items under their key (``steps:\n  - uses: …``), as GitHub's docs do.
        super().increase_indent(flow, False)


BlockDumper.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeDumper.yaml_implicit_resolvers.items()
}
BlockDumper.add_implicit_resolver("tag:yaml.org,2002:bool", _BOOL, list("tTfF"))


def dump(document: Any, header: str = "") -> str:
    """``document`` as block-style YAML, keys in insertion order, preceded by comment lines."""
    body = yaml.dump(
        document,
        Dumper=BlockDumper,
        default_flow_style=False,
        sort_keys=False,
        allow_unicode=True,
        width=4096,
    )
    comments = "".join(f"# {line}".rstrip() + "\n" for line in header.splitlines())
    return comments + body
