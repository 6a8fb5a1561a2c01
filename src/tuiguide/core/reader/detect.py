"""What kind of page a response is, and whether it is small enough to extract at all.

Cheap checks on the URL, the ``Content-Type`` and the first bytes, run before any parsing
(also in the app's process, so an oversized body is refused without being sent to the
extraction worker).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from tuiguide.core.reader.article import ExtractError

MB = 1024 * 1024
MAX_PAGE_BYTES = 5 * MB
"""Largest HTML page extracted. The heaviest real articles (inline scripts and data) stay
well under it; past it a page is a dump or an attack, and parsing it costs seconds."""
MAX_PDF_BYTES = 30 * MB
"""Largest PDF read: a long paper with figures fits; a scanned book does not."""

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml", "application/xml", "text/xml"})
TEXT_TYPES = frozenset({"text/plain", "text/markdown", "text/x-markdown"})
PDF_TYPES = frozenset({"application/pdf", "application/x-pdf"})

_VIDEO_HOSTS = ("youtube.com", "youtu.be", "vimeo.com", "dailymotion.com", "twitch.tv")
# GitHub paths whose first segment is a GitHub page, not an owner.
_GITHUB_RESERVED = frozenset({
    "about", "apps", "collections", "customer-stories", "enterprise", "events", "explore",
    "features", "issues", "login", "marketplace", "new", "notifications", "orgs", "pricing",
    "pulls", "search", "settings", "signup", "site", "sponsors", "topics", "trending",
})
_OG_VIDEO = re.compile(
    rb"""<meta[^>]+(?:property\s*=\s*["']og:type["'][^>]+content\s*=\s*["']video"""
    rb"""|content\s*=\s*["']video[^>]+property\s*=\s*["']og:type["'])""", re.I
)
_SNIFF_BYTES = 64 * 1024


def media_type(content_type: str | None) -> str:
    """The bare, lower-case media type of a ``Content-Type`` header ('' when absent)."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def _host(url: str) -> str:
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""
    return host[4:] if host.startswith("www.") else host


def _on(host: str, domain: str) -> bool:
    return host == domain or host.endswith("." + domain)


def is_pdf(body: bytes, content_type: str | None) -> bool:
    """A PDF by its type or its signature (servers often send PDFs as octet-stream)."""
    return media_type(content_type) in PDF_TYPES or body[:1024].lstrip().startswith(b"%PDF-")


def kind_of(url: str, content_type: str | None, body: bytes) -> str:
    """``pdf``, ``arxiv``, ``github``, ``video`` or ``article`` for a fetched response."""
    if is_pdf(body, content_type):
        return "pdf"
    host = _host(url)
    try:
        path = [part for part in urlsplit(url).path.split("/") if part]
    except ValueError:
        path = []
    if _on(host, "arxiv.org") and len(path) >= 2 and path[0] == "abs":
        return "arxiv"
    if host == "github.com" and len(path) >= 2 and path[0].lower() not in _GITHUB_RESERVED and (
        len(path) == 2 or path[2] == "tree"
    ):
        return "github"
    if any(_on(host, domain) for domain in _VIDEO_HOSTS):
        return "video"
    return "article"


def says_video(body: bytes) -> bool:
    """The page calls itself a video (``og:type`` ``video.*``). News sites say so of articles
    with a clip at the top too, so this alone does not make a page a video."""
    return _OG_VIDEO.search(body[:_SNIFF_BYTES]) is not None


def check_extractable(body: bytes, content_type: str | None) -> None:
    """Raise :class:`ExtractError` for a response that is not worth parsing: empty, over its
    size cap (:data:`MAX_PAGE_BYTES`, :data:`MAX_PDF_BYTES`), or of a type with no text
    (an image, an archive)."""
    if not body.strip():
        raise ExtractError("the page is empty")
    if is_pdf(body, content_type):
        if len(body) > MAX_PDF_BYTES:
            raise ExtractError(f"PDF larger than {MAX_PDF_BYTES // MB} MB; open it in a browser")
        return
    mime = media_type(content_type)
    if mime and mime not in HTML_TYPES and mime not in TEXT_TYPES and not mime.endswith("+xml"):
        raise ExtractError(f"not a page with text ({mime}); open it in a browser")
    if len(body) > MAX_PAGE_BYTES:
        raise ExtractError(f"page larger than {MAX_PAGE_BYTES // MB} MB; open it in a browser")
