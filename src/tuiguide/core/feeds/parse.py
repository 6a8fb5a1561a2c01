"""Turn fetched feed bytes into plain records: hostile XML in, inert text out.

* DOCTYPE declarations are cut out before feedparser sees the bytes
  (:mod:`tuiguide.core.feeds.prolog`: no entity to expand, no external entity to resolve).
* feedparser gets bytes through ``io.BytesIO`` (given a str it would open a local path).
* Titles and summaries become plain text (tags stripped, entities unescaped); they are
  stored as data and cleaned with :func:`tuiguide.core.text.sanitize.clean_text` at display time.
* Links are kept as openable only when they are http(s); the raw text is kept aside.
"""

from __future__ import annotations

import calendar
import hashlib
import io
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any

import feedparser

from tuiguide.core.feeds.prolog import repair_utf8, strip_doctype
from tuiguide.core.text.stamps import utc_stamp
from tuiguide.core.text.urls import is_openable, normalise_url

MAX_ENTRIES = 500
MAX_TITLE = 500
MAX_AUTHOR = 200
MAX_SUMMARY = 4000
MAX_LINK = 4000

FEEDPARSER_OPTIONS: dict[str, bool] = {"sanitize_html": False, "resolve_relative_uris": False}
"""feedparser's HTML sanitiser and relative-URI rewriting produce HTML for a browser; tuiguide
turns every title and summary into plain text (:func:`html_to_text`, which drops scripts and
styles with their content) and keeps no links from inside content, so both passes would be
thrown away, and a well-formed feed parses much faster without them. A malformed one is
parsed again with them (tests/core/feeds/test_feeds_parse_options.py checks that what is
stored is the same)."""


@dataclass
class ParsedEntry:
    identity: str
    url: str | None
    link: str | None
    raw_link: str | None
    title: str
    author: str | None
    summary: str
    published_at: str | None


@dataclass
class ParsedFeed:
    title: str = ""
    site_url: str | None = None
    entries: list[ParsedEntry] = field(default_factory=list)
    problem: str | None = None
    is_feed: bool = True
    total_entries: int = 0


# --------------------------------------------------------------------------- HTML to text
def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


_BLOCK = _names(
    "address article aside blockquote dd div dl dt figcaption figure footer form h1 h2 h3 h4 "
    "h5 h6 header hr li main nav ol p pre section table tr ul"
)
# Elements whose content is never text a reader should see (feedparser's own sanitiser
# drops script, style and applet with their content; the rest are kept out here too).
_SKIP = _names("script style head template noscript iframe object svg math applet")


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skip += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCK:
            self.parts.append("\n\n" if tag == "p" else "\n")
            if tag == "li":
                self.parts.append("• ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br" or tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCK and tag != "li":
            self.parts.append("\n\n" if tag == "p" else "\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def html_to_text(html: str, *, multiline: bool = True) -> str:
    """Plain text of an HTML fragment: tags gone, entities unescaped, whitespace tidied."""
    if not html:
        return ""
    if "<" not in html and "&" not in html:
        text = html
    else:
        parser = _TextExtractor()
        try:
            parser.feed(html)
            parser.close()
        except (AssertionError, ValueError):  # pragma: no cover - html.parser is lenient
            pass
        text = "".join(parser.parts)
    if not multiline:
        return " ".join(text.split())
    lines = [" ".join(line.split()) for line in text.replace("\r", "\n").split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --------------------------------------------------------------------------- entries
def _detail_text(value: str, detail: Any, *, multiline: bool) -> str:
    kind = (detail or {}).get("type", "") if isinstance(detail, dict) else ""
    if "html" in kind or "xml" in kind or "<" in value:
        return html_to_text(value, multiline=multiline)
    return value.strip() if multiline else " ".join(value.split())


def _when(parsed: Any) -> str | None:
    if not parsed:
        return None
    try:
        seconds = calendar.timegm(parsed)
        if seconds < 0:
            return None
        return utc_stamp(datetime.fromtimestamp(seconds, UTC))
    except (TypeError, ValueError, OverflowError, OSError):
        return None  # not a date, or one past the year 9999


def _entry_author(entry: Any) -> str | None:
    author = entry.get("author") or ""
    if not author:
        authors = entry.get("authors") or []
        names = [a.get("name", "") for a in authors if isinstance(a, dict) and a.get("name")]
        author = ", ".join(names)
    author = html_to_text(author, multiline=False)
    return _cut(author, MAX_AUTHOR) if author else None


def _entry_summary(entry: Any) -> str:
    value = entry.get("summary") or ""
    detail = entry.get("summary_detail")
    if not value:
        contents = entry.get("content") or []
        if contents and isinstance(contents[0], dict):
            value = contents[0].get("value", "")
            detail = contents[0]
    return _cut(_detail_text(value, detail, multiline=True), MAX_SUMMARY)


def _parse_entry(entry: Any) -> ParsedEntry | None:
    raw_link = (entry.get("link") or "").strip()[:MAX_LINK] or None
    link = raw_link if raw_link and is_openable(raw_link) else None
    url = normalise_url(link) if link else None
    title = _cut(_detail_text(entry.get("title") or "", entry.get("title_detail"),
                              multiline=False), MAX_TITLE)
    summary = _entry_summary(entry)
    guid = (entry.get("id") or "").strip()
    if guid:
        identity = "id:" + guid[:MAX_LINK]
    elif url:
        identity = "url:" + url
    elif raw_link:
        identity = "link:" + raw_link
    elif title or summary:
        digest = hashlib.sha256((title + "\n" + summary).encode("utf-8", "replace")).hexdigest()
        identity = "text:" + digest[:32]
    else:
        return None
    if not title:
        title = link or _cut(summary.split("\n", 1)[0], 120) or "(untitled)"
    return ParsedEntry(
        identity=identity,
        url=url,
        link=link,
        raw_link=raw_link,
        title=title,
        author=_entry_author(entry),
        summary=summary,
        published_at=_when(entry.get("published_parsed") or entry.get("updated_parsed")),
    )


def _problem_text(exc: Any) -> str:
    text = " ".join(str(exc).split()) or exc.__class__.__name__
    if text.startswith("<unknown>:"):
        # SAX positions read "<unknown>:3:37: undefined entity"
        pos, _, msg = text[len("<unknown>:") :].partition(": ")
        line = pos.split(":", 1)[0]
        text = f"{msg} (line {line})" if line.isdigit() else text
    return _cut(text, 200)


def parse_feed(body: bytes, *, url: str = "", content_type: str = "") -> ParsedFeed:
    """Parse feed bytes; a malformed feed keeps what parsed and names the problem."""
    body, had_doctype = strip_doctype(body)
    body, repaired = repair_utf8(body, content_type)
    headers = {"content-location": url} if url else {}
    if content_type:
        headers["content-type"] = content_type
    try:
        parsed = feedparser.parse(io.BytesIO(body), response_headers=headers,
                                  **FEEDPARSER_OPTIONS)
        if parsed.get("bozo") and FEEDPARSER_OPTIONS:
            # Malformed: feedparser's loose parser hands on broken entities that its sanitiser
            # would have repaired; parse such (rare) feeds again the careful way.
            parsed = feedparser.parse(io.BytesIO(body), response_headers=headers)
    except (ValueError, LookupError, TypeError) as exc:  # e.g. encoding="\x00tf-8"
        return ParsedFeed(is_feed=False, problem="not a readable feed: " + _problem_text(exc))
    out = ParsedFeed()
    feed = parsed.get("feed", {}) or {}
    out.title = _cut(_detail_text(feed.get("title") or "", feed.get("title_detail"),
                                  multiline=False), MAX_TITLE)
    site = (feed.get("link") or "").strip()
    out.site_url = site if is_openable(site) else None
    raw_entries = parsed.get("entries") or []
    out.total_entries = len(raw_entries)
    for entry in raw_entries[:MAX_ENTRIES]:
        parsed_entry = _parse_entry(entry)
        if parsed_entry is not None:
            out.entries.append(parsed_entry)
    version = parsed.get("version") or ""
    problems = []
    if had_doctype:
        problems.append("DOCTYPE removed (entity declarations are not allowed)")
    if repaired:
        problems.append("invalid UTF-8 bytes replaced")
    bozo = parsed.get("bozo") and not isinstance(
        parsed.get("bozo_exception"), feedparser.CharacterEncodingOverride
    )
    if bozo:
        problems.append("malformed feed: " + _problem_text(parsed.get("bozo_exception")))
    if not raw_entries and not version:
        out.is_feed = False
        looks_html = "html" in content_type.lower() or b"<html" in body[:2048].lower()
        if looks_html:
            problems = ["not an RSS or Atom feed (the server sent an HTML page)"]
        else:
            problems.insert(0, "not an RSS or Atom feed")
    elif bozo and raw_entries:
        problems.append(f"kept {len(out.entries)} entries that parsed")
    if out.total_entries > MAX_ENTRIES:
        problems.append(f"only the first {MAX_ENTRIES} of {out.total_entries} entries kept")
    out.problem = "; ".join(problems) or None
    return out
