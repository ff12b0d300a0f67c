"""Stars in a real terminal (tmux): `s` draws ★ in the row and a Starred entry in the sidebar."""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest
from test_e2e_tmux import KRANT, Terminal
from test_e2e_tmux import terminal as tmux_terminal  # noqa: F401 (a fixture, as `tmux_terminal`)
from ui_helpers import NEWER_TITLE, OLDER_TITLE, copy_seed

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (CI installs it)")


def line_with(screen: str, text: str) -> str:
    return next((line for line in screen.splitlines() if text in line), "")


def test_s_shows_a_star_and_the_starred_entry(tmux_terminal: Terminal, tmp_path: Path) -> None:  # noqa: F811
    terminal = tmux_terminal
    assert KRANT.exists(), f"the krant command is not installed next to {sys.executable}"
    folder = copy_seed(tmp_path)
    terminal.tmux("new-session", "-d", "-s", "krant", "-x", "120", "-y", "40", f"{KRANT} {folder}; sleep 60")
    screen = terminal.wait_for("2 posts · 2 categories", NEWER_TITLE[:20], OLDER_TITLE[:20])
    assert "★" not in screen and "Starred" not in screen
    terminal.press("j", "s")  # the older post
    screen = terminal.wait_until(
        lambda screen: "★" in line_with(screen, OLDER_TITLE[:20]) and "★ Starred" in screen, "the star"
    )
    assert "★" not in line_with(screen, NEWER_TITLE[:20])
    assert re.search(r"★ Starred +1 ", screen), screen
    # The columns stay where they were: the star has a cell of its own, beside the unread dot.
    older, newer = line_with(screen, OLDER_TITLE[:20]), line_with(screen, NEWER_TITLE[:20])
    assert "●★ " in older and "●  " in newer
    assert older.index("●★") == newer.index("● ")
    assert older.index(OLDER_TITLE[:20]) == newer.index(NEWER_TITLE[:20])
    terminal.press("s")
    terminal.wait_until(lambda screen: "★" not in line_with(screen, OLDER_TITLE[:20]), "the star gone")
