"""The reader's page fixtures (built in tests/reader_pages.py, shared with the fetch, CLI
and app tests) and an extractor to run them."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

import reader_pages
from reader_pages import Page
from tuiguide.core.reader import Extractor

__all__ = ["Page"]


@pytest.fixture
def paragraphs() -> list[str]:
    """The article's own sentences, as the pages hold them."""
    return list(reader_pages.PARAGRAPHS)


@pytest.fixture
def make_pdf() -> Callable[..., bytes]:
    """``make_pdf(pages, title=..., author=...)``: PDF bytes, one list of lines per page."""
    return reader_pages.build_pdf


@pytest.fixture
def blog_post() -> Page:
    return reader_pages.blog_post()


@pytest.fixture
def news_article() -> Page:
    return reader_pages.news_article()


@pytest.fixture
def latin1_page() -> Page:
    return reader_pages.latin1_page()


@pytest.fixture
def arxiv_page() -> Page:
    return reader_pages.arxiv_page()


@pytest.fixture
def github_page() -> Page:
    return reader_pages.github_page()


@pytest.fixture
def github_react_page() -> Page:
    return reader_pages.github_react_page()


@pytest.fixture
def video_page() -> Page:
    return reader_pages.video_page()


@pytest.fixture
def pdf_page() -> Page:
    return reader_pages.pdf_page()


@pytest.fixture
def extractor() -> Iterator[Extractor]:
    """A real extractor with a short time limit, so a stuck page fails the test fast."""
    with Extractor(timeout=4.0) as running:
        yield running
