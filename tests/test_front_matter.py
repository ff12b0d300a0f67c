"""The flat front-matter fast path gives exactly what YAML gives, or declines."""

from __future__ import annotations

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.core.front_matter import load_flat

SEED = """layout: post
title: "Scepsis bij bondgenoten VS over dreiging in Irak"
date: Wed, 15 May 2019 22:01:53 +0200
category: buitenland
externe_link: "http://feeds.nos.nl/~r/nosnieuwsbuitenland/~3/MgZNuWpkq7Y/2284826"
"""


def test_the_seed_front_matter_is_read_without_yaml() -> None:
    assert load_flat(SEED) == yaml.safe_load(SEED)


def test_values_yaml_reads_as_something_else_than_text_go_to_yaml() -> None:
    for value in ("yes", "Off", "2019-05-15", "1.5", "0x1f", "~", "null", "=", "<<", ".inf", "[a, b]", "|"):
        assert load_flat(f"k: {value}") is None, value
    assert load_flat("true: x") is None
    assert load_flat("title: a: b") is None
    assert load_flat("title: a #comment") is None
    assert load_flat('title: "a \\" b"') is None
    assert load_flat("title:\n  - nested") is None
    assert load_flat("title: a\n  continued") is None
    assert load_flat("title: a\u2028b") is None
    assert load_flat("title: 0\r0") is None  # a lone CR ends a line for YAML (found by hypothesis)


KEYS = st.sampled_from(["title", "date", "category", "layout", "true", "x-y", "a_b", "1", "on"])
VALUES = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20),
    st.sampled_from(["yes", "12:30", "1_000", "2019-05-15 10:00", '"q"', "'s'", "a: b", "-x", "# c", "x #y"]),
)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(KEYS, VALUES), max_size=6), st.sampled_from(["\n", "\r\n"]))
def test_load_flat_agrees_with_yaml_whenever_it_answers(pairs: list[tuple[str, str]], newline: str) -> None:
    raw = newline.join(f"{key}: {value}" for key, value in pairs)
    flat = load_flat(raw)
    if flat is None:
        return
    try:
        expected = yaml.safe_load(raw) or {}
    except yaml.YAMLError:
        raise AssertionError(f"load_flat accepted what YAML refuses: {raw!r}") from None
    assert flat == expected, raw
