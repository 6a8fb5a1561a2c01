"""Feeds the user follows, the entries they brought in, and the two default blogs.

The defaults are inserted here, once: a catalogue created or upgraded gets them, and a
user who removes them never sees them come back (this migration does not run again).
"""

import sqlite3
from datetime import UTC, datetime

DEFAULT_FEEDS = (
    ("https://blog.vllm.ai/feed.xml", "vLLM Blog", "https://blog.vllm.ai"),
    ("https://lmsys.org/rss.xml", "LMSYS Org", "https://lmsys.org"),
)

SQL = """
CREATE TABLE feeds (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    link TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    site_url TEXT,
    etag TEXT,
    last_modified TEXT,
    last_status INTEGER,
    last_checked_at TEXT,
    last_success_at TEXT,
    error TEXT,
    entry_count INTEGER NOT NULL DEFAULT 0,
    failures INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE feed_entries (
    id INTEGER PRIMARY KEY,
    feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
    identity TEXT NOT NULL,
    url TEXT,
    link TEXT,
    raw_link TEXT,
    title TEXT NOT NULL DEFAULT '',
    author TEXT,
    summary TEXT NOT NULL DEFAULT '',
    published_at TEXT,
    sort_at TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'new'
        CHECK (state IN ('new', 'dismissed', 'filed', 'in_guide')),
    state_at TEXT,
    resource_id INTEGER REFERENCES resources(id) ON DELETE SET NULL,
    fetched_at TEXT NOT NULL,
    UNIQUE (feed_id, identity)
);
CREATE INDEX feed_entries_inbox ON feed_entries (state, sort_at DESC, id DESC);
CREATE INDEX feed_entries_feed ON feed_entries (feed_id, state);
CREATE INDEX feed_entries_url ON feed_entries (url)
"""


def up(conn: sqlite3.Connection) -> None:
    for statement in SQL.split(";\n"):
        if statement.strip():
            conn.execute(statement)
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    conn.executemany(
        "INSERT INTO feeds (url, link, title, site_url, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [(url, url, title, site, now, now) for url, title, site in DEFAULT_FEEDS],
    )
