"""The installed `krant` command in a real terminal (tmux), driven by keys the way a person would."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from ui_helpers import NEWER_TITLE, OLDER_TITLE, copy_seed

KRANT = Path(sys.executable).parent / "krant"
WAIT_SECONDS = 30.0

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (CI installs it)")


class Terminal:
    """One tmux server of our own (its own socket), holding one window that runs a command."""

    def __init__(self, socket: str, environment: dict[str, str]) -> None:
        self.socket = socket
        self.environment = environment

    def tmux(self, *arguments: str) -> str:
        result = subprocess.run(
            ["tmux", "-L", self.socket, *arguments],
            env=self.environment,
            capture_output=True,
            text=True,
            check=True,
        )
        return result.stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "krant")

    def styled(self) -> str:
        """The screen with its colours and attributes, as escape sequences."""
        return self.tmux("capture-pane", "-e", "-p", "-t", "krant")

    def press(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "krant", *keys)

    def wait_for(self, *texts: str, seen: Callable[[str], str] = lambda screen: screen) -> str:
        """Poll the screen until every text is in `seen(screen)`; fail with the screen if it never is."""
        deadline = time.monotonic() + WAIT_SECONDS
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if all(text in seen(screen) for text in texts):
                return screen
            time.sleep(0.1)
        pytest.fail(f"never saw {texts!r} on the screen:\n{screen}")

    def wait_until(self, condition: Callable[[str], bool], what: str, *, styled: bool = False) -> str:
        """Poll the screen (with its colours: `styled`) until `condition(screen)`; fail with it if never."""
        capture = self.styled if styled else self.screen
        deadline = time.monotonic() + WAIT_SECONDS
        screen = capture()
        while not condition(screen):
            if time.monotonic() > deadline:
                pytest.fail(f"never saw {what} on the screen:\n{self.screen()}")
            time.sleep(0.1)
            screen = capture()
        return screen

    def running(self) -> bool:
        return (
            subprocess.run(
                ["tmux", "-L", self.socket, "has-session", "-t", "krant"],
                env=self.environment,
                capture_output=True,
            ).returncode
            == 0
        )


def terminal_under(base: Path) -> Terminal:
    """A terminal of our own whose krant keeps its state, cache and config below `base`."""
    environment = {
        **os.environ,
        "XDG_STATE_HOME": str(base / "state"),
        "XDG_CACHE_HOME": str(base / "cache"),
        "XDG_CONFIG_HOME": str(base / "config"),
        "TERM": "xterm-256color",
    }
    # pytest-xdist workers carry COLUMNS=80 and LINES=24, and Textual takes those over the terminal's
    # real size: krant would draw 80×24 inside a 120×40 window.
    for name in ("TMUX", "COLUMNS", "LINES"):
        environment.pop(name, None)
    return Terminal(f"krant-test-{uuid.uuid4().hex[:12]}", environment)


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    terminal = terminal_under(tmp_path)
    yield terminal
    subprocess.run(
        ["tmux", "-L", terminal.socket, "kill-server"], env=terminal.environment, capture_output=True
    )


def notices(screen: str) -> str:
    """The text of the notices (toasts) on screen without its spaces: a notice wraps at spaces and in
    long links, so `unspaced(text) in notices(screen)` finds it however it was wrapped."""
    return unspaced("".join(line.split("▌", 1)[1] for line in screen.splitlines() if "▌" in line))


def unspaced(text: str) -> str:
    return "".join(text.split())


def article_pane(screen: str) -> str:
    """The text right of the article pane's border, lines joined: wrapped titles read whole again."""
    parts = [line.rsplit("▏", 1)[1] for line in screen.splitlines() if "▏" in line]
    return " ".join(" ".join(parts).split())


def test_reading_the_seed_posts_in_a_real_terminal(terminal: Terminal, tmp_path: Path):
    assert KRANT.exists(), f"the krant command is not installed next to {sys.executable}"
    folder = copy_seed(tmp_path)
    terminal.tmux("new-session", "-d", "-s", "krant", "-x", "120", "-y", "40", f"{KRANT} {folder}; sleep 60")
    screen = terminal.wait_for(
        "2 posts · 2 categories", "buitenland", "nieuws", NEWER_TITLE[:20], OLDER_TITLE[:20]
    )
    assert screen.index(NEWER_TITLE[:20]) < screen.index(OLDER_TITLE[:20])  # newest first
    terminal.wait_for("All             2/2")  # unread / total
    terminal.press("Enter")
    terminal.wait_for(NEWER_TITLE, "Niet alle Europese landen", seen=article_pane)
    terminal.wait_for("All             1/2")
    for _ in range(10):  # Syrië is further down
        page = terminal.screen()
        if "Syrië" in page:
            break
        terminal.press("Space")
        terminal.wait_until(lambda screen, page=page: screen != page, "the next page")  # then Space again
    terminal.wait_for("Syrië")
    terminal.press("n")  # the next unread post, without leaving the article
    terminal.wait_for(
        OLDER_TITLE, "De Nederlandse trainingsmissie in Irak is tot nader order", seen=article_pane
    )
    terminal.wait_for("All             0/2")
    terminal.press("Escape")
    # A gap the terminal needs, not a wait for krant: else Escape and q arrive together and read as Alt+q.
    time.sleep(1)
    terminal.press("q")
    deadline = time.monotonic() + WAIT_SECONDS
    while "2 posts" in terminal.screen() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert "2 posts" not in terminal.screen(), "krant did not quit on q"


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads a process's CPU time from /proc")
def test_a_post_of_one_long_paragraph_opens_with_its_text_and_krant_goes_idle(terminal: Terminal, tmp_path):
    """An 8,100-character first paragraph once showed a blank body, flickered and kept a core half busy."""
    folder = tmp_path / "posts"
    folder.mkdir()
    words = " ".join(f"woord{number}" for number in range(1_000))[:8_100]
    (folder / "2024-01-01-lang.md").write_text(f"---\ntitle: Een lange alinea\n---\n{words}\n\nEinde.\n")
    terminal.tmux("new-session", "-d", "-s", "krant", "-x", "120", "-y", "40", f"{KRANT} {folder}; sleep 60")
    terminal.wait_for("1 post · ")
    terminal.press("Enter")
    terminal.wait_for("Een lange alinea", "woord0 woord1 woord2", seen=article_pane)
    shell = int(terminal.tmux("list-panes", "-t", "krant", "-F", "#{pane_pid}").split()[0])
    krant = int(subprocess.run(["pgrep", "-P", str(shell)], capture_output=True, text=True).stdout.split()[0])
    # Idle: a second in which krant used under a tenth of a second of CPU and the screen did not change.
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        screen, used = terminal.screen(), _cpu_seconds(krant)
        time.sleep(1.0)  # the window the CPU time is measured over, not a wait for krant
        if _cpu_seconds(krant) - used < 0.1 and terminal.screen() == screen:
            break
        if time.monotonic() > deadline:
            pytest.fail(f"krant never went idle with the article open:\n{terminal.screen()}")
    assert "woord0 woord1 woord2" in article_pane(terminal.screen())


def test_y_copies_with_the_clipboard_tool_and_o_says_why_no_browser_opened(terminal: Terminal, tmp_path):
    """A person in an X session with xclip (here a program that keeps what it is given) and a launcher
    that fails: `y` says which tool copied the link, and `o` says that the browser did not open, and why."""
    tools = tmp_path / "bin"
    tools.mkdir()
    copied = tmp_path / "copied.txt"
    (tools / "xclip").write_text(f"#!/bin/sh\ncat > '{copied}'\n")
    (tools / "xdg-open").write_text("#!/bin/sh\nexit 3\n")
    for tool in tools.iterdir():
        tool.chmod(0o755)
    terminal.environment.update(PATH=f"{tools}{os.pathsep}{terminal.environment['PATH']}", DISPLAY=":99")
    terminal.environment.pop("WAYLAND_DISPLAY", None)
    folder = copy_seed(tmp_path)
    terminal.tmux("new-session", "-d", "-s", "krant", "-x", "160", "-y", "40", f"{KRANT} {folder}; sleep 60")
    terminal.wait_for(NEWER_TITLE[:20])
    terminal.press("y")
    link = "http://feeds.nos.nl/~r/nosnieuwsbuitenland/~3/MgZNuWpkq7Y/2284826"  # the newest post's
    copied_notice = f"Copied {link} to the clipboard (with xclip, and through the terminal)."
    terminal.wait_for(unspaced(copied_notice), seen=notices)
    assert copied.read_text() == link
    terminal.press("o")
    failed = f"Could not open {link} in a browser: it exited with status 3. Press y to copy the link instead."
    terminal.wait_for(unspaced(failed), seen=notices)


def test_search_results_in_a_real_terminal_get_the_room_and_their_keys(terminal: Terminal, tmp_path):
    folder = copy_seed(tmp_path)
    terminal.tmux("new-session", "-d", "-s", "krant", "-x", "160", "-y", "40", f"{KRANT} {folder}; sleep 60")
    terminal.wait_for("Choose an article and press Enter to read it.")
    terminal.press("/")
    terminal.press("-l", "syrie")
    screen = terminal.wait_for("2 results for 'syrie', newest first", NEWER_TITLE, OLDER_TITLE)
    assert "Choose an article" not in screen  # the empty article pane made way for the results
    footer = screen.splitlines()[-1]
    assert "↓/enter Results" in footer and "esc Back" in footer and "Best/newest first" in footer, footer
    terminal.press("C-o")
    terminal.wait_for("2 results for 'syrie', best first")
