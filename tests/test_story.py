"""The same story once: posts whose links differ only in how they are written are one story.

`story_link` reads untrusted links (never raises, whatever they hold); the library lists a story once, by
its newest post, under every category its posts have, through any mix of changes.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_library import ROOT
from test_library import post as library_post
from ui_helpers import write_post

from tui.cli import main
from tui.core.library import ALL, Library
from tui.core.locations import Locations
from tui.core.post import Post, Problem
from tui.core.read_marks import ReadMarks
from tui.core.story import ALREADY_NORMAL, normalised, story_link


def test_links_written_differently_are_one_story_link() -> None:
    same = [
        "https://nos.nl/artikel/2284764",
        "https://nos.nl/artikel/2284764/",
        "HTTPS://NOS.nl/artikel/2284764",
        "https://nos.nl:443/artikel/2284764",
        "https://nos.nl/artikel/2284764#comments",
        "https://nos.nl/artikel/2284764?utm_source=rss&utm_medium=feed",
        "https://nos.nl/artikel/2284764?fbclid=abc&gclid=def&mc_cid=1&mc_eid=2&ref=tw&UTM_Campaign=x",
        "  https://nos.nl/artikel/2284764  ",
        "https://nos.nl./artikel/2284764",
    ]
    assert {story_link(link) for link in same} == {"https://nos.nl/artikel/2284764"}


def test_what_tells_stories_apart_is_kept() -> None:
    assert (
        story_link("https://nos.nl/artikel?id=1&utm_source=x&page=2") == "https://nos.nl/artikel?id=1&page=2"
    )
    assert story_link("https://nos.nl/artikel?id=1") != story_link("https://nos.nl/artikel?id=2")
    assert story_link("https://nos.nl/Artikel/1") != story_link("https://nos.nl/artikel/1")  # paths keep case
    assert story_link("http://nos.nl/a") != story_link("https://nos.nl/a")
    assert story_link("https://nos.nl:8443/a") == "https://nos.nl:8443/a"
    assert story_link("http://nos.nl:80/a") == "http://nos.nl/a"
    assert story_link("http://[::1]:80/a/") == "http://[::1]/a"
    assert story_link("https://User@Nos.NL/a") == "https://User@nos.nl/a"


def test_no_link_or_a_front_page_is_no_story() -> None:
    for link in (None, "", "   ", "https://nos.nl", "https://nos.nl/", "https://nos.nl/?utm_source=x#top"):
        assert story_link(link) is None, link


def test_a_link_that_is_no_address_is_compared_as_written() -> None:
    assert story_link("mailto:redactie@nos.nl") == "mailto:redactie@nos.nl"
    assert story_link(" artikel-12 ") == "artikel-12"
    assert story_link("http://[::1/a") == "http://[::1/a"  # an unclosed IPv6 host: urlsplit refuses it


def urls(hosts: list[str]) -> st.SearchStrategy[str]:
    return st.builds(
        lambda scheme, host, port, path, query, fragment: f"{scheme}://{host}{port}{path}{query}{fragment}",
        st.sampled_from(["http", "https", "HTTP", "Https", "ftp"]),
        st.sampled_from(hosts),
        st.sampled_from(["", ":80", ":443", ":", ":8080"]),
        st.text(alphabet="/aB%20-_.~é", max_size=12),
        st.one_of(
            st.just(""),
            st.lists(st.sampled_from(["utm_source=x", "id=1", "ref=a", "q", "", "A=b"])).map(
                lambda pieces: "?" + "&".join(pieces)
            ),
        ),
        st.sampled_from(["", "#", "#top"]),
    )


HOSTS = ["nos.nl", "NOS.nl", "www.nu.nl.", "[::1]", "a@b.example"]


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.text(), urls([*HOSTS, "", "x:y@[fe80::1", "h:x"])))
def test_any_link_gives_a_story_link_or_none_and_never_raises(link: str) -> None:
    result = story_link(link)
    assert result is None or (isinstance(result, str) and result)
    if result is not None:
        assert story_link(result) == result  # a story link is its own story link


@settings(max_examples=300, deadline=None)
@given(urls(HOSTS), st.sampled_from(["", "/", "#x", "?utm_source=a", "?utm_medium=b&fbclid=c"]))
def test_tracking_fragments_and_slashes_never_split_a_story(link: str, extra: str) -> None:
    bare = link.split("?")[0].split("#")[0]
    assert story_link(bare + extra) == story_link(bare)
    if story_link(link) is not None:
        assert "#" not in story_link(link) and "utm_" not in story_link(link)


# The library ---------------------------------------------------------------------------------------


def post(name: str, hours: float, categories: tuple[str, ...], link: str | None) -> Post:
    """A post of the library's tests, with a link and the key krant gives it."""
    return library_post(name, hours, categories, link=link, key=f"link:{link}" if link else f"post:{name}")


def names(posts) -> list[str]:
    return [each.relpath for each in posts]


def test_the_same_link_in_two_categories_is_one_row_in_both() -> None:
    library = Library(ROOT)
    library.apply(
        [
            post("binnenland/a.md", 1, ("binnenland",), "https://nos.nl/l/1?utm_source=rss"),
            post("buitenland/a.md", 2, ("buitenland",), "https://nos.nl/l/1/"),
            post("other.md", 0, ("sport",), "https://nos.nl/l/2"),
        ]
    )
    assert names(library.posts) == ["buitenland/a.md", "other.md"]  # the newest copy stands for it
    assert len(library) == 2
    assert names(library.view("binnenland")) == ["buitenland/a.md"]
    assert names(library.view("buitenland")) == ["buitenland/a.md"]
    assert library.categories() == [("binnenland", 1), ("buitenland", 1), ("sport", 1)]
    row = library.posts[0]
    assert names(library.copies(row)) == ["buitenland/a.md", "binnenland/a.md"]
    older = library.get(ROOT / "binnenland/a.md")
    assert older is not None and library.copies(older) == library.copies(row)
    assert library.row_of(ROOT / "binnenland/a.md") is row
    assert library.categories_of(older) == ("buitenland", "binnenland")
    assert len(list(library.all_posts())) == 3


def test_a_story_keeps_its_other_file_when_one_is_deleted() -> None:
    library = Library(ROOT)
    library.apply(
        [
            post("binnenland/a.md", 1, ("binnenland",), "https://nos.nl/l/1"),
            post("buitenland/a.md", 2, ("buitenland",), "https://nos.nl/l/1"),
        ]
    )
    change = library.remove([ROOT / "buitenland/a.md"])
    assert names(change.removed) == ["buitenland/a.md"]
    assert names(library.posts) == ["binnenland/a.md"]
    assert library.categories() == [("binnenland", 1)]
    assert names(library.view("buitenland")) == []
    remaining = library.posts[0]
    assert library.copies(remaining) == (remaining,)
    assert library.categories_of(remaining) == ("binnenland",)


def test_a_post_whose_link_changes_leaves_its_story() -> None:
    library = Library(ROOT)
    library.apply(
        [post("a.md", 1, ("x",), "https://nos.nl/l/1"), post("b.md", 2, ("y",), "https://nos.nl/l/1")]
    )
    library.apply([post("b.md", 2, ("y",), "https://nos.nl/l/2")])
    assert names(library.posts) == ["b.md", "a.md"]
    library.apply([post("b.md", 2, ("y",), None), post("a.md", 1, ("x",), None)])
    assert names(library.posts) == ["b.md", "a.md"]
    assert library.categories() == [("x", 1), ("y", 1)]


def test_front_pages_and_posts_without_links_stay_apart() -> None:
    library = Library(ROOT)
    library.apply(
        [
            post("a.md", 1, ("x",), "https://nos.nl/"),
            post("b.md", 2, ("x",), "https://nos.nl"),
            # The same title and date: one read mark (as today), but two posts.
            library_post("c.md", 3, ("x",), title="Zonder link", key="post:same"),
            library_post("d.md", 3, ("x",), title="Zonder link", key="post:same"),
        ]
    )
    assert len(library) == 4


LINKS = (
    "https://nos.nl/l/1",
    "https://nos.nl/l/1/?utm_source=x",
    "HTTPS://nos.nl/l/1#c",
    "https://nos.nl/l/2",
    "https://nos.nl/",
    None,
)
CATEGORIES = ("binnenland", "buitenland", "sport")
files = st.integers(0, 6)
changes = st.one_of(
    st.tuples(
        st.just("put"),
        st.lists(
            st.tuples(
                files,
                st.integers(-3, 3),
                st.lists(st.sampled_from(CATEGORIES), min_size=1, max_size=2, unique=True).map(tuple),
                st.sampled_from(LINKS),
                st.booleans(),
            ),
            max_size=70,  # beyond BULK_FROM now and then: the rows are then sorted in at once
        ),
    ),
    st.tuples(st.just("remove"), st.lists(files, max_size=3)),
)


def expected(library: Library) -> tuple[list[tuple[str, ...]], Counter[str]]:
    """The stories worked out from scratch from every post: their posts newest first, and categories."""
    stories: dict[object, list[Post]] = {}
    for each in library.all_posts():
        token = story_link(each.link) or ("alone", each.path)
        stories.setdefault(token, []).append(each)
    rows = []
    categories: Counter[str] = Counter()
    for story in stories.values():
        story.sort(key=lambda each: each.sort_key)
        rows.append(tuple(each.path for each in story))
        categories.update(set().union(*(each.categories for each in story)))
    rows.sort(key=lambda paths: library.get(paths[0]).sort_key)  # type: ignore[union-attr]
    return rows, categories


@settings(max_examples=300, deadline=None)
@given(st.lists(changes, max_size=12))
def test_stories_follow_any_mix_of_changes(steps: list[tuple]) -> None:
    library = Library(ROOT)
    for step in steps:
        match step:
            case ("put", many):
                library.apply(
                    [
                        Problem(ROOT / f"{number}.md", f"{number}.md", "broken")
                        if broken and number == 6
                        else post(f"{number}.md", hours, categories, link)
                        for number, hours, categories, link, broken in many
                    ]
                )
            case ("remove", numbers):
                library.remove([ROOT / f"{number}.md" for number in numbers])
        rows, categories = expected(library)
        assert [tuple(each.path for each in library.copies(row)) for row in library.posts] == rows
        assert dict(library.categories()) == dict(categories)
        for category in CATEGORIES:
            listed = [row for row in library.posts if category in library.categories_of(row)]
            assert library.view(category) == listed
        assert library.view(ALL) == library.posts
        for each in library.all_posts():
            assert library.row_of(each.path) is library.copies(each)[0]


# krant list and check --------------------------------------------------------------------------------


def test_krant_list_is_a_line_a_story_and_json_names_its_copies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    folder = tmp_path / "posts"
    for category, minute, link in (("binnenland", "00", LINK), ("politiek", "01", LINK + "?utm_source=rss")):
        (folder / category).mkdir(parents=True)
        write_post(
            folder / category, "kabinet.md", "Kabinet valt", f"2019-05-15 10:{minute}:00", category, link
        )
    write_post(folder, "oranje.md", "Oranje wint", "2019-05-14 20:00:00", "sport", "https://nos.nl/l/2")

    assert main(["list", str(folder)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert lines[0].endswith("politiek, binnenland  Kabinet valt")
    assert main(["list", str(folder), "--category", "binnenland"]) == 0
    assert capsys.readouterr().out.count("Kabinet valt") == 1

    with ReadMarks.open(folder.resolve(), Locations.default().state_dir) as marks:
        marks.mark(["link:" + LINK], True)  # the older copy only
    assert main(["list", str(folder), "--unread"]) == 0
    assert capsys.readouterr().out.splitlines()[0].endswith("Oranje wint")
    assert main(["list", str(folder), "--json"]) == 0
    story, other = json.loads(capsys.readouterr().out)
    assert story["path"] == str((folder / "politiek" / "kabinet.md").resolve())
    assert story["copies"] == [str((folder / "binnenland" / "kabinet.md").resolve())]
    assert story["categories"] == ["politiek", "binnenland"] and story["read"] is True
    assert other["copies"] == [] and other["read"] is False

    assert main(["check", str(folder)]) == 0
    assert "3 posts, 0 problems" in capsys.readouterr().err  # check counts files: each copy too


LINK = "https://nos.nl/artikel/2500000-kabinet-valt"


@settings(max_examples=500, deadline=None)
@given(
    st.one_of(
        urls(HOSTS), st.text(alphabet="htps:/.aZ-é?#\t\n %0", max_size=30).map(lambda t: "https://" + t)
    )
)
def test_the_quick_way_agrees_with_the_long_way(link: str) -> None:
    if ALREADY_NORMAL.fullmatch(link):
        assert normalised(link) == link
