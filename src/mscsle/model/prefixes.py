"""The one prefix map (prefixes.yaml), as a curies Converter and in the shapes each consumer needs."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING

import yaml

if TYPE_CHECKING:
    import curies


@cache
def prefix_map() -> dict[str, str]:
    """prefix -> URI prefix, in file order."""
    return yaml.safe_load(files("mscsle.model").joinpath("prefixes.yaml").read_text(encoding="utf-8"))


@cache
def converter() -> curies.Converter:
    import curies  # imported on first use: it costs a few tenths of a second that `mscsle build` never needs

    return curies.Converter.from_prefix_map(prefix_map())


def sparql_prologue() -> str:
    """The PREFIX block prepended to every stored query."""
    return "".join(f"PREFIX {p}: <{u}>\n" for p, u in prefix_map().items())


def jsonld_context() -> dict:
    """A local JSON-LD context: no remote context is ever referenced."""
    return {"@context": dict(prefix_map())}
