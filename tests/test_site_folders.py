"""Real sites' folders: which files are posts, and the fields Jekyll, Hugo and Zola posts carry."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from real_sites import REALWORLD, needs_realworld

from tui.cli import main
from tui.core.folder import find_post_files
from tui.core.library import Library
from tui.core.post import Post, Problem
from tui.core.reading import read_post, site_of


def write(root: Path, name: str, text: str) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def read(path: Path, root: Path) -> Post:
    result = read_post(path, root)
    assert isinstance(result, Post), result
    return result


@pytest.fixture
def jekyll(tmp_path: Path) -> Path:
    """A Jekyll site root: config, posts (one in a category folder), a draft, and what is not a post."""
    root = tmp_path / "site"
    write(root, "_config.yml", "title: Het Blog\nurl: https://blog.example\npermalink: /:year/:title/\n")
    write(root, "_posts/2024-01-02-eerste.md", "---\ntitle: Eerste\n---\nTekst.\n")
    write(root, "nieuws/_posts/2024-01-03-tweede.md", "---\ntitle: Tweede\n---\nTekst.\n")
    write(root, "_drafts/bijna-klaar.md", "---\ntitle: Bijna klaar\n---\nTekst.\n")
    for name in ("_layouts/post.html", "_includes/head.html", "_site/2024/eerste/index.html",
                 "_data/people.md", "_sass/x.md", "node_modules/pkg/README.md", "vendor/gem/doc.md",
                 "about.md", "_docs/install.md", "index.html"):  # fmt: skip
        write(root, name, "---\ntitle: Niet een post\n---\nTekst.\n")
    return root


def test_a_jekyll_site_root_reads_its_posts_only(jekyll: Path) -> None:
    library = Library.read_folder(jekyll)
    assert sorted(post.relpath for post in library.posts) == [
        "_posts/2024-01-02-eerste.md",
        "nieuws/_posts/2024-01-03-tweede.md",
    ]
    assert library.problems == []
    assert [post.categories for post in library.posts] == [("nieuws",), ("uncategorised",)]


def test_drafts_show_only_with_all_and_are_marked(jekyll: Path) -> None:
    everything = Library.read_folder(jekyll, include_unpublished=True)
    (draft,) = [post for post in everything.posts if post.draft]
    assert draft.title == "Bijna klaar" and draft.relpath == "_drafts/bijna-klaar.md"
    assert not any(post.draft for post in Library.read_folder(jekyll).posts)


def test_a_draft_field_hides_a_post_in_any_folder(tmp_path: Path) -> None:
    write(tmp_path, "x.md", "---\ntitle: Half af\ndraft: true\n---\nTekst.\n")
    assert len(Library.read_folder(tmp_path)) == 0
    assert Library.read_folder(tmp_path, include_unpublished=True).posts[0].draft


def test_a_plain_folder_is_read_whole_but_never_build_folders_section_pages_or_repository_files(
    tmp_path: Path,
) -> None:
    for name in ("a.md", "sub/b.md", "pages/c.md"):
        write(tmp_path, name, "---\ntitle: Post\n---\nTekst.\n")
    not_posts = ("_index.md", "sub/_index.md", "node_modules/x/y.md", "_site/z.md", "README.md", "LICENSE.md")
    for name in not_posts:
        write(tmp_path, name, "---\ntitle: Niet\n---\nTekst.\n")
    found = sorted(str(path.relative_to(tmp_path)) for path in find_post_files(tmp_path))
    assert found == ["a.md", "pages/c.md", "sub/b.md"]


def test_a_post_links_to_its_page_on_the_site_when_it_names_no_link(jekyll: Path) -> None:
    post = read(jekyll / "_posts/2024-01-02-eerste.md", jekyll)
    assert post.link == "https://blog.example/2024/eerste/"
    assert post.key.startswith("post:")  # the read mark's key stays what the file says, not the site


def test_a_site_relative_url_is_made_absolute(tmp_path: Path) -> None:
    write(tmp_path, "hugo.toml", 'baseURL = "https://hugo.example/"\ntitle = "Hugo site"\n')
    path = write(tmp_path, "content/posts/x.md", '---\ntitle: X\nurl: "/notes/x/"\n---\nTekst.\n')
    assert read(path, tmp_path / "content").link == "https://hugo.example/notes/x/"


def test_tags_are_read_from_a_list_a_string_and_zola_taxonomies(tmp_path: Path) -> None:
    listed = write(tmp_path, "a.md", "---\ntitle: A\ncategory: nieuws\ntags: [rust, Release]\n---\nT\n")
    spaced = write(tmp_path, "b.md", "---\ntitle: B\ncategory: nieuws\ntags: rust release\n---\nT\n")
    taxonomies = '[taxonomies]\ntags = ["wasm"]\ncategories = ["x"]'
    zola = write(tmp_path, "c.md", f'+++\ntitle = "C"\n{taxonomies}\n+++\nT\n')
    assert read(listed, tmp_path).tags == ("rust", "Release")
    assert read(spaced, tmp_path).tags == ("rust", "release")
    assert (read(zola, tmp_path).tags, read(zola, tmp_path).categories) == (("wasm",), ("x",))


def test_a_post_without_categories_is_listed_under_its_tags(tmp_path: Path) -> None:
    path = write(tmp_path, "a.md", "---\ntitle: A\ntags:\n- culture change\n- 18f\n---\nT\n")
    assert read(path, tmp_path).categories == ("culture change", "18f")


def test_a_zola_section_names_the_category_of_its_posts(tmp_path: Path) -> None:
    write(tmp_path, "_index.md", '+++\ntitle = "Rust Blog"\n+++\n')
    write(tmp_path, "inside-rust/_index.md", '+++\ntitle = "Inside Rust Blog"\n+++\n')
    inside = write(tmp_path, "inside-rust/x.md", '+++\ntitle = "X"\n+++\nT\n')
    bundle = write(tmp_path, "Big-News/index.md", '+++\ntitle = "Y"\n+++\nT\n')
    assert read(inside, tmp_path).categories == ("Inside Rust Blog",)
    assert read(bundle, tmp_path).categories == ("Rust Blog",)


def test_zola_and_hugo_dates_are_read_from_their_fields_and_paths(tmp_path: Path, local_zone: str) -> None:
    by_path = write(tmp_path, "a.md", '+++\npath = "inside-rust/2020/11/16/x"\ntitle = "A"\n+++\nT\n')
    by_name = write(tmp_path, "2021-03-04-b.md", '+++\ntitle = "B"\n+++\nT\n')
    hugo = write(tmp_path, "c.md", "---\ntitle: C\npublishDate: 2022-05-06T07:08:09+02:00\n---\nT\n")
    assert read(by_path, tmp_path).date == datetime(2020, 11, 16).astimezone()
    assert read(by_name, tmp_path).date == datetime(2021, 3, 4).astimezone()
    assert read(hugo, tmp_path).date.isoformat() == "2022-05-06T07:08:09+02:00"
    assert all(read(path, tmp_path).warnings == () for path in (by_path, by_name, hugo))


def test_authors_and_a_description_are_kept(tmp_path: Path) -> None:
    one = read(write(tmp_path, "a.md", "---\ntitle: A\nauthor: parkr\nexcerpt: Kort.\n---\nT\n"), tmp_path)
    fields = 'title = "B"\nauthors = ["Ann", "Bo"]\ndescription = "Over B."'
    many = read(write(tmp_path, "b.md", f"+++\n{fields}\n+++\nT\n"), tmp_path)
    assert (one.authors, one.description) == (("parkr",), "Kort.")
    assert (many.authors, many.description) == (("Ann", "Bo"), "Over B.")


def test_a_page_the_site_templates_fill_in_is_a_problem_not_a_post(tmp_path: Path) -> None:
    path = write(tmp_path, "latest.md", '+++\ntemplate = "latest.html"\n+++\n')
    result = read_post(path, tmp_path)
    assert isinstance(result, Problem) and "no title and no text" in result.reason


# The real sites ------------------------------------------------------------------------------------


@needs_realworld
def test_krant_list_on_the_jekyll_docs_site_lists_exactly_its_102_posts(capsys) -> None:
    assert main(["list", "--json", str(REALWORLD / "jekyll-docs-site")]) == 0
    records = json.loads(capsys.readouterr().out)
    assert len(records) == 102
    assert all(record["file"].startswith("_posts/") for record in records)
    assert all(record["link"].startswith("https://jekyllrb.com/news/") for record in records)


@needs_realworld
def test_the_real_sites_have_their_names_and_no_warnings_but_what_a_person_should_fix() -> None:
    jekyll = REALWORLD / "jekyll-docs-site"
    site = site_of(jekyll)
    assert site is not None and site.name_for(jekyll) == "Jekyll • Simple, blog-aware, static sites"
    warned = {
        post.relpath: post.warnings
        for name in ("jekyll-docs-site", "18f-posts", "rust-blog")
        for post in Library.read_folder(REALWORLD / name, include_unpublished=True).posts
        if post.warnings
    }
    # A date Jekyll itself could not read ("18:30:22 2023 -0800"): the author's to fix.
    unreadable = ("unreadable date; using the date in the file name",)
    assert warned == {"_posts/2023-01-29-jekyll-3-9-3-released.markdown": unreadable}
    eighteen_f = Library.read_folder(REALWORLD / "18f-posts")
    assert len(eighteen_f) == 509 and not any("uncategorised" in post.categories for post in eighteen_f.posts)
