"""One fetched response to one :class:`Article`, in this process.

The path a page takes: size and type checks, then PDF text, or the page decoded and handed
to the special case its kind calls for (arXiv, GitHub, video), or to trafilatura. Run it
inside :class:`~tuiguide.core.reader.worker.Extractor` wherever a hostile page must not stall
the caller; this module imports trafilatura, so only the worker and the tests load it.
"""

from __future__ import annotations

from tuiguide.core.reader import sites
from tuiguide.core.reader.article import Article, ExtractError, make_article
from tuiguide.core.reader.decode import decode_page
from tuiguide.core.reader.detect import (
    TEXT_TYPES,
    check_extractable,
    kind_of,
    media_type,
    says_video,
)
from tuiguide.core.reader.markdown import escape_markdown
from tuiguide.core.reader.page import extract_page
from tuiguide.core.reader.pdf import extract_pdf

VIDEO_ARTICLE_WORDS = 100
"""Words of text from which a page that calls itself a video is read as an article."""


def extract_article(body: bytes, *, url: str, content_type: str | None = None) -> Article:
    """The article in ``body`` (the response to ``url``, which should be the final URL after
    redirects); raises :class:`ExtractError` with a one-line reason when there is none."""
    check_extractable(body, content_type)
    kind = kind_of(url, content_type, body)
    if kind == "pdf":
        return extract_pdf(body, url)
    text, _encoding = decode_page(body, content_type)
    if media_type(content_type) in TEXT_TYPES:
        return _plain_text(text, url)
    if kind == "arxiv":
        return sites.arxiv_abstract(text, url)
    if kind == "github":
        return sites.github_readme(text, url)
    if kind == "video":
        return sites.video_page(text, url)
    if says_video(body):
        return _article_or_video(text, url)
    return extract_page(text, url)


def _article_or_video(text: str, url: str) -> Article:
    """A page that calls itself a video: its article when it has one, else its description."""
    try:
        article = extract_page(text, url)
    except ExtractError:
        return sites.video_page(text, url)
    return article if article.words >= VIDEO_ARTICLE_WORDS else sites.video_page(text, url)


def _plain_text(text: str, url: str) -> Article:
    """A text file: its words as they are (blank lines part paragraphs)."""
    lines = text.strip().splitlines()
    if not lines:
        raise ExtractError("the page is empty")
    title = lines[0].strip().lstrip("#").strip()
    return make_article(url=url, kind="article", title=title, text=escape_markdown(text))
