"""Adding one's own link: the page's title, description and author read with the feeds' HTTP client
(its timeouts and size cap), a duplicate URL found by its normalised form, then placed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from tuiguide.core.errors import UserError
from tuiguide.core.library import store
from tuiguide.core.text.sanitize import clean_text
from tuiguide.core.text.urls import is_openable, normalise_url

if TYPE_CHECKING:
    from tuiguide.core.feeds.fetch import FetchSettings
    from tuiguide.core.store.catalogue import Catalogue


@dataclass(frozen=True)
class PageInfo:
    """What a page says about itself; ``error`` says why nothing could be read."""

    title: str = ""
    description: str = ""
    author: str = ""  # <meta name=author>, article:author or JSON-LD (trafilatura reads them)
    error: str | None = None


def check_url(link: str) -> str:
    """The normalised URL of a link the user typed; one-line error when it is no web link."""
    link = link.strip()
    if not is_openable(link):
        raise UserError(f"{clean_text(link, limit=200)!r} is not a web link; "
                        "paste one starting with https://")
    return normalise_url(link)


def existing(catalogue: Catalogue, link: str) -> int | None:
    """The resource already holding this link (by normalised URL), if any."""
    return store.resource_by_url(catalogue, check_url(link))


def read_page(link: str, settings: FetchSettings | None = None) -> PageInfo:
    """Fetch the page once (blocking: call it from a worker or the shell) and read its
    title, description and author; never raises for network trouble."""
    from tuiguide.core.feeds.fetch import FetchRequest, FetchResult, run_fetches

    got: list[FetchResult] = []
    run_fetches([FetchRequest(0, link)], lambda _req, res: got.append(res), settings)
    result = got[0] if got else None
    if result is None or not result.ok or not result.body:
        return PageInfo(error=(result.error if result else None) or "the page could not be read")
    from tuiguide.core.reader.decode import decode_page
    from tuiguide.core.reader.page import page_metadata

    try:
        html, _codec = decode_page(result.body, result.content_type)
        meta = page_metadata(html, result.final_url or link)
    except Exception as exc:  # a hostile page: the user types the title instead
        return PageInfo(error=f"the page could not be read ({type(exc).__name__})")
    return PageInfo(
        title=clean_text(meta.get("title") or "", limit=300).strip(),
        description=clean_text(meta.get("description") or "", limit=1000).strip(),
        author=clean_text(meta.get("author") or "", limit=200).strip(),
    )


def add_link(catalogue: Catalogue, link: str, *, title: str, description: str,
             topic_id: int, tier: int | None, author: str = "") -> tuple[int, int]:
    """Place a new own link; (resource id, placement id). :class:`DuplicateLink` when its
    URL is already in the catalogue."""
    url = check_url(link)
    title = clean_text(title, limit=500).strip()
    if not title:
        raise UserError("a link needs a title; type one (or pass --title)")
    return store.add_own_link(
        catalogue, url=url, link=link.strip(), title=title,
        description=clean_text(description, limit=2000, multiline=True).strip(),
        author=clean_text(author, limit=200).strip() or None, topic_id=topic_id, tier=tier)
