"""Guides, topics, resources, placements, status, notes, events and UI state."""

import sqlite3

SQL = """
CREATE TABLE guides (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    source TEXT,
    content_hash TEXT,
    position INTEGER NOT NULL DEFAULT 0,
    imported_at TEXT NOT NULL
);

CREATE TABLE topics (
    id INTEGER PRIMARY KEY,
    guide_id INTEGER NOT NULL REFERENCES guides(id) ON DELETE CASCADE,
    parent_id INTEGER REFERENCES topics(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    number TEXT,
    title TEXT NOT NULL,
    position INTEGER NOT NULL,
    removed_at TEXT,
    UNIQUE (guide_id, key)
);
CREATE INDEX topics_guide ON topics (guide_id, position);

CREATE TABLE resources (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    link TEXT NOT NULL,
    title TEXT NOT NULL,
    author TEXT,
    description TEXT NOT NULL DEFAULT '',
    origin TEXT NOT NULL DEFAULT 'guide',
    status TEXT NOT NULL DEFAULT 'todo'
        CHECK (status IN ('todo', 'reading', 'done', 'skipped')),
    status_at TEXT,
    started_at TEXT,
    finished_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX resources_status ON resources (status);

CREATE TABLE placements (
    id INTEGER PRIMARY KEY,
    resource_id INTEGER NOT NULL REFERENCES resources(id),
    guide_id INTEGER NOT NULL REFERENCES guides(id) ON DELETE CASCADE,
    topic_id INTEGER NOT NULL REFERENCES topics(id) ON DELETE CASCADE,
    section_id INTEGER REFERENCES topics(id) ON DELETE SET NULL,
    tier INTEGER,
    position INTEGER NOT NULL,
    title TEXT NOT NULL,
    author TEXT,
    description TEXT NOT NULL DEFAULT '',
    line INTEGER,
    added_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    removed_at TEXT,
    UNIQUE (topic_id, resource_id)
);
CREATE INDEX placements_browse ON placements (guide_id, removed_at, topic_id, tier, position);
CREATE INDEX placements_order ON placements (guide_id, removed_at, position);
CREATE INDEX placements_resource ON placements (resource_id);

CREATE TABLE notes (
    resource_id INTEGER PRIMARY KEY REFERENCES resources(id),
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX notes_updated ON notes (updated_at);

CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    resource_id INTEGER REFERENCES resources(id),
    kind TEXT NOT NULL,
    value TEXT,
    previous TEXT,
    at TEXT NOT NULL
);
CREATE INDEX events_at ON events (at);
CREATE INDEX events_resource ON events (resource_id, at);

CREATE TABLE app_state (
    key TEXT PRIMARY KEY,
    value TEXT
);
"""


def up(conn: sqlite3.Connection) -> None:
    for statement in SQL.split(";\n"):
        if statement.strip():
            conn.execute(statement)
