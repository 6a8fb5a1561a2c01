"""The record an extraction hands on: a page's clean text and what a reader shows above it.

Everything in an :class:`Article` is already clean text (no control characters, no escape
sequences) and is data: the UI shows it as text, never through a markup parser. The caps
below bound what one page can cost the catalogue and the screen.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from tuiguide.core.text.sanitize import clean_text

_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")

KINDS = ("article", "arxiv", "github", "pdf", "video")
"""What the page is; the reader marks the special ones (a video shows its description)."""

MAX_TITLE = 300
"""Characters of a title, site or author kept (a 100,000-character title ends in "…")."""
MAX_TEXT = 1_000_000
"""Characters of text kept: a long book chapter; past it the text ends with a note."""
MAX_LINKS = 2000
MAX_URL = 2000
WORDS_PER_MINUTE = 230
"""Reading speed of an adult reading to learn, the figure reading-time estimates use."""

TRUNCATED_NOTE = "\n\n*[The text stops here: the page is longer than tuiguide keeps.]*\n"


class ExtractError(Exception):
    """A page that gave no readable text. ``str()`` is a one-line phrase for the user
    (the caller adds the URL), kept as the recorded outcome of that fetch."""

    def __init__(self, message: str):
        super().__init__(clean_text(message, limit=300))


@dataclass(frozen=True)
class Link:
    """A link from the text: the text shows ``text``, the URL stays at hand here."""

    text: str
    url: str


@dataclass(frozen=True)
class Article:
    """A page reduced to what a reader needs; ``text`` is Markdown."""

    url: str
    kind: str
    title: str
    text: str
    site: str | None = None
    author: str | None = None
    published: str | None = None
    links: tuple[Link, ...] = field(default_factory=tuple)
    pdf_url: str | None = None
    truncated: bool = False
    words: int = 0

    @property
    def reading_minutes(self) -> int:
        """Whole minutes at :data:`WORDS_PER_MINUTE`, at least one for any text."""
        return max(1, math.ceil(self.words / WORDS_PER_MINUTE)) if self.words else 0

    def as_json(self) -> dict[str, Any]:
        """A JSON-ready dict (what ``read --json`` and the store build on)."""
        return {
            "url": self.url,
            "kind": self.kind,
            "title": self.title,
            "site": self.site,
            "author": self.author,
            "published": self.published,
            "text": self.text,
            "words": self.words,
            "reading_minutes": self.reading_minutes,
            "links": [{"text": link.text, "url": link.url} for link in self.links],
            "pdf_url": self.pdf_url,
            "truncated": self.truncated,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Article:
        """The inverse of :meth:`as_json` (derived fields are recomputed, not trusted)."""
        return make_article(
            url=str(data.get("url") or ""),
            kind=str(data.get("kind") or "article"),
            title=str(data.get("title") or ""),
            text=str(data.get("text") or ""),
            site=data.get("site"),
            author=data.get("author"),
            published=data.get("published"),
            links=[(str(x.get("text", "")), str(x.get("url", ""))) for x in data.get("links") or []
                   if isinstance(x, dict)],
            pdf_url=data.get("pdf_url"),
            truncated=bool(data.get("truncated")),
        )


def count_words(text: str) -> int:
    """Words as a reader counts them: letters or digits, joined by an apostrophe or a hyphen
    (Markdown's marks and a link's punctuation are not words)."""
    return sum(1 for _ in _WORD.finditer(text))


def _line(value: object, limit: int = MAX_TITLE) -> str | None:
    text = clean_text(value, limit=limit).strip() if value is not None else ""
    return text or None


def make_article(
    *,
    url: str,
    kind: str,
    title: str,
    text: str,
    site: object = None,
    author: object = None,
    published: object = None,
    links: list[tuple[str, str]] | tuple[tuple[str, str], ...] = (),
    pdf_url: str | None = None,
    truncated: bool = False,
) -> Article:
    """Build an :class:`Article` with every string cleaned and capped; the one way one is made.

    ``text`` keeps its lines (multiline cleaning); a text over :data:`MAX_TEXT` is cut at a
    line break and ends with a note. Links keep the first :data:`MAX_LINKS` distinct URLs.
    """
    body = clean_text(text, multiline=True).strip("\n")
    body = "\n".join(line.rstrip() for line in body.split("\n"))
    if len(body) > MAX_TEXT:
        cut = body.rfind("\n", 0, MAX_TEXT)
        body = body[: cut if cut > MAX_TEXT // 2 else MAX_TEXT].rstrip() + TRUNCATED_NOTE
        truncated = True
    seen: set[str] = set()
    kept: list[Link] = []
    for link_text, link_url in links:
        target = clean_text(link_url).strip()
        if not target or len(target) > MAX_URL or target in seen:
            continue
        seen.add(target)
        kept.append(Link(text=clean_text(link_text, limit=MAX_TITLE).strip() or target, url=target))
        if len(kept) >= MAX_LINKS:
            break
    pdf = clean_text(pdf_url).strip() if pdf_url else ""
    return Article(
        url=clean_text(url).strip(),
        kind=kind if kind in KINDS else "article",
        title=_line(title) or clean_text(url, limit=MAX_TITLE).strip(),
        text=body,
        site=_line(site),
        author=_line(author),
        published=_line(published, 40),
        links=tuple(kept),
        pdf_url=pdf if pdf and len(pdf) <= MAX_URL else None,
        truncated=truncated,
        words=count_words(body),
    )
