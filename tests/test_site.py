"""What krant learns from a site's config: which site a posts folder belongs to, its name, and the public
address of each post, against small sites of our own and the real Jekyll docs site."""

from __future__ import annotations

import datetime as dt
import os
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from real_sites import REALWORLD

from tui.core.site import MAX_CONFIG_BYTES, Site, find_site, folder_name, post_key

JEKYLL_DOCS = REALWORLD / "jekyll-docs-site"
needs_realworld = pytest.mark.skipif(not JEKYLL_DOCS.is_dir(), reason="the real-world sites are not here")


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def jekyll(**config: object) -> Site:
    """A Jekyll site as `find_site` makes it, from config values."""
    permalink = config.get("permalink")
    baseurl = str(config.get("baseurl", ""))
    return Site(
        kind="jekyll",
        root=Path("/site"),
        url=f"{config['url']}{baseurl}" if config.get("url") else None,
        baseurl=baseurl,
        permalink=permalink if isinstance(permalink, str) else None,
        params=config,
        config=config,
        timezone=config.get("timezone"),  # type: ignore[arg-type]
    )


# Finding the site.


@needs_realworld
def test_the_jekyll_docs_site_is_found_from_its_posts_folder_and_its_root() -> None:
    for folder in (JEKYLL_DOCS / "_posts", JEKYLL_DOCS):
        site = find_site(folder)
        assert site is not None
        assert site.kind == "jekyll"
        assert site.root == JEKYLL_DOCS
        # The config has no `title`; its `name` is what the site calls itself.
        assert site.title == "Jekyll • Simple, blog-aware, static sites"
        assert site.url == "https://jekyllrb.com"
        assert site.permalink == "/news/:year/:month/:day/:title/"
        assert site.params["repository"] == "https://github.com/jekyll/jekyll"


@needs_realworld
def test_a_real_jekyll_post_gets_the_address_it_is_published_at() -> None:
    site = find_site(JEKYLL_DOCS / "_posts")
    assert site is not None
    fields = {"date": "2021-09-27 14:45:46 +0530", "category": "release"}
    assert (
        site.post_url("_posts/2021-09-27-jekyll-4-2-1-released.markdown", fields)
        == "https://jekyllrb.com/news/2021/09/27/jekyll-4-2-1-released/"
    )
    assert site.post_url("_docs/history.md", {}) == "https://jekyllrb.com/docs/history/"
    assert site.name_for(JEKYLL_DOCS / "_posts") == "Jekyll • Simple, blog-aware, static sites"


def test_a_config_is_found_up_to_three_folders_above_and_no_further(tmp_path: Path) -> None:
    write(tmp_path / "_config.yml", "title: Mine\n")
    three_below = tmp_path / "a" / "b" / "c"
    four_below = three_below / "d"
    four_below.mkdir(parents=True)
    site = find_site(three_below)
    assert site is not None and site.title == "Mine" and site.root == tmp_path
    assert find_site(four_below) is None


def test_the_nearest_config_wins(tmp_path: Path) -> None:
    write(tmp_path / "_config.yml", "title: Outer\n")
    write(tmp_path / "blog" / "_config.yml", "title: Inner\n")
    (tmp_path / "blog" / "_posts").mkdir()
    site = find_site(tmp_path / "blog" / "_posts")
    assert site is not None and site.title == "Inner"


def test_jekyll_config_values(tmp_path: Path) -> None:
    write(
        tmp_path / "_config.yaml",
        "name: Fallback name\nurl: https://example.org/\nbaseurl: blog/\npermalink: pretty\n"
        "timezone: Europe/Amsterdam\nauthor: {name: Ann}\n",
    )
    site = find_site(tmp_path)
    assert site is not None
    assert (site.kind, site.title, site.baseurl) == ("jekyll", "Fallback name", "/blog")
    assert site.url == "https://example.org/blog"
    assert site.permalink == "pretty"
    assert site.timezone == "Europe/Amsterdam"
    assert site.params["author"] == {"name": "Ann"}


def test_a_jekyll_title_wins_over_its_name_and_is_one_clean_line(tmp_path: Path) -> None:
    write(tmp_path / "_config.yml", 'title: "My\\n \\u202eblog\\u0007"\nname: Other\n')
    site = find_site(tmp_path)
    assert site is not None and site.title == "My blog"


def test_a_url_that_is_no_web_address_is_not_the_site_address(tmp_path: Path) -> None:
    write(tmp_path / "_config.yml", "url: localhost:4000\n")
    site = find_site(tmp_path)
    assert site is not None and site.url is None


def test_hugo_configs(tmp_path: Path) -> None:
    write(
        tmp_path / "one" / "hugo.toml",
        'baseURL = "https://hugo.example/docs/"\ntitle = "Hugo site"\n[params]\nAuthor = "Ann"\n',
    )
    site = find_site(tmp_path / "one")
    assert site is not None
    assert (site.kind, site.title, site.url) == ("hugo", "Hugo site", "https://hugo.example/docs")
    assert site.params == {"Author": "Ann"}
    assert site.baseurl == ""
    # Hugo's keys ignore case, and an old-style `config.toml` is Hugo's when it has `baseURL`.
    write(tmp_path / "two" / "config.toml", 'baseurl = "https://two.example"\nTitle = "Two"\n')
    site = find_site(tmp_path / "two")
    assert site is not None and (site.kind, site.title, site.url) == ("hugo", "Two", "https://two.example")
    write(tmp_path / "three" / "hugo.yaml", "baseURL: https://three.example\ntitle: Three\n")
    site = find_site(tmp_path / "three")
    assert site is not None and (site.kind, site.title) == ("hugo", "Three")


def test_zola_config(tmp_path: Path) -> None:
    write(
        tmp_path / "config.toml",
        'base_url = "https://zola.example"\ntitle = "Zola site"\n[extra]\nauthor = "Ann"\n',
    )
    (tmp_path / "content" / "blog").mkdir(parents=True)
    site = find_site(tmp_path / "content" / "blog")
    assert site is not None
    assert (site.kind, site.title, site.url, site.root) == (
        "zola",
        "Zola site",
        "https://zola.example",
        tmp_path,
    )
    assert site.params == {"author": "Ann"}


def test_a_config_toml_of_some_other_tool_is_not_a_site(tmp_path: Path) -> None:
    write(tmp_path / "_config.yml", "title: The site\n")
    write(tmp_path / "posts" / "config.toml", '[tool]\ntitle = "not a site"\n')
    site = find_site(tmp_path / "posts")
    assert site is not None and site.title == "The site"


def test_an_eleventy_site_is_known_but_its_config_is_never_run(tmp_path: Path) -> None:
    write(tmp_path / ".eleventy.js", "throw new Error('never run')\n")
    site = find_site(tmp_path / "posts")
    assert site is not None and site.kind == "unknown" and site.root == tmp_path and site.url is None


@pytest.mark.parametrize(
    "content",
    [
        b"title: [unclosed\n",
        b"- a list\n- not a mapping\n",
        b"title: " + b"[" * 500 + b"]" * 500 + b"\n",
        b"a: &a [1]\nb: !!python/object:os.system [echo]\n",
        b"date: 2021-13-45\n",
        b"title: x\n" + b"#" * (MAX_CONFIG_BYTES + 1),
    ],
    ids=["invalid", "list", "deep", "unsafe-tag", "bad-date", "huge"],
)
def test_a_broken_jekyll_config_still_names_a_jekyll_site_with_nothing_read(
    tmp_path: Path, content: bytes
) -> None:
    write(tmp_path / "_config.yml", content)
    site = find_site(tmp_path)
    assert site is not None
    assert (site.kind, site.title, site.url, dict(site.params)) == ("jekyll", None, None, {})


def test_a_config_that_is_not_utf8_gives_what_could_be_read(tmp_path: Path) -> None:
    write(tmp_path / "_config.yml", b"title: Caf\xe9 \xff\nurl: https://cafe.example\n")
    site = find_site(tmp_path)
    assert site is not None
    assert site.title == "Caf\ufffd \ufffd" and site.url == "https://cafe.example"


def test_things_named_like_configs_that_are_not_files_are_ignored(tmp_path: Path) -> None:
    (tmp_path / "_config.yml").mkdir()
    assert find_site(tmp_path) is None
    fifo = tmp_path / "sub" / "_config.yml"
    fifo.parent.mkdir()
    os.mkfifo(fifo)
    found: list[Site | None] = []
    # A FIFO would block a reader forever: the search must not open it.
    worker = threading.Thread(target=lambda: found.append(find_site(fifo.parent)), daemon=True)
    worker.start()
    worker.join(10)
    assert not worker.is_alive() and found == [None]


def test_a_folder_that_does_not_exist_has_no_site() -> None:
    assert find_site(Path("/nonexistent/krant/a/b/c/d/e")) is None


@settings(max_examples=60)
@given(st.binary(max_size=400))
def test_any_config_bytes_give_a_site_or_none_without_raising(tmp_path_factory, content: bytes) -> None:
    folder = tmp_path_factory.mktemp("site")
    for name in ("_config.yml", "config.toml"):
        write(folder / name, content)
        site = find_site(folder)
        assert site is None or site.root == folder
        (folder / name).unlink()


# The name in the header.


def test_the_name_for_a_folder(tmp_path: Path) -> None:
    site = Site(kind="jekyll", root=tmp_path, title="Site title")
    assert site.name_for(tmp_path / "_posts") == "Site title"
    untitled = Site(kind="jekyll", root=tmp_path / "myblog")
    assert untitled.name_for(tmp_path / "myblog" / "_posts") == "myblog"
    assert untitled.name_for(tmp_path / "myblog" / "_posts" / "2021") == "myblog"
    assert untitled.name_for(tmp_path / "notes") == "notes"
    assert folder_name(Path("/_posts")) == "/"


# Post addresses.


def test_jekyll_default_permalink_is_date_with_categories() -> None:
    site = jekyll(url="https://example.org")
    path = "_posts/2021-09-27-jekyll-4-2-1-released.markdown"
    assert site.post_url(path, {}) == "https://example.org/2021/09/27/jekyll-4-2-1-released.html"
    assert (
        site.post_url(path, {"categories": ["Release", "news"], "category": "extra"})
        == "https://example.org/extra/release/news/2021/09/27/jekyll-4-2-1-released.html"
    )
    assert (
        site.post_url(path, {"categories": "a b"})
        == "https://example.org/a/b/2021/09/27/jekyll-4-2-1-released.html"
    )
    # Folders above `_posts` are categories too.
    assert site.post_url("blog/_posts/2021-09-27-x.md", {}) == "https://example.org/blog/2021/09/27/x.html"


@pytest.mark.parametrize(
    ("permalink", "expected"),
    [
        ("pretty", "/2021/09/07/My-Post-1/"),
        ("ordinal", "/2021/250/My-Post-1.html"),
        ("none", "/My-Post-1.html"),
        ("weekdate", "/2021/W36/Tue/My-Post-1.html"),
        ("/:year/:i_month/:i_day/:short_year/:slug/", "/2021/9/7/21/my-post-1/"),
        ("/blog/:title:output_ext", "/blog/My-Post-1.html"),
        ("/:short_month-:long_month/:name/:unknown/", "/Sep-September/2021-09-07-my-post-1/:unknown/"),
    ],
)
def test_jekyll_permalink_styles_and_placeholders(permalink: str, expected: str) -> None:
    site = jekyll(url="https://example.org", baseurl="/base", permalink=permalink)
    # :title keeps the file name's case (Jekyll's "pretty" slug); :slug lowers it too.
    assert site.post_path("_posts/2021-09-07-My-Post_1.md", {}) == "/base" + expected
    assert site.post_url("_posts/2021-09-07-My-Post_1.md", {}) == "https://example.org/base" + expected


def test_a_posts_own_permalink_and_date_win() -> None:
    site = jekyll(url="https://example.org", permalink="pretty")
    path = "_posts/2021-09-07-post.md"
    assert site.post_url(path, {"permalink": "/about/"}) == "https://example.org/about/"
    assert site.post_url(path, {"permalink": "/p/:year/:title/"}) == "https://example.org/p/2021/post/"
    assert site.post_url(path, {"date": dt.date(2020, 1, 2)}) == "https://example.org/2020/01/02/post/"
    assert site.post_url(path, {"slug": "Other One"}) == "https://example.org/2021/09/07/Other-One/"


def test_jekyll_takes_a_posts_date_in_the_sites_time_zone() -> None:
    site = jekyll(url="https://example.org", timezone="America/Los_Angeles")
    late_in_india = {"date": "2021-09-28 05:00:00 +0530"}
    assert site.post_path("_posts/2021-09-28-x.md", late_in_india) == "/2021/09/27/x.html"
    aware = dt.datetime(2021, 9, 28, 5, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=30)))
    assert site.post_path("_posts/2021-09-28-x.md", {"date": aware}) == "/2021/09/27/x.html"
    # Without a site time zone the date is the one written.
    assert jekyll().post_path("_posts/2021-09-28-x.md", late_in_india) == "/2021/09/28/x.html"


def test_jekyll_permalink_from_collections_and_defaults() -> None:
    config: dict[str, object] = {
        "url": "https://example.org",
        "collections": {
            "posts": {"permalink": "/news/:year/:title/"},
            "docs": {"permalink": "/:collection/:path/"},
        },
    }
    site = jekyll(**config, permalink="/news/:year/:title/")
    assert site.post_url("_posts/2021-01-02-x.md", {}) == "https://example.org/news/2021/x/"
    assert site.post_url("_docs/guide/install.md", {}) == "https://example.org/docs/guide/install/"
    config["defaults"] = [
        {"scope": {"path": ""}, "values": {"permalink": "/everything/:title/"}},
        {"scope": {"path": "_posts", "type": "posts"}, "values": {"permalink": "/scoped/:title/"}},
    ]
    site = jekyll(**config, permalink="/news/:year/:title/")
    assert site.post_url("_posts/2021-01-02-x.md", {}) == "https://example.org/scoped/x/"


def test_jekyll_without_an_address_or_a_date() -> None:
    site = jekyll()
    assert site.post_url("_posts/2021-09-27-x.md", {}) is None
    assert site.post_path("_posts/2021-09-27-x.md", {}) == "/2021/09/27/x.html"
    assert site.post_path("_posts/no-date-here.md", {}) is None
    assert site.post_path("", {}) is None
    assert site.post_path("../outside.md", {}) is None


def test_hugo_post_addresses() -> None:
    site = Site(kind="hugo", root=Path("/s"), url="https://hugo.example/sub")
    assert site.post_url("content/posts/My-Post.md", {}) == "https://hugo.example/sub/posts/my-post/"
    assert site.post_url("content/posts/bundle/index.md", {}) == "https://hugo.example/sub/posts/bundle/"
    assert site.post_url("content/posts/_index.md", {}) == "https://hugo.example/sub/posts/"
    assert site.post_url("content/posts/x.md", {"slug": "custom"}) == "https://hugo.example/sub/posts/custom/"
    assert (
        site.post_url("content/posts/x.md", {"url": "/elsewhere/x/"})
        == "https://hugo.example/sub/elsewhere/x/"
    )
    assert site.post_path("content/posts/x.md", {}) == "/sub/posts/x/"
    permalinks = {"permalinks": {"posts": "/:year/:month/:slug/"}, "uglyURLs": False}
    dated = Site(kind="hugo", root=Path("/s"), url="https://h.example", config=permalinks)
    assert (
        dated.post_url("content/posts/x.md", {"date": "2024-05-02T10:00:00Z"})
        == "https://h.example/2024/05/x/"
    )
    assert dated.post_url("content/posts/x.md", {}) is None  # the pattern needs a date
    unsure = Site(
        kind="hugo",
        root=Path("/s"),
        url="https://h.example",
        config={"permalinks": {"posts": "/:sections[1:]/"}},
    )
    assert unsure.post_url("content/posts/x.md", {}) is None
    ugly = Site(kind="hugo", root=Path("/s"), url="https://h.example", config={"uglyurls": True})
    assert ugly.post_url("content/posts/x.md", {}) == "https://h.example/posts/x.html"


def test_zola_post_addresses() -> None:
    site = Site(kind="zola", root=Path("/s"), url="https://blog.rust-lang.org")
    assert (
        site.post_url("content/Rust-1.78.0.md", {"path": "2024/05/02/Rust-1.78.0"})
        == "https://blog.rust-lang.org/2024/05/02/Rust-1.78.0/"
    )
    assert (
        site.post_url("content/inside-rust/2024-05-02-My Post.md", {})
        == "https://blog.rust-lang.org/inside-rust/my-post/"
    )
    assert site.post_url("content/blog/bundle/index.md", {}) == "https://blog.rust-lang.org/blog/bundle/"
    assert site.post_url("content/blog/x.md", {"slug": "Other"}) == "https://blog.rust-lang.org/blog/other/"


def test_unknown_sites_give_no_addresses() -> None:
    site = Site(kind="unknown", root=Path("/s"), url="https://example.org")
    assert site.post_url("x.md", {}) is None
    assert site.resolve_link("img.png", "x.md") == "img.png"


# Links in a post.


def test_links_made_absolute_against_the_site() -> None:
    site = jekyll(url="https://example.org", baseurl="/blog", permalink="pretty")
    post = "_posts/2021-09-27-post.md"
    for absolute in ("https://other.example/x", "mailto:a@b.c", "//cdn.example/x.js", "#section", ""):
        assert site.resolve_link(absolute, post) == absolute
    # A path from the root is on the site's host; authors write the base path themselves.
    assert site.resolve_link("/docs/x/", post) == "https://example.org/docs/x/"
    assert site.resolve_link("../img.png", post) == "https://example.org/blog/2021/09/27/img.png"
    assert site.resolve_link("img.png", post) == "https://example.org/blog/2021/09/27/post/img.png"
    # A link to another post's source is that post's address.
    assert (
        site.resolve_link("2020-01-02-older.md#part", post)
        == "https://example.org/blog/2020/01/02/older/#part"
    )
    assert site.resolve_link("img.png", post, {"permalink": "/p/"}) == "https://example.org/blog/p/img.png"


def test_links_stay_as_written_when_the_site_cannot_tell() -> None:
    assert jekyll().resolve_link("../img.png", "_posts/2021-09-27-post.md") == "../img.png"
    assert jekyll(url="https://e.org").resolve_link("img.png", "_posts/undated.md") == "img.png"


def test_zola_internal_links() -> None:
    site = Site(kind="zola", root=Path("/s"), url="https://z.example")
    assert site.resolve_link("@/blog/x.md#a", "content/blog/y.md") == "https://z.example/blog/x/#a"
    assert site.resolve_link("other.md", "content/blog/y.md") == "https://z.example/blog/other/"


def test_post_keys() -> None:
    assert post_key("_posts/2017-10-19-diversity.markdown") == "2017-10-19-diversity"
    assert post_key("2017-03-02-jekyll-3.4.1-released") == "2017-03-02-jekyll-3.4.1-released"
    assert post_key("posts/bundle/index.md#x") == "bundle"
    assert post_key("/posts/x.md") == "x"
