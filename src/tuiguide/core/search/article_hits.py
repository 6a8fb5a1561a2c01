"""Search over stored article text: the parts of a query the articles index answers, and
the sentence a result found only in its article shows.

The engine (:mod:`tuiguide.core.search.engine`) asks the store for the matches and pages
them after the documents' own; this module holds what needs no database.
"""

from __future__ import annotations

import re
from dataclasses import replace

from tuiguide.core.search.query import ParsedQuery
from tuiguide.core.store.article_search import MARK_END, MARK_START

ARTICLE_FIELD = "article"
SENTENCE_CHARS = 240
# Field words (author:x) search the article's text; title:x its title.
ARTICLE_COLUMNS = {"title": "title", "author": "text", "description": "text", "note": "text"}
_BOUNDARY = re.compile(r"(?<=[.!?])\s+|\n+")
_MARKDOWN_LINK = re.compile(r"\[([^\]\n]*)\]\([^)\s]*\)")
_MARKDOWN_NOISE = re.compile(r"[*_`#>|]+")


RANK_LIMIT = 100
"""While typing, when more articles than this match the words they are listed unranked
(bm25 over a long text costs about 40 microseconds, before any filter applies)."""


COUNT_LIMIT = 200
"""While typing, article matches are counted up to this many (the list shows that many
after the resources' own matches; the CLI counts and ranks them all)."""


SCAN_LIMIT = 600
"""While typing, only the first this many matching articles (in storage order) are looked at:
a filter that keeps few of them would otherwise cost a lookup per match."""


SKIP_ABOVE = 1000
"""While typing, when the resources' own text matches more than this many, the articles are
not searched (their hits would come after all of those)."""
SNIPPETS = 40
"""While typing, the matching sentence is found for the first this many article hits of a
page (a screenful); the others show :data:`UNSHOWN` until the page is read again."""
UNSHOWN = "…"


def article_expression(parsed: ParsedQuery) -> str:
    """The words as an FTS5 expression over the articles' title and text. Whole words only:
    a prefix (the word being typed) would merge the lists of thousands of words of text."""
    exact = ParsedQuery(raw=parsed.raw,
                        groups=[[replace(t, prefix=False) for t in g] for g in parsed.groups],
                        excluded=list(parsed.excluded))
    return exact.text_expression(ARTICLE_COLUMNS)


def searches_articles(parsed: ParsedQuery) -> bool:
    """Whether plain words also look in article text (not when only some fields are asked)."""
    return parsed.has_text and (not parsed.fields or ARTICLE_FIELD in parsed.fields)


def sentence(marked: str) -> str:
    """The sentence around the first matched word of an FTS5 snippet (words marked with
    \\x02...\\x03), unmarked, Markdown links and emphasis reduced to their words."""
    start = marked.find(MARK_START)
    if start < 0:
        text = marked
    else:
        end = marked.find(MARK_END, start)
        end = len(marked) if end < 0 else end
        before = [m.end() for m in _BOUNDARY.finditer(marked, 0, start)]
        after = _BOUNDARY.search(marked, end)
        text = marked[before[-1] if before else 0: after.start() if after else len(marked)]
    text = text.replace(MARK_START, "").replace(MARK_END, "")
    text = _MARKDOWN_NOISE.sub("", _MARKDOWN_LINK.sub(r"\1", text))
    text = " ".join(text.split()).strip("…").strip()
    if len(text) > SENTENCE_CHARS:
        text = text[: SENTENCE_CHARS - 1].rstrip() + "…"
    return text
