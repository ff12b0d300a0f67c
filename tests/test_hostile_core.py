"""The core against a hostile folder: every file gets its expected outcome, nothing raises or hangs,
nothing unsafe reaches the text a terminal would show, and the folder is left exactly as it was."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import stat
import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pytest
from hostile_corpus import MARKER, Expectation, build_corpus, unsafe_characters

from tui.core.body_text import MAX_TEXT_CHARS, ReadableText, readable_text
from tui.core.library import Library
from tui.core.post import Post, PostText, Problem
from tui.core.reading import MAX_CATEGORY_CHARS, MAX_TITLE_CHARS, read_post_text

GUARD_SECONDS = 600
"""A hang guard, not a timing test: loading and rendering the corpus takes seconds, a hang forever."""


@dataclass
class Outcome:
    """Everything the core made of the corpus, gathered once for all tests of this module."""

    folder: Path
    expectations: dict[str, Expectation]
    before: dict[str, tuple[object, ...]]
    library: Library | None = None
    direct: dict[str, PostText | Problem] = field(default_factory=dict)
    rendered: dict[str, ReadableText] = field(default_factory=dict)
    after: dict[str, tuple[object, ...]] = field(default_factory=dict)
    error: BaseException | None = None

    def results(self) -> dict[str, Post | Problem]:
        """The library's posts and problems by their name in the corpus."""
        assert self.library is not None
        found: dict[str, Post | Problem] = {}
        for result in [*self.library.posts, *self.library.problems]:
            name = Path(result.path).relative_to(self.folder).as_posix()
            assert name not in found, f"{name} is in the library twice"
            found[name] = result
        return found


def snapshot(folder: Path) -> dict[str, tuple[object, ...]]:
    """Type, size, mtime and content hash of everything below folder, without following links or
    opening anything that is not a regular file."""
    entries: dict[str, tuple[object, ...]] = {}
    for directory, folders, files in os.walk(folder):
        for name in [".", *folders, *files]:
            path = os.path.join(directory, name)
            info = os.lstat(path)
            digest = None
            if stat.S_ISREG(info.st_mode):
                try:
                    with open(path, "rb") as handle:
                        digest = hashlib.blake2b(handle.read()).hexdigest()
                except PermissionError:  # the chmod 000 file, when not running as root
                    digest = "unreadable"
            entries[os.path.relpath(path, folder)] = (info.st_mode, info.st_size, info.st_mtime_ns, digest)
    return entries


def _load_everything(outcome: Outcome) -> None:
    try:
        outcome.library = Library.read_folder(outcome.folder)
        for name in outcome.expectations:
            outcome.direct[name] = read_post_text(outcome.folder / name, outcome.folder)
        for name, result in outcome.direct.items():
            if isinstance(result, PostText):
                outcome.rendered[name] = readable_text(result.body, is_html=result.post.is_html)
        outcome.after = snapshot(outcome.folder)
    except BaseException as error:  # reported by the tests, with the file it came from
        outcome.error = error


@pytest.fixture(scope="module")
def outcome(tmp_path_factory: pytest.TempPathFactory) -> Outcome:
    folder = tmp_path_factory.mktemp("hostile") / "corpus"
    expectations = build_corpus(folder)
    result = Outcome(folder, expectations, before=snapshot(folder))
    worker = threading.Thread(target=_load_everything, args=(result,), daemon=True)
    worker.start()
    worker.join(GUARD_SECONDS)
    if worker.is_alive():
        pytest.fail(f"loading the hostile corpus did not finish in {GUARD_SECONDS} s: something hangs")
    return result


def test_nothing_raises(outcome: Outcome) -> None:
    assert outcome.error is None, f"{type(outcome.error).__name__}: {outcome.error}"
    assert outcome.library is not None
    assert len(outcome.rendered) == sum(isinstance(result, PostText) for result in outcome.direct.values())


def _mismatches(name: str, expected: Expectation, found: Post | Problem | None) -> list[str]:
    shown = f"{name!r} ({expected.about})"
    if expected.outcome == "skipped":
        return [] if found is None else [f"{shown}: should be skipped, but was read: {found!r:.300}"]
    if expected.outcome == "problem":
        if not isinstance(found, Problem):
            return [f"{shown}: should be a problem ({expected.reason}), got {found!r:.300}"]
        if expected.reason and expected.reason not in found.reason:
            return [f"{shown}: reason {found.reason!r} lacks {expected.reason!r}"]
        return []
    if not isinstance(found, Post):
        return [f"{shown}: should be a post, got {found!r:.300}"]
    wrong = []
    if expected.title is not None and found.title != expected.title:
        wrong.append(f"title {found.title!r:.200} != {expected.title!r:.200}")
    wrong += [
        f"title {found.title!r:.200} lacks {part!r}" for part in expected.title_has if part not in found.title
    ]
    if expected.categories is not None and found.categories != expected.categories:
        wrong.append(f"categories {found.categories!r:.200} != {expected.categories!r}")
    if expected.date is not None and found.date != expected.date:
        wrong.append(f"date {found.date.isoformat()} != {expected.date.isoformat()}")
    if expected.day is not None and found.date.astimezone().date() != expected.day:
        wrong.append(f"day {found.date.astimezone().date()} != {expected.day}")
    if expected.warning is not None and not any(expected.warning in warning for warning in found.warnings):
        wrong.append(f"no warning with {expected.warning!r} in {found.warnings!r}")
    return [f"{shown}: {what}" for what in wrong]


def test_every_file_has_its_expected_outcome(outcome: Outcome) -> None:
    found = outcome.results()
    wrong = [
        mismatch
        for name, expected in outcome.expectations.items()
        for mismatch in _mismatches(name, expected, found.get(name))
    ]
    assert not wrong, "\n".join(wrong)


def test_nothing_is_read_that_the_corpus_does_not_list(outcome: Outcome) -> None:
    unexpected = set(outcome.results()) - set(outcome.expectations)
    assert not unexpected


def test_a_post_reached_through_links_is_listed_once(outcome: Outcome) -> None:
    titles = [post.title for post in outcome.library.posts] if outcome.library else []
    assert titles.count("Inside a link loop") == 1
    # The link to a post is its own entry, as the file name is what the user sees.
    assert titles.count("Target of a link") == 2


def test_bodies_render_as_expected(outcome: Outcome) -> None:
    wrong = []
    for name, expected in outcome.expectations.items():
        if expected.outcome != "post" or not (expected.body_has or expected.body_lacks):
            continue
        rendered = outcome.rendered.get(name)
        if rendered is None:
            wrong.append(f"{name!r}: not rendered ({outcome.direct.get(name)!r:.200})")
            continue
        wrong += [f"{name!r}: body lacks {part!r}" for part in expected.body_has if part not in rendered.text]
        wrong += [f"{name!r}: body has {part!r}" for part in expected.body_lacks if part in rendered.text]
    assert not wrong, "\n".join(wrong)


def test_long_bodies_are_cut_and_say_so(outcome: Outcome) -> None:
    for name in ["bodies/megabytes.html", "bodies/megabytes.md", "bodies/deep-lists.html"]:
        rendered = outcome.rendered[name]
        assert rendered.truncated and rendered.notes, name
    assert all(len(rendered.text) <= MAX_TEXT_CHARS for rendered in outcome.rendered.values())


def test_no_shown_text_holds_terminal_controls(outcome: Outcome) -> None:
    assert outcome.library is not None
    unsafe = []
    for result in [*outcome.library.posts, *outcome.library.problems, *outcome.direct.values()]:
        post = result.post if isinstance(result, PostText) else result
        lines = [post.relpath]
        if isinstance(post, Post):
            lines += [post.title, *post.categories, *post.warnings]
            lines += [text for text in (post.link, post.image, post.layout) if text is not None]
        else:
            lines.append(post.reason)
        for text in lines:
            if found := unsafe_characters(text):
                unsafe.append(f"{post.relpath!r}: {found} in {text!r:.120}")
    for name, rendered in outcome.rendered.items():
        for text, block in [(rendered.text, True), *((note, False) for note in rendered.notes)]:
            if found := unsafe_characters(text, block=block):
                unsafe.append(f"{name!r} body: {found}")
    assert not unsafe, "\n".join(unsafe)


def test_titles_and_categories_are_bounded(outcome: Outcome) -> None:
    assert outcome.library is not None
    for post in outcome.library.posts:
        assert 0 < len(post.title) <= MAX_TITLE_CHARS, post.relpath
        assert all(0 < len(category) <= MAX_CATEGORY_CHARS for category in post.categories), post.relpath


PLAIN = (str, int, float, bool, datetime, type(Path()), type(None))


def test_yaml_tags_built_nothing_but_plain_data(outcome: Outcome) -> None:
    assert not (outcome.folder / MARKER).exists(), "a YAML tag ran code"
    assert outcome.library is not None
    for post in outcome.library.posts:
        for item in dataclasses.fields(post):
            value = getattr(post, item.name)
            values = value if isinstance(value, tuple) else (value,)
            assert all(type(each) in PLAIN for each in values), (post.relpath, item.name, value)


def test_code_in_yaml_tags_is_a_problem_not_a_call(outcome: Outcome) -> None:
    problems = (
        {problem.relpath: problem.reason for problem in outcome.library.problems} if outcome.library else {}
    )
    assert "frontmatter/python-apply.md" in problems
    assert "python/object/apply" in problems["frontmatter/python-apply.md"]


def test_the_folder_is_left_exactly_as_it_was(outcome: Outcome) -> None:
    assert outcome.after, "the load did not finish"
    changed = {
        name: (outcome.before.get(name), outcome.after.get(name))
        for name in outcome.before.keys() | outcome.after.keys()
        if outcome.before.get(name) != outcome.after.get(name)
    }
    assert not changed


def test_skipped_files_read_directly_are_problems_not_hangs(outcome: Outcome) -> None:
    """Asked for one by name (as `krant show` does), a pipe, device or loop is refused, never opened."""
    for name, expected in outcome.expectations.items():
        if expected.outcome == "skipped":
            assert isinstance(outcome.direct[name], Problem), name
    assert "not a regular file" in outcome.direct["files/pipe.md"].reason
    assert "not a regular file" in outcome.direct["files/dev-zero.md"].reason
    assert "folder" in outcome.direct["files/folder.md"].reason


def test_the_corpus_covers_every_kind_of_outcome(outcome: Outcome) -> None:
    """The corpus itself: a broken builder that writes nothing must not pass the tests above."""
    kinds = [expected.outcome for expected in outcome.expectations.values()]
    assert kinds.count("post") > 60 and kinds.count("problem") > 10 and kinds.count("skipped") > 10
    assert all(os.path.lexists(outcome.folder / name) for name in outcome.expectations)
