"""Standalone .rq files: each stored query's own PREFIX lines, exactly those it uses, written from the one prefix map.

A query file reads: its leading comment block (the question), the PREFIX lines, a blank line, the query. The
prologue is derived, never hand-written: `mscsle queries --write-prefixes` rewrites it after any edit (or after a
change of the prefix map), and tests/test_query_prologue.py checks that every file is as it would write it.
Queries that a user gives without prefixes still run: `with_prologue` adds the map's missing declarations.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from mscsle.model.prefixes import prefix_map

if TYPE_CHECKING:
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

DECLARATION = re.compile(r"^\s*PREFIX\s+([\w.-]*):\s*<([^>]*)>\s*$", re.I)


class PrologueError(ValueError):
    """A query file that cannot be given its prologue (a syntax error, or a prefix outside the map)."""


def _pnames(node: object, found: set[str]) -> set[str]:
    """The prefix of every prefixed name in rdflib's parse tree (strings, comments and IRIs hold none)."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(node, CompValue):
        if node.name == "pname":
            found.add(node["prefix"] or "")
        for value in node.values():
            _pnames(value, found)
    elif isinstance(node, (list, tuple, ParseResults)):
        for value in node:
            _pnames(value, found)
    return found


def used_prefixes(body: str) -> list[str]:
    """The prefixes a query (or update) uses, sorted; raises PrologueError if it does not parse."""
    from pyparsing import ParseException  # rdflib's SPARQL parser costs a tenth of a second to import: on use only
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    tree: ParseResults | CompValue
    try:
        tree = parseQuery(body)
    except ParseException:
        try:
            tree = parseUpdate(body)
        except ParseException as e:
            raise PrologueError(f"not SPARQL 1.1: {e}") from e
    return sorted(_pnames(tree, set()))


def split(text: str) -> tuple[list[str], str]:
    """A file's leading comment lines, and the query after them without its PREFIX lines and blank lines."""
    lines = text.splitlines()
    i = 0
    while i < len(lines) and lines[i].startswith("#"):
        i += 1
    head = lines[:i]
    while i < len(lines) and (not lines[i].strip() or DECLARATION.match(lines[i])):
        i += 1
    return head, "\n".join(lines[i:]).strip("\n") + "\n"


def prologue(body: str) -> str:
    """The PREFIX lines of exactly the prefixes `body` uses, sorted, with the map's URIs."""
    pm = prefix_map()
    used = used_prefixes(body)
    unknown = [p for p in used if p not in pm]
    if unknown:
        raise PrologueError(f"prefixes not in src/mscsle/model/prefixes.yaml: {', '.join(unknown)}")
    return "".join(f"PREFIX {p}: <{pm[p]}>\n" for p in used)


def standalone(text: str) -> str:
    """The file as it should read: comments, its own prologue, a blank line, the query (idempotent)."""
    head, body = split(text)
    block = prologue(body)
    return "".join(f"{line}\n" for line in head) + block + ("\n" if block else "") + body


def query_files(queries_dir: Path) -> list[Path]:
    return sorted(queries_dir.rglob("*.rq"))


def write_prefixes(queries_dir: Path, write: bool = True) -> list[Path]:
    """The .rq files whose prologue is not the derived one; rewritten in place when `write`."""
    stale = []
    for path in query_files(queries_dir):
        text = path.read_text(encoding="utf-8")
        try:
            wanted = standalone(text)
        except PrologueError as e:
            raise PrologueError(f"{path}: {e}") from e
        if wanted != text:
            stale.append(path)
            if write:
                path.write_text(wanted, encoding="utf-8")
    return stale


def with_prologue(query: str) -> str:
    """The query with the map's PREFIX lines that it does not declare itself (a short query runs as it is)."""
    declared = set(re.findall(r"^\s*PREFIX\s+([\w.-]*):", query, re.I | re.M))
    return "".join(f"PREFIX {p}: <{u}>\n" for p, u in prefix_map().items() if p not in declared) + query
