"""Errors that name the file, the record and the field, collected so a curator sees them all at once."""

from __future__ import annotations

from dataclasses import dataclass

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


class CurationError(Exception):
    """Bad input: one or more problems in the curated records; nothing was written."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))

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


class OutputFolderError(Exception):
    """The output folder may not be replaced by a build (it is a file, or a folder that no build wrote)."""
