"""Refuse SPARQL that would change data or reach outside the machine, before an engine runs it.

Oxigraph (embedded and as a server) follows `SERVICE <url>` over HTTP to any address, and a read-write store
would accept updates, `LOAD <url>` among them. Every query that mscsle runs itself or serves goes through
`check_query` first: updates are refused, and so is `SERVICE` to anything but a loopback address (or to an
endpoint given by a variable). The query is read with rdflib's SPARQL 1.1 parser, after the codepoint escapes
(\\u0053ERVICE) are expanded, so that a keyword cannot be hidden from the check.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from pyparsing import ParseException, ParseResults
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import expandUnicodeEscapes, parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import URIRef, Variable

from mscsle.errors import GivenInputError


class UnsafeQuery(GivenInputError):
    """A query refused before it ran; the message says why and what is allowed."""


def is_loopback(url: str) -> bool:
    """True for http(s) addresses on this machine only: localhost, 127.0.0.0/8, ::1."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    if parts.hostname == "localhost":
        return True
    try:
        return ipaddress.ip_address(parts.hostname).is_loopback
    except ValueError:
        return False


def _services(node: object, found: list[object]) -> list[object]:
    """The endpoint of every SERVICE clause in a parsed query's algebra (IRIs, or variables)."""
    if isinstance(node, CompValue):
        if node.name == "ServiceGraphPattern":
            found.append(node.get("term"))
        for value in node.values():
            _services(value, found)
    elif isinstance(node, (list, tuple, set, ParseResults)):
        for value in node:
            _services(value, found)
    elif isinstance(node, dict):
        for value in node.values():
            _services(value, found)
    return found


def _is_update(sparql: str) -> bool:
    try:
        parseUpdate(sparql)
    except ParseException:
        return False
    return True


def check_query(sparql: str) -> None:
    """Raise UnsafeQuery for an update, or a SERVICE call that could leave the machine."""
    try:
        algebra = translateQuery(parseQuery(sparql)).algebra
    except Exception as e:  # a syntax error, or e.g. an undeclared prefix
        if _is_update(sparql):
            raise UnsafeQuery(
                "SPARQL updates (INSERT, DELETE, LOAD, CLEAR, DROP, ...) are refused: the graph is "
                "read-only; run a SELECT, ASK, CONSTRUCT or DESCRIBE query"
            ) from None
        if re.search(r"service", expandUnicodeEscapes(sparql), re.IGNORECASE):
            where = f"line {e.lineno}, column {e.col}: {e.msg}" if isinstance(e, ParseException) else str(e)
            raise UnsafeQuery(
                f"the query mentions SERVICE but could not be read to check where it goes ({where}); fix its syntax"
            ) from None
        return  # not SPARQL rdflib can read, and no SERVICE: the engine reports its own syntax error
    outside = sorted(
        {
            t.n3() if isinstance(t, Variable) else str(t)
            for t in _services(algebra, [])
            if not (isinstance(t, URIRef) and is_loopback(str(t)))
        }
    )
    if outside:
        raise UnsafeQuery(
            f"SERVICE to {', '.join(outside)} is refused: mscsle queries only reach endpoints on this "
            f"machine (localhost, 127.0.0.1, [::1]), never an address given by a variable"
        )
