"""Generate a folder of N posts shaped like the seeds in posts/, for benchmarks: `generate.py N DIR`.

Deterministic (seeded): the same N gives the same files, so runs can be compared.
"""

from __future__ import annotations

import argparse
import os
import random
from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path

CATEGORIES = ("nieuws", "buitenland", "binnenland", "politiek", "economie", "sport", "tech", "cultuur")
WORDS = (
    "de het een en van in op dat die is niet met voor zijn aan er ook als bij door maar om"
    " minister regering militairen dreiging missie coalitie verklaring correspondent onderzoek"
    " verkiezingen parlement begroting rechter politie ziekenhuis school klimaat energie gemeente"
    " provincie haven spoor verkeer markt bedrijf banen belasting wet besluit debat kabinet"
    " trainingsmissie bondgenoten spanningen inlichtingen troepen ambassade consulaat generaal"
).split()
ACCENTED = ("Syrië", "České", "Tsjechië", "België", "café", "coördinatie", "reünie", "één", "Curaçao")
AMSTERDAM_SUMMER = timezone(timedelta(hours=2))
TAGS = ("analyse", "interview", "achtergrond", "liveblog", "video", "column", "opinie", "podcast")
"""Tags for `generate(..., tags=True)`: one or two for every third post (the query benchmark's `tag:`)."""
PLACES = ("Irak", "Iran", "Bagdad", "Erbil", "Washington", "Brussel", "Den Haag", "Praag", "Damascus")


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 22))]
    if rng.random() < 0.35:
        words.insert(rng.randrange(len(words)), rng.choice(ACCENTED))
    if rng.random() < 0.5:
        words.insert(rng.randrange(len(words)), rng.choice(PLACES))
    text = " ".join(words)
    return text[:1].upper() + text[1:] + "."


def _paragraph(rng: random.Random) -> str:
    return "<p>" + " ".join(_sentence(rng) for _ in range(rng.randint(2, 4))) + "</p>"


def _body(rng: random.Random) -> str:
    parts: list[str] = []
    target = rng.randint(2400, 3200)
    while sum(map(len, parts)) < target:
        if parts and rng.random() < 0.15:
            parts.append(f"<h2>{_sentence(rng)[:40].rstrip('.')}</h2>")
        parts.append(_paragraph(rng))
    return "\n".join(parts)


def _slug(title: str) -> str:
    keep = "".join(ch if ch.isascii() and ch.isalnum() else "-" for ch in title.lower())
    return "-".join(part for part in keep.split("-") if part)[:60]


def generate(count: int, folder: Path, seed: int = 2019, *, tags: bool = False) -> list[Path]:
    """Write `count` posts into folder, newest last in time order, and return their paths.

    With `tags`, every third post or so gets tags, drawn from a generator of their own: the posts are
    otherwise the very ones generated without.
    """
    rng = random.Random(seed)
    tag_rng = random.Random(seed + 1)
    folder.mkdir(parents=True, exist_ok=True)
    start = datetime(2019, 5, 15, 14, 57, 28, tzinfo=UTC)
    moment = start
    paths: list[Path] = []
    used: set[str] = set()
    for number in range(count):
        moment -= timedelta(seconds=rng.randint(60, 3 * 3600))
        title = _sentence(rng)[:-1][:90]
        slug = _slug(title) or f"post-{number}"
        name = f"{moment:%Y-%m-%d}-{slug}.html"
        if name in used:
            name = f"{moment:%Y-%m-%d}-{slug}-{number}.html"
        used.add(name)
        local = moment.astimezone(AMSTERDAM_SUMMER)
        front = (
            "---\nlayout: post\n"
            f'title: "{title}"\n'
            f"date: {format_datetime(local)}\n"
            f"category: {rng.choice(CATEGORIES)}\n"
            f'externe_link: "https://nos.nl/l/{2_000_000 + number}"\n'
            f'feature_image: "https://nos.nl/data/image/{moment:%Y/%m/%d}/{number}/1008x567.jpg"\n'
        )
        if tags and tag_rng.random() < 0.35:
            front += f"tags: [{', '.join(tag_rng.sample(TAGS, tag_rng.randint(1, 2)))}]\n"
        front += "---\n\n"
        path = folder / name
        path.write_text(front + _body(rng) + "\n", encoding="utf-8")
        # A deterministic mtime keeps the generated folder identical from run to run.
        os.utime(path, (moment.timestamp(), moment.timestamp()))
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--seed", type=int, default=2019)
    parser.add_argument("--tags", action="store_true", help="give about a third of the posts tags")
    arguments = parser.parse_args()
    generate(arguments.count, arguments.folder, arguments.seed, tags=arguments.tags)


if __name__ == "__main__":
    main()
