"""Read the YAML input files (claim files, small settings lists) the guarded way: no alias, bounded nesting.

A claim file is parsed once; besides its data it gives the line of each claim and any key written twice (YAML
itself would silently keep the last), so that the record checks can name lines. A plain file (text, decimal numbers,
lists and mappings, each key once, no alias) is read the quick way: one libyaml parse, the data built from its nodes.
Any other goes the careful way, which refuses aliases, merge keys and deep nesting from the event stream before
anything is built, and gives PyYAML's own messages and lines for a syntax error.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from mscsle.curation.input_files import read_text
from mscsle.errors import CurationError, Problem, cut

YAML_HINT = (
    "indent with spaces (never tabs) and put quotes around a value that contains ': ' or ' #' "
    "or starts with one of [ ] { } * & ! % @ ` ' \""
)
MAX_YAML_DEPTH = 10  # nested mappings and lists; a claim file needs 4 (file, claims, claim, references)
# How a reference number is written; YAML 1.1 also reads 010, 0x1A, 0b11, 1_0 and 1:20 as (other) numbers.
DECIMAL = re.compile(r"0|[1-9][0-9]*")
MAX_DIGITS = 100  # a longer plain number is refused: Python will not even convert one of over 4,300 digits
LONG_NUMBER = re.compile(rf"[-+]?[0-9_]{{{MAX_DIGITS + 1},}}")
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml where PyYAML has it: same results, ~20x faster
STR, INT, NULL, SEQ, MAP = (f"tag:yaml.org,2002:{t}" for t in ("str", "int", "null", "seq", "map"))
# The first characters of a plain scalar that YAML may read as other than text ('' for an empty one: null).
IMPLICIT_FIRST = frozenset(_LOADER.yaml_implicit_resolvers)


class _QuickLoader(_LOADER):  # type: ignore[valid-type,misc]
    """The safe loader with its tags found cheaply (libyaml asks for the tag of every node): a list or a mapping,
    and a scalar that is quoted or starts with no character of an implicit type (most text: ids, words, quotes),
    take their tags at once, and so does a decimal number (a reference); any other scalar is resolved as the safe
    loader does. The safe loader has no path resolvers, so there is nothing to descend into."""

    def resolve(self, kind: type, value: Any, implicit: Any) -> str:  # value: a scalar's text, else None
        if kind is not yaml.ScalarNode:
            return SEQ if kind is yaml.SequenceNode else MAP
        if implicit[0] and value[:1] in IMPLICIT_FIRST:
            return INT if DECIMAL.fullmatch(value) else str(super().resolve(kind, value, implicit))
        return STR

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass


def _duplicate_keys(node: yaml.Node, seen_nodes: set[int] | None = None) -> Iterator[tuple[str, int]]:
    """(key, line) of every key that appears twice in one mapping (YAML would silently keep the last)."""
    seen_nodes = set() if seen_nodes is None else seen_nodes
    if id(node) in seen_nodes:  # an alias: already walked
        return
    seen_nodes.add(id(node))
    if isinstance(node, yaml.MappingNode):
        keys: set[str] = set()
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode):
                if k.value in keys:
                    yield k.value, k.start_mark.line + 1
                keys.add(k.value)
            yield from _duplicate_keys(v, seen_nodes)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _duplicate_keys(item, seen_nodes)


@dataclass
class ClaimFile:
    data: Any
    lines: dict[int, int]  # claim index -> line of its first field
    duplicates: dict[int | None, list[tuple[str, int]]]  # claim index (None: outside a claim) -> repeated keys
    odd_numbers: dict[int, list[tuple[str, int]]] = field(default_factory=dict)  # claim index -> (as written, line)


class Refused(Exception):
    """YAML that is refused before any value is built (an alias, a merge key, nesting too deep, a huge number)."""

    def __init__(self, line: int, message: str):
        self.line = line
        super().__init__(message)


def _check_events(loader_class: type, text: str) -> None:
    """Refuse aliases and merge keys (a few hundred bytes of nested aliases stand for billions of values), deep
    nesting and numbers too long to convert, reading only the event stream: nothing recursive has run yet."""
    depth = 0
    for event in yaml.parse(text, Loader=loader_class):
        line = event.start_mark.line + 1 if event.start_mark is not None else 0
        if isinstance(event, yaml.AliasEvent):
            anchor = cut(event.anchor or "", 40)
            raise Refused(line, f"uses the alias *{anchor}; mscsle reads no YAML aliases: write the value out")
        if isinstance(event, yaml.ScalarEvent) and event.value == "<<" and event.implicit[0]:
            raise Refused(line, "uses the merge key '<<'; mscsle reads no YAML merge keys: write the fields out")
        if isinstance(event, yaml.ScalarEvent) and event.implicit[0] and LONG_NUMBER.fullmatch(event.value):
            raise Refused(
                line, f"has a number of {len(event.value)} digits; numbers in mscsle's files have at most {MAX_DIGITS}"
            )
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                raise Refused(line, f"nests lists and mappings more than {MAX_YAML_DEPTH} levels deep; claims need 4")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _yaml_error(e: yaml.YAMLError, text: str) -> tuple[str, str]:
    """(where, message) for a YAML syntax error, with both marks PyYAML gives."""
    if isinstance(e, yaml.reader.ReaderError):  # a character YAML does not allow, anywhere in the file
        line = text[: e.position].count("\n") + 1
        column = e.position - (text.rfind("\n", 0, e.position) + 1) + 1
        return f"line {line}", (
            f"contains the control character U+{e.character:04X} at column {column}, which YAML "
            f"does not allow; delete it"
        )
    mark = getattr(e, "problem_mark", None)
    where = f"line {mark.line + 1}" if mark else ""
    problem = (getattr(e, "problem", None) or str(e)).removeprefix("but ")
    at = f" at column {mark.column + 1}" if mark else ""
    context, cmark = getattr(e, "context", None), getattr(e, "context_mark", None)
    ctx = f" ({context} at line {cmark.line + 1}, column {cmark.column + 1})" if context and cmark else ""
    hint = "a claim file is one YAML document: remove the '---' line" if "another document" in problem else YAML_HINT
    return where, f"malformed YAML{at}: {problem}{ctx}; {hint}"


def safe_yaml(path: Path, name: str, what: str) -> Any:
    """A small YAML file other than a claim file, read as claim files are (no alias, bounded nesting and size)."""
    problems: list[Problem] = []
    text = read_text(path, name, what, problems)
    if text is not None:
        try:
            return _parse(_LOADER, text)[1]
        except yaml.YAMLError as e:
            where, message = _yaml_error(e, text)
            problems.append(Problem(name, where, "", message))
        except Refused as e:
            problems.append(Problem(name, f"line {e.line}", "", str(e)))
    raise CurationError(problems)


def _parse(loader_class: type, text: str) -> tuple[yaml.Node | None, Any]:
    """The node tree (for line numbers) and the data, parsed once; every character is checked first."""
    yaml.reader.Reader(text)  # raises ReaderError on a character YAML does not allow (libyaml is laxer)
    _check_events(loader_class, text)
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        return node, (loader.construct_document(node) if node is not None else None)
    finally:
        loader.dispose()


class _Unusual(Exception):
    """What the quick reading leaves to the careful one (which finds and names any problem)."""


def _plain_data(node: yaml.Node, depth: int = 1) -> Any:
    """The data that SafeConstructor builds from the node tree, for a tree of text, decimal numbers, nulls, lists
    and mappings with text keys, each key once and nested at most MAX_YAML_DEPTH deep; else _Unusual."""
    kind, tag = type(node), node.tag
    if kind is yaml.ScalarNode:
        if tag == STR:
            return node.value
        if tag == INT and len(node.value) <= MAX_DIGITS and DECIMAL.fullmatch(node.value):
            return int(node.value)
        if tag == NULL:
            return None
    elif depth <= MAX_YAML_DEPTH:
        if kind is yaml.SequenceNode and tag == SEQ:
            return [_plain_data(item, depth + 1) for item in node.value]
        if kind is yaml.MappingNode and tag == MAP:
            data = {_text_key(k): _plain_data(v, depth + 1) for k, v in node.value}
            if len(data) == len(node.value):  # else a key written twice, which the careful reading names
                return data
    raise _Unusual


def _text_key(node: yaml.Node) -> str:
    if type(node) is yaml.ScalarNode and node.tag == STR:
        return node.value
    raise _Unusual


def _read_plain(text: str) -> ClaimFile | None:
    """A claim file read the quick way, with one libyaml parse: None unless it is plain YAML (see _plain_data) with
    no alias. The careful reading (_parse) gives the same ClaimFile for such a file; for any other it refuses
    aliases and merge keys before anything is built, and names lines for every problem."""
    if "&" in text and "*" in text:  # an alias (*name) needs its anchor (&name)
        return None
    try:
        yaml.reader.Reader(text)  # a character YAML does not allow (libyaml is laxer)
        node = yaml.compose(text, Loader=_QuickLoader)
        data = None if node is None else _plain_data(node)
    except (yaml.YAMLError, _Unusual):
        return None
    claims = [v for k, v in node.value if k.value == "claims"] if isinstance(node, yaml.MappingNode) else []
    items = claims[0].value if claims and isinstance(claims[0], yaml.SequenceNode) else []
    return ClaimFile(data, {i: item.start_mark.line + 1 for i, item in enumerate(items)}, {})


def read_claims(path: Path, name: str, problems: list[Problem]) -> ClaimFile | None:
    """The parsed YAML with the line of each claim and any repeated keys, or None after recording why not."""
    text = read_text(path, name, "a mapping with the keys 'section' and 'claims'", problems)
    if text is None:
        return None
    if (plain := _read_plain(text)) is not None:
        return plain
    try:
        node, data = _parse(_LOADER, text)
    except yaml.YAMLError:
        try:  # PyYAML's own parser, for its exact marks and messages
            node, data = _parse(yaml.SafeLoader, text)
        except yaml.YAMLError as e:
            where, message = _yaml_error(e, text)
            problems.append(Problem(name, where, "", message))
            return None
        except Refused as e:
            problems.append(Problem(name, f"line {e.line}", "", str(e)))
            return None
    except Refused as e:
        problems.append(Problem(name, f"line {e.line}", "", str(e)))
        return None
    cf = ClaimFile(data, {}, {})
    if isinstance(node, yaml.MappingNode):
        top: set[str] = set()
        for k, v in node.value:
            if not isinstance(k, yaml.ScalarNode):
                continue  # a list or mapping as a key: the data's own check names it
            if k.value in top:
                cf.duplicates.setdefault(None, []).append((k.value, k.start_mark.line + 1))
            top.add(k.value)
            if k.value == "claims" and isinstance(v, yaml.SequenceNode):
                for i, item in enumerate(v.value):
                    cf.lines[i] = item.start_mark.line + 1
                    if dups := list(_duplicate_keys(item)):
                        cf.duplicates[i] = dups
                    if odd := _odd_numbers(item):
                        cf.odd_numbers[i] = odd
    return cf


def _odd_numbers(claim: yaml.Node) -> list[tuple[str, int]]:
    """References that YAML 1.1 reads as numbers although they are not written in decimal (010 is 8, 0x1A is 26)."""
    if not isinstance(claim, yaml.MappingNode):
        return []
    return [
        (item.value, item.start_mark.line + 1)
        for key, value in claim.value
        if isinstance(key, yaml.ScalarNode) and key.value == "references" and isinstance(value, yaml.SequenceNode)
        for item in value.value
        if isinstance(item, yaml.ScalarNode)
        and item.tag == "tag:yaml.org,2002:int"
        and not DECIMAL.fullmatch(item.value)
    ]
