"""A snapshot of the article list holding the nastiest titles: markup, escapes, bidi, invisible and wide
characters, and a 10,000-character title, each shown as plain, clean text in its own row."""

from __future__ import annotations

from pathlib import Path

import pytest
from hostile_corpus import CLEAR_SCREEN, OSC8_LINK, OSC52_CLIPBOARD, RLO, front_matter
from test_snapshots import after_loading, fixed_app
from ui_helpers import amsterdam  # noqa: F401 (a fixture, used through pytestmark)

pytestmark = pytest.mark.usefixtures("amsterdam")

HOSTILE_TITLES = (
    "[bold red]x[/] style markup",
    "[@click=app.quit]Quit[/] an action",
    "[link=file:///etc/passwd]x[/link] a local link",
    f"{CLEAR_SCREEN}Cleared the screen",
    f"{OSC52_CLIPBOARD}Wrote the clipboard",
    f"{OSC8_LINK} hidden link",
    f"{RLO}evil\u202c txt.exe \u2066isolate\u2069",
    "zero\u200b\u200c\u2060width\ufeff invisible",
    "新闻 📰 Ｗｉｄｅ 🇳🇱 " * 6,
    "Long title " + "x" * 10_000,
)


def hostile_titles_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "hostile"
    folder.mkdir()
    for number, title in enumerate(HOSTILE_TITLES):
        when = f"2019-05-{15 - number:02d} 1{number}:00:00 +02:00"
        (folder / f"post-{number}.md").write_text(
            front_matter(title, category="[b]cat[/b]" if number % 2 else "nieuws", when=when) + "<p>x</p>\n",
            encoding="utf-8",
        )
    return folder


def test_article_list_with_hostile_titles(snap_compare, tmp_path: Path) -> None:
    app = fixed_app(hostile_titles_folder(tmp_path), tmp_path)
    assert snap_compare(app, terminal_size=(160, 48), run_before=after_loading())
