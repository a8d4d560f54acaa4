"""The one error hierarchy of every command, with its exit code: 1 validation failed, 2 bad input (0 is success).

`cli.py` maps `MscsleError` to its `exit_code` and prints its `message()` in one place; modules raise the branch that
says what went wrong. Curation problems name the file, the record and the field, collected so that a curator sees
them all at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

MAX_SHOWN = 120  # characters of a value quoted in a message
MAX_MESSAGE = 1_000  # characters of one problem's message, whatever it quotes
MAX_LISTED = 100  # problems listed in one report; a file broken on every line need not print every line


def cut(text: str, limit: int = MAX_SHOWN) -> str:
    """The text, or its start and its length if it is longer than `limit`: a huge field never floods a message."""
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text):,} characters, cut)"


def show(value: object, limit: int = MAX_SHOWN) -> str:
    """A value as repr() writes it, cut short."""
    return cut(repr(value), limit)


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    record: str
    field: str
    message: str

    def __str__(self) -> str:
        message = cut(self.message, MAX_MESSAGE)
        where = f"{self.file}: {cut(self.record)}" if self.record else self.file
        if self.field:
            where += f": field '{cut(self.field)}'"
        return f"{where}: {message}"


class MscsleError(Exception):
    """Base of every error a command reports: a message for people (no traceback) and the exit code."""

    exit_code = 1

    def message(self) -> str:
        """What the command prints (no traceback): the error's text, written for people."""
        return str(self)


class BadInput(MscsleError):
    """Exit 2: what the user gave cannot be used (records, files, options, queries, a missing or stale dist/)."""

    exit_code = 2


class GivenInputError(BadInput):
    """A query or an RDF file given to a command, refused (printed as 'error: ...')."""

    def message(self) -> str:
        return f"error: {self}"


class ValidationError(MscsleError):
    """Exit 1: the input was read, but the result does not pass a check (SHACL, QC queries, the reasoner)."""

    exit_code = 1


class Unavailable(MscsleError):
    """Exit 1: a program or service that the command needs is missing or failed (Graphviz, a server, an endpoint)."""

    exit_code = 1


class NotBuilt(BadInput):
    """An artifact of dist/ that a command reads is missing, or older than the sources it is built from."""

    def __init__(self, path: Path, stale_because: Path | None = None):
        self.path = path
        why = f"is older than {stale_because}" if stale_because else "does not exist"
        super().__init__(f"{path} {why}; run `mscsle build` first (or give --dist)")


class CurationError(BadInput):
    """Bad input: one or more problems in the curated records; nothing was written."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))

    def message(self) -> str:
        return self.report()

    def report(self) -> str:
        n = len(self.problems)
        head = (
            f"{n} problem{'s' if n != 1 else ''} in the curated records; nothing was written (the previous build "
            f"is unchanged). Fix {'them' if n != 1 else 'it'} and build again:"
        )
        listed = [f"  - {p}" for p in self.problems[:MAX_LISTED]]
        if n > MAX_LISTED:
            listed.append(f"  ... and {n - MAX_LISTED:,} more (fix these first)")
        return "\n".join([head, *listed])


class OutputFolderError(BadInput):
    """The output folder may not be replaced by a build (it is a file, or a folder that no build wrote)."""

    def __str__(self) -> str:
        return f"cannot build: {super().__str__()}"
