"""A web page's main content through trafilatura (loaded only where pages are extracted).

trafilatura is the best-measured open-source main-content extractor for Python: it drops
navigation, sidebars, comments, scripts, styles and forms by looking at the page, not by a
list of site rules tuiguide would have to keep up. ``TRAFILATURA_OPTIONS`` holds the options
chosen on real news and blog pages with known article text (``bench/extract_quality.py``
measures them; re-run it before changing one).
"""

from __future__ import annotations

from typing import Any

from trafilatura import bare_extraction
from trafilatura.metadata import extract_metadata
from trafilatura.settings import Document

from tuiguide.core.reader.article import Article, ExtractError, make_article
from tuiguide.core.reader.markdown import take_links, to_markdown

TRAFILATURA_OPTIONS: dict[str, Any] = {
    # Reader comments are not the article: a reader opens the page for its text.
    "include_comments": False,
    "include_tables": True,
    # Images cannot be shown in a terminal; their alt text would read as stray words.
    "include_images": False,
    # Headings, lists, emphasis and code, rendered as Markdown.
    "include_formatting": True,
    # Kept in the tree so their addresses can be listed beside the text.
    "include_links": True,
    "with_metadata": True,
    # The default mode (neither precision nor recall favoured) retries a short extraction
    # with recall settings itself; it scores best on the benchmark.
    "favor_precision": False,
    "favor_recall": False,
    "deduplicate": False,
    # Form controls never hold the article. trafilatura drops whole forms in its main pass but
    # its fallback (the page's text, when the main pass finds none) keeps their labels; only
    # the controls go, since some sites wrap the whole page in one <form>.
    "prune_xpath": ["//button", "//input", "//select", "//textarea", "//option", "//datalist"],
}


def extract_page(html: str, url: str, *, kind: str = "article", keep_title: bool = False
                 ) -> Article:
    """The main content of an HTML page as an :class:`Article`; :class:`ExtractError` when
    the page holds no text a reader would want (an empty page, a login wall, a page of
    scripts). ``keep_title`` keeps a first heading that repeats the title."""
    document = bare_extraction(html, url=url or None, **TRAFILATURA_OPTIONS)
    if not isinstance(document, Document) or document.body is None:
        raise ExtractError("no readable text found on the page")
    title = document.title or ""
    links = take_links(document.body, url)
    text = to_markdown(document.body, drop_heading=None if keep_title else title or None)
    if not text.strip():
        raise ExtractError("no readable text found on the page")
    return make_article(
        url=url,
        kind=kind,
        title=title,
        text=text,
        site=document.sitename or document.hostname,
        author=document.author,
        published=document.date,
        links=links,
    )


def page_metadata(html: str, url: str) -> dict[str, str | None]:
    """Title, site, author, date and description of a page without extracting its text
    (for the special pages whose content is found elsewhere)."""
    meta = extract_metadata(html, url or None)
    return {
        "title": meta.title,
        "site": meta.sitename or meta.hostname,
        "author": meta.author,
        "published": meta.date,
        "description": meta.description,
    }
