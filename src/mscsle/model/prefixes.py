"""The one prefix map (prefixes.yaml), as a CURIE converter and in the shapes each consumer needs."""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files
from typing import Literal, overload

import yaml


@cache
def prefix_map() -> dict[str, str]:
    """prefix -> URI prefix, in file order."""
    return yaml.safe_load(files("mscsle.model").joinpath("prefixes.yaml").read_text(encoding="utf-8"))


class PrefixConverter:
    """Expands and compresses CURIEs of one bijective prefix map exactly as `curies.Converter.from_prefix_map` does
    (expand: the prefix before the first colon; compress: the longest matching URI prefix), which
    tests/test_prefixes.py checks on every CURIE and IRI of the project. Importing curies (its pydantic models)
    costs a fifth of a second, a fifth of the review build, for these three methods."""

    def __init__(self, prefixes: dict[str, str]):
        self._uri_prefix = dict(prefixes)
        longest_first = sorted(prefixes.items(), key=lambda kv: -len(kv[1]))
        self._prefix = {u: p for p, u in longest_first}
        self._namespace = re.compile("|".join(re.escape(u) for _, u in longest_first))

    def expand(self, curie: str) -> str | None:
        """The IRI, or None for a prefix not in the map; a string without a colon is a ValueError (as in curies)."""
        prefix, colon, local = curie.partition(":")
        if not colon:
            raise ValueError(f"{curie!r} is not a CURIE: it has no colon")
        namespace = self._uri_prefix.get(prefix)
        return None if namespace is None else namespace + local

    def expand_strict(self, curie: str) -> str:
        iri = self.expand(curie)
        if iri is None:
            raise ValueError(f"{curie!r}: the prefix map has no prefix {curie.partition(':')[0]!r}")
        return iri

    @overload
    def compress(self, iri: str, *, passthrough: Literal[True]) -> str: ...

    @overload
    def compress(self, iri: str, *, passthrough: bool = False) -> str | None: ...

    def compress(self, iri: str, *, passthrough: bool = False) -> str | None:
        """The CURIE, else None (with `passthrough`: the IRI itself)."""
        m = self._namespace.match(iri)
        if m is None:
            return str(iri) if passthrough else None
        return f"{self._prefix[m.group(0)]}:{iri[m.end() :]}"

    def compress_strict(self, iri: str) -> str:
        """The CURIE; an IRI outside the map's namespaces is a ValueError."""
        curie = self.compress(iri)
        if curie is None:
            raise ValueError(f"{iri} is in no namespace of the prefix map")
        return curie


@cache
def converter() -> PrefixConverter:
    return PrefixConverter(prefix_map())


def sparql_prologue() -> str:
    """The PREFIX block prepended to every stored query."""
    return "".join(f"PREFIX {p}: <{u}>\n" for p, u in prefix_map().items())


def jsonld_context() -> dict:
    """A local JSON-LD context: no remote context is ever referenced."""
    return {"@context": dict(prefix_map())}
