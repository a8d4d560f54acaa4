"""Split SPARQL 1.1 text into the grammar's terminals, and write tokens back as text that reads the same way.

The guard checks tokens, and the engine runs the text `emit` writes from those same tokens, so the two cannot
read a query differently: comments are dropped, codepoint escapes (\\u0053ERVICE) are expanded first (as the
SPARQL 1.1 grammar says, section 19.2), strings are rewritten with plain escapes, and a character that fits no
terminal is refused. The lexer is a loop over anchored regular expressions without nested repetition, so its
time is linear in the query's length; nothing here recurses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Character classes of the SPARQL 1.1 grammar (section 19.8).
_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d\u2070-\u218f"
    "\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_U = _BASE + "_"
_CHARS = _U + "\\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PREFIX = f"[{_BASE}](?:[{_CHARS}.]*[{_CHARS}])?"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_LOCAL = f"(?:[{_U}:0-9]|{_PLX})(?:(?:[{_CHARS}.:]|{_PLX})*(?:[{_CHARS}:]|{_PLX}))?"
_VARNAME = f"[{_U}0-9][{_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*"
_EXP = r"[eE][+-]?[0-9]+"
_ECHAR = r"\\[tbnrf\\\"']"

TERMINALS = [  # (kind, pattern), tried in this order at each position: longer forms first
    ("IRIREF", r'<[^<>"{}|^`\\\x00-\x20]*>'),
    ("PNAME_LN", f"(?:{_PREFIX})?:{_LOCAL}"),
    ("PNAME_NS", f"(?:{_PREFIX})?:"),
    ("BLANK_NODE_LABEL", f"_:[{_U}0-9](?:[{_CHARS}.]*[{_CHARS}])?"),
    ("VAR", f"[?$]{_VARNAME}"),
    ("LANGTAG", r"@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*"),
    ("NUMBER", rf"[+-]?(?:[0-9]+\.[0-9]*{_EXP}|\.[0-9]+{_EXP}|[0-9]+{_EXP}|[0-9]*\.[0-9]+|[0-9]+)"),
    ("STRING", f"'''(?:(?:'|'')?(?:[^'\\\\]|{_ECHAR}))*'''"),
    ("STRING", f'"""(?:(?:"|"")?(?:[^"\\\\]|{_ECHAR}))*"""'),
    ("STRING", f"'(?:[^'\\\\\\n\\r]|{_ECHAR})*'"),
    ("STRING", f'"(?:[^"\\\\\\n\\r]|{_ECHAR})*"'),
    ("WORD", r"[A-Za-z_][A-Za-z0-9_]*"),
    ("PUNCT", r"\^\^|&&|\|\||!=|<=|>=|[{}()\[\];,.*/|^?+\-!=<>]"),
]
_TOKEN = re.compile("|".join(f"(?P<{kind}{i}>{pattern})" for i, (kind, pattern) in enumerate(TERMINALS)))
_SKIP = re.compile(r"(?:[ \t\r\n]+|#[^\r\n]*)+")
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_UNESCAPE = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", "\\": "\\", '"': '"', "'": "'"}
_ESCAPE = {"\t": "\\t", "\b": "\\b", "\n": "\\n", "\r": "\\r", "\f": "\\f", "\\": "\\\\", '"': '\\"'}
OPENING, CLOSING = "{([", "})]"


class LexError(ValueError):
    """Text that is not made of SPARQL 1.1 terminals; the message gives line and column."""


@dataclass(frozen=True)
class Token:
    kind: str  # a name of TERMINALS
    text: str  # as written; for STRING the string's value (escapes and quotes removed)

    @property
    def word(self) -> str:
        """A keyword in upper case (keywords are case-insensitive), else ''."""
        return self.text.upper() if self.kind == "WORD" else ""


def _codepoint(match: re.Match[str]) -> str:
    value = int(match.group(1) or match.group(2), 16)
    if value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
        raise LexError(f"{match.group(0)} is not a Unicode character")
    return chr(value)


def _where(text: str, at: int) -> str:
    line = text.count("\n", 0, at) + 1
    return f"line {line}, column {at - (text.rfind(chr(10), 0, at) + 1) + 1}"


def _string_value(raw: str) -> str:
    quote = 3 if raw[:3] in ("'''", '"""') else 1
    return re.sub(r"\\(.)", lambda m: _UNESCAPE[m.group(1)], raw[quote:-quote], flags=re.S)


def tokens(text: str) -> list[Token]:
    """The terminals of a SPARQL text, comments dropped; raises LexError at the first character that fits none."""
    text = _CODEPOINT.sub(_codepoint, text)
    out: list[Token] = []
    at, end = 0, len(text)
    while True:
        skipped = _SKIP.match(text, at)
        if skipped:
            at = skipped.end()
        if at >= end:
            return out
        m = _TOKEN.match(text, at)  # the alternatives in TERMINALS order: the first that matches wins
        if not m:
            raise LexError(f"{_where(text, at)}: {text[at]!r} cannot start any SPARQL 1.1 token")
        kind, raw = (m.lastgroup or "").rstrip("0123456789"), m.group(0)
        out.append(Token(kind, _string_value(raw) if kind == "STRING" else raw))
        at = m.end()


def _string(value: str) -> str:
    if re.search(r"\\[uU]", value):
        raise LexError("a string holding a backslash followed by 'u' or 'U' is refused: engines read it differently")
    bad = re.search(r"[\x00-\x08\x0b\x0e-\x1f\x7f]", value)
    if bad:
        raise LexError(f"a string holds the control character {bad.group(0)!r}")
    return '"' + re.sub(r'[\t\b\n\r\f\\"]', lambda m: _ESCAPE[m.group(0)], value) + '"'


def emit(toks: list[Token]) -> str:
    """The tokens as one line of SPARQL, separated by spaces except where rdflib wants none: before a language
    tag, around ^^, and before a path's * + ? after an IRI or a bracket (a space never joins two tokens into one)."""
    parts: list[str] = []
    glue = False
    previous: Token | None = None
    for token in toks:
        text = _string(token.text) if token.kind == "STRING" else token.text
        datatype = token.kind == "PUNCT" and token.text == "^^"
        modifier = (
            token.kind == "PUNCT"
            and token.text in "*+?"
            and previous is not None
            and (previous.kind in ("IRIREF", "PNAME_LN", "PNAME_NS") or previous.text in (")", "a"))
        )
        if parts and not (glue or datatype or modifier or token.kind == "LANGTAG"):
            parts.append(" ")
        parts.append(text)
        glue, previous = datatype, token
    return "".join(parts)
