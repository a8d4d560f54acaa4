"""The build's artifacts kept in unnamed temporary files, not in memory, until they are published.

At 100k claims the artifacts weigh about 1.5 GB: held as bytes until the last one is made, they would be the
largest part of the build's peak memory. Each is written to an unnamed temporary file as soon as it is made (the
operating system deletes the file when it is closed or the build ends, however it ends) and read back, one at a
time, when dist/ is written or a caller asks for it.
"""

from __future__ import annotations

import tempfile
import weakref
from collections.abc import Iterator, MutableMapping
from typing import IO


def _close(files: dict[str, IO[bytes]]) -> None:
    for fh in files.values():
        fh.close()


class Spool(MutableMapping[str, bytes]):
    """Artifact name -> its bytes, each in its own temporary file (closed, and so deleted, with the spool)."""

    def __init__(self) -> None:
        self._files: dict[str, IO[bytes]] = {}
        weakref.finalize(self, _close, self._files)

    def __setitem__(self, name: str, data: bytes) -> None:
        self.open(name).write(data)

    def open(self, name: str) -> IO[bytes]:
        """A new, empty file for the artifact `name` (replacing any before), for a writer that writes it in pieces."""
        fh = tempfile.TemporaryFile()  # noqa: SIM115 (closed when replaced, deleted, or the spool is gone)
        self.adopt(name, fh)
        return fh

    def adopt(self, name: str, fh: IO[bytes]) -> None:
        """Take an open temporary file as the artifact `name` (one another process wrote: release/workers.py)."""
        if name in self._files:
            self._files[name].close()
        self._files[name] = fh

    def handles(self) -> dict[str, IO[bytes]]:
        """Artifact name -> its open file (still the spool's: closed with it)."""
        return dict(self._files)

    def __getitem__(self, name: str) -> bytes:
        return self.reader(name).read()

    def reader(self, name: str) -> IO[bytes]:
        """The artifact's file, from its start (to copy it without holding it in memory: release/publish.py)."""
        fh = self._files[name]
        fh.seek(0)
        return fh

    def __delitem__(self, name: str) -> None:
        self._files.pop(name).close()

    def __iter__(self) -> Iterator[str]:
        return iter(self._files)

    def __len__(self) -> int:
        return len(self._files)
