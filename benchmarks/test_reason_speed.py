"""How long `mscsle reason` (HermiT through owlready2, JVM start included) takes on the real graph.

Not part of the test suite: run `python -m pytest benchmarks/test_reason_speed.py`. The target is generous
(a minute), because HermiT's time depends on the JVM and the machine; on a 2-core machine it is ~5 s of CPU.
"""

from __future__ import annotations

from pathlib import Path

from mscsle.checks.reason import reason
from mscsle.project import Project
from mscsle.release.pipeline import build

TARGET_SECONDS = 60


def test_reason_on_the_real_graph(benchmark, tmp_path: Path):
    project = Project.default()
    dist = tmp_path / "dist"
    build(project, dist)
    result = benchmark.pedantic(reason, args=(project, dist), rounds=3, iterations=1)
    assert result.seconds < TARGET_SECONDS
    assert benchmark.stats.stats.max < TARGET_SECONDS
