"""Command palette (ctrl+p) entries that come from the library: one "Go to category" per category."""

from __future__ import annotations

from functools import partial
from typing import Protocol, cast

from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.content import Content

PREFIX = "Go to category: "


def highlighted(matcher: Matcher, text: str) -> Content:
    """The text with the matched letters styled, never parsed as markup (category names are untrusted)."""
    content = Content(text)
    score, offsets = matcher.fuzzy_search.match(matcher.query, text)
    if score:
        for offset in offsets:
            if not text[offset].isspace():
                content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


class Categories(Protocol):
    """What the palette needs of the app: the categories, and a way to go to one."""

    def category_names(self) -> list[str]: ...

    def go_to_category(self, name: str) -> None: ...


class CategoryCommands(Provider):
    """Lists every category of the library; choosing one shows its articles."""

    @property
    def _krant(self) -> Categories:
        return cast(Categories, self.app)

    async def discover(self) -> Hits:
        for name in self._krant.category_names():
            yield DiscoveryHit(
                Content(PREFIX + name), partial(self._krant.go_to_category, name), text=PREFIX + name
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name in self._krant.category_names():
            text = PREFIX + name
            score = matcher.match(text)
            if score > 0:
                yield Hit(
                    score,
                    highlighted(matcher, text),
                    partial(self._krant.go_to_category, name),
                    text=text,
                    help="Show the articles of this category",
                )
