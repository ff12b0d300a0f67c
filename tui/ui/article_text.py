"""An article as plain text, laid out as the reader lays it out: what `krant show` prints and `|` sends."""

from __future__ import annotations

from tui.core.date_format import full_date
from tui.core.post import PostText


def article_text(result: PostText, width: int | None = None) -> str:
    """The article as plain text: a header of title, date, categories and link, then the body, laid out
    at `width` columns as the reader lays it out (or, with no width, the Markdown it is drawn from)."""
    post = result.post
    lines = [post.title, "=" * min(len(post.title), 80), ""]
    lines.append(f"Date:       {full_date(post.date)} {post.date.astimezone():%Z}")
    lines.append(f"Categories: {', '.join(post.categories)}")
    if post.link:
        lines.append(f"Link:       {post.link}")
    if post.image:
        lines.append(f"Image:      {post.image}")
    from tui.core.article import readable_post  # the Markdown side: only `show` needs it

    rendered = readable_post(result)
    if width is None:
        body = rendered.text
    else:
        from tui.core.document import parse_document
        from tui.ui.article_layout import plain_lines

        body = "\n".join(plain_lines(parse_document(rendered.text), width))
    lines += ["", body, *(["", *rendered.notes] if rendered.notes else [])]
    return "\n".join(lines)
