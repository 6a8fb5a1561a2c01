"""Stored articles (the text behind a link, for reading offline) and each link's health.

``articles`` holds one row per normalised URL (a resource's or an Inbox entry's ``url``):
the extracted Markdown text with what the reader shows above it, the fetch's final URL,
HTTP status, time, validators and a hash of the text, so a re-fetch that finds the same
text writes nothing. ``articles_fts`` indexes title and text (sqlite-utils' triggers keep it
in step) with the porter stemmer, so "caches" finds "cache". ``link_checks`` keeps every
URL's latest fetch outcome: ok, failing or dead, and since when connections have failed.
"""

from __future__ import annotations

import sqlite3

TOKENIZER = "porter unicode61 remove_diacritics 2"
ARTICLE_COLUMNS = ("title", "text")
ARTICLE_RANK = "bm25(4.0, 1.0)"
LINK_STATES = ("ok", "failing", "dead")


def up(conn: sqlite3.Connection) -> None:
    import sqlite_utils

    db = sqlite_utils.Database(conn, execute_plugins=False)
    db.create_table(
        "articles",
        {
            "id": int, "url": str, "link": str, "final_url": str, "http_status": int,
            "kind": str, "title": str, "site": str, "author": str, "published": str,
            "text": str, "words": int, "links": str, "pdf_url": str, "truncated": int,
            "content_hash": str, "etag": str, "last_modified": str, "fetched_at": str,
            "checked_at": str,
        },
        pk="id",
        not_null={"url", "link", "title", "text", "content_hash", "fetched_at"},
        defaults={"words": 0, "truncated": 0, "kind": "article"},
    )
    db.table("articles").create_index(["url"], unique=True)
    db.table("articles").enable_fts(
        list(ARTICLE_COLUMNS), create_triggers=True, tokenize=TOKENIZER
    )
    db.execute("INSERT INTO [articles_fts] ([articles_fts], rank) VALUES ('rank', ?)",
               (ARTICLE_RANK,))
    db.create_table(
        "link_checks",
        {
            "url": str, "link": str, "state": str, "http_status": int, "error": str,
            "checked_at": str, "failing_since": str, "checks": int,
        },
        pk="url",
        not_null={"link", "state", "checked_at"},
        defaults={"checks": 0},
    )
    db.table("link_checks").create_index(["state"])
