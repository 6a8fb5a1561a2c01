"""Importing a guide: its topics, resources and placements written in one transaction.

Resources are identified by normalised URL across every guide; topics by their key (number,
else title) within the guide; placements by (topic, resource). What the file no longer has
is marked removed, never deleted (statuses and notes hang off resources; placements the user
filed from the Inbox, with no guide line, are theirs and stay). Rows are read once per
import and written in bulk with sqlite-utils (``insert_all`` for new rows, ``upsert_all`` of
whole rows for changed ones); unchanged rows are not written at all. The derived data
follows before the commit: the progress counts are recounted when placements changed, and
the search documents of the resources touched are refreshed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import chain
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from tuiguide.core.guides.parser import ParsedGuide, ParsedItem, slugify
from tuiguide.core.models import ImportReport
from tuiguide.core.store.connection import transaction
from tuiguide.core.store.counts import recount
from tuiguide.core.store.search_index import refresh_documents
from tuiguide.core.text.urls import normalise_url

if TYPE_CHECKING:
    from tuiguide.core.store.catalogue import Catalogue

RESOURCE_COLUMNS = (
    "id", "url", "link", "title", "author", "description", "origin", "status", "status_at",
    "started_at", "finished_at", "created_at", "updated_at",
)
PLACEMENT_COLUMNS = (
    "id", "resource_id", "guide_id", "topic_id", "section_id", "tier", "position", "title",
    "author", "description", "line", "added_at", "updated_at", "removed_at",
)
_P = {name: i for i, name in enumerate(PLACEMENT_COLUMNS)}
_R = {name: i for i, name in enumerate(RESOURCE_COLUMNS)}
_GUIDE_FIELDS = ("section_id", "tier", "title", "author", "description")
"""A placement's columns that come from the guide's line (its position and line aside)."""
_guide_fields = itemgetter(*(_P[c] for c in _GUIDE_FIELDS))


def import_guide(catalogue: Catalogue, parsed: ParsedGuide, source: str, digest: str) -> ImportReport:
    """Write ``parsed`` (a new guide, or a new version of one with the same title)."""
    now = catalogue.now()
    with _page_cache(catalogue, BULK_CACHE_MB), transaction(catalogue.conn):
        guide_id = _write_guide(catalogue, parsed, source, digest, now)
        report = ImportReport(guide_id=guide_id, guide=parsed.title)
        report.warnings.extend(parsed.warnings)
        topic_ids = _write_topics(catalogue, parsed, guide_id, now)
        report.topics = len(parsed.topics)
        urls = [normalise_url(item.url) for item in parsed.items]
        resource_ids, touched = _write_resources(catalogue, urls, parsed.items, now)
        report.resources = len(resource_ids)
        moved = _write_placements(
            catalogue, report, guide_id, topic_ids, resource_ids, urls, parsed.items, now
        )
        if moved:
            recount(catalogue)
        refresh_documents(catalogue, touched | moved)
        analyze_browsing_tables(catalogue)
    return report


def _write_guide(
    catalogue: Catalogue, parsed: ParsedGuide, source: str, digest: str, now: str
) -> int:
    conn = catalogue.conn
    slug = slugify(parsed.title)
    row = conn.execute("SELECT id FROM guides WHERE slug = ?", (slug,)).fetchone()
    if row:
        conn.execute(
            "UPDATE guides SET title = ?, description = ?, source = ?, content_hash = ?, "
            "imported_at = ? WHERE id = ?",
            (parsed.title, parsed.description, source, digest, now, row[0]),
        )
        return int(row[0])
    position = conn.execute("SELECT COALESCE(max(position) + 1, 0) FROM guides").fetchone()[0]
    guide_id = conn.execute(
        "INSERT INTO guides (slug, title, description, source, content_hash, position, "
        "imported_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (slug, parsed.title, parsed.description, source, digest, position, now),
    ).lastrowid
    assert guide_id is not None
    return guide_id


def _write_topics(catalogue: Catalogue, parsed: ParsedGuide, guide_id: int, now: str) -> dict[str, int]:
    """Topics matched across imports by key (their number, else their title); id by key."""
    conn = catalogue.conn
    existing = dict(conn.execute("SELECT key, id FROM topics WHERE guide_id = ?", (guide_id,)))
    topic_ids: dict[str, int] = {}
    for t in parsed.topics:
        parent_id = topic_ids.get(t.parent_key) if t.parent_key else None
        if t.key in existing:
            tid = existing[t.key]
            conn.execute(
                "UPDATE topics SET parent_id = ?, number = ?, title = ?, position = ?, "
                "removed_at = NULL WHERE id = ?",
                (parent_id, t.number, t.title, t.position, tid),
            )
        else:
            tid = conn.execute(
                "INSERT INTO topics (guide_id, parent_id, key, number, title, position) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (guide_id, parent_id, t.key, t.number, t.title, t.position),
            ).lastrowid
        topic_ids[t.key] = tid
    conn.executemany(
        "UPDATE topics SET removed_at = ? WHERE id = ? AND removed_at IS NULL",
        [(now, tid) for key, tid in existing.items() if key not in topic_ids],
    )
    return topic_ids


def _by_url(catalogue: Catalogue, columns: str, urls: list[str]) -> list[tuple[Any, ...]]:
    """``columns`` of the resources with the given normalised URLs (one query, any number)."""
    if not urls:
        return []
    return catalogue.conn.execute(
        f"SELECT {columns} FROM json_each(?) AS j JOIN resources r ON r.url = j.value",
        (json.dumps(urls),),
    ).fetchall()


def _write_resources(
    catalogue: Catalogue, urls: list[str], items: Sequence[ParsedItem], now: str
) -> tuple[dict[str, int], set[int]]:
    """Insert new resources, update the guide's text of known ones; (id by URL, ids whose
    text was written)."""
    first: dict[str, ParsedItem] = {}
    for url, item in zip(urls, items, strict=True):
        first.setdefault(url, item)
    ids: dict[str, int] = {}
    texts: dict[int, tuple[Any, ...]] = {}
    for url, rid, title, author, description, link, origin in _by_url(
        catalogue, "r.url, r.id, r.title, r.author, r.description, r.link, r.origin", list(first)
    ):
        ids[url] = rid
        item = first[url]
        text = (item.title, item.author, item.description, item.url)
        if origin == "guide" and text != (title, author, description, link):
            texts[rid] = text
    if texts:
        rows = catalogue.conn.execute(
            f"SELECT {', '.join(RESOURCE_COLUMNS)} FROM resources "
            "WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps(list(texts)),),
        ).fetchall()
        changed = []
        for row in rows:
            new = list(row)
            new[_R["title"]], new[_R["author"]], new[_R["description"]], new[_R["link"]] = (
                texts[row[_R["id"]]]
            )
            new[_R["updated_at"]] = now
            changed.append(new)
        _upsert(catalogue, "resources", RESOURCE_COLUMNS, changed)
    new_urls = [url for url in first if url not in ids]
    last_id = catalogue.conn.execute("SELECT COALESCE(max(id), 0) FROM resources").fetchone()[0]
    _insert(
        catalogue,
        "resources",
        ("url", "link", "title", "author", "description", "origin", "created_at", "updated_at"),
        ((url, first[url].url, first[url].title, first[url].author, first[url].description,
          "guide", now, now) for url in new_urls),
    )
    # New rows get ids above the old largest one (SQLite picks lower, unused ids only once
    # an id reaches 2**63 - 1: then look them up by URL).
    new_ids = dict(
        catalogue.conn.execute("SELECT url, id FROM resources WHERE id > ?", (last_id,))
    )
    if len(new_ids) != len(new_urls):
        new_ids = dict(_by_url(catalogue, "r.url, r.id", new_urls))
    ids.update(new_ids)
    return ids, set(texts) | set(new_ids.values())


def _write_placements(
    catalogue: Catalogue,
    report: ImportReport,
    guide_id: int,
    topic_ids: dict[str, int],
    resource_ids: dict[str, int],
    urls: list[str],
    items: Sequence[ParsedItem],
    now: str,
) -> set[int]:
    """Write the (topic, resource) pairs; return the resources whose placements changed
    (added, moved, retiered, revived or removed; a new position alone changes nothing)."""
    existing = {
        (row[_P["topic_id"]], row[_P["resource_id"]]): row
        for row in catalogue.conn.execute(
            f"SELECT {', '.join(PLACEMENT_COLUMNS)} FROM placements WHERE guide_id = ?",
            (guide_id,),
        )
    }
    seen: dict[tuple[int, int], int] = {}
    inserts: list[tuple[Any, ...]] = []
    updates: list[list[Any]] = []
    moved: set[int] = set()
    for url, item in zip(urls, items, strict=True):
        rid = resource_ids[url]
        tid = topic_ids[item.topic_key]
        sid = topic_ids.get(item.section_key) if item.section_key else None
        key = (tid, rid)
        if key in seen:
            report.warnings.append(
                f"line {item.line}: same link as line {seen[key]} in the same topic; kept the first"
            )
            continue
        seen[key] = item.line
        old = existing.get(key)
        if old is None:
            inserts.append(
                (rid, guide_id, tid, sid, item.tier, item.position, item.title, item.author,
                 item.description, item.line, now, now)
            )
            report.added += 1
            moved.add(rid)
            continue
        fields = (sid, item.tier, item.title, item.author, item.description)
        fields_changed = fields != _guide_fields(old)
        revived = old[_P["removed_at"]] is not None
        if revived:
            report.added += 1
        elif fields_changed:
            report.changed += 1
        else:
            report.unchanged += 1
            if (old[_P["position"]], old[_P["line"]]) == (item.position, item.line):
                continue  # nothing to write
        if fields_changed or revived:
            moved.add(rid)
        new = list(old)
        for name, value in zip(_GUIDE_FIELDS, fields, strict=True):
            new[_P[name]] = value
        new[_P["position"]], new[_P["line"]], new[_P["removed_at"]] = item.position, item.line, None
        if fields_changed or revived:
            new[_P["updated_at"]] = now
        updates.append(new)
    # Placements with no guide line were filed by the user (from the Inbox): theirs.
    for key, row in existing.items():
        if key not in seen and row[_P["removed_at"]] is None and row[_P["line"]] is not None:
            gone = list(row)
            gone[_P["removed_at"]] = now
            updates.append(gone)
            moved.add(row[_P["resource_id"]])
            report.removed += 1
    _upsert(catalogue, "placements", PLACEMENT_COLUMNS, updates)
    _insert(catalogue, "placements", PLACEMENT_COLUMNS[1:-1], inserts)
    report.placements = len(seen)
    return moved


def _insert(
    catalogue: Catalogue, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """Bulk insert (sqlite-utils, rows given as lists under a header of column names; it
    reads them a batch at a time)."""
    catalogue.db.table(table).insert_all(chain([list(columns)], rows), batch_size=BATCH_ROWS)


def _upsert(
    catalogue: Catalogue, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Bulk rewrite of whole rows by id (sqlite-utils; every column given)."""
    if rows:
        catalogue.db.table(table).upsert_all([list(columns), *rows], pk="id", batch_size=BATCH_ROWS)


BATCH_ROWS = 500
"""Rows per INSERT statement (sqlite-utils caps it by SQLite's limit on bound values)."""

BULK_CACHE_MB = 64


@contextmanager
def _page_cache(catalogue: Catalogue, megabytes: int) -> Iterator[None]:
    """A bigger page cache for one large write: a big guide's rows land in a dozen indexes
    whose pages outgrow SQLite's default 2 MB cache. The connection's own size comes back
    afterwards (the cache only grows as pages are read, so a small import costs nothing)."""
    conn = catalogue.conn
    size = conn.execute("PRAGMA cache_size").fetchone()[0]
    conn.execute(f"PRAGMA cache_size = {-megabytes * 1024}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA cache_size = {int(size)}")


def analyze_browsing_tables(catalogue: Catalogue) -> None:
    """Refresh the planner's table statistics (sampled: a few ms) after a bulk change.

    Without them SQLite guesses every table is huge and builds a Bloom filter over all of
    placements for each page of the list instead of walking the index.
    """
    conn = catalogue.conn
    conn.execute("PRAGMA analysis_limit = 400")
    for table in ("guides", "topics", "placements", "resources", "notes"):
        conn.execute(f"ANALYZE main.{table}")
