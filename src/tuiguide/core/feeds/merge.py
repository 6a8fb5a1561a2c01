"""Which of a feed's parsed entries are new, which changed, and which are already stored
through another feed. Decided in memory from a few lookups per feed, then written in bulk,
so storing a feed costs a handful of statements however many entries it carries.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tuiguide.core.feeds import store

if TYPE_CHECKING:
    from tuiguide.core.feeds.models import StoredEntry
    from tuiguide.core.feeds.parse import ParsedEntry
    from tuiguide.core.store.catalogue import Catalogue

CONTENT = ("url", "link", "raw_link", "title", "author", "summary", "published_at")
"""What a feed may change in an entry it sent before (its state and dates stay ours)."""


@dataclass
class EntryWrites:
    """Rows to insert, rows to rewrite (by id), and how many inserted rows reach the Inbox."""

    new: list[dict[str, Any]] = field(default_factory=list)
    changed: list[dict[str, Any]] = field(default_factory=list)
    inbox: int = 0


def plan_entries(
    feed_id: int,
    entries: Iterable[ParsedEntry],
    now: str,
    known: dict[str, StoredEntry],
    held: dict[str, int],
    resources: dict[str, int],
) -> EntryWrites:
    """The writes that store ``entries`` for ``feed_id``, in feed order.

    ``known``: the feed's stored entries by identity; ``held``: how many stored entries (of
    any feed) have each link a new entry has; ``resources``: guide resources by link. An
    entry seen before is rewritten only when its content changed; a new one whose link an
    entry already has (another feed, or a changed guid) is not stored again; a new one whose
    link is already in the guide is stored out of the Inbox. Each entry sees what the ones
    before it in the feed wrote.
    """
    writes = EntryWrites()
    holding: dict[str | None, int] = {url: n for url, n in held.items()}  # kept current
    current: dict[str, dict[str, Any]] = {
        identity: {c: getattr(s, c) for c in CONTENT} for identity, s in known.items()
    }
    rows: dict[str, dict[str, Any]] = {}  # identity -> the row this plan writes for it
    for e in entries:
        content = {c: getattr(e, c) for c in CONTENT}
        seen = current.get(e.identity)
        if seen is not None:
            if seen == content:
                continue
            row = rows.get(e.identity)
            if row is None:
                s = known[e.identity]
                row = rows[e.identity] = {"id": s.id, "feed_id": feed_id, "identity": e.identity,
                                          "sort_at": s.sort_at, "fetched_at": s.fetched_at}
                writes.changed.append(row)
            if seen["url"] != e.url:
                holding[seen["url"]] = holding.get(seen["url"], 0) - 1
                holding[e.url] = holding.get(e.url, 0) + 1
            row.update(content)
            current[e.identity] = content
            continue
        if e.url and holding.get(e.url, 0) > 0:
            continue  # the same post through another feed (or a changed guid): stored once
        resource = resources.get(e.url) if e.url else None
        row = rows[e.identity] = {
            "feed_id": feed_id, "identity": e.identity, **content,
            "sort_at": e.published_at if e.published_at and e.published_at <= now else now,
            "state": "in_guide" if resource else "new",
            "state_at": now if resource else None,
            "resource_id": resource, "fetched_at": now,
        }
        writes.new.append(row)
        current[e.identity] = content
        if e.url:
            holding[e.url] = holding.get(e.url, 0) + 1
        if resource is None:
            writes.inbox += 1
    return writes


def store_entries(cat: Catalogue, feed_id: int, entries: Iterable[ParsedEntry], now: str
                  ) -> int:
    """Insert the feed's unseen entries, rewrite changed ones; return how many reached the
    Inbox. Reads what is stored once per feed, not once per entry."""
    entries = list(entries)
    known = store.stored_entries(cat, feed_id)
    held, resources = store.links_stored(
        cat, (e.url for e in entries if e.url and e.identity not in known)
    )
    writes = plan_entries(feed_id, entries, now, known, held, resources)
    store.write_entries(cat, writes.new, writes.changed)
    return writes.inbox
