"""The same story once, in a real terminal: a link filed in two categories is one row, and its article's
header names both categories and both files."""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest
from test_e2e_tmux import KRANT, Terminal, article_pane, terminal  # noqa: F401 (terminal: a fixture)
from ui_helpers import write_post

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (CI installs it)")

TITLE = "Kabinet valt over stikstof"
LINK = "https://nos.nl/artikel/2500000-kabinet-valt"


def test_one_story_in_two_categories_is_one_row_and_its_header_lists_both(
    terminal: Terminal,  # noqa: F811 (the fixture imported above)
    tmp_path: Path,
):
    assert KRANT.exists(), f"the krant command is not installed next to {sys.executable}"
    folder = tmp_path / "posts"
    for category, minute, link in (("binnenland", "00", LINK), ("politiek", "01", LINK + "/?utm_source=rss")):
        (folder / category).mkdir(parents=True)
        write_post(folder / category, "kabinet.md", TITLE, f"2019-05-15 10:{minute}:00 +0200", category, link)
    write_post(folder, "oranje.md", "Oranje wint", "2019-05-14 20:00:00 +0200", "sport", "https://nos.nl/l/2")
    terminal.tmux("new-session", "-d", "-s", "krant", "-x", "160", "-y", "40", f"{KRANT} {folder}; sleep 60")
    screen = terminal.wait_for("2 posts · 3 categories", "All             2/2", "politiek        1/1")
    assert len(re.findall(re.escape(TITLE), screen)) == 1, screen
    terminal.press("Enter")
    header = terminal.wait_for(
        "Categories: politiek, binnenland",
        "Files: politiek/kabinet.md, binnenland/kabinet.md",
        seen=article_pane,
    )
    assert TITLE in article_pane(header)
    terminal.wait_for("All             1/2", "binnenland      0/1", "politiek        0/1")
