"""The installed `krant` on the hostile corpus in a real terminal (tmux): after every step the screen is
intact (header on top, footer at the bottom, no line too wide, no escape residue) and krant still runs."""

from __future__ import annotations

import shlex
import shutil
import time
from pathlib import Path

import pytest
from hostile_corpus import build_corpus
from rich.cells import cell_len
from test_e2e_tmux import (
    KRANT,
    WAIT_SECONDS,
    Terminal,
    article_pane,
)
from test_e2e_tmux import terminal as tmux_terminal  # noqa: F401 (a fixture, as `tmux_terminal`)

from tui.library import ALL, Library

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (CI installs it)")

WIDTH, HEIGHT = 160, 48
RESIDUE = ("[2J", "]52;", "]8;;", "cm0gLXJmIH4", "evil.example", "\x1b", "\x07")
OPEN = {
    "bodies/huge-table.html": "The article is long",
    "bodies/megabytes.html": "A paragraph of the long article.",
    "bodies/unfinished-comment.html": "Before the junk.",
    "bodies/lone-ampersands.html": "Before the junk.",
    "escapes/osc52.md": "copythis",
    "escapes/clear-screen.md": "beforeafter",
}
"""Posts to open (the slow and huge ones, and escapes in bodies), and text their article shows."""


def pane_alive(terminal: Terminal) -> bool:
    return (
        terminal.running() and terminal.tmux("display-message", "-p", "-t", "krant", "#{pane_dead}") == "0\n"
    )


def check_intact(terminal: Terminal, step: str) -> str:
    """The screen after a step: krant runs, its frame is where it was, nothing leaked; the screen."""
    assert pane_alive(terminal), f"krant is gone after {step}"
    screen = terminal.screen()
    lines = screen.split("\n")
    assert "krant — corpus" in lines[0], f"after {step} the first line is not the header:\n{screen}"
    footer = next(line for line in reversed(lines) if line.strip())
    assert "Quit" in footer or "Back" in footer or "palette" in footer, f"after {step} no footer:\n{screen}"
    assert lines.index(footer) == HEIGHT - 1, f"after {step} the footer moved:\n{screen}"
    too_wide = [line for line in lines if cell_len(line) > WIDTH]
    assert not too_wide, f"after {step} lines wider than the terminal: {too_wide!r:.300}"
    for residue in RESIDUE:
        assert residue not in screen, f"after {step} {residue!r} is on the screen:\n{screen}"
    escaped = terminal.tmux("capture-pane", "-e", "-p", "-t", "krant")
    for sequence in ("\x1b]52;", "\x1b]8;", "\x1b[2J", "\x07", "evil.example"):
        assert sequence not in escaped, f"after {step} {sequence!r} reached the terminal"
    return screen


def test_hostile_corpus_in_a_real_terminal(tmux_terminal: Terminal, tmp_path: Path) -> None:  # noqa: F811
    terminal = tmux_terminal
    assert KRANT.exists(), f"the krant command is not installed next to {KRANT.parent}"
    folder = tmp_path / "corpus"
    expectations = build_corpus(folder)
    shown = Library.load(folder).view(ALL)
    order = [Path(post.path).relative_to(folder.resolve()).as_posix() for post in shown]
    posts = sum(expected.outcome == "post" for expected in expectations.values())
    status = tmp_path / "status"
    command = f"{shlex.quote(str(KRANT))} {shlex.quote(str(folder))}; echo $? > {shlex.quote(str(status))}"
    terminal.tmux("new-session", "-d", "-s", "krant", "-x", str(WIDTH), "-y", str(HEIGHT), command)
    terminal.wait_for(f"{posts} posts", "problems")
    check_intact(terminal, "loading")

    for step in range(12):
        terminal.press("Down")
        terminal.wait_for(f"{posts} posts")
        check_intact(terminal, f"Down #{step + 1}")

    for name, text in OPEN.items():
        terminal.press("g", *["Down"] * order.index(name), "Enter")
        terminal.wait_for(text[:20], seen=article_pane)
        check_intact(terminal, f"opening {name}")
        terminal.press("j", "j", "Space")
        check_intact(terminal, f"scrolling {name}")
        terminal.press("h")
        time.sleep(0.3)
        check_intact(terminal, f"leaving {name}")

    for key in ["]"] * 8 + ["["] * 3:
        terminal.press(key)
        time.sleep(0.2)
        check_intact(terminal, f"category key {key}")

    terminal.press("BTab", "G", "Enter")  # the sidebar, its last entry (Problems), into the list
    terminal.wait_for("invalid YAML front matter")
    check_intact(terminal, "opening Problems")
    terminal.press("G", "g")
    check_intact(terminal, "moving in Problems")

    terminal.press("?")
    terminal.wait_for("Help: every key")
    check_intact(terminal, "help")
    terminal.press("Escape")
    deadline = time.monotonic() + WAIT_SECONDS
    while "Help: every key" in terminal.screen() and time.monotonic() < deadline:
        time.sleep(0.1)
    check_intact(terminal, "closing help")
    time.sleep(1)  # else Escape and the next key arrive together and read as Alt+key

    terminal.press("[")  # krant still answers keys: back to the last category, and open its first post
    terminal.press("g", "Enter")
    terminal.wait_for("Category:", seen=article_pane)
    check_intact(terminal, "opening the first post again")

    terminal.press("q")
    deadline = time.monotonic() + WAIT_SECONDS
    while terminal.running() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not terminal.running(), "krant did not quit on q"
    assert status.read_text().strip() == "0", "krant did not exit cleanly"
