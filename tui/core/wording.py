"""How krant words counts for people: `1 post`, `2 posts`, `1 category`, `3 categories`."""

from __future__ import annotations


def how_many(count: int, noun: str) -> str:
    """The count and the noun, plural unless the count is one (`-y` becomes `-ies`)."""
    plural = noun[:-1] + "ies" if noun.endswith("y") else noun + "s"
    return f"{count:,} {noun if count == 1 else plural}"
