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


def _linkable(folder: Path) -> bool:
    """Whether this system and file system make unnamed files that can be given a name (Linux O_TMPFILE)."""
    try:
        fd = os.open(folder, getattr(os, "O_TMPFILE", 0) | os.O_RDWR, 0o600)
    except OSError:
        return False
    dir_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.link(f"/proc/self/fd/{fd}", "probe", dst_dir_fd=dir_fd)
    except OSError:
        return False
    finally:
        os.close(fd)
        os.close(dir_fd)
    (folder / "probe").unlink()
    return True


def test_publish_names_the_spooled_files_instead_of_copying_them(tmp_path: Path):
    """Spooled in the output's parent folder, an artifact becomes its file in dist/ without a copy (at 100k claims
    1.6 GB), with the permissions of a file written there; elsewhere (another file system) it is copied."""
    old = os.umask(0o022)
    try:
        spool = Spool(tmp_path)
        spool["a.nt"] = b"1\n"
        spool["kgx/edges.tsv"] = b"2\n"
        spooled = {n: os.fstat(spool.reader(n).fileno()).st_ino for n in spool}
        publish(tmp_path / "out", spool)
    finally:
        os.umask(old)
    out = tmp_path / "out"
    assert {n: (out / n).read_bytes() for n in spooled} == {"a.nt": b"1\n", "kgx/edges.tsv": b"2\n"}
    assert all((out / n).stat().st_mode & 0o777 == 0o644 for n in spooled)
    named = {n: (out / n).stat().st_ino == ino for n, ino in spooled.items()}
    assert named == dict.fromkeys(spooled, _linkable(tmp_path))
    assert dict(spool) == {"a.nt": b"1\n", "kgx/edges.tsv": b"2\n"}  # the build's files still read as before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".out.lock", "out"]  # no named temporary file


def test_publish_copies_what_cannot_be_named(tmp_path: Path, monkeypatch):
    spool = Spool(tmp_path)
    spool["a.nt"] = b"1\n"
    ino = os.fstat(spool.reader("a.nt").fileno()).st_ino

    def cross_device(*args: object, **kwargs: object) -> None:
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(os, "link", cross_device)
    publish(tmp_path / "out", spool)
    assert (tmp_path / "out" / "a.nt").read_bytes() == b"1\n" and (tmp_path / "out" / "a.nt").stat().st_ino != ino
