"""Read the project's input files one guarded way: bounded in size, and every failure a Problem naming the file."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from pathlib import Path

from rdflib import Graph
from rdflib.plugins.parsers.notation3 import BadSyntax

from mscsle.errors import CurationError, Problem

MAX_FILE_BYTES = 16 * 1024 * 1024  # the real inputs are below 150 KB
MAX_FIELD_LENGTH = 2_000  # characters in one TSV cell or YAML value; the longest real one (a quote) has 241
# Characters a value may not hold: control characters but tab and line feed (XML 1.0 forbids most; an XML reader
# turns "\r" into "\n"), U+2028/U+2029 (line ends to many line-based tools), surrogates and U+FFFE/U+FFFF.
UNSAFE_CHARACTER = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")


def read_bytes(path: Path, name: str, what: str, problems: list[Problem]) -> bytes | None:
    """The file's bytes, or None after recording why they cannot be read (missing, a folder, unreadable, huge)."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        problems.append(Problem(name, "", "", f"file not found; it must hold {what}"))
        return None
    except IsADirectoryError:
        problems.append(Problem(name, "", "", f"is a folder; it must be a file holding {what}"))
        return None
    except OSError as e:
        problems.append(Problem(name, "", "", f"cannot be read ({e.strerror}); it must be a readable file"))
        return None
    if len(data) > MAX_FILE_BYTES:
        problems.append(
            Problem(name, "", "", f"is larger than {MAX_FILE_BYTES // 1024 // 1024} MiB; an input file is far smaller")
        )
        return None
    return data


def read_text(path: Path, name: str, what: str, problems: list[Problem]) -> str | None:
    """The file's text (a UTF-8 byte-order mark is dropped), or None after recording why not."""
    data = read_bytes(path, name, f"{what} (see data/README.md)", problems)
    if data is None:
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        column = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        problems.append(
            Problem(
                name,
                f"line {line}",
                "",
                f"is not valid UTF-8 (byte 0x{data[e.start]:02x} at column "
                f"{column}); save the file with the UTF-8 encoding",
            )
        )
        return None
    if not text.strip():
        problems.append(Problem(name, "", "", f"file is empty; it must hold {what} (see data/README.md)"))
        return None
    return text


def tsv_rows(text: str) -> list[list[str]]:
    """The cells of a tab-separated file: a tab separates, a line feed ends a row, quotes are plain characters.

    The csv module's cell limit (128 KiB) is raised to the file limit, so that a huge cell is reported by
    `text_problem` with its line and column name rather than by the csv module with neither.
    """
    csv.field_size_limit(max(csv.field_size_limit(), MAX_FILE_BYTES))
    return list(csv.reader(io.StringIO(text, newline=""), delimiter="\t", quoting=csv.QUOTE_NONE))


def text_problem(value: str) -> str:
    """Why a value cannot go into the artifacts (a character RDF/XML cannot carry, or far too long), else ''."""
    if len(value) > MAX_FIELD_LENGTH:
        return f"is {len(value):,} characters long; a value may have at most {MAX_FIELD_LENGTH:,}"
    m = UNSAFE_CHARACTER.search(value)
    if not m:
        return ""
    c = m.group()
    return (
        f"contains U+{ord(c):04X} ({unicodedata.name(c, 'a control character').lower()}) at character "
        f"{m.start() + 1}, which RDF/XML and line-based formats cannot carry; delete it or use a space"
    )


def read_turtle(path: Path, name: str) -> Graph:
    """A hand-edited Turtle file (the ontology, a shapes file) as a graph; a CurationError names what is wrong."""
    problems: list[Problem] = []
    data = read_bytes(path, name, "Turtle", problems)
    if data is None:
        raise CurationError(problems)
    try:
        return Graph().parse(data=data, format="turtle", publicID=path.resolve().as_uri())
    except BadSyntax as e:
        problem = Problem(name, f"line {e.lines + 1}", "", f"is not valid Turtle: {e._why}")
    except (SyntaxError, ValueError) as e:  # e.g. bytes that are not UTF-8, an IRI rdflib rejects
        problem = Problem(name, "", "", f"is not valid Turtle: {e}")
    raise CurationError([problem])
