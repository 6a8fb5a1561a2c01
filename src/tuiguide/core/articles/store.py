"""Every SQL statement about stored articles and link checks, in one place.

The rest of the package decides (what to fetch, what a failure means) and calls these
functions with a :class:`~tuiguide.core.store.catalogue.Catalogue`. Articles and checks are
keyed by a link's normalised URL, so a resource and an Inbox entry for the same page share
one stored text.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tuiguide.core.articles.links import LinkCheck, next_state
from tuiguide.core.reader.article import Article
from tuiguide.core.store.connection import transaction

if TYPE_CHECKING:
    from tuiguide.core.store.catalogue import Catalogue

_BOUND = 500  # IN (...) lists are cut to stay under SQLite's parameter limit
_COLUMNS = (
    "url, link, final_url, http_status, kind, title, site, author, published, text, words, "
    "links, pdf_url, truncated, content_hash, etag, last_modified, fetched_at"
)


@dataclass(frozen=True)
class StoredArticle:
    """An article as stored: its text and where and when it was fetched."""

    url: str
    link: str
    final_url: str
    http_status: int | None
    fetched_at: str
    content_hash: str
    article: Article

    def as_json(self, resource_id: int | None) -> dict[str, Any]:
        """What ``tuiguide read --json`` prints."""
        a = self.article
        return {"id": resource_id, "url": self.link, "final_url": self.final_url,
                "title": a.title, "author": a.author, "published": a.published,
                "text": a.text, "words": a.words, "fetched_at": self.fetched_at,
                "http_status": self.http_status}


@dataclass(frozen=True)
class Target:
    """A link to fetch: its normalised key, the link as written, its resource (if any)."""

    url: str
    link: str
    resource_id: int | None = None


def content_hash(article: Article) -> str:
    """A hash of what a reader sees: a page that changed only its ads hashes the same."""
    data = json.dumps([article.title, article.author, article.published, article.text],
                      ensure_ascii=False)
    return hashlib.sha256(data.encode("utf-8", "replace")).hexdigest()


def _from_row(row: Sequence[Any]) -> StoredArticle:
    (url, link, final_url, status, kind, title, site, author, published, text, _words,
     links, pdf_url, truncated, digest, _etag, _lm, fetched_at) = row
    try:
        link_list = json.loads(links or "[]")
    except ValueError:
        link_list = []
    article = Article.from_json({
        "url": final_url or link, "kind": kind, "title": title, "site": site,
        "author": author, "published": published, "text": text, "links": link_list,
        "pdf_url": pdf_url, "truncated": bool(truncated)})
    return StoredArticle(url, link, final_url or link, status, fetched_at, digest, article)


def get(cat: Catalogue, url: str) -> StoredArticle | None:
    """The stored article for normalised ``url``, or None."""
    row = cat.conn.execute(f"SELECT {_COLUMNS} FROM articles WHERE url = ?", (url,)).fetchone()
    return _from_row(row) if row else None


def validators(cat: Catalogue, url: str) -> tuple[str | None, str | None]:
    """(ETag, Last-Modified) of the stored fetch of ``url``, for a conditional GET."""
    row = cat.conn.execute("SELECT etag, last_modified FROM articles WHERE url = ?",
                           (url,)).fetchone()
    return (row[0], row[1]) if row else (None, None)


def stored_urls(cat: Catalogue, urls: Iterable[str]) -> set[str]:
    """Which of ``urls`` have a stored article."""
    return _which(cat, "SELECT url FROM articles WHERE url IN ({})", urls)


def save(cat: Catalogue, target: Target, article: Article, *, final_url: str,
         http_status: int | None, etag: str | None, last_modified: str | None, now: str
         ) -> bool:
    """Store ``article`` for ``target``; False (and nothing written) when the stored text
    is the same."""
    digest = content_hash(article)
    row = cat.conn.execute("SELECT content_hash FROM articles WHERE url = ?",
                           (target.url,)).fetchone()
    if row is not None and row[0] == digest:
        return False
    record = {
        "url": target.url, "link": target.link, "final_url": final_url,
        "http_status": http_status, "kind": article.kind, "title": article.title,
        "site": article.site, "author": article.author, "published": article.published,
        "text": article.text, "words": article.words,
        "links": json.dumps([{"text": x.text, "url": x.url} for x in article.links],
                            ensure_ascii=False),
        "pdf_url": article.pdf_url, "truncated": int(article.truncated),
        "content_hash": digest, "etag": etag, "last_modified": last_modified,
        "fetched_at": now, "checked_at": now,
    }
    with transaction(cat.conn):
        cat.db.table("articles").upsert(record, pk="url")
    return True


def save_many(cat: Catalogue, rows: list[dict[str, Any]]) -> None:
    """Restore stored articles (rows as :func:`export_rows` gives them) in one write."""
    if not rows:
        return
    with transaction(cat.conn):
        cat.db.table("articles").upsert_all(rows, pk="url")


def fetched_times(cat: Catalogue, urls: Iterable[str]) -> dict[str, str]:
    """When the stored article of each of ``urls`` (that has one) was fetched."""
    found: dict[str, str] = {}
    keys = list(urls)
    for i in range(0, len(keys), _BOUND):
        chunk = keys[i: i + _BOUND]
        found.update(cat.conn.execute(
            f"SELECT url, fetched_at FROM articles WHERE url IN ({', '.join('?' * len(chunk))})",
            chunk).fetchall())
    return found


EXPORT_COLUMNS = tuple(name.strip() for name in _COLUMNS.split(","))
"""The keys of each article in an export (``--with-articles``)."""


def export_rows(cat: Catalogue) -> list[dict[str, Any]]:
    """Every stored article as a plain dict, for export."""
    cur = cat.conn.execute(f"SELECT {_COLUMNS} FROM articles ORDER BY id")
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur]


# --------------------------------------------------------------------------- link checks
def record_check(cat: Catalogue, target: Target, *, status: int | None, error: str | None,
                 now: str) -> str:
    """Record one fetch's outcome for ``target``; return the link's state after it."""
    with transaction(cat.conn):
        row = cat.conn.execute("SELECT failing_since FROM link_checks WHERE url = ?",
                               (target.url,)).fetchone()
        state, since = next_state(status, error, now=now,
                                  failing_since=row[0] if row else None)
        cat.conn.execute(
            "INSERT INTO link_checks (url, link, state, http_status, error, checked_at, "
            "failing_since, checks) VALUES (?, ?, ?, ?, ?, ?, ?, 1) "
            "ON CONFLICT (url) DO UPDATE SET link = excluded.link, state = excluded.state, "
            "http_status = excluded.http_status, error = excluded.error, "
            "checked_at = excluded.checked_at, failing_since = excluded.failing_since, "
            "checks = checks + 1",
            (target.url, target.link, state, status, error, now, since),
        )
    return state


def link_states(cat: Catalogue, urls: Iterable[str]) -> dict[str, str]:
    """The recorded state of each of ``urls`` that was checked."""
    found: dict[str, str] = {}
    keys = list(urls)
    for i in range(0, len(keys), _BOUND):
        chunk = keys[i: i + _BOUND]
        marks = ", ".join("?" * len(chunk))
        found.update(cat.conn.execute(
            f"SELECT url, state FROM link_checks WHERE url IN ({marks})", chunk).fetchall())
    return found


def link_report(cat: Catalogue, *, dead_only: bool = False) -> list[LinkCheck]:
    """Every resource's link with its health (``unchecked`` when never fetched), by id."""
    where = "WHERE c.state = 'dead'" if dead_only else ""
    rows = cat.conn.execute(
        "SELECT r.id, r.url, r.link, COALESCE(c.state, 'unchecked'), c.http_status, c.error, "
        "c.checked_at, c.failing_since FROM resources r "
        f"LEFT JOIN link_checks c ON c.url = r.url {where} ORDER BY r.id"
    )
    return [LinkCheck(*row) for row in rows]


def _which(cat: Catalogue, sql: str, urls: Iterable[str]) -> set[str]:
    keys = list(urls)
    found: set[str] = set()
    for i in range(0, len(keys), _BOUND):
        chunk = keys[i: i + _BOUND]
        found.update(r[0] for r in cat.conn.execute(sql.format(", ".join("?" * len(chunk))),
                                                    chunk))
    return found


# --------------------------------------------------------------------------- targets
def resource_targets(cat: Catalogue, *, ids: Sequence[int] = (), topic_id: int | None = None,
                     guide_id: int | None = None) -> list[Target]:
    """The links of these resources (``ids``), or of a topic's, a guide's or (none given)
    every live resource, in guide order."""
    if ids:
        found: dict[int, Target] = {}
        for i in range(0, len(ids), _BOUND):
            chunk = list(ids[i: i + _BOUND])
            marks = ", ".join("?" * len(chunk))
            for rid, url, link in cat.conn.execute(
                    f"SELECT id, url, link FROM resources WHERE id IN ({marks})", chunk):
                found[rid] = Target(url, link, rid)
        return [found[i] for i in ids if i in found]
    clauses = ["p.removed_at IS NULL"]
    params: list[Any] = []
    if topic_id is not None:
        clauses.append("(p.topic_id = ? OR p.section_id = ?)")
        params += [topic_id, topic_id]
    if guide_id is not None:
        clauses.append("p.guide_id = ?")
        params.append(guide_id)
    rows = cat.conn.execute(
        "SELECT r.id, r.url, r.link FROM placements p JOIN resources r ON r.id = p.resource_id "
        f"WHERE {' AND '.join(clauses)} GROUP BY r.id ORDER BY min(p.guide_id), min(p.position)",
        params)
    return [Target(url, link, rid) for rid, url, link in rows]
