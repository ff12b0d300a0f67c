"""The installed `krant` with a config.toml in a real terminal (tmux): `krant` alone opens the configured
folder, a remapped key works and the footer shows it, and the user's commands, `e` and `|` hand the
terminal to real programs with a hostile post's fields as exact arguments."""

from __future__ import annotations

import json
import shlex
import shutil
import sys
import time
from pathlib import Path

import pytest
from test_e2e_tmux import KRANT, WAIT_SECONDS, Terminal
from test_e2e_tmux import terminal as tmux_terminal  # noqa: F401 (a fixture, as `tmux_terminal`)
from ui_helpers import NEWER_TITLE, copy_seed, write_post

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (CI installs it)")

RECORD = """\
import json, os, sys
data = {"argv": sys.argv[2:], "stdin": None if os.isatty(0) else sys.stdin.read(), "tty": os.isatty(1)}
with open(sys.argv[1] + ".part", "w", encoding="utf-8", errors="surrogateescape") as out:
    json.dump(data, out)
os.replace(sys.argv[1] + ".part", sys.argv[1])
"""
"""A real program that writes its arguments, its standard input and whether it has the terminal to a file."""

HOSTILE_TITLE = "Watch; rm -rf ~ $(touch owned) `id` 'it\" | tee x"
HOSTILE_NAME = "2030-01-01-a\nb; $(touch owned).md"


def wait_for_file(path: Path, terminal: Terminal) -> dict[str, object]:
    deadline = time.monotonic() + WAIT_SECONDS
    while not path.exists():
        if time.monotonic() > deadline:
            pytest.fail(f"{path.name} was never written:\n{terminal.screen()}")
        time.sleep(0.1)
    return json.loads(path.read_text(encoding="utf-8"))


def test_a_configured_krant_in_a_real_terminal(tmux_terminal: Terminal, tmp_path: Path):  # noqa: F811
    terminal = tmux_terminal
    folder = copy_seed(tmp_path)
    write_post(
        folder,
        HOSTILE_NAME,
        HOSTILE_TITLE,
        "2030-01-01 12:00:00 +0100",
        "video",
        link="https://e.com/?v=$(id)",
    )
    script = tmp_path / "record.py"
    script.write_text(RECORD, encoding="utf-8")
    record = f"{shlex.quote(sys.executable)} {shlex.quote(str(script))}"
    out = tmp_path / "out"
    out.mkdir()
    config = tmp_path / "config" / "krant" / "config.toml"  # where krant looks: XDG_CONFIG_HOME/krant
    config.parent.mkdir(parents=True)
    config.write_text(
        f"""folder = {json.dumps(str(folder))}

[keys]
"app.toggle-read" = "x"

[[commands]]
name = "Play"
key = "V"
run = {json.dumps(f"{record} {out / 'play.json'} {{title}} {{path}} {{link}}")}
terminal = true
when = "category:video"

[[commands]]
name = "Note"
key = "N"
run = {json.dumps(f"{record} {out / 'note.json'} --title={{title}}")}
""",
        encoding="utf-8",
    )
    terminal.environment["EDITOR"] = f"{record} {out / 'edit.json'}"
    terminal.environment.pop("VISUAL", None)
    terminal.tmux(
        "new-session", "-d", "-s", "krant", "-x", "160", "-y", "48", "-c", str(tmp_path), f"{KRANT}; sleep 60"
    )
    screen = terminal.wait_for("3 posts", "Watch; rm -rf", "x Read/unread")  # the configured folder, key
    assert "m Read/unread" not in screen

    terminal.press("V")  # krant steps aside for the program, which has the terminal
    played = wait_for_file(out / "play.json", terminal)
    folder_path = str(folder.resolve())
    assert played["argv"] == [
        HOSTILE_TITLE,
        str(Path(folder_path, HOSTILE_NAME)),
        "https://e.com/?v=$(id)",
    ]
    assert played["tty"] is True
    terminal.wait_for("Play: python", "exited with status 0")
    terminal.press("N")  # in the background
    noted = wait_for_file(out / "note.json", terminal)
    assert noted["argv"] == [f"--title={HOSTILE_TITLE}"] and noted["tty"] is False
    assert not (tmp_path / "owned").exists() and not Path("owned").exists()

    terminal.press("e")
    edited = wait_for_file(out / "edit.json", terminal)
    assert edited["argv"] == [str(Path(folder_path, HOSTILE_NAME))]

    terminal.press("j")  # the seed post
    terminal.press("x")  # marks it read, on its new key
    terminal.wait_for("All             2/3")
    terminal.press("|")
    terminal.wait_for("Enter: run", "Esc: cancel")
    terminal.tmux("send-keys", "-t", "krant", "-l", f"{record} {out / 'pipe.json'} --from-krant")
    terminal.press("Enter")
    piped = wait_for_file(out / "pipe.json", terminal)
    assert piped["argv"] == ["--from-krant"]
    text = piped["stdin"]
    assert isinstance(text, str) and text.startswith(NEWER_TITLE + "\n")
    assert "Niet alle Europese landen" in text and "\x1b" not in text
    terminal.wait_for("exited with status 0", "3 posts")

    time.sleep(1)  # a gap the terminal needs (else keys run together), not a wait for krant
    terminal.press("q")
    deadline = time.monotonic() + WAIT_SECONDS
    while "3 posts" in terminal.screen() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert "3 posts" not in terminal.screen(), "krant did not quit on q"
