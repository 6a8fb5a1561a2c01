"""Word stems exactly as the search index makes them, so highlights mark what matched.

The index stems with FTS5's porter tokenizer; rather than a second stemmer that could
disagree with it, each thread keeps a small in-memory FTS5 table with the same tokenizer and
reads the stems back through ``fts5vocab``. Stems are cached (words repeat across results).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable

TOKENIZER = "porter unicode61 remove_diacritics 2"
"""The index's tokenizer (migration m0005)."""
CACHE_SIZE = 50_000

_local = threading.local()


def _connection() -> sqlite3.Connection:
    conn: sqlite3.Connection | None = getattr(_local, "conn", None)
    if conn is None:
        conn = sqlite3.connect(":memory:")
        conn.execute(f"CREATE VIRTUAL TABLE words USING fts5(word, tokenize='{TOKENIZER}')")
        conn.execute("CREATE VIRTUAL TABLE word_terms USING fts5vocab(words, 'instance')")
        _local.conn = conn
        _local.cache = {}
    return conn


def stems(words: Iterable[str]) -> dict[str, str]:
    """Each word's stem as the index holds it (case and accents folded, porter-stemmed); a
    word the tokenizer drops maps to itself lower-cased."""
    conn = _connection()
    cache: dict[str, str] = _local.cache
    wanted = set(words)
    missing = [w for w in wanted if w not in cache]
    if missing:
        if len(cache) + len(missing) > CACHE_SIZE:
            cache.clear()
        with conn:
            conn.executemany(
                "INSERT INTO words (rowid, word) VALUES (?, ?)", enumerate(missing, start=1)
            )
            found = dict(conn.execute("SELECT doc, min(term) FROM word_terms GROUP BY doc"))
            conn.execute("DELETE FROM words")
        for i, word in enumerate(missing, start=1):
            cache[word] = found.get(i, word.lower())
    return {w: cache[w] for w in wanted}
