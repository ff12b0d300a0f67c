"""What a new user met on screen: dates, keys that say what they did, screens at every size."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from ui_helpers import (
    amsterdam,  # noqa: F401 (a fixture, used through pytestmark)
    new_app,
    screen_text,
    until_shown,
    wait_article,
    wait_loaded,
    write_post,
)

pytestmark = [pytest.mark.asyncio, pytest.mark.usefixtures("amsterdam")]

AGES = [
    ("today.html", "Vandaag gebeurd", "2019-05-16 08:05:00 +0200", "08:05"),
    ("week.html", "Maandag gebeurd", "2019-05-13 14:03:00 +0200", "Mon 14:03"),
    ("year.html", "Februari gebeurd", "2019-02-03 12:00:00 +0100", " 3 Feb"),
    ("old.html", "Oud nieuws", "2015-05-19 20:01:00 +0200", "19 May 2015"),
]


def dated_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "posts"
    folder.mkdir()
    for name, title, when, _shown in AGES:
        write_post(folder, name, title, when, "nieuws")
    return folder


@pytest.mark.parametrize("size", [(160, 48), (120, 40), (100, 30), (80, 24)])
async def test_the_date_column_is_the_same_unambiguous_one_at_every_width(
    tmp_path: Path, size: tuple[int, int]
):
    app = new_app(dated_folder(tmp_path), tmp_path)
    async with app.run_test(size=size) as pilot:
        await wait_loaded(pilot, app)
        rows = [line for line in screen_text(app).splitlines() if "gebeurd" in line or "Oud nieuws" in line]
        assert len(rows) == len(AGES)
        columns = set()
        for row, (_name, title, _when, shown) in zip(rows, AGES, strict=True):
            assert f"{shown:<11}  nieuws" in row and title in row, row
            columns.add((row.index(f"{shown:<11}  nieuws"), row.index(title)))
        assert len(columns) == 1  # dates, categories and titles aligned
        assert not re.search(r"\b\d\d-\d\d\b", screen_text(app))  # no 19-05-15, no 05-15


async def test_the_article_header_gives_the_whole_date(tmp_path: Path):
    app = new_app(dated_folder(tmp_path), tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("G", "enter")
        await wait_article(pilot, app, "Oud nieuws")
        await until_shown(pilot, app, "Tue 19 May 2015 20:01 (3 years ago)")
