"""An error in krant's own threads is never silent: the user gets one notice, the detail goes to krant.log
in the state folder, and live updates go on."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from ui_helpers import fixed_clock, record_notices, until, until_shown, wait_loaded

from tui.core.error_log import log_errors_to, log_path
from tui.core.locations import Locations
from tui.core.updates import FolderUpdates
from tui.ui.app import make_app

POST = "---\ntitle: {title}\ndate: 2024-01-02 03:04:05\ncategory: live\n---\n<p>Tekst.</p>\n"


def test_warnings_of_krants_modules_go_to_the_log_file_created_only_when_needed(tmp_path: Path) -> None:
    state = tmp_path / "state"
    path = log_errors_to(state)
    assert path == log_path(state) == state / "krant.log"
    assert not path.exists()
    logging.getLogger("tui.core.watcher").info("routine")
    assert not path.exists()
    try:
        raise ValueError("kapot")
    except ValueError:
        logging.getLogger("tui.core.watcher").exception("the folder watcher's callback failed")
    text = path.read_text()
    assert "the folder watcher's callback failed" in text and "ValueError: kapot" in text
    assert "routine" not in text


def test_a_log_file_that_cannot_be_written_is_never_fatal(tmp_path: Path) -> None:
    blocker = tmp_path / "state"
    blocker.write_text("a file where the state folder should be")
    log_errors_to(blocker)
    logging.getLogger("tui.core.updates").error("nowhere to go")  # neither raises nor prints


@pytest.mark.asyncio
async def test_an_error_in_live_updates_is_one_notice_naming_the_log_and_watching_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "posts"
    folder.mkdir()
    (folder / "2024-01-01-eerst.md").write_text(POST.format(title="Eerst"))
    real_read = FolderUpdates._read
    failures: list[int] = []

    def read_failing_twice(self, paths):  # type: ignore[no-untyped-def]
        if len(failures) < 2:
            failures.append(1)
            raise RuntimeError("a bug in live updates")
        return real_read(self, paths)

    monkeypatch.setattr(FolderUpdates, "_read", read_failing_twice)
    app = make_app(folder, locations=Locations.under(tmp_path), clock=fixed_clock, watch=True)
    async with app.run_test(size=(120, 40)) as pilot:
        notices = record_notices(app)
        await wait_loaded(pilot, app)
        await until_shown(pilot, app, "Eerst")
        (folder / "2024-01-02-twee.md").write_text(POST.format(title="Twee"))
        assert await until(pilot, lambda: any("Live updates hit an error" in n for n in notices), timeout=30)
        (folder / "2024-01-03-drie.md").write_text(POST.format(title="Drie"))
        (folder / "2024-01-04-vier.md").write_text(POST.format(title="Vier"))
        await until_shown(pilot, app, "Vier", "Twee", "Drie")  # watching went on, and nothing was lost
        told = [notice for notice in notices if "Live updates hit an error" in notice]
        assert told == [
            "Live updates hit an error (RuntimeError: a bug in live updates); krant goes on watching."
            f" The details are in {tmp_path / 'state' / 'krant.log'}."
        ]
    log = (tmp_path / "state" / "krant.log").read_text()
    assert log.count("RuntimeError: a bug in live updates") == len(failures) and "Traceback" in log
