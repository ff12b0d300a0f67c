"""The browser and clipboard programs: found for the session krant runs in, and their answer taken."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from tui.core.desktop import Desktop


def program(folder: Path, name: str, status: int = 0) -> Path:
    """A stand-in for a system program: it writes its arguments and stdin to `<name>.log`, then exits."""
    path = folder / name
    log = folder / f"{name}.log"
    path.write_text(f'#!/bin/sh\nprintf "%s\\n" "$*" > "{log}"\ncat >> "{log}"\nexit {status}\n')
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return log


@pytest.fixture
def bin_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "bin"
    folder.mkdir()
    return folder


def test_no_browser_without_a_graphical_session(bin_folder: Path) -> None:
    program(bin_folder, "xdg-open")
    outcome = Desktop({"PATH": str(bin_folder)}, "linux").open_url("https://example.org/")
    assert not outcome.done and outcome.reason == "no graphical session was found"


def test_the_browser_is_opened_with_the_address_as_an_argument(bin_folder: Path) -> None:
    log = program(bin_folder, "xdg-open")
    url = "https://example.org/?a=1&b=$(touch x);"  # never seen by a shell
    outcome = Desktop({"PATH": str(bin_folder), "DISPLAY": ":0"}, "linux").open_url(url)
    assert outcome.done and outcome.program == "xdg-open"
    assert log.read_text().splitlines()[0] == url


def test_a_failing_launcher_is_reported(bin_folder: Path) -> None:
    program(bin_folder, "xdg-open", status=3)
    outcome = Desktop({"PATH": str(bin_folder), "DISPLAY": ":0"}, "linux").open_url("https://example.org/")
    assert not outcome.done and outcome.program == "xdg-open"
    assert outcome.reason == "it exited with status 3"


def test_no_launcher_is_reported(bin_folder: Path) -> None:
    outcome = Desktop({"PATH": str(bin_folder), "WAYLAND_DISPLAY": "wayland-0"}, "linux").open_url("https://x/")
    assert not outcome.done and outcome.reason == "no browser launcher was found"


def test_copy_uses_the_session_s_tool_and_gives_it_the_text(bin_folder: Path) -> None:
    wayland = program(bin_folder, "wl-copy")
    x11 = program(bin_folder, "xclip")
    desktop = Desktop({"PATH": str(bin_folder), "WAYLAND_DISPLAY": "wayland-0"}, "linux")
    outcome = desktop.copy("https://example.org/é")
    assert outcome.done and outcome.program == "wl-copy"
    assert wayland.read_text(encoding="utf-8").splitlines() == ["", "https://example.org/é"]
    assert not x11.exists()  # xclip needs an X display


def test_copy_falls_back_to_the_next_tool(bin_folder: Path) -> None:
    program(bin_folder, "xclip", status=1)
    xsel = program(bin_folder, "xsel")
    outcome = Desktop({"PATH": str(bin_folder), "DISPLAY": ":0"}, "linux").copy("text")
    assert outcome.done and outcome.program == "xsel"
    assert xsel.read_text().splitlines() == ["--clipboard --input", "text"]


def test_copy_says_when_no_tool_is_there_or_none_worked(bin_folder: Path) -> None:
    outcome = Desktop({"PATH": str(bin_folder), "DISPLAY": ":0"}, "linux").copy("text")
    assert not outcome.done and outcome.program is None and "no clipboard tool" in outcome.reason
    program(bin_folder, "xclip", status=1)
    outcome = Desktop({"PATH": str(bin_folder), "DISPLAY": ":0"}, "linux").copy("text")
    assert not outcome.done and outcome.program == "xclip" and outcome.reason == "it exited with status 1"


def test_a_nul_in_the_configured_browser_is_reported_not_raised(bin_folder: Path) -> None:
    outcome = Desktop({"PATH": str(bin_folder)}, "linux", browser=("fire\x00fox", "{link}")).open_url("https://x/")
    assert not outcome.done and outcome.reason == "it could not be started (embedded null byte)"
    assert outcome.program == "fire fox"  # shown in a notice: the control character made harmless
