"""The built artifacts of dist/ as later stages read them: present, and not older than the sources they come from.

Commands that read dist/ (docs, check, query, load, serve, reason) never rebuild it; a missing or stale artifact
is bad input (exit 2) that says to run `mscsle build` first.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from mscsle.errors import NotBuilt
from mscsle.project import Project


def sources(project: Project) -> Iterator[Path]:
    """Every file a build reads: the ontology and its imports, the records, the shapes, the queries, the settings."""
    yield project.root / "pyproject.toml"
    for folder in (project.ontology.parent, project.root / "data", project.shapes_dir, project.queries_dir):
        yield from (p for p in folder.rglob("*") if p.is_file())


def built(project: Project, dist: Path | None, name: str) -> Path:
    """dist/<name>; NotBuilt if it is missing, or older than a source (then it is named)."""
    path = (dist or project.dist) / name
    if not path.is_file():
        raise NotBuilt(path)
    made = path.stat().st_mtime
    newer = sorted(p for p in sources(project) if p.stat().st_mtime > made)
    if newer:
        raise NotBuilt(path, newer[0])
    return path
