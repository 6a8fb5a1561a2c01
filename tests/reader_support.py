"""A real HTTP server on 127.0.0.1 serving the reader's page shapes, and a guide linking to
them, for the fetch, CLI and app tests.

arXiv and GitHub pages are recognised by their host, so those two are served through the
same server acting as an HTTP proxy (``HTTP_PROXY`` set by :func:`use_proxy`, 127.0.0.1 left
out of it): the client asks for ``http://arxiv.org/abs/...`` and nothing leaves the machine.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import reader_pages
from feeds_support import FeedServer, Route
from tuiguide.core.store.catalogue import Catalogue

ARXIV = "http://arxiv.org/abs/2309.06180"
GITHUB = "http://github.com/ada/tinyserve"
HTML = "text/html; charset=utf-8"


def serve_site(server: FeedServer) -> FeedServer:
    """Every page shape at a path of ``server`` (see :func:`site_guide` for which is which)."""
    r = server.routes
    r["/blog"] = Route(reader_pages.blog_post().body, content_type=HTML, etag='"blog-1"')
    r["/news"] = Route(reader_pages.news_article().body, content_type=HTML)
    r["/paper.pdf"] = Route(reader_pages.pdf_page().body, content_type="application/pdf")
    r["/creme"] = Route(reader_pages.latin1_page().body, content_type="text/html")
    r["/start"] = Route(status=301, location="/hop")
    r["/hop"] = Route(status=302, location="/news")
    r["/gone"] = Route(b"gone", status=410, content_type="text/plain")
    r[ARXIV] = Route(reader_pages.arxiv_page().body, content_type=HTML)
    r[GITHUB] = Route(reader_pages.github_page().body, content_type=HTML)
    return server


def site_guide(server: FeedServer) -> str:
    """A guide whose resources (IDs 1..9 in this order) are the served pages."""
    u = server.url
    return f"""# Reading Guide

Links to read offline.

## 1. Pages

### Tier 1

- [Blog post]({u('/blog')}) - Ada. Code blocks.
- [News article]({u('/news')}) - Jane. Sidebar and comments.
- [Paper]({ARXIV}) - Kwon. An arXiv abstract.
- [Repository]({GITHUB}) - Ada. A README.

## 2. More pages

### Tier 1

- [A PDF]({u('/paper.pdf')}) - Kwon. A paper.
- [Moved]({u('/start')}) - Jane. A redirect chain.
- [Missing]({u('/missing')}) - Nobody. A 404.
- [Crème]({u('/creme')}) - Chef. Latin-1 in meta only.
- [Gone]({u('/gone')}) - Nobody. A 410.
"""


def use_proxy(monkeypatch: pytest.MonkeyPatch, server: FeedServer) -> None:
    """Send plain-HTTP requests for other hosts through ``server`` (see the module doc)."""
    monkeypatch.setenv("HTTP_PROXY", server.base)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    for name in ("http_proxy", "no_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)


def site_catalogue(path: Path, server: FeedServer) -> Catalogue:
    """A catalogue holding only :func:`site_guide` (no default feeds)."""
    cat = Catalogue.open(path, seed=False)
    cat.import_text(site_guide(server), source="site-guide")
    cat.conn.execute("DELETE FROM feeds")
    return cat


def running_site(monkeypatch: pytest.MonkeyPatch) -> Iterator[FeedServer]:
    """For a fixture: the site server started (with the proxy set), stopped afterwards."""
    server = serve_site(FeedServer()).start()
    use_proxy(monkeypatch, server)
    try:
        yield server
    finally:
        server.stop()


def store_text(cat: Catalogue, resource_id: int, text: str, *, title: str = "Page",
               now: str = "2026-01-02T00:00:00Z") -> None:
    """Store ``text`` as resource ``resource_id``'s article, as a fetch stores it."""
    from tuiguide.core.articles import store
    from tuiguide.core.reader.article import Article

    url, link = cat.conn.execute("SELECT url, link FROM resources WHERE id = ?",
                                 (resource_id,)).fetchone()
    article = Article(url=link, kind="article", title=title, text=text, words=len(text.split()))
    store.save(cat, store.Target(url, link, resource_id), article, final_url=link,
               http_status=200, etag=None, last_modified=None, now=now)


def mark_dead(cat: Catalogue, resource_id: int, now: str = "2026-01-02T00:00:00Z") -> None:
    """Record a 404 for the resource's link (dead at once)."""
    from tuiguide.core.articles import store

    url, link = cat.conn.execute("SELECT url, link FROM resources WHERE id = ?",
                                 (resource_id,)).fetchone()
    store.record_check(cat, store.Target(url, link, resource_id), status=404, error=None, now=now)
