"""A real site's folder in the app: its name in the header, and links between its posts opened in krant."""

from __future__ import annotations

from pathlib import Path

import pytest
from real_sites import REALWORLD, needs_realworld
from ui_helpers import (
    amsterdam,  # noqa: F401 (a fixture, used through pytestmark)
    new_app,
    until,
    until_shown,
    wait_article,
    wait_loaded,
)

pytestmark = [pytest.mark.asyncio, pytest.mark.usefixtures("amsterdam")]

WIDE = (160, 48)


def write(root: Path, name: str, text: str) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def jekyll_site(tmp_path: Path) -> Path:
    """A Jekyll site whose newest post links to the other twice: by its address and by its file."""
    root = tmp_path / "site"
    write(root, "_config.yml", "title: Het Blog\nurl: https://blog.example\npermalink: /:year/:title/\n")
    write(
        root,
        "_posts/2024-01-03-nieuw.md",
        "---\ntitle: Nieuw\n---\nZie [het vorige](https://blog.example/2024/oud/)"
        " en [dat bestand](2024-01-02-oud.md) en [elders](https://elders.example/x).\n",
    )
    write(root, "_posts/2024-01-02-oud.md", "---\ntitle: Oud bericht\n---\nHet vorige bericht.\n")
    write(root, "_layouts/post.html", "---\ntitle: Geen post\n---\n<p>layout</p>\n")
    return root


async def test_the_header_names_the_site_and_only_its_posts_are_listed(tmp_path: Path) -> None:
    app = new_app(jekyll_site(tmp_path), tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await wait_loaded(pilot, app)
        screen = await until_shown(pilot, app, "krant — Het Blog", "Nieuw", "Oud bericht")
        assert "Geen post" not in screen and "_posts" not in screen.splitlines()[0]


@pytest.mark.parametrize("row", [1, 2], ids=["by its address", "by its file"])
async def test_a_link_to_another_post_of_the_folder_opens_it_in_krant(tmp_path: Path, row: int) -> None:
    app = new_app(jekyll_site(tmp_path), tmp_path)
    opened = app.desktop.opened  # what the fake browser was asked to open
    async with app.run_test(size=WIDE) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("enter")
        await wait_article(pilot, app, "Nieuw")
        await pilot.press("L")
        await until_shown(pilot, app, "Links in this article", "https://blog.example/2024/oud/")
        await pilot.press(*["j"] * row, "enter")  # below the post's own link
        await wait_article(pilot, app, "Oud bericht")
        assert opened == []  # krant opened it itself, not the browser
        await until_shown(pilot, app, "Het vorige bericht.")


async def test_a_link_elsewhere_still_goes_to_the_browser(tmp_path: Path) -> None:
    app = new_app(jekyll_site(tmp_path), tmp_path)
    opened = app.desktop.opened  # what the fake browser was asked to open
    async with app.run_test(size=WIDE) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("enter")
        await wait_article(pilot, app, "Nieuw")
        await pilot.press("L")
        await until_shown(pilot, app, "Links in this article")
        await pilot.press("j", "j", "j", "enter")  # below the post's own link
        assert await until(pilot, lambda: opened == ["https://elders.example/x"]), opened


@needs_realworld
async def test_the_jekyll_docs_site_opens_with_its_title_and_its_102_posts(tmp_path: Path) -> None:
    site = REALWORLD / "jekyll-docs-site"
    app = new_app(site, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await wait_loaded(pilot, app)
        await until_shown(pilot, app, "krant — Jekyll • Simple, blog-aware, static sites", "102 posts")


async def test_a_jekyll_post_opens_as_its_site_shows_it(tmp_path: Path) -> None:
    """Templates resolved against the site, Liquid code blocks as code, HTML in Markdown converted where
    it stands (the list and the code around it kept), footnotes numbered: what the site's reader sees."""
    root = tmp_path / "site"
    write(root, "_config.yml", "title: Het Blog\nurl: https://blog.example\nrepository: https://git.example/b\n")
    write(
        root,
        "_posts/2024-01-05-alles.md",
        "---\ntitle: Alles erin\n---\n"
        "Welkom op {{ site.url }} bij {{ page.title }}.{: .lead}\n\n"
        "- eerste punt\n- tweede punt[^1]\n\n"
        '<div class="note"><p>Een <strong>HTML</strong> blok &amp; meer.</p></div>\n\n'
        "{% highlight ruby %}\ndef hallo\n  puts 'dag'\nend\n{% endhighlight %}\n\n"
        "Zie [de bron]({{ site.repository }}/issues/1).\n\n"
        "[^1]: Een voetnoot.\n",
    )
    app = new_app(root, tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("enter")
        await wait_article(pilot, app, "Alles erin")
        screen = await until_shown(
            pilot,
            app,
            "Welkom op https://blog.example bij Alles erin.",
            "• eerste punt",
            "• tweede punt",
            "Een HTML blok & meer.",
            "def hallo",
            "  puts 'dag'",
            "Een voetnoot.",
        )
        for leaked in ("{{", "{%", "{:", "<div", "<strong>", "[^1]", "&amp;"):
            assert leaked not in screen, leaked
