"""Fetched pages made readable: a page's bytes in, its main text as Markdown out.

Importing this package is cheap (no trafilatura, lxml or pypdf): the extractor and its
libraries load inside the worker process :class:`Extractor` starts, or on the first call of
:func:`extract` in tests and tools.
"""

from __future__ import annotations

from tuiguide.core.reader.article import Article, ExtractError, Link
from tuiguide.core.reader.worker import Extractor

__all__ = ["Article", "ExtractError", "Extractor", "Link", "extract"]


def extract(body: bytes, *, url: str, content_type: str | None = None) -> Article:
    """Extract in this process, with no time limit: for tests and tools. The app and batch
    fetches use :class:`Extractor`, which a hostile page cannot stall."""
    from tuiguide.core.reader.pipeline import extract_article

    return extract_article(body, url=url, content_type=content_type)
