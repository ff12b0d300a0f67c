"""How the app applies what the folder loader read: in slices a turn of the UI's loop can take."""

from __future__ import annotations

from pathlib import Path

from ui_helpers import many_posts

from tui.core.loader import LoadBatch
from tui.ui.app import APPLY_PER_TURN, KrantApp
from tui.ui.messages import PostsLoaded


def test_a_big_batch_is_applied_in_slices_that_count_as_done_only_when_applied(tmp_path: Path):
    posts = many_posts(tmp_path, APPLY_PER_TURN * 2 + 10)
    first = PostsLoaded(LoadBatch(tuple(posts[:10]), 10, len(posts) + 5))
    big = PostsLoaded(LoadBatch(tuple(posts[10:]), len(posts), len(posts) + 5, removed=("gone.md",)))
    last = PostsLoaded(LoadBatch((), len(posts) + 5, len(posts) + 5))
    now, rest = KrantApp._turns_worth([first, big, last])
    assert sum(len(message.batch.results) for message in now) == APPLY_PER_TURN
    assert now[0] is first and now[1].batch.done == APPLY_PER_TURN  # what was applied, not what was read
    assert now[1].batch.removed == ("gone.md",) and rest[0].batch.removed == ()
    assert rest[0].batch.done == len(posts) and rest[-1] is last
    now, rest = KrantApp._turns_worth(rest)
    assert len(now) == 1 and len(now[0].batch.results) == APPLY_PER_TURN
    now, rest = KrantApp._turns_worth(rest)
    assert [len(message.batch.results) for message in now] == [10, 0] and rest == []

