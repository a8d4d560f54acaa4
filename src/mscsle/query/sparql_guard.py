"""Read a SPARQL query once, refuse what could write, reach the network or exhaust an engine, and give back the
text the engine must run: the query re-written from the guard's own tokens.

Oxigraph (embedded and as a server) follows `SERVICE <url>` to any address, rdflib downloads the graphs named in
`FROM` / `FROM NAMED`, and both parsers recurse: a few thousand nested brackets or chained operators overflow
their stack (a segmentation fault, not an exception). So every query that mscsle runs or serves goes through
`safe_query` first, which works on tokens only (`sparql_lexer`, linear and not recursive):
  - size and token count are bounded, and bracket nesting is bounded before any recursive parser sees the query;
  - update keywords, SERVICE and FROM are refused wherever they appear as keywords, in any case or spelling
    (escapes are expanded and comments dropped by the lexer, so nothing is hidden from it);
  - any word that is not a SPARQL 1.1 query keyword or function is refused;
  - with a row limit, the query's top-level LIMIT is checked, or added.
The engine then runs `SafeQuery.text`, written from those tokens: what it reads is exactly what was checked.
"""

from __future__ import annotations

from dataclasses import dataclass

from mscsle.errors import GivenInputError
from mscsle.query.sparql_lexer import CLOSING, OPENING, LexError, Token, emit, tokens

UPDATE_WORDS = frozenset(
    "INSERT DELETE LOAD CLEAR DROP CREATE ADD MOVE COPY WITH USING DATA INTO TO DEFAULT ALL".split()
)
QUERY_FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")
QUERY_WORDS = frozenset(
    """BASE PREFIX SELECT CONSTRUCT DESCRIBE ASK DISTINCT REDUCED AS WHERE NAMED GROUP BY HAVING ORDER ASC DESC
    LIMIT OFFSET VALUES UNDEF OPTIONAL GRAPH SILENT BIND MINUS FILTER UNION NOT IN EXISTS A TRUE FALSE
    STR LANG LANGMATCHES DATATYPE BOUND IRI URI BNODE RAND ABS CEIL FLOOR ROUND CONCAT STRLEN UCASE LCASE
    ENCODE_FOR_URI CONTAINS STRSTARTS STRENDS STRBEFORE STRAFTER YEAR MONTH DAY HOURS MINUTES SECONDS TIMEZONE
    TZ NOW UUID STRUUID MD5 SHA1 SHA256 SHA384 SHA512 COALESCE IF STRLANG STRDT SAMETERM ISIRI ISURI ISBLANK
    ISLITERAL ISNUMERIC REGEX SUBSTR REPLACE COUNT SUM MIN MAX AVG SAMPLE GROUP_CONCAT SEPARATOR""".split()
)
UPDATE = (
    "SPARQL updates (INSERT, DELETE, LOAD, CLEAR, DROP, ...) are refused: the graph is read-only; run a SELECT, "
    "ASK, CONSTRUCT or DESCRIBE query"
)
SERVICE = "SERVICE is refused: queries here never call another endpoint (federation is switched off)"
FROM = (
    "FROM and FROM NAMED are refused: nothing is fetched; the default graph is the union of the built graphs "
    "and GRAPH ?g reaches each named graph"
)


class UnsafeQuery(GivenInputError):
    """A query refused before it ran; the message says why and what is allowed. `status` is the HTTP answer."""

    status = 403


class BadQuery(UnsafeQuery):
    """Not a SPARQL 1.1 query, or over a limit: the client should change it."""

    status = 400


@dataclass(frozen=True)
class Limits:
    """What one query may be: characters, tokens, bracket nesting, and (if set) rows in its answer."""

    max_chars: int = 64 * 1024
    max_tokens: int = 1500  # also bounds chains of operators or UNIONs: Oxigraph nests them as deeply (its
    # server threads overflow their stack near 1,900 chained additions; 1,500 tokens allow at most 750)
    max_depth: int = 20  # rdflib's parser reaches Python's recursion limit near 28 nested brackets
    max_rows: int | None = None


@dataclass(frozen=True)
class SafeQuery:
    text: str  # what the engine runs: written from the checked tokens
    form: str  # SELECT, CONSTRUCT, DESCRIBE or ASK
    row_limit: int | None  # the LIMIT the guard added, if it added one


def _check_depth(toks: list[Token], max_depth: int) -> None:
    stack: list[str] = []
    for t in toks:
        if t.kind != "PUNCT":
            continue
        if t.text in OPENING:
            stack.append(CLOSING[OPENING.index(t.text)])
            if len(stack) > max_depth:
                raise BadQuery(f"brackets are nested more than {max_depth} deep; flatten the query")
        elif t.text in CLOSING:
            if not stack or stack.pop() != t.text:
                raise BadQuery(f"a {t.text!r} closes no matching bracket; check the query's brackets")
    if stack:
        raise BadQuery(f"{len(stack)} bracket(s) are not closed (the first needs {stack[0]!r})")


def _check_words(toks: list[Token]) -> str:
    """Refuse updates, SERVICE, FROM and unknown words; return the query form."""
    words = [t.word for t in toks if t.kind == "WORD"]
    if UPDATE_WORDS.intersection(words):
        raise UnsafeQuery(UPDATE)
    if "SERVICE" in words:
        raise UnsafeQuery(SERVICE)
    if "FROM" in words:
        raise UnsafeQuery(FROM)
    unknown = sorted({t.text for t in toks if t.word and (t.word not in QUERY_WORDS or t.text == "A")})
    if unknown:
        raise BadQuery(f"{', '.join(unknown)}: not a SPARQL 1.1 query keyword or function")
    form = next((w for w in words if w not in ("BASE", "PREFIX")), "")
    if form not in QUERY_FORMS:
        raise BadQuery(f"not a SPARQL query: it must start with {', '.join(QUERY_FORMS)} (after BASE / PREFIX)")
    return form


def _limit_rows(toks: list[Token], max_rows: int) -> tuple[list[Token], int | None]:
    """Check the top-level LIMIT against max_rows, or add LIMIT max_rows (before a trailing VALUES)."""
    depth, values_at = 0, len(toks)
    for i, t in enumerate(toks):
        if t.kind == "PUNCT" and t.text in OPENING:
            depth += 1
        elif t.kind == "PUNCT" and t.text in CLOSING:
            depth -= 1
        elif depth == 0 and t.word == "VALUES":
            values_at = i
        elif depth == 0 and t.word == "LIMIT":
            given = toks[i + 1].text if i + 1 < len(toks) else ""
            if not given.isdigit():
                raise BadQuery("LIMIT must be followed by a whole number")
            if int(given) > max_rows:
                raise BadQuery(f"LIMIT {int(given)} is over this endpoint's limit of {max_rows} rows; page with OFFSET")
            return toks, None
    limit = [Token("WORD", "LIMIT"), Token("NUMBER", str(max_rows))]
    return toks[:values_at] + limit + toks[values_at:], max_rows


DEFAULT_LIMITS = Limits()


def safe_query(sparql: str, limits: Limits = DEFAULT_LIMITS) -> SafeQuery:
    """The query as an engine may run it; raises UnsafeQuery (or BadQuery) saying why not."""
    if len(sparql) > limits.max_chars:
        raise BadQuery(f"the query has {len(sparql):,} characters; the limit is {limits.max_chars:,}")
    try:
        toks = tokens(sparql)
    except LexError as e:
        raise BadQuery(f"not SPARQL 1.1: {e}") from None
    _check_depth(toks, limits.max_depth)
    if len(toks) > limits.max_tokens:
        raise BadQuery(f"the query has {len(toks):,} tokens; the limit is {limits.max_tokens:,}")
    form = _check_words(toks)
    added = None
    if limits.max_rows is not None and form != "ASK":
        toks, added = _limit_rows(toks, limits.max_rows)
    try:
        return SafeQuery(emit(toks), form, added)
    except LexError as e:
        raise BadQuery(f"not SPARQL 1.1: {e}") from None
