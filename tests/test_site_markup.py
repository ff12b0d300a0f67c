"""Post bodies with templates and Markdown extensions come back as plain Markdown: each rule on small
posts of our own, properties over any text, hostile input, and every post of three real sites."""

from __future__ import annotations

import re
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from real_sites import REALWORLD

from tui.core.site import Site, find_site
from tui.core.site_markup import MIN_EXPANSION_BUDGET, clean_markup

needs_realworld = pytest.mark.skipif(not REALWORLD.is_dir(), reason="the real-world sites are not here")

SITE = Site(
    kind="jekyll",
    root=Path("/site"),
    title="Example",
    url="https://example.org/blog",
    baseurl="/blog",
    permalink="/news/:year/:month/:day/:title/",
    params={
        "title": "Example",
        "url": "https://example.org",
        "baseurl": "/blog",
        "repository": "https://github.com/ex/ample",
        "author": {"name": "Ann", "links": ["https://ann.example"]},
        "collections": {"docs": {"permalink": "/:collection/:path/"}},
    },
    config={"collections": {"docs": {"permalink": "/:collection/:path/"}}},
)


def clean(text: str, site: Site | None = SITE, **options: object) -> str:
    return clean_markup(text, site, **options).text  # type: ignore[arg-type]


@contextmanager
def within(seconds: float) -> Iterator[None]:
    """Fail instead of hanging. Not a timing: a scan gone quadratic on these inputs runs for hours, a
    linear one well under a second, so the bound is loose enough for any machine."""

    def stop(signum: int, frame: object) -> None:
        raise TimeoutError(f"still cleaning after {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# Code is left alone.


@pytest.mark.parametrize(
    "block",
    [
        "```\n{% if x %}{{ site.title }}<!-- c --> :tada: {: .x}\n```\n",
        "~~~ruby\n{% highlight ruby %}\n~~~\n",
        "````\n```\n{{< note >}}\n```\n````\n",
        "> ```\n> {{ site.title }}\n> ```\n",
        '   ```rust\n   println!("{{}}", x);\n   ```\n',
    ],
)
def test_fenced_code_is_left_exactly_alone(block: str) -> None:
    assert (
        clean(f"Before {{{{ site.title }}}}.\n\n{block}\nAfter.\n") == f"Before Example.\n\n{block}\nAfter.\n"
    )


def test_an_unclosed_fence_runs_to_the_end() -> None:
    assert clean("Text.\n\n```\n{{ site.title }}\n") == "Text.\n\n```\n{{ site.title }}\n"


def test_inline_code_is_left_exactly_alone() -> None:
    text = "Use `{{ site.title }}` or ``{% raw %}` x``, not {{ site.title }}; `a:tada:b` `<!-- -->`.\n"
    assert clean(text) == "Use `{{ site.title }}` or ``{% raw %}` x``, not Example; `a:tada:b` `<!-- -->`.\n"


def test_a_backtick_that_closes_nothing_is_text() -> None:
    assert clean("A ` tick {{ site.title }}\n\nand ` another\n") == "A ` tick Example\n\nand ` another\n"
    assert clean("\\`{{ site.title }}`") == "\\`Example`"


def test_html_code_is_left_alone() -> None:
    text = '<pre class="x">{{ site.title }}\n{% if %}</pre> and <code>{{ a }}</code>'
    assert clean(text) == text


# Liquid.


def test_highlight_becomes_a_fenced_block_with_its_language() -> None:
    text = "Run:\n\n{% highlight ruby linenos %}\ndef x\n  {{ y }} # {% raw %}\nend\n"
    text += "{% endhighlight %}\n\nDone.\n"
    assert clean(text) == "Run:\n\n```ruby\ndef x\n  {{ y }} # {% raw %}\nend\n```\n\nDone.\n"


def test_highlighted_code_holding_a_fence_gets_a_longer_one() -> None:
    text = "{% highlight markdown %}\n````\ncode\n````\n{% endhighlight %}\n"
    assert clean(text) == "`````markdown\n````\ncode\n````\n`````\n"


def test_raw_markers_vanish_and_their_content_is_kept_verbatim() -> None:
    assert (
        clean("Write {% raw %}{{ site.title }} {% if %}{% endraw %} here.")
        == "Write {{ site.title }} {% if %} here."
    )
    text = "Before.\n\n{% raw %}\n```liquid\n{{ x }}\n```\n{% endraw %}\n\nAfter {{ site.title }}.\n"
    assert clean(text) == "Before.\n\n```liquid\n{{ x }}\n```\n\nAfter Example.\n"


def test_raw_content_is_still_markdown() -> None:
    # Only Liquid stops at `{% raw %}`: comments and emoji are the site's Markdown's.
    assert clean("{% raw %}:tada: <!-- hidden -->{{ x }}{% endraw %}") == "🎉 {{ x }}"


def test_link_tags_become_the_other_posts_address() -> None:
    result = clean_markup(
        "See [a]({% link _posts/2017-03-02-old-one.markdown %}), [b]({% post_url 2013-05-06-first %}),\n"
        "[c]({% link\n_posts/2017-10-19-multi-line.md %}) and [docs]({% link _docs/history.md %}#v3).\n",
        SITE,
    )
    assert result.text == (
        "See [a](https://example.org/blog/news/2017/03/02/old-one/), "
        "[b](https://example.org/blog/news/2013/05/06/first/),\n"
        "[c](https://example.org/blog/news/2017/10/19/multi-line/) and "
        "[docs](https://example.org/blog/docs/history/#v3).\n"
    )
    assert dict(result.post_links) == {
        "https://example.org/blog/news/2017/03/02/old-one/": "2017-03-02-old-one",
        "https://example.org/blog/news/2013/05/06/first/": "2013-05-06-first",
        "https://example.org/blog/news/2017/10/19/multi-line/": "2017-10-19-multi-line",
    }


def test_link_tags_without_a_site_give_a_path_from_the_site_root() -> None:
    result = clean_markup("[a]({% post_url 2021-09-27-jekyll-4-2-1-released %}) [p]({% link about.md %})")
    assert result.text == "[a](/2021/09/27/jekyll-4-2-1-released.html) [p](/about.md)"
    assert dict(result.post_links) == {
        "/2021/09/27/jekyll-4-2-1-released.html": "2021-09-27-jekyll-4-2-1-released"
    }


def test_site_values_and_filters() -> None:
    text = (
        "{{ site.title }}|{{ site.author.name }}|{{ site.author.links[0] }}|{{ site.missing }}|"
        '{{ "/docs/" | relative_url }}|{{ "/docs/" | absolute_url }}|{{ "/p/" | url }}|'
        "{{ site.repository | append: '/issues' }}|{{ 'x' | prepend: site.baseurl }}|"
        "{{ site.missing | default: 'fallback' }}|{{ site.title | upcase }}|{{ site.title | own_filter }}|"
        "{{ site.author | jsonify }}|{{ site.title | size }}|{{ 'https://a.b/c' | relative_url }}"
    )
    assert clean(text) == (
        "Example|Ann|https://ann.example||/blog/docs/|https://example.org/blog/docs/|/p/|"
        "https://github.com/ex/ample/issues|/blogx|fallback|EXAMPLE|Example|||https://a.b/c"
    )


def test_site_values_without_a_site_are_removed_and_paths_kept() -> None:
    text = '[x]({{ site.baseurl }}/about/) [y]({{ "/team/" | url }}) [z]({{ "/a/" | relative_url }})'
    assert clean(text, None) == "[x](/about/) [y](/team/) [z](/a/)"


def test_page_values() -> None:
    page = {"title": "My post", "image": "/img/x.png"}
    assert clean("{{ page.title }}: ![x]({{ image | url }})", page=page) == "My post: ![x](/img/x.png)"


def test_blocks_that_are_removed_with_their_body() -> None:
    text = (
        "Intro.\n\n"
        '{% assign issues = "1|2" | split: "|" %}\n'
        "{% for issue in issues %}\n[#{{ issue }}]: {{ site.repository }}/issues/{{ issue }}\n{% endfor %}\n"
        "{% capture note %}Captured {{ site.title }}{% endcapture %}\n"
        "{% comment %}\nNot for readers.\n{% endcomment %}\n\n"
        "Outro.\n"
    )
    assert clean(text) == "Intro.\n\nOutro.\n"


def test_nested_loops_are_removed_whole() -> None:
    assert clean("a{% for x in y %}{% for z in x %}b{% endfor %}c{% endfor %}d") == "ad"


def test_conditions_keep_their_first_branch() -> None:
    text = "{% if a %}\nfirst\n{% elsif b %}\nsecond\n{% else %}\nthird\n{% endif %}\nend\n"
    # The tags' lines separated "first" from "end" on the site too.
    assert clean(text) == "first\n\nend\n"
    assert clean("{% unless a %}shown{% else %}not{% endunless %}.") == "shown."
    assert clean("{% if a %}{% if b %}in{% else %}out{% endif %}{% else %}x{% endif %}") == "in"
    case = "{% case x %}\nignored\n{% when 1 %}\none\n{% when 2 %}\ntwo\n{% else %}\nelse\n{% endcase %}\nend"
    assert clean(case) == "one\n\nend"


def test_a_line_removed_between_two_lines_of_text_stays_as_the_blank_line_between_them() -> None:
    assert clean("One.\n{% assign x = 1 %}\nTwo.\n") == "One.\n\nTwo.\n"
    assert clean("</div>\n<!-- markdown separator -->\n**Next**\n") == "</div>\n\n**Next**\n"
    assert clean("One.\n<!-- a -->\n<!-- b -->\n\nTwo.\n") == "One.\n\nTwo.\n"


def test_unknown_tags_and_outputs_go_without_a_trace() -> None:
    assert clean("Text {% unknown tag %} more {{ nothing.here }} end.") == "Text more end."
    assert clean("Para one.\n\n{% include footer.html %}\n\nPara two.\n") == "Para one.\n\nPara two.\n"
    assert clean("Line {%- seo -%}\nnext") == "Line\nnext"
    assert clean("{% tag %}\n\nStart.") == "Start."


def test_image_tags_and_figure_includes_become_images() -> None:
    text = (
        '{% image "assets/x.jpg" "An alt" %}\n\n'
        '[{% image_with_class "a.png" "css-class" "Alt [b]" %}](https://l.example)\n\n'
        '{% include "linked-figure.html",\n  image: "/assets/f.png",\n  url: "https://v.example"\n'
        '  alt: "Fig",\n  caption: "The caption" %}\n\n'
        '{% include card.html title: "no image" %}\n'
    )
    assert clean(text) == (
        "![An alt](assets/x.jpg)\n\n"
        "[![Alt \\[b\\]](a.png)](https://l.example)\n\n"
        "[![Fig](/assets/f.png)](https://v.example)\n\nThe caption\n\n"
    )


def test_embed_filter_becomes_a_link_and_image_filters_go() -> None:
    text = '{{ "https://v.example/X" | embed: "A talk" }} {{ "ann" | team_photo }}{{ "ann" | team_link }}'
    assert clean(text, None) == "[A talk](https://v.example/X) ann"


def test_expansion_is_bounded() -> None:
    site = Site(kind="jekyll", root=Path("/s"), params={"big": "x" * 10_000})
    text = "{{ site.big }}" * 1000
    out = clean(text, site)
    assert len(out) <= MIN_EXPANSION_BUDGET and out and set(out) == {"x"}


# Hugo shortcodes.


def test_hugo_ref_param_and_figure() -> None:
    site = Site(kind="hugo", root=Path("/s"), url="https://hugo.example", params={"Author": {"Name": "Ann"}})
    result = clean_markup(
        '[a]({{< ref "posts/first.md" >}}) [b]({{< relref "/posts/second.md#part" >}})'
        ' by {{< param "author.name" >}}.\n\n'
        '{{< figure src="/img/a.png" alt="A" caption="The caption" >}}\n\nAfter.\n',
        site,
    )
    assert result.text == (
        "[a](https://hugo.example/posts/first/) [b](https://hugo.example/posts/second/#part) by Ann.\n\n"
        "![A](/img/a.png)\n\nThe caption\n\nAfter.\n"
    )
    assert dict(result.post_links) == {
        "https://hugo.example/posts/first/": "first",
        "https://hugo.example/posts/second/#part": "second",
    }
    assert clean('[a]({{< ref "posts/first.md" >}})', None) == "[a](/posts/first/)"


def test_hugo_paired_shortcodes_keep_their_content() -> None:
    text = "Before.\n\n{{% note %}}\nBe *careful* {{ site.title }}.\n\nTwice.\n{{% /note %}}\nAfter.\n"
    assert clean(text) == "Before.\n\n> **Note**\n>\n> Be *careful* Example.\n>\n> Twice.\n\nAfter.\n"
    assert clean("{{< notice warning >}}Hot{{< /notice >}}") == "> **Warning**\n>\n> Hot\n\n"
    assert clean("a {{< center >}}kept{{< /center >}} b") == "a kept b"
    assert clean("a {{< unknown x=1 >}} b {{< self-closing />}} c") == "a b c"


def test_hugo_highlight_and_escaped_shortcodes() -> None:
    assert clean('{{< highlight go "linenos=table" >}}\nfmt.Println("{{ x }}")\n{{< /highlight >}}\n') == (
        '```go\nfmt.Println("{{ x }}")\n```\n'
    )
    assert clean("Write {{</* figure src=x */>}} to show one.") == "Write `{{< figure src=x >}}` to show one."


def test_hugo_embeds_become_links() -> None:
    assert (
        clean("{{< youtube w7Ft2ymGmfc >}}", None)
        == "[YouTube video](https://www.youtube.com/watch?v=w7Ft2ymGmfc)"
    )


# Zola.


def test_zola_bodies_are_not_liquid() -> None:
    text = "Format with {{}} or {{ x }} and {% if %} literally, `{:?}` and {: .kept }.\n"
    assert clean(text, None, zola=True) == text


def test_zola_shortcodes() -> None:
    text = (
        'Watch {{ youtube(id="dQw4w9WgXcQ") }} and {{ unknown(a=1) }}.\n\n'
        '{% note(title="Heads up") %}\nBody {{ x }}.\n{% end %}\n\n'
        "{% center() %}kept{% end %} and {{/* youtube(id=1) */}}\n"
    )
    assert clean(text, None, zola=True) == (
        "Watch [YouTube video](https://www.youtube.com/watch?v=dQw4w9WgXcQ) and.\n\n"
        "> **Heads up**\n>\n> Body {{ x }}.\n\n"
        "kept and `{{ youtube(id=1) }}`\n"
    )


def test_a_zola_site_means_zola_bodies() -> None:
    site = Site(kind="zola", root=Path("/s"))
    assert clean("{{ site.title }}", site) == "{{ site.title }}"


# kramdown.


def test_kramdown_attribute_lists_go() -> None:
    text = "## Contents\n{:.no_toc}\n\n* TOC\n{:toc}\n\nA paragraph.\n{: #para .lead }\n\n"
    text += 'Styled{: style="color: red}"}\n'
    assert clean(text) == "## Contents\n\nA paragraph.\n\nStyled\n"
    assert clean("Text {: .class } after.") == "Text after."
    assert clean("Not one: {:?} {:} x") == "Not one: {:?} x"


def test_kramdown_extensions() -> None:
    text = (
        '{::options parse_block_html="true" /}\n'
        "{::nomarkdown}<b>kept</b>{:/nomarkdown}\n"
        "{::comment}\nHidden {{ site.title }}.\n{:/comment}\n"
        "Shown.\n"
    )
    assert clean(text) == "<b>kept</b>\n\nShown.\n"


def test_heading_attributes_go() -> None:
    assert clean("# Title {#title .big}\n\nNot a heading {#x}\n") == "# Title\n\nNot a heading {#x}\n"
    assert (
        clean("## Bootstrapping `rustc` {#bootstrapping-rust}\n", None, zola=True)
        == "## Bootstrapping `rustc`\n"
    )


# HTML.


def test_comments_styles_and_scripts_go() -> None:
    text = "Intro.\n\n<!-- more -->\n\nBody <!-- aside --> text.\n\n"
    text += '<style>\np { color: red }\n</style>\n<script async src="x.js"></script>\n\nEnd.'
    assert clean(text) == "Intro.\n\nBody text.\n\nEnd."


def test_an_unclosed_comment_is_text() -> None:
    assert clean("a <!-- b") == "a <!-- b"


# Emoji.


def test_emoji_shortcodes() -> None:
    assert clean(":tada: :+1::smile: done :tada:.") == "🎉 👍😄 done 🎉."


@pytest.mark.parametrize(
    "text", ["12:30:45", "a:b:c", "std::io::Error", "x:tada:", ":notanemoji:", ":tada:x", "`:tada:`"]
)
def test_things_that_are_not_emoji_codes_stay(text: str) -> None:
    assert clean(text) == text


def test_footnotes_are_left_for_the_markdown_parser() -> None:
    text = "A claim[^1].\n\n[^1]: The source.\n"
    assert clean(text) == text


# Properties.

PIECES = [
    "{%", "%}", "{{", "}}", "{{<", ">}}", "{{%", "%}}", "{:", "{::", "{:/}", "{", "}", "`", "``", "```",
    "~~~", "\n", "\n\n", " ", "<!--", "-->", "<pre>", "</pre>", "<script>", "</script>", ":tada:", ":",
    "#", "## ", "{#id}", " raw ", " endraw ", " if x ", " endif ", " else ", " for x in y ", " endfor ",
    " comment ", " endcomment ", " highlight ruby ", " endhighlight ", " note ", " /note ", " site.title ",
    " link _posts/2020-01-02-x.md ", "* TOC\n", "toc", "a", "é", "\t", "\r\n", "|", " relative_url ", '"',
    "'", "/*", "*/", "f(", ")", "end", ">", "\\",
]  # fmt: skip
template_text = st.lists(st.sampled_from(PIECES), max_size=80).map("".join)
any_text = st.one_of(st.text(max_size=400), template_text)
FENCE_LIKE = re.compile(r"^[ \t>]*(?:`{3,}|~{3,})", re.M)


@settings(max_examples=400, deadline=None)
@given(text=any_text, zola=st.booleans())
def test_any_text_comes_back_without_raising(text: str, zola: bool) -> None:
    with within(10):
        result = clean_markup(text, SITE, zola=zola)
    assert isinstance(result.text, str)
    # Quotes add `> ` to lines, and values from the site add at most the budget.
    assert len(result.text) <= 20 * len(text) + MIN_EXPANSION_BUDGET


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(
    prefix=st.text(
        alphabet=st.characters(blacklist_characters="{<`~\r", blacklist_categories=["Cs"]), max_size=80
    ),
    lines=st.lists(st.one_of(st.text(max_size=40), template_text), max_size=8),
    fence=st.sampled_from(["```", "~~~", "````", "~~~~~"]),
    info=st.sampled_from(["", "ruby", " liquid {.x}", "{{ site.title }}"]),
    suffix=any_text,
)
def test_fenced_code_blocks_come_back_byte_identical(
    prefix: str, lines: list[str], fence: str, info: str, suffix: str
) -> None:
    if fence[0] == "`" and "`" in info:
        info = ""
    body = "\n".join(line for chunk in lines for line in chunk.split("\n") if not FENCE_LIKE.match(line))
    block = f"{fence}{info}\n{body}\n{fence}\n"
    text = (prefix + "\n" if prefix else "") + block + suffix
    assert block in clean(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_characters="{<:", blacklist_categories=["Cs"]), max_size=400))
def test_text_without_braces_angles_or_colons_comes_back_unchanged(text: str) -> None:
    assert clean(text) == text
    assert clean(text, None, zola=True) == text


@pytest.mark.parametrize(
    "text",
    [
        "{%" * 1_000_000,
        "{%%}" * 200_000,
        "{% if a %}" * 50_000 + "x" + "{% endif %}" * 50_000,
        "{% if a %}\n" * 100_000,
        "{% raw %}" * 100_000,
        "{{{{{{" * 200_000,
        "{{ site.title }}" * 100_000,
        "{{<" * 500_000,
        "{{% note %}}" * 20_000 + "x" + "{{% /note %}}" * 20_000,
        "` " * 300_000,
        "```\n" * 300_000,
        "{:" * 1_000_000,
        "# " + "{#" * 1_000_000,
        "<!--" * 500_000,
        "<pre " * 300_000,
        ":tada:" * 200_000,
    ],
    ids=lambda text: repr(text[:12]),
)
def test_hostile_text_comes_back_bounded(text: str) -> None:
    with within(30):
        result = clean_markup(text, SITE)
    assert len(result.text) <= 20 * len(text) + MIN_EXPANSION_BUDGET


# Real sites.

FORBIDDEN = ("{%", "%}", "{{ ", " }}", "{{<", "{:")
_CODE_BLOCK = re.compile(
    r"^([ \t>]*)(`{3,}|~{3,})[^\n]*\n.*?(?:^[ \t>]*\2[`~]*[ \t]*$|\Z)|<pre\b.*?</pre>|<code\b.*?</code>",
    re.S | re.M | re.I,
)
_CODE_SPAN = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)", re.S)
KNOWN_UNCLEAN = {
    # The author writes `{% raw %}{{{% endraw %} }}` to show "{{ }}" in prose: raw content is what the
    # site shows, braces and all.
    "2024-07-17-working-with-oracle-databases-in-open-source-projects.md",
}


def prose(markdown: str) -> str:
    """Markdown without its code (fences, `<pre>`, `<code>`, and spans, which end with their paragraph)."""
    markdown = _CODE_BLOCK.sub("", markdown)
    return "\n\n".join(_CODE_SPAN.sub("", part) for part in re.split(r"\n[ \t]*\n", markdown))


def body_of(path: Path) -> tuple[str, bool]:
    """A post's body after its front matter, and whether that was TOML (Zola's)."""
    text = path.read_text(encoding="utf-8")
    for delimiter in ("---", "+++"):
        if text.startswith(delimiter):
            parts = re.split(rf"^{re.escape(delimiter)}[ \t]*\r?$", text, maxsplit=2, flags=re.M)
            if len(parts) == 3:
                return parts[2], delimiter == "+++"
    return text, False


def real_posts(folder: str) -> list[Path]:
    root = REALWORLD / folder
    patterns = ("*.md", "*.markdown") if folder != "rust-blog" else ("**/*.md",)
    return sorted(p for pattern in patterns for p in root.glob(pattern) if not p.name.startswith("LICENSE"))


@needs_realworld
@pytest.mark.parametrize(
    ("folder", "count"), [("jekyll-docs-site/_posts", 102), ("18f-posts", 509), ("rust-blog", 754)]
)
def test_real_posts_come_back_without_template_syntax_outside_code(folder: str, count: int) -> None:
    posts = real_posts(folder)
    site = find_site(REALWORLD / folder)
    assert len(posts) == count
    unclean = {}
    for post in posts:
        body, zola = body_of(post)
        left = [mark for mark in FORBIDDEN if mark in prose(clean_markup(body, site, zola=zola).text)]
        if left:
            unclean[post.name] = left
    assert set(unclean) == {name for name in KNOWN_UNCLEAN if (REALWORLD / folder / name).exists()}, unclean


@needs_realworld
def test_real_jekyll_links_point_at_the_posts_they_name() -> None:
    site = find_site(REALWORLD / "jekyll-docs-site" / "_posts")
    body, _ = body_of(REALWORLD / "jekyll-docs-site" / "_posts" / "2017-10-21-jekyll-3-6-2-released.markdown")
    result = clean_markup(body, site)
    assert "(https://jekyllrb.com/news/2017/10/19/diversity-open-source/)" in result.text
    assert result.post_links["https://jekyllrb.com/news/2017/10/19/diversity-open-source/"] == (
        "2017-10-19-diversity-open-source"
    )


def test_raw_markers_in_code_go_on_a_liquid_site_as_liquid_runs_before_markdown() -> None:
    fence = "```liquid\n{% raw %}{{ page.title }}{% endraw %}\n```\n"
    assert clean(fence) == "```liquid\n{{ page.title }}\n```\n"
    span = "`{% raw %}{% highlight %}{% endraw %}` now behaves like `{%raw%}{% raw %}{%endraw%}`.\n"
    assert clean(span) == "`{% highlight %}` now behaves like `{% raw %}`.\n"
    # Zola's body is no Liquid template: the same text is code to show as it is.
    assert clean_markup(fence, None, zola=True).text == fence
