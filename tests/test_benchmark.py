"""The benchmark runs from a fresh clone (it broke once when a function it used was removed)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

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


@pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")
def test_key_timings_watch_the_panes_output_and_see_only_changes(tmp_path: Path) -> None:
    """Keys are timed by what the pane's program writes (`pipe-pane`), not by a tmux client per poll."""
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import run
    finally:
        sys.path.remove(str(BENCHMARKS))
    socket = f"krant-test-output-{tmp_path.name}"
    subprocess.run(["tmux", "-L", socket, "new", "-d", "-x", "40", "-y", "5", "cat"], check=True)
    try:
        output = run.PaneOutput(socket, tmp_path / "output")
        echoed = output.key_ms("x")
        assert echoed is not None and 0 < echoed < 1_000
        assert (tmp_path / "output").read_bytes().endswith(b"x")  # what cat wrote, through the pipe
    finally:
        subprocess.run(["tmux", "-L", socket, "kill-server"], check=False)
    # A key that changes nothing on screen is never counted: here nothing echoes it.
    silent = ["sh", "-c", "stty -echo; sleep 30"]
    socket += "-silent"  # a server of its own: the last one may still be exiting
    subprocess.run(["tmux", "-L", socket, "new", "-d", "-x", "40", "-y", "5", *silent], check=True)
    try:
        output = run.PaneOutput(socket, tmp_path / "silent")
        assert output.key_ms("x", timeout=0.5) is None
    finally:
        subprocess.run(["tmux", "-L", socket, "kill-server"], check=False)
