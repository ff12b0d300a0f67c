"""The benchmark runs from a fresh clone (it broke once when a function it used was removed)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def test_the_benchmark_prints_its_table_for_a_small_folder() -> None:
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "run.py"), "--sizes", "300", "--no-app"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "| core: cold, everything read + indexed" in done.stdout
    row = next(line for line in done.stdout.splitlines() if "core: search, median" in line)
    assert row.rstrip(" |").endswith("ms"), row  # a figure, not "—"
