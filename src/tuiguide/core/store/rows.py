"""Row mapping, written once: the SELECT lists the store reads records with, and their mappers.

Every query that returns an :class:`Item` selects :data:`ITEM_COLUMNS` over
:data:`ITEM_TABLES` (placements ``p``, resources ``r``, guides ``g``, topics ``t``, section
``s``, notes ``n``) and maps each row with :func:`item_from_row`, so a new field is added in
one place.
"""

from __future__ import annotations

from typing import Any

from tuiguide.core.models import Guide, Item, Topic

TAGS_OF_R = """(SELECT group_concat(name, ',') FROM (SELECT name FROM tags
        WHERE resource_id = r.id AND removed_at IS NULL ORDER BY name))"""
"""A resource's live tags, comma-separated in name order (NULL when none)."""

ITEM_COLUMNS = f"""r.id, p.id, COALESCE(p.title, r.title), r.url, r.link,
       COALESCE(p.author, r.author), COALESCE(p.description, r.description),
       g.id, g.title, t.id, t.title, t.number, s.title, p.tier,
       r.status, r.status_at, r.origin, COALESCE(n.body, ''), n.updated_at,
       p.removed_at IS NOT NULL, {TAGS_OF_R}"""

ITEM_TABLES = """placements p
JOIN resources r ON r.id = p.resource_id
JOIN guides g ON g.id = p.guide_id
JOIN topics t ON t.id = p.topic_id
LEFT JOIN topics s ON s.id = p.section_id
LEFT JOIN notes n ON n.resource_id = r.id"""

ITEM_SELECT = f"SELECT {ITEM_COLUMNS}\nFROM {ITEM_TABLES}\n"
"""Items as placed (one row per placement); append ``WHERE ...``."""

UNPLACED_ITEM_SELECT = f"""SELECT r.id, NULL, r.title, r.url, r.link, r.author, r.description,
       NULL, NULL, NULL, NULL, NULL, NULL, NULL, r.status, r.status_at, r.origin,
       COALESCE(n.body, ''), n.updated_at, 0, {TAGS_OF_R}
FROM resources r LEFT JOIN notes n ON n.resource_id = r.id
"""
"""A resource in no topic (filed then removed, or restored from a backup), as an item."""

GUIDE_COLUMNS = "id, slug, title, description, source, imported_at"
TOPIC_COLUMNS = "id, guide_id, parent_id, number, title, position"


def item_from_row(row: tuple[Any, ...]) -> Item:
    """An :class:`Item` from a row of :data:`ITEM_COLUMNS` (or :data:`UNPLACED_ITEM_SELECT`)."""
    return Item(
        id=row[0],
        placement_id=row[1],
        title=row[2],
        url=row[3],
        link=row[4],
        author=row[5],
        description=row[6] or "",
        guide_id=row[7],
        guide=row[8],
        topic_id=row[9],
        topic=row[10],
        topic_number=row[11],
        section=row[12],
        tier=row[13],
        status=row[14],
        status_at=row[15],
        origin=row[16],
        note=row[17],
        note_updated_at=row[18],
        removed=bool(row[19]),
        tags=tuple(row[20].split(",")) if row[20] else (),
    )


def guide_from_row(row: tuple[Any, ...]) -> Guide:
    """A :class:`Guide` from a row of :data:`GUIDE_COLUMNS`."""
    return Guide(*row)


def topic_from_row(row: tuple[Any, ...]) -> Topic:
    """A :class:`Topic` (no counts yet) from a row of :data:`TOPIC_COLUMNS`."""
    return Topic(*row)
