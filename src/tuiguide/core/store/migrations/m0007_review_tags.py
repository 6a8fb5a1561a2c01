"""Spaced review (FSRS card state per resource, and a log of every review) and tags.

Review state is one row per resource that is in review (it was marked done); a resource put
back to todo or skipped loses its row. Tags keep a row once removed (``removed_at``), so a
restore can tell a newer removal from an older tag. The daily goal lives in ``app_state``;
own links are resources with ``origin = 'user'`` (a column since m0001).
"""

from __future__ import annotations

import sqlite3


def up(conn: sqlite3.Connection) -> None:
    import sqlite_utils

    db = sqlite_utils.Database(conn, execute_plugins=False)
    db.create_table(
        "review_cards",
        {
            "resource_id": int, "state": int, "step": int, "stability": float,
            "difficulty": float, "due": str, "last_review": str, "reps": int, "lapses": int,
            "updated_at": str,
        },
        pk="resource_id",
        not_null={"due", "reps", "lapses", "updated_at"},
        defaults={"reps": 0, "lapses": 0},
        foreign_keys=[("resource_id", "resources", "id")],
    )
    db.table("review_cards").create_index(["due"], index_name="review_cards_due")
    db.create_table(
        "reviews",
        {"id": int, "resource_id": int, "rating": int, "at": str, "due": str},
        pk="id",
        not_null={"resource_id", "rating", "at"},
        foreign_keys=[("resource_id", "resources", "id")],
    )
    db.table("reviews").create_index(["at"], index_name="reviews_at")
    db.table("reviews").create_index(["resource_id", "at"], index_name="reviews_resource")
    db.create_table(
        "tags",
        {"resource_id": int, "name": str, "updated_at": str, "removed_at": str},
        pk=("resource_id", "name"),
        not_null={"updated_at"},
        foreign_keys=[("resource_id", "resources", "id")],
    )
    db.table("tags").create_index(["name"], index_name="tags_name")
