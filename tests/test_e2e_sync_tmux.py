"""Two installed `krant` processes in real terminals, as two machines sharing a sync folder (own state
folders, own copies of the posts): a post read in one shows read in the other while both run, and after
both start again."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_e2e_tmux import Terminal, terminal_under
from ui_helpers import copy_seed

KRANT = Path(sys.executable).parent / "krant"

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (CI installs it)")


@pytest.fixture
def machines(tmp_path: Path) -> Iterator[tuple[Terminal, Terminal]]:
    terminals = terminal_under(tmp_path / "a"), terminal_under(tmp_path / "b")
    yield terminals
    for terminal in terminals:
        subprocess.run(
            ["tmux", "-L", terminal.socket, "kill-server"], env=terminal.environment, capture_output=True
        )


def start(terminal: Terminal, folder: Path, sync: Path) -> None:
    command = f"{KRANT} {folder} --sync-folder {sync}; sleep 60"
    terminal.tmux("new-session", "-d", "-s", "krant", "-x", "120", "-y", "30", command)
    terminal.wait_for("2 posts · 2 categories")


def quit_krant(terminal: Terminal) -> None:
    terminal.press("q")
    terminal.wait_until(lambda screen: "2 posts" not in screen, "krant quitting")
    terminal.tmux("kill-server")


def test_two_krant_processes_share_read_marks_through_a_sync_folder(
    machines: tuple[Terminal, Terminal], tmp_path: Path
) -> None:
    a, b = machines
    sync = tmp_path / "Sync" / "krant"
    sync.mkdir(parents=True)
    folders = [copy_seed(tmp_path / name) for name in ("a", "b")]
    start(a, folders[0], sync)
    start(b, folders[1], sync)
    b.wait_for("All             2/2")
    a.press("m")  # the newest post, read on a
    a.wait_for("All             1/2")
    b.wait_for("All             1/2")  # and so on b, while both run
    b.press("j", "m")
    a.wait_for("All             0/2")
    b.press("m")  # unread again on b
    a.wait_for("All             1/2")
    quit_krant(a)
    quit_krant(b)
    start(a, folders[0], sync)
    start(b, folders[1], sync)
    a.wait_for("All             1/2")
    b.wait_for("All             1/2")
