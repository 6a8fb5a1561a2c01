"""Rows of own links and tags. Own links are resources with ``origin = 'user'`` placed like
any other (a placement with no guide line, which a guide re-import leaves alone); tags are
rows per (resource, name) that keep a ``removed_at`` so a restore can order changes."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from tuiguide.core.errors import UserError
from tuiguide.core.models import Item
from tuiguide.core.store.connection import transaction
from tuiguide.core.store.counts import counts_follow
from tuiguide.core.store.rows import ITEM_SELECT, item_from_row
from tuiguide.core.store.search_index import refresh_documents
from tuiguide.core.text.sanitize import clean_text

if TYPE_CHECKING:
    from tuiguide.core.store.catalogue import Catalogue

USER = "user"
TAG_LIMIT = 40


# ---------------------------------------------------------------------------- own links
class DuplicateLink(UserError):
    """The URL is in the catalogue already (``resource_id``): the user is taken there."""

    def __init__(self, resource_id: int, url: str) -> None:
        super().__init__(f"{url} is already in the catalogue as ID {resource_id}; "
                         f"see 'tuiguide show {resource_id}'")
        self.resource_id = resource_id


def add_own_link(catalogue: Catalogue, *, url: str, link: str, title: str, description: str,
                 topic_id: int, tier: int | None, author: str | None = None) -> tuple[int, int]:
    """Place a new resource of origin ``user``; :class:`DuplicateLink` if ``url`` is taken."""
    from tuiguide.core.store import writes

    with transaction(catalogue.conn):
        found = resource_by_url(catalogue, url)
        if found is not None:
            raise DuplicateLink(found, url)
        resource_id, placement_id = writes.place_resource(catalogue, writes.NewResource(
            url=url, link=link, title=title, author=author, description=description,
            origin=USER), topic_id, tier)
        record_event(catalogue, resource_id, "link", "add")
    return resource_id, placement_id


def resource_by_url(catalogue: Catalogue, url: str) -> int | None:
    """The resource with this normalised URL, if the catalogue has one."""
    row = catalogue.conn.execute("SELECT id FROM resources WHERE url = ?", (url,)).fetchone()
    return int(row[0]) if row else None


def require_own(catalogue: Catalogue, resource_id: int) -> None:
    row = catalogue.conn.execute(
        "SELECT origin FROM resources WHERE id = ?", (resource_id,)
    ).fetchone()
    if row is None:
        raise UserError(f"no resource with ID {resource_id}; see 'tuiguide list' for IDs")
    if row[0] != USER:
        raise UserError(f"resource {resource_id} comes from a guide; only your own links "
                        "(added with a or 'tuiguide add') can be edited or removed")


def record_event(catalogue: Catalogue, resource_id: int, kind: str, value: str,
                 previous: str | None = None) -> None:
    catalogue.conn.execute(
        "INSERT INTO events (resource_id, kind, value, previous, at) VALUES (?, ?, ?, ?, ?)",
        (resource_id, kind, value, previous, catalogue.now()),
    )


def edit_link(catalogue: Catalogue, resource_id: int, *, title: str, description: str,
              topic_id: int, tier: int | None, record: bool = True) -> int:
    """Change an own link's title, description, topic and tier; its placement id now.
    Recorded as a ``link``/``edit`` event whose ``previous`` holds the values before, for
    undo (which passes ``record=False``: it marks the edit's event undone instead)."""
    from tuiguide.core.store import writes

    title = clean_text(title, limit=500).strip()
    if not title:
        raise UserError("a link needs a title; type one")
    conn = catalogue.conn
    now = catalogue.now()
    with transaction(conn):
        require_own(catalogue, resource_id)
        before = conn.execute(
            "SELECT r.title, r.description, p.topic_id, p.tier FROM resources r "
            "LEFT JOIN placements p ON p.resource_id = r.id AND p.removed_at IS NULL "
            "WHERE r.id = ? ORDER BY p.id LIMIT 1", (resource_id,)).fetchone()
        conn.execute("UPDATE resources SET title = ?, description = ?, updated_at = ? "
                     "WHERE id = ?", (title, description, now, resource_id))
        conn.execute("UPDATE placements SET title = ?, description = ?, updated_at = ? "
                     "WHERE resource_id = ?", (title, description, now, resource_id))
        target = conn.execute("SELECT COALESCE(parent_id, id) FROM topics WHERE id = ?",
                              (topic_id,)).fetchone()
        if target is None:
            raise UserError(f"no topic with ID {topic_id}; see 'tuiguide topics'")
        with counts_follow(catalogue, [resource_id]):
            conn.execute("UPDATE placements SET removed_at = ?, updated_at = ? "
                         "WHERE resource_id = ? AND topic_id != ? AND removed_at IS NULL",
                         (now, now, resource_id, target[0]))
        row = conn.execute("SELECT url, link, author FROM resources WHERE id = ?",
                           (resource_id,)).fetchone()
        _, placement_id = writes.place_resource(catalogue, writes.NewResource(
            url=row[0], link=row[1], title=title, author=row[2], description=description,
            origin=USER), topic_id, tier)
        if record:
            previous = dict(zip(("title", "description", "topic", "tier"), before, strict=True))
            record_event(catalogue, resource_id, "link", "edit", json.dumps(previous))
        refresh_documents(catalogue, [resource_id])
    return placement_id


def remove_link(catalogue: Catalogue, resource_id: int, *, record: bool = True) -> list[int]:
    """Take an own link out of every topic (its status, note, tags and review are kept);
    returns the placements removed, which :func:`restore_link` puts back. Recorded as a
    ``link``/``remove`` event whose ``previous`` lists them, for undo."""
    conn = catalogue.conn
    now = catalogue.now()
    with transaction(conn):
        require_own(catalogue, resource_id)
        placements = [row[0] for row in conn.execute(
            "SELECT id FROM placements WHERE resource_id = ? AND removed_at IS NULL",
            (resource_id,))]
        with counts_follow(catalogue, [resource_id]):
            conn.execute("UPDATE placements SET removed_at = ?, updated_at = ? "
                         "WHERE resource_id = ? AND removed_at IS NULL", (now, now, resource_id))
        if record:  # (undo of an add records nothing: the add's event is marked undone)
            record_event(catalogue, resource_id, "link", "remove", json.dumps(placements))
        refresh_documents(catalogue, [resource_id])
    return placements


def restore_link(catalogue: Catalogue, resource_id: int, placements: Sequence[int] | None = None,
                 *, record: bool = True) -> None:
    """Undo :func:`remove_link`: its placements (by default those its last ``remove`` event
    lists) are live again."""
    conn = catalogue.conn
    now = catalogue.now()
    with transaction(conn):
        require_own(catalogue, resource_id)
        if placements is None:
            row = conn.execute(
                "SELECT previous FROM events WHERE resource_id = ? AND kind = 'link' "
                "AND value = 'remove' ORDER BY id DESC LIMIT 1", (resource_id,)).fetchone()
            placements = json.loads(row[0]) if row and row[0] else []
        marks = ",".join("?" * len(placements))
        with counts_follow(catalogue, [resource_id]):
            conn.execute(f"UPDATE placements SET removed_at = NULL, updated_at = ? "
                         f"WHERE resource_id = ? AND id IN ({marks})",
                         (now, resource_id, *placements))
        if record:  # (undo records nothing: the removal's event is marked undone)
            record_event(catalogue, resource_id, "link", "restore")
        refresh_documents(catalogue, [resource_id])


def own_links(catalogue: Catalogue) -> list[tuple[Any, ...]]:
    """Every own link with where it sits (for export): url, link, title, description,
    author, created_at, updated_at, topic key, guide slug, tier, removed."""
    return catalogue.conn.execute(
        "SELECT r.url, r.link, r.title, r.description, r.author, r.created_at, r.updated_at, "
        "t.key, g.slug, p.tier, p.removed_at IS NOT NULL FROM resources r "
        "LEFT JOIN placements p ON p.resource_id = r.id "
        "LEFT JOIN topics t ON t.id = p.topic_id LEFT JOIN guides g ON g.id = p.guide_id "
        "WHERE r.origin = 'user' ORDER BY r.id, p.removed_at IS NOT NULL, p.id"
    ).fetchall()


# ---------------------------------------------------------------------------- tags
def tag_name(raw: str) -> str:
    """A tag as stored: lower case, spaces as hyphens, no commas or control characters."""
    name = "-".join(clean_text(raw, limit=200).strip().lower().replace(",", " ").split())
    name = name.removeprefix("#")
    if not name:
        raise UserError(f"bad tag {raw!r}; a tag is a word or two, e.g. 'databases'")
    if len(name) > TAG_LIMIT:
        raise UserError(f"tag {name[:20]!r}... is longer than {TAG_LIMIT} characters; shorten it")
    return name


def tags_of(catalogue: Catalogue, resource_id: int) -> list[str]:
    return [row[0] for row in catalogue.conn.execute(
        "SELECT name FROM tags WHERE resource_id = ? AND removed_at IS NULL ORDER BY name",
        (resource_id,))]


def change_tags(catalogue: Catalogue, resource_id: int, add: Iterable[str] = (),
                remove: Iterable[str] = ()) -> list[str]:
    """Add and remove tags of a resource in one transaction; its tags after."""
    add_names = [tag_name(t) for t in add]
    remove_names = [tag_name(t) for t in remove]
    conn = catalogue.conn
    now = catalogue.now()
    with transaction(conn):
        if not conn.execute("SELECT 1 FROM resources WHERE id = ?", (resource_id,)).fetchone():
            raise UserError(f"no resource with ID {resource_id}; see 'tuiguide list' for IDs")
        before = set(tags_of(catalogue, resource_id))
        for name in remove_names:
            if name in before:
                conn.execute("UPDATE tags SET removed_at = ?, updated_at = ? "
                             "WHERE resource_id = ? AND name = ?", (now, now, resource_id, name))
                record_event(catalogue, resource_id, "tag", f"-{name}")
        for name in add_names:
            if name not in before:
                conn.execute("INSERT INTO tags (resource_id, name, updated_at) VALUES (?, ?, ?) "
                             "ON CONFLICT DO UPDATE SET removed_at = NULL, "
                             "updated_at = excluded.updated_at", (resource_id, name, now))
                record_event(catalogue, resource_id, "tag", f"+{name}")
                before.add(name)
    return tags_of(catalogue, resource_id)


def set_tags(catalogue: Catalogue, resource_id: int, names: Iterable[str]) -> list[str]:
    """Make a resource's tags exactly ``names`` (the TUI's comma-separated field)."""
    wanted = {tag_name(n) for n in names if n.strip()}
    have = set(tags_of(catalogue, resource_id))
    return change_tags(catalogue, resource_id, sorted(wanted - have), sorted(have - wanted))


def tag_counts(catalogue: Catalogue) -> list[tuple[str, int]]:
    """Every tag in use with how many resources carry it, most used first."""
    return catalogue.conn.execute(
        "SELECT name, count(*) FROM tags WHERE removed_at IS NULL "
        "GROUP BY name ORDER BY count(*) DESC, name"
    ).fetchall()


def tagged_count(catalogue: Catalogue, name: str | None = None) -> int:
    where, params = ("AND name = ?", [name]) if name else ("", [])
    return int(catalogue.conn.execute(
        f"SELECT count(DISTINCT resource_id) FROM tags WHERE removed_at IS NULL {where}",
        params).fetchone()[0])


def tagged_items(catalogue: Catalogue, name: str | None = None, *, limit: int = 100,
                 offset: int = 0) -> list[Item]:
    """Resources tagged ``name`` (any tag when None), each once, by tag then title."""
    where, params = ("AND tg.name = ?", [name]) if name else ("", [])
    rows = catalogue.conn.execute(
        ITEM_SELECT + "WHERE p.id = (SELECT min(p2.id) FROM placements p2 WHERE "
        "p2.resource_id = r.id AND p2.removed_at IS NULL) AND r.id IN (SELECT resource_id "
        f"FROM tags tg WHERE tg.removed_at IS NULL {where}) "
        "ORDER BY lower(COALESCE(p.title, r.title)), r.id LIMIT ? OFFSET ?",
        [*params, limit, offset]).fetchall()
    return [item_from_row(row) for row in rows]


def all_tags(catalogue: Catalogue) -> list[tuple[Any, ...]]:
    """Every tag row, removed ones too (for export): url, name, updated_at, removed_at."""
    return catalogue.conn.execute(
        "SELECT r.url, t.name, t.updated_at, t.removed_at FROM tags t "
        "JOIN resources r ON r.id = t.resource_id ORDER BY r.id, t.name").fetchall()


def merge_tag(catalogue: Catalogue, resource_id: int, name: str, updated_at: str,
              removed_at: str | None) -> bool:
    """Restore a tag row when newer than the one here; joins the caller's transaction."""
    conn = catalogue.conn
    here = conn.execute("SELECT updated_at FROM tags WHERE resource_id = ? AND name = ?",
                        (resource_id, name)).fetchone()
    if here is not None and str(here[0]) >= updated_at:
        return False
    conn.execute("INSERT OR REPLACE INTO tags (resource_id, name, updated_at, removed_at) "
                 "VALUES (?, ?, ?, ?)", (resource_id, name, updated_at, removed_at))
    return True


def topic_by_key(catalogue: Catalogue, guide_slug: str | None, key: str | None) -> int | None:
    """A live topic by its guide's slug and its key in the guide (for restoring own links)."""
    if not guide_slug or not key:
        return None
    row = catalogue.conn.execute(
        "SELECT t.id FROM topics t JOIN guides g ON g.id = t.guide_id "
        "WHERE g.slug = ? AND t.key = ? AND t.removed_at IS NULL", (guide_slug, key)).fetchone()
    return int(row[0]) if row else None


def update_own_link(catalogue: Catalogue, resource_id: int, title: str, description: str,
                    updated_at: str) -> bool:
    """Restore an own link's text when newer than here; joins the caller's transaction."""
    conn = catalogue.conn
    row = conn.execute("SELECT updated_at, origin FROM resources WHERE id = ?",
                       (resource_id,)).fetchone()
    if row is None or row[1] != USER or str(row[0]) >= updated_at:
        return False
    conn.execute("UPDATE resources SET title = ?, description = ?, updated_at = ? WHERE id = ?",
                 (title, description, updated_at, resource_id))
    conn.execute("UPDATE placements SET title = ?, description = ? WHERE resource_id = ?",
                 (title, description, resource_id))
    refresh_documents(catalogue, [resource_id])
    return True


def tags_by_resource(catalogue: Catalogue) -> dict[int, list[str]]:
    """Every resource's live tags (for the journal)."""
    found: dict[int, list[str]] = {}
    for rid, name in catalogue.conn.execute(
            "SELECT resource_id, name FROM tags WHERE removed_at IS NULL ORDER BY name"):
        found.setdefault(rid, []).append(name)
    return found
