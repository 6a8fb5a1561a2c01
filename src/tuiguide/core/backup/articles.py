"""Stored page texts in a JSON export (``--with-articles``): checked before anything is
written, then merged like the rest of a restore: a text fetched later than the one the
catalogue holds replaces it, an equal or older one changes nothing, a missing one is added.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tuiguide.core.articles import store
from tuiguide.core.text.stamps import parse_utc, utc_stamp
from tuiguide.core.text.urls import normalise_url

if TYPE_CHECKING:
    from tuiguide.core.store.catalogue import Catalogue

_TEXT = ("link", "title", "text", "content_hash")
_OPTIONAL_TEXT = ("final_url", "kind", "site", "author", "published", "links", "pdf_url",
                  "etag", "last_modified")
_NUMBERS = ("http_status", "words", "truncated")


def parse_articles(raw: Any) -> list[dict[str, Any]]:
    """The ``articles`` of an export as rows for the store; ValueError says what is wrong."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise ValueError("\"articles\" must be a list")
    return [_article(i, item) for i, item in enumerate(raw)]


def _article(i: int, raw: Any) -> dict[str, Any]:
    where = f"article {i + 1}"
    if not isinstance(raw, dict):
        raise ValueError(f"{where} must be an object")
    url = raw.get("url")
    if not isinstance(url, str) or not url.strip():
        raise ValueError(f"{where} has no url")
    row: dict[str, Any] = {"url": normalise_url(url)}
    for name in _TEXT:
        if not isinstance(raw.get(name), str):
            raise ValueError(f"{where} {name} must be text")
        row[name] = raw[name]
    for name in _OPTIONAL_TEXT:
        value = raw.get(name)
        if value is not None and not isinstance(value, str):
            raise ValueError(f"{where} {name} must be text")
        row[name] = value
    for name in _NUMBERS:
        value = raw.get(name)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
            raise ValueError(f"{where} {name} must be a whole number")
        row[name] = value
    row["kind"] = row["kind"] or "article"
    row["final_url"] = row["final_url"] or row["link"]
    row["words"], row["truncated"] = row["words"] or 0, row["truncated"] or 0
    row["fetched_at"] = file_stamp(raw.get("fetched_at"), f"{where} fetched_at")
    return row


def file_stamp(value: Any, where: str) -> str:
    """A time from an export file, as the catalogue stores it (UTC,
    ``YYYY-MM-DDTHH:MM:SSZ``); ``ValueError`` naming ``where`` when it is not one."""
    if not isinstance(value, str):
        raise ValueError(f"{where} is not a time")
    try:
        return utc_stamp(parse_utc(value))
    except ValueError:
        raise ValueError(f"{where} is not a time ({value[:40]!r})") from None


def merge_articles(catalogue: Catalogue, rows: list[dict[str, Any]]) -> int:
    """Store the rows fetched later than (or missing from) the catalogue's; how many. Joins
    the caller's transaction when there is one."""
    ours = store.fetched_times(catalogue, [row["url"] for row in rows])
    newer: dict[str, dict[str, Any]] = {}
    for row in rows:
        have = ours.get(row["url"])
        if have is None or row["fetched_at"] > have:
            best = newer.get(row["url"])
            if best is None or row["fetched_at"] > best["fetched_at"]:
                newer[row["url"]] = {**row, "checked_at": row["fetched_at"]}
    store.save_many(catalogue, list(newer.values()))
    return len(newer)
