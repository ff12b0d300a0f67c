"""Known-item search on three real sites: a post is found by its exact title, and by three of its words.

The sites are indexed by the loader the app uses (`load_batches` into a `PostIndex`), as one folder. For
50 posts chosen by a fixed seed, searching the title as written must put the post first, and searching
the three rarest words of its body (among words that more than one post holds, so the search has to rank
and not merely filter) must put it in the top 3. Both in relevance order, the order search opens in.
"""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest
from real_sites import REALWORLD

from tui.core.body_text import plain_text
from tui.core.index import PostIndex
from tui.core.loader import load_batches
from tui.core.locations import Locations
from tui.core.post import Post, PostText
from tui.core.reading import read_post_text
from tui.core.search import Order, fold, query_terms

SITES = ("jekyll-docs-site/_posts", "18f-posts", "rust-blog")
SEED = 17
CHOSEN = 50

pytestmark = pytest.mark.skipif(not REALWORLD.is_dir(), reason="the real-world sites are not here")


def body_words(post: Post) -> set[str]:
    """The words of a post's body as the index holds them (folded, tags and scripts left out)."""
    read = read_post_text(post.path, Path(post.path).parent)
    assert isinstance(read, PostText)
    return {fold(word) for word in query_terms_all(plain_text(read.body, is_html=read.post.is_html))}


def query_terms_all(text: str) -> list[str]:
    """Every word of a text, not only the first few a query keeps."""
    return [word for line in text.splitlines() for chunk in line.split() for word in query_terms(chunk)]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[PostIndex, list[Post]]:
    """The three sites' posts, copied into one folder and indexed the way the app indexes a folder."""
    root = tmp_path_factory.mktemp("realworld")
    for site in SITES:
        for path in sorted((REALWORLD / site).rglob("*.md")):
            target = root / site / path.relative_to(REALWORLD / site)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    state = tmp_path_factory.mktemp("state")
    index = PostIndex.open(root, Locations(state / "state", state / "cache", state / "config"))
    posts: dict[str, Post] = {}
    for batch in load_batches(root, index=index, workers=1):
        posts.update((result.path, result) for result in batch.results if isinstance(result, Post))
    return index, sorted(posts.values(), key=lambda post: post.path)


def chosen(posts: list[Post]) -> list[Post]:
    """50 posts with a title, the same ones every run."""
    return random.Random(SEED).sample([post for post in posts if post.title.strip()], CHOSEN)


def test_a_posts_exact_title_finds_it_first(corpus: tuple[PostIndex, list[Post]]) -> None:
    index, posts = corpus
    missed = []
    for post in chosen(posts):
        hits = index.search(post.title, order=Order.RELEVANCE)
        if not hits or hits[0].path != post.path:
            missed.append((post.title, Path(post.path).name, [Path(hit.path).name for hit in hits[:3]]))
    assert missed == [], "\n".join(map(str, missed))


def test_three_rare_words_of_a_posts_body_find_it_in_the_top_3(corpus: tuple[PostIndex, list[Post]]) -> None:
    index, posts = corpus
    words = {post.path: body_words(post) for post in posts}
    frequency = Counter(word for held in words.values() for word in held)
    missed = []
    for post in chosen(posts):
        shared = sorted((frequency[word], word) for word in words[post.path] if frequency[word] > 1)
        query = " ".join(word for _count, word in shared[:3])
        hits = index.search(query, order=Order.RELEVANCE)
        if post.path not in [hit.path for hit in hits[:3]]:
            missed.append((query, Path(post.path).name, [Path(hit.path).name for hit in hits[:3]]))
    assert missed == [], "\n".join(map(str, missed))
