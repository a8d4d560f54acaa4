"""The one way the CLI loads RDF that a user supplies (e.g. `mscsle query --data FILE`): nothing is fetched, nothing explodes.

- Oxigraph parses every format; it has no network access while parsing. A JSON-LD document that names a remote
  (or any non-inline) context is refused up front with the context's address, so no connection is attempted.
- RDF/XML with a document type declaration (`<!DOCTYPE`), hence with any entity declaration, parameter-entity
  reference or DTD, is refused before any parser reads it: a byte scan, then expat as a second reader (it also
  bounds nesting and refuses other encodings than UTF-8). The parsers disagree on what a DTD means (expat stops
  reading declarations after a parameter-entity reference it does not load; Oxigraph reads on), so no DTD is
  safe to pass on. Protégé's namespace entities are the one loss: save such a file as Turtle, or without them.
- Nesting depth is bounded (Oxigraph's JSON-LD and RDF/XML parsers slow down quadratically with depth and can
  overflow the stack), and so is the total size of what is read.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from xml.parsers import expat

import pyoxigraph as ox

from mscsle.errors import GivenInputError

MIB = 1024 * 1024
DTD_REFUSED = (
    "it has a document type declaration (<!DOCTYPE or <!ENTITY); mscsle reads no DTD and no entity, so that "
    "nothing is fetched or expanded: remove it (write the entities' values out), or convert the file to Turtle"
)
DEFAULT_MAX_BYTES = 256 * MIB
MAX_DEPTH = 100  # element / object nesting; real documents stay far below
DOCTYPE = re.compile(rb"<!\s*(doctype|entity)", re.IGNORECASE)  # any spelling a lenient XML reader might accept
FORMATS = {
    "turtle": (ox.RdfFormat.TURTLE, (".ttl",)),
    "ntriples": (ox.RdfFormat.N_TRIPLES, (".nt",)),
    "nquads": (ox.RdfFormat.N_QUADS, (".nq",)),
    "trig": (ox.RdfFormat.TRIG, (".trig",)),
    "rdfxml": (ox.RdfFormat.RDF_XML, (".owl", ".rdf", ".xml")),
    "jsonld": (ox.RdfFormat.JSON_LD, (".jsonld", ".json")),
}


class UserDataError(GivenInputError):
    """User-supplied RDF that is refused or cannot be read; the message names the file and says what to do."""


def format_of(path: Path, name: str | None = None) -> ox.RdfFormat:
    """The format named (one of FORMATS) or, without a name, guessed from the file's extension."""
    if name is not None:
        return FORMATS[name][0]
    for fmt, extensions in FORMATS.values():
        if path.suffix.lower() in extensions:
            return fmt
    known = ", ".join(e for _, exts in FORMATS.values() for e in exts)
    raise UserDataError(
        f"{path}: cannot tell the RDF format from the extension {path.suffix!r}; use one of {known}, "
        f"or name the format with --data-format ({', '.join(FORMATS)})"
    )


def _read_limited(path: Path, limit: int, total: int) -> bytes:
    """The file's bytes, if no more than `limit` (what is left of the `total` allowed for all files)."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(limit + 1)
    except OSError as e:
        raise UserDataError(f"{path}: cannot read it: {e.strerror}") from None
    if len(data) > limit:
        raise UserDataError(
            f"{path}: the RDF given to mscsle may total {total // MIB:,} MiB, and this file goes "
            f"beyond that; load large files into a triplestore (see the README), or raise the limit "
            f"with --max-data-size"
        )
    return data


def _remote_contexts(doc: object) -> Iterator[str]:
    """Every context a JSON-LD document refers to by address (string contexts and @import), at any depth."""
    stack = [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            for key, value in node.items():
                if key == "@context":
                    for ctx in value if isinstance(value, list) else [value]:
                        if isinstance(ctx, str):
                            yield ctx
                        elif isinstance(ctx, dict) and isinstance(ctx.get("@import"), str):
                            yield ctx["@import"]
                stack.append(value)


def _depth(doc: object) -> int:
    deepest, stack = 0, [(doc, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, (list, dict)):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in (node.values() if isinstance(node, dict) else node))
    return deepest


def check_jsonld(data: bytes, path: Path) -> None:
    """Refuse JSON-LD that names a context by address (it would have to be fetched) or nests too deeply."""
    try:
        doc = json.loads(data)
    except RecursionError:
        raise UserDataError(f"{path}: JSON nested more than {MAX_DEPTH} levels deep; refused") from None
    except ValueError as e:
        raise UserDataError(f"{path}: not valid JSON: {e}") from None
    if _depth(doc) > MAX_DEPTH:
        raise UserDataError(f"{path}: JSON nested more than {MAX_DEPTH} levels deep; refused")
    remote = sorted(set(_remote_contexts(doc)))
    if remote:
        raise UserDataError(
            f"{path}: the JSON-LD names its context by address ({', '.join(remote)}); mscsle never "
            f"fetches a context, so nothing was loaded: put the context inline in the document "
            f"(as dist/mscsle.jsonld does), or convert the file to Turtle or N-Triples"
        )


def check_rdfxml(data: bytes, path: Path) -> None:
    """Refuse RDF/XML with a DTD or entities (a byte scan, then expat), deep nesting, or another encoding than UTF-8."""
    depth = 0

    def refuse(why: str) -> None:
        raise UserDataError(f"{path}: {why}; refused, nothing was loaded")

    def declaration(version: str, encoding: str | None, standalone: int) -> None:
        if encoding and encoding.lower() not in ("utf-8", "us-ascii", "ascii"):
            refuse(f"it is encoded in {encoding}; RDF/XML read by mscsle must be UTF-8")

    def doctype(name: str, system_id: str | None, public_id: str | None, internal: int) -> None:
        refuse(DTD_REFUSED)

    def start(name: str, attrs: object) -> None:
        nonlocal depth
        depth += 1
        if depth > MAX_DEPTH:
            refuse(f"XML elements nested more than {MAX_DEPTH} levels deep")

    def end(name: str) -> None:
        nonlocal depth
        depth -= 1

    if data.startswith((b"\xfe\xff", b"\xff\xfe")) or b"\x00" in data[:4]:
        refuse("it is encoded in UTF-16 or UTF-32; RDF/XML read by mscsle must be UTF-8")
    if DOCTYPE.search(data):
        refuse(DTD_REFUSED)
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.XmlDeclHandler = declaration
    parser.StartDoctypeDeclHandler = doctype
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        parser.Parse(data, True)
    except expat.ExpatError as e:
        raise UserDataError(f"{path}: not well-formed XML: {e}") from None


def parse(data: bytes, path: Path, fmt: ox.RdfFormat) -> list[ox.Quad]:
    """The quads of one user file's bytes, after the checks of its format."""
    if fmt == ox.RdfFormat.JSON_LD:
        check_jsonld(data, path)
    elif fmt == ox.RdfFormat.RDF_XML:
        check_rdfxml(data, path)
    try:
        return list(ox.parse(data, format=fmt, base_iri=path.resolve().as_uri()))
    except SyntaxError as e:
        raise UserDataError(f"{path}: not valid {fmt.name}: {e}") from None


def read_all(paths: Sequence[Path], format_name: str | None = None, limit: int = DEFAULT_MAX_BYTES) -> list[ox.Quad]:
    """The quads of every user file (named graphs kept); `limit` bounds their total size."""
    quads: list[ox.Quad] = []
    left = limit
    for path in paths:
        fmt = format_of(path, format_name)
        data = _read_limited(path, left, limit)
        left -= len(data)
        quads.extend(parse(data, path, fmt))
    return quads


def nquads(paths: Sequence[Path], format_name: str | None = None, limit: int = DEFAULT_MAX_BYTES) -> bytes:
    """Every user file as one N-Quads document, for the query engines."""
    data = ox.serialize(read_all(paths, format_name, limit), format=ox.RdfFormat.N_QUADS)
    assert data is not None  # written to memory
    return data
