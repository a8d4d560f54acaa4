"""release/spool.py: the build's artifacts wait on disk, not in memory, and come back unchanged."""

from __future__ import annotations

import gc
import os
from pathlib import Path

from mscsle.release.publish import MARKER, publish
from mscsle.release.spool import Spool


def _open_files() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_spool_gives_back_what_it_was_given():
    spool = Spool()
    spool["mscsle.nt"] = b'<http://e/s> <http://e/p> "\xc3\xa4" .\n'
    spool["kgx/nodes.tsv"] = b"id\n"
    spool["mscsle.nt"] = b"replaced\n"
    assert dict(spool) == {"mscsle.nt": b"replaced\n", "kgx/nodes.tsv": b"id\n"}
    assert spool["kgx/nodes.tsv"] == b"id\n"  # read twice: the same bytes
    del spool["kgx/nodes.tsv"]
    assert list(spool) == ["mscsle.nt"] and len(spool) == 1


def test_spool_files_are_closed_with_it():
    """Unnamed temporary files: closing them deletes them, and the spool closes them when it goes."""
    before = _open_files()
    spool = Spool()
    for i in range(5):
        spool[f"f{i}"] = b"x" * 1000
    spool["f0"] = b"y"  # the replaced file is closed at once
    assert _open_files() == before + 5
    del spool
    gc.collect()
    assert _open_files() == before


def test_publish_writes_a_spool(tmp_path: Path):
    spool = Spool()
    spool["a.nt"] = b"1\n"
    spool["kgx/edges.tsv"] = b"2\n"
    publish(tmp_path / "out", spool)
    out = tmp_path / "out"
    written = {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert written == {"a.nt": b"1\n", "kgx/edges.tsv": b"2\n", MARKER: (out / MARKER).read_bytes()}


def test_an_artifact_written_in_pieces_reads_whole_and_replaces_the_last(tmp_path: Path):
    spool = Spool()
    spool["a.ttl"] = b"old"
    first = spool._files["a.ttl"]
    out = spool.open("a.ttl")
    out.write(b"@prefix ")
    out.write(b"x .\n")
    assert first.closed and spool["a.ttl"] == b"@prefix x .\n" and spool["a.ttl"] == b"@prefix x .\n"
    publish(tmp_path / "out", spool)
    assert (tmp_path / "out" / "a.ttl").read_bytes() == b"@prefix x .\n"
