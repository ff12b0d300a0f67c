"""The hostile corpus through the whole app: every file shown rightly or listed as a problem, every row and
category browsed without an error, nothing unsafe on screen, markup shown as text, only web links opened."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from hostile_corpus import (
    CLEAR_SCREEN,
    OSC52_CLIPBOARD,
    Expectation,
    build_corpus,
    front_matter,
    unsafe_characters,
    yaml_quoted,
)
from rich.cells import cell_len, set_cell_size
from rich.style import Style
from textual.pilot import Pilot
from textual.widgets import Static
from ui_helpers import (
    amsterdam,  # noqa: F401 (a fixture, used through pytestmark)
    new_app,
    record_notices,
    screen_text,
    until,
    until_shown,
    wait_loaded,
)

from tui.core.post import Post
from tui.ui.app import KrantApp
from tui.ui.widgets.article_body import ArticleBody
from tui.ui.widgets.article_list import ArticleList
from tui.ui.widgets.cursor_list import CursorList
from tui.ui.widgets.sidebar import EntryKind

pytestmark = [pytest.mark.asyncio, pytest.mark.usefixtures("amsterdam")]

SIZE = (160, 48)
ARTICLE_SECONDS = 60.0
"""A hang guard while waiting for one article (the slowest converts in about 2 s), not a timing test."""
MARKUP_TITLES = ("[bold red]x[/]", "[@click=app.quit]Quit[/]", "[link=file:///etc/passwd]x[/link]")


def select(articles: ArticleList, post: Post) -> None:
    """Put the list's cursor on a post it shows."""
    index = articles.index_of(post)
    assert index is not None, f"{post.title!r} is not listed"
    articles.move_cursor(index)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Expectation]]:
    """One hostile folder for the module; the app only reads it."""
    folder = (tmp_path_factory.mktemp("hostile-app") / "corpus").resolve()
    return folder, build_corpus(folder)


def relative(post: Post | object, folder: Path) -> str:
    path: str = post.path  # type: ignore[attr-defined]
    return Path(path).relative_to(folder).as_posix()


def row_text(widget: CursorList, index: int) -> str:
    """What the list shows on the screen line of row `index` (it must be in view)."""
    return widget.render_line(index - widget.scroll_offset.y).text


def unsafe_screen_lines(app: KrantApp) -> list[str]:
    """Every line on screen that holds ESC, another control or a bidi character."""
    return [
        f"{found} in {line!r:.120}"
        for line in screen_text(app).splitlines()
        if (found := unsafe_characters(line))
    ]


async def wait_for_article(pilot: Pilot[None], app: KrantApp, post: Post) -> None:
    """Poll until `post` is shown with its body (or its error), failing if it never is."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + ARTICLE_SECONDS
    view = app.article_view
    while not (view.loaded and view.post is not None and view.post.path == post.path):
        assert loop.time() < deadline, f"the article {post.relpath!r} never finished loading"
        await pilot.pause(0.02)
    await pilot.pause()
    await pilot.pause()


def expected_visible(title: str, cells: int = 24) -> str:
    """The start of a title that any list row wide enough shows as it is."""
    return set_cell_size(title, min(cell_len(title), cells)).rstrip()


async def test_every_file_is_a_row_or_a_problem_and_every_article_opens_safely(
    corpus: tuple[Path, dict[str, Expectation]], tmp_path: Path
) -> None:
    folder, expectations = corpus
    app = new_app(folder, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot, app)
        assert not app.loading
        articles = app.main.article_list
        wanted_posts = {name for name, expected in expectations.items() if expected.outcome == "post"}
        shown = [relative(post, folder) for post in articles.posts]
        assert sorted(shown) == sorted(wanted_posts)
        assert not unsafe_screen_lines(app)

        wrong: list[str] = []
        opened = 0
        for index, post in enumerate(articles.posts):
            assert articles.cursor == index
            name = relative(post, folder)
            expected = expectations[name]
            row = row_text(articles, index)
            if expected.title is not None:
                if post.title != expected.title:
                    wrong.append(f"{name!r}: title {post.title!r:.80} != {expected.title!r:.80}")
                if expected_visible(expected.title) not in row:
                    wrong.append(f"{name!r}: row {row!r} does not show {expected.title!r:.80}")
            for part in expected.title_has:
                if part not in post.title:
                    wrong.append(f"{name!r}: title {post.title!r:.80} lacks {part!r}")
            if expected.title_has and expected_visible(expected.title_has[0], 12) not in row:
                wrong.append(f"{name!r}: row {row!r} does not show {expected.title_has[0]!r}")
            if found := unsafe_characters(row):
                wrong.append(f"{name!r}: row shows {found}")

            await pilot.press("enter")
            await wait_for_article(pilot, app, post)
            opened += 1
            body = app.article_view.query_one(ArticleBody)
            if found := unsafe_characters(body.source, block=True):
                wrong.append(f"{name!r}: the article body holds {found}")
            wrong += [f"{name!r}: {line}" for line in unsafe_screen_lines(app)]
            text = screen_text(app)
            if expected_visible(post.title, 30) not in " ".join(text.split()):
                wrong.append(f"{name!r}: the article does not show its title")
            if app.article_view.loaded and expected.body_has and expected.body_has[0][:20] not in body.source:
                wrong.append(f"{name!r}: the body lacks {expected.body_has[0]!r}")
            await pilot.press("escape")
            assert await until(pilot, lambda: app.focused is articles), (
                f"{name!r}: the focus is on {app.focused}"
            )
            await pilot.press("j")
            await pilot.pause()
        assert opened == len(wanted_posts)
        assert not wrong, "\n".join(wrong)
        assert app.is_running


async def test_problems_lists_every_unreadable_file_with_its_reason(
    corpus: tuple[Path, dict[str, Expectation]], tmp_path: Path
) -> None:
    folder, expectations = corpus
    app = new_app(folder, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot, app)
        sidebar = app.main.sidebar
        problems_row = sidebar.index_of((EntryKind.PROBLEMS, "Problems"))
        assert problems_row is not None
        sidebar.focus()
        assert await until(pilot, lambda: app.focused is sidebar), app.focused
        await pilot.press("G", "enter")
        problem_list = app.main.problem_list
        assert await until(pilot, lambda: app.focused is problem_list), app.focused
        wanted = {name: expected for name, expected in expectations.items() if expected.outcome == "problem"}
        listed = {relative(problem, folder): problem for problem in problem_list.problems}
        assert sorted(listed) == sorted(wanted)
        wrong = []
        for index in range(problem_list.row_count):
            problem = problem_list.problems[index]
            name = relative(problem, folder)
            reason = wanted[name].reason or ""
            whole = "".join(segment.text for segment in problem_list.render_row(index, 10_000, Style()))
            if f"{problem.relpath}: " not in whole or reason not in whole:
                wrong.append(f"{name!r}: row {whole!r:.200} lacks its reason {reason!r}")
            row = row_text(problem_list, index)
            if not row.startswith(" " + expected_visible(problem.relpath, 20)):
                wrong.append(f"{name!r}: the screen row {row!r} does not start with its name")
            if found := unsafe_characters(row):
                wrong.append(f"{name!r}: row shows {found}")
            await pilot.press("j")
            await pilot.pause()
        assert not wrong, "\n".join(wrong)
        assert "frontmatter/invalid-yaml.md: invalid YAML" in screen_text(app) or problem_list.row_count > 40
        assert not unsafe_screen_lines(app)


async def test_every_category_can_be_browsed(
    corpus: tuple[Path, dict[str, Expectation]], tmp_path: Path
) -> None:
    folder, _expectations = corpus
    app = new_app(folder, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot, app)
        sidebar = app.main.sidebar
        seen = []
        for _ in range(sidebar.row_count + 1):
            entry = sidebar.selected
            assert entry is not None
            seen.append(entry.name)
            if entry.kind is EntryKind.CATEGORY:

                def listed(entry=entry) -> bool:
                    posts = app.main.article_list.posts
                    return len(posts) == entry.total and all(entry.name in post.categories for post in posts)

                await until(pilot, listed)  # the list is filled after the sidebar's cursor moves
                assert all(entry.name in post.categories for post in app.main.article_list.posts)
                assert len(app.main.article_list.posts) == entry.total
                await pilot.pause()  # and drawn
            assert not unsafe_screen_lines(app), entry.name
            cursor = sidebar.cursor
            await pilot.press("right_square_bracket")
            if cursor < sidebar.row_count - 1:
                assert await until(pilot, lambda cursor=cursor: sidebar.cursor != cursor), entry.name
        assert len(set(seen)) == sidebar.row_count  # reached the end, and Problems is among them
        assert "Problems" in seen and "[@click=app.quit]" in seen
        for _ in range(sidebar.row_count):
            await pilot.press("left_square_bracket")
        assert await until(pilot, lambda: sidebar.cursor == 0), sidebar.cursor
        assert app.is_running


async def test_markup_looking_titles_are_shown_literally_and_do_nothing(
    corpus: tuple[Path, dict[str, Expectation]], tmp_path: Path
) -> None:
    folder, _expectations = corpus
    app = new_app(folder, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot, app)
        articles = app.main.article_list
        for title in MARKUP_TITLES:
            (post,) = [post for post in articles.posts if post.title == title]
            select(articles, post)
            await pilot.pause()
            assert title in row_text(articles, articles.cursor)
            await pilot.press("enter")
            await wait_for_article(pilot, app, post)
            text = screen_text(app)
            assert text.count(title) >= 3, title  # the row, the article's title and its category line
            assert f"Body {title} text." in text
            heading = app.article_view.query_one("#article-title", Static)
            await pilot.click(heading)  # were the title markup, this click would run its action
            await pilot.click(articles, offset=(60, articles.cursor - articles.scroll_offset.y))
            # What must not happen (an action run) has no event to wait for: the clicks are handled, and
            # any action they started run, within this turn of the message loop.
            await pilot.pause()
            assert app.is_running and app.return_code is None, title
            await pilot.press("escape")
        assert app.is_running


async def test_o_refuses_every_link_that_is_not_http(tmp_path: Path) -> None:
    folder = tmp_path / "posts"
    folder.mkdir()
    links = [
        "javascript:alert(1)",
        " JaVaScRiPt:alert(2)",
        "data:text/html,<script>alert(3)</script>",
        "file:///etc/passwd",
        "vbscript:x",
        "ftp://example.org/file",
        "https://example.org/ok",
    ]
    for number, link in enumerate(links):
        (folder / f"2020-01-{number + 1:02d}-post.md").write_text(
            front_matter(
                f"Post {number}",
                when=f"2020-01-{number + 1:02d} 12:00:00 +00:00",
                extra=f"link: {yaml_quoted(link)}",
            )
            + "Body.\n",
            encoding="utf-8",
        )
    app = new_app(folder, tmp_path)
    opened = app.desktop.opened  # what the fake browser was asked to open
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_loaded(pilot, app)
        notices = record_notices(app)
        articles = app.main.article_list
        by_title = {post.title: post for post in articles.posts}
        for number, link in enumerate(links):
            post = by_title[f"Post {number}"]
            select(articles, post)
            refused = f"Not opened: only http and https links open from krant ({link.strip()})."
            await pilot.press("o")
            if link.startswith("https://"):
                assert await until(pilot, lambda link=link: opened == [link]), opened
            else:
                assert await until(pilot, lambda refused=refused: refused in notices), notices
                assert opened == [], link
                await until_shown(pilot, app, "only http and https links open")
            await pilot.press("enter")  # and from the open article
            await wait_for_article(pilot, app, post)
            await pilot.press("o")
            if link.startswith("https://"):
                assert await until(pilot, lambda link=link: opened == [link, link]), opened
            else:
                assert await until(pilot, lambda refused=refused: notices.count(refused) == 2), notices
                assert opened == [], link
            await pilot.press("escape")
        assert not unsafe_screen_lines(app)


async def test_links_clicked_inside_an_article_open_only_when_they_are_web_links(tmp_path: Path) -> None:
    folder = tmp_path / "posts"
    folder.mkdir()
    (folder / "links.md").write_text(
        front_matter("Links") + "An [ftp link](ftp://evil.example/x).\n\nA [scheme link](x-evil:run).\n\n"
        "A [script link](javascript:alert(1)).\n\nA [web link](https://example.org/ok).\n",
        encoding="utf-8",
    )
    app = new_app(folder, tmp_path)
    opened = app.desktop.opened  # what the fake browser was asked to open
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_loaded(pilot, app)
        notices = record_notices(app)
        (post,) = app.main.article_list.posts
        await pilot.press("enter")
        await wait_for_article(pilot, app, post)

        async def click_on(label: str) -> None:
            lines = screen_text(app).splitlines()
            (y,) = [row for row, line in enumerate(lines) if label in line]
            await pilot.click(offset=(lines[y].index(label) + 2, y))

        def refused(url: str) -> bool:
            return f"Not opened: only http and https links open from krant ({url})." in notices

        await click_on("ftp link")
        assert await until(pilot, lambda: refused("ftp://evil.example/x")), notices
        await click_on("scheme link")
        assert await until(pilot, lambda: refused("x-evil:run")), notices
        await click_on("script link")  # markdown-it does not even make this a link
        # That it opens nothing has no event to wait for: a fixed pause gives a wrong open its time.
        await pilot.pause(0.1)
        assert opened == []
        await until_shown(pilot, app, "only http and https links open")
        await click_on("web link")
        # The clicks above did reach the links.
        assert await until(pilot, lambda: opened == ["https://example.org/ok"]), opened
        assert app.is_running


async def test_the_whole_screen_is_clean_with_escapes_in_titles_bodies_and_categories(
    corpus: tuple[Path, dict[str, Expectation]], tmp_path: Path
) -> None:
    folder, _expectations = corpus
    app = new_app(folder, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot, app)
        articles = app.main.article_list
        for relpath in ["escapes/clear-screen.md", "escapes/osc52.md", "escapes/osc8.md", "escapes/bidi.md"]:
            (post,) = [post for post in articles.posts if relative(post, folder) == relpath]
            select(articles, post)
            await pilot.press("enter")
            await wait_for_article(pilot, app, post)
            text = screen_text(app)
            assert not unsafe_screen_lines(app), relpath
            for residue in ("[2J", "]52;", "]8;;", "cm0gLXJmIH4"):
                assert residue not in text, (relpath, residue)
            await pilot.press("escape")
        assert CLEAR_SCREEN not in screen_text(app) and OSC52_CLIPBOARD not in screen_text(app)
