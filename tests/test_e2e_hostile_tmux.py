"""The installed `krant` on the hostile corpus in a real terminal (tmux): after every step the screen is
intact (header on top, footer at the bottom, no line too wide, no escape residue) and krant still runs."""

from __future__ import annotations

import re
import shlex
import shutil
import time
from collections.abc import Callable
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

from tui.core.library import ALL, Library

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


def backgrounds(line: str) -> tuple[list[str], list[str]]:
    """The background colours (SGR `48;…`) a styled screen line sets in the sidebar, and in the list pane
    (between the list's left border ▕ and the article pane's ▏)."""
    sidebar, border, rest = line.partition("\u2595")
    pane = rest.partition("\u258f")[0] if border else ""
    return re.findall(r"48;[0-9;]+", sidebar), re.findall(r"48;[0-9;]+", pane)


def focused_cursor(styled: str) -> str | None:
    """The colour of the list's cursor with the focus, from the first screen after loading: the list has the
    focus and its cursor is on the first row, beside the sidebar's (unfocused) cursor on All; None until
    the list's cursor is drawn in a colour of its own."""
    lines = styled.split("\n")
    sidebar, pane = backgrounds(lines[1]) if len(lines) > 1 else ([], [])
    return pane[0] if sidebar and pane and pane[0] != sidebar[0] else None


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
    shown = Library.read_folder(folder).view(ALL)
    order = [Path(post.path).relative_to(folder.resolve()).as_posix() for post in shown]
    posts = sum(expected.outcome == "post" for expected in expectations.values())
    status = tmp_path / "status"
    command = f"{shlex.quote(str(KRANT))} {shlex.quote(str(folder))}; echo $? > {shlex.quote(str(status))}"
    terminal.tmux("new-session", "-d", "-s", "krant", "-x", str(WIDTH), "-y", str(HEIGHT), command)
    terminal.wait_for(f"{posts} posts", "problems")
    check_intact(terminal, "loading")
    first = terminal.wait_until(
        lambda styled: focused_cursor(styled) is not None, "the list's cursor", styled=True
    )
    focused = focused_cursor(first)

    def list_focused(styled: str) -> bool:
        """Whether the list pane (posts or problems) has the focus: its cursor is drawn as focused."""
        return any(focused in backgrounds(line)[1] for line in styled.split("\n"))

    def list_left(styled: str) -> bool:
        return not list_focused(styled)

    def read(screen: str) -> str:
        """The article pane once an article is read (not "Reading…" any more); "" before."""
        pane = article_pane(screen)
        return "" if "Reading…" in pane else pane

    def changes(before: str) -> Callable[[str], bool]:
        return lambda styled: styled != before

    # Each key is waited for to show before the next one is pressed: a key that moves the focus (Enter
    # opening a post, `h` going back) does so a moment after krant reads it, and keys already sent would
    # go to the widget that had it.
    for step in range(12):
        before = terminal.styled()
        terminal.press("Down")
        terminal.wait_until(changes(before), f"the cursor moved by Down #{step + 1}", styled=True)
        terminal.wait_for(f"{posts} posts")
        check_intact(terminal, f"Down #{step + 1}")

    for name, text in OPEN.items():
        terminal.wait_until(list_focused, "the list with the focus", styled=True)
        terminal.press("g", *["Down"] * order.index(name), "Enter")
        # The article pane may still show an earlier post with the same text: the post is open when it
        # takes the focus from the list, and read when "Reading…" has given way to its text.
        terminal.wait_until(list_left, f"{name} taking the focus", styled=True)
        terminal.wait_until(lambda screen, text=text: text[:20] in read(screen), f"{text[:20]!r} of {name}")
        check_intact(terminal, f"opening {name}")
        pane = article_pane(terminal.screen())
        terminal.press("j", "j", "Space")
        # Space pages down, or at the end of the article opens the next unread post.
        terminal.wait_until(lambda screen, pane=pane: read(screen) not in ("", pane), f"Space in {name}")
        check_intact(terminal, f"scrolling {name}")
        terminal.press("h")
        terminal.wait_until(list_focused, f"the list with the focus after leaving {name}", styled=True)
        check_intact(terminal, f"leaving {name}")

    for key in ["]"] * 8 + ["["] * 3:
        before = terminal.styled()
        terminal.press(key)
        terminal.wait_until(changes(before), f"the sidebar's cursor moved by {key}", styled=True)
        check_intact(terminal, f"category key {key}")

    terminal.press("BTab", "G", "Enter")  # the sidebar, its last entry (Problems), into the list
    terminal.wait_for("invalid YAML front matter")
    terminal.wait_until(list_focused, "Problems with the focus", styled=True)
    check_intact(terminal, "opening Problems")
    for key in ("G", "g"):
        before = terminal.styled()
        terminal.press(key)
        terminal.wait_until(changes(before), f"the cursor moved by {key} in Problems", styled=True)
    check_intact(terminal, "moving in Problems")

    terminal.press("?")
    terminal.wait_for("Help: every key")
    check_intact(terminal, "help")
    terminal.press("Escape")
    terminal.wait_until(lambda screen: "Help: every key" not in screen, "the help closed")
    check_intact(terminal, "closing help")
    # A gap the terminal needs, not a wait for krant: else Escape and the next key arrive together and
    # read as Alt+key.
    time.sleep(1)

    terminal.press("[")  # krant still answers keys: back to the last category, and open its first post
    terminal.wait_until(
        lambda screen: "invalid YAML front matter" not in screen, "the last category instead of Problems"
    )
    terminal.wait_until(list_focused, "the list of the last category with the focus", styled=True)
    terminal.press("g", "Enter")
    terminal.wait_until(list_left, "the first post taking the focus", styled=True)
    terminal.wait_for("Category:", seen=article_pane)
    check_intact(terminal, "opening the first post again")

    terminal.press("q")
    deadline = time.monotonic() + WAIT_SECONDS
    while terminal.running() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not terminal.running(), "krant did not quit on q"
    assert status.read_text().strip() == "0", "krant did not exit cleanly"
