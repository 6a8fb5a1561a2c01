"""The catalogue: the one handle on a catalogue file that the UI, the CLI and the core pass.

A :class:`Catalogue` owns one connection and so belongs to one thread; a worker thread opens
its own with :meth:`Catalogue.open`. Its methods are the common reads and writes; the
modules of this package (the only code that runs SQL) do the work, and feature packages call
them with the catalogue for what is theirs (up next, search, history, backup).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tuiguide.core.errors import CatalogueError, UserError, read_user_file
from tuiguide.core.guides.parser import decode_guide, parse_guide
from tuiguide.core.models import Counts, Guide, ImportReport, Item, Placement, Topic
from tuiguide.core.store import browse, counts, writes
from tuiguide.core.store.connection import (
    data_version,
    describe_sqlite_error,
    open_connection,
    transaction,
)
from tuiguide.core.store.importer import import_guide
from tuiguide.core.text.stamps import utc_stamp

if TYPE_CHECKING:
    from sqlite_utils import Database

ITEM_CACHE_SIZE = 4000
"""Items kept by placement id between reads (a few pages of every list the user visits)."""


class Catalogue:
    """Queries and writes over one catalogue file."""

    def __init__(
        self, conn: sqlite3.Connection, path: Path | str, *, now: Callable[[], str] = utc_stamp
    ):
        self.conn = conn
        self._db: Database | None = None
        self.path = Path(path)
        self.now = now
        self.notices: list[str] = []
        # Items read lately, by placement id, valid while read_stamp() is unchanged.
        self._items: dict[int, Item] = {}
        self._items_stamp: tuple[int, int] | None = None
        self._state_changes = 0  # rows app_state saves changed (they change no item)

    # ------------------------------------------------------------------ opening
    @classmethod
    def open(
        cls,
        path: Path | str,
        *,
        seed: bool = True,
        now: Callable[[], str] = utc_stamp,
    ) -> Catalogue:
        """Open (creating and migrating) the catalogue; import the bundled guide when empty."""
        notices: list[str] = []
        conn = open_connection(path, notices=notices)
        cat = cls(conn, path, now=now)
        cat.notices = notices
        if seed:
            cat.ensure_seeded()
        return cat

    @property
    def db(self) -> Database:
        """The same connection as a ``sqlite_utils.Database``, for bulk writes and the
        full-text indexes (imported on first use: reads never need it)."""
        if self._db is None:
            import sqlite_utils

            self._db = sqlite_utils.Database(self.conn, execute_plugins=False)
        return self._db

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Catalogue:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Several store calls of a feature package (undo's reversal and its mark) that land
        together or not at all; a nested use joins the outer transaction."""
        with transaction(self.conn):
            yield

    def ensure_seeded(self) -> ImportReport | None:
        """First run: an empty catalogue gets the bundled guide."""
        if browse.guides(self):
            return None
        from tuiguide.core.paths import BUNDLED_GUIDE, bundled_guide_text

        return self.import_text(bundled_guide_text(), source=f"bundled:{BUNDLED_GUIDE}")

    # ------------------------------------------------------------------ state
    def get_state(self, key: str, default: Any = None) -> Any:
        row = self.conn.execute("SELECT value FROM app_state WHERE key = ?", (key,)).fetchone()
        if row is None:
            return default
        try:
            return json.loads(row[0])
        except (TypeError, ValueError):
            return default

    def set_state(self, key: str, value: Any) -> None:
        with transaction(self.conn):
            before = self.conn.total_changes
            self.conn.execute(
                "INSERT INTO app_state (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, json.dumps(value)),
            )
            self._state_changes += self.conn.total_changes - before

    def data_version(self) -> int:
        """Moves when another connection commits to the file (never on this one's own
        writes); microseconds to read, so the UI can poll it to follow other processes."""
        return data_version(self.conn)

    def read_stamp(self) -> tuple[int, int]:
        """Moves on every write to the file but app_state saves: another connection's commit
        (:meth:`data_version`) or a row this connection changed (its total_changes, which
        counts rows of every statement and trigger, rolled back or not). Reads cached under
        one stamp are valid while it is unchanged."""
        return data_version(self.conn), self.conn.total_changes - self._state_changes

    # ------------------------------------------------------------------ guides & topics
    def guides(self) -> list[Guide]:
        return browse.guides(self)

    def guide(self, guide_id: int) -> Guide | None:
        return browse.guide(self, guide_id)

    def find_guide(self, spec: str) -> Guide:
        """A guide by id, slug or case-insensitive title prefix."""
        guides = self.guides()
        spec_l = spec.strip().lower()
        for g in guides:
            if str(g.id) == spec_l or g.slug == spec_l or g.title.lower() == spec_l:
                return g
        matches = [g for g in guides if g.title.lower().startswith(spec_l) or g.slug.startswith(spec_l)]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise UserError(f"no guide matches {spec!r}; see 'tuiguide topics' for the guides")
        names = ", ".join(g.slug for g in matches)
        raise UserError(f"{spec!r} matches several guides ({names}); be more specific")

    def topics(self, guide_id: int | None = None) -> list[Topic]:
        """Topics (with sub-sections) in guide order, each with counts per tier and status."""
        return browse.topics(self, guide_id)

    def topic(self, topic_id: int) -> Topic | None:
        return browse.topic(self, topic_id)

    def find_topic(self, spec: str, guide_id: int | None = None) -> Topic:
        """A topic by its number in the guide or a case-insensitive title prefix."""
        spec_s = spec.strip()
        topics = self.topics(guide_id)
        exact = [t for t in topics if t.number is not None and t.number == spec_s.rstrip(".")]
        if not exact:
            low = spec_s.lower()
            exact = [t for t in topics if t.title.lower() == low]
            if not exact:
                exact = [t for t in topics if t.title.lower().startswith(low)]
        if len(exact) == 1:
            return exact[0]
        if not exact:
            raise UserError(
                f"no topic matches {spec!r}; use a topic number or title prefix "
                "(see 'tuiguide topics')"
            )
        names = "; ".join(t.label for t in exact[:5])
        raise UserError(f"{spec!r} matches several topics ({names}); be more specific")

    def guide_counts(self, guide_id: int | None = None, tier: int | None = None) -> Counts:
        """Progress over distinct resources (a URL placed twice counts once)."""
        return counts.resource_counts(self, guide_id, tier)

    def tier_counts(self, guide_id: int | None = None, topic_id: int | None = None) -> dict[int | None, int]:
        """Items per tier (for the tier tabs): a topic's placements, or across topics each
        resource once at its lead tier, so the tabs add up to the list."""
        if topic_id is None:
            return counts.lead_resources_per_tier(self, guide_id)
        return counts.placements_per_tier(self, guide_id, topic_id)

    # ------------------------------------------------------------------ items
    def count_items(
        self,
        guide_id: int | None = None,
        topic_id: int | None = None,
        tier: int | None = None,
        status: str | Iterable[str] | None = None,
        include_removed: bool = False,
    ) -> int:
        return browse.count_items(self, guide_id, topic_id, tier, status, include_removed)

    def items(
        self,
        guide_id: int | None = None,
        topic_id: int | None = None,
        tier: int | None = None,
        status: str | Iterable[str] | None = None,
        *,
        limit: int = 100,
        offset: int = 0,
        include_removed: bool = False,
    ) -> list[Item]:
        """One page of placements in guide order (topic, then position in the guide): the
        page's placement ids by an index walk, then only those rows read whole."""
        ids = browse.placement_page(
            self, guide_id, topic_id, tier, status,
            limit=limit, offset=offset, include_removed=include_removed,
        )
        return self.items_by_placement(ids)

    def items_by_placement(self, ids: list[int]) -> list[Item]:
        """The items placed as ``ids`` (placement ids), in that order.

        Items read before are reused while nothing was written (:meth:`read_stamp`): the
        user mostly comes back to lists seen a moment ago, and reading whole rows is the
        larger part of a topic or tier change.
        """
        if not ids:
            return []
        stamp = self.read_stamp()
        cache = self._items
        if stamp != self._items_stamp or len(cache) + len(ids) > ITEM_CACHE_SIZE:
            cache.clear()
            self._items_stamp = stamp
        missing = [pid for pid in ids if pid not in cache]
        for item in browse.items_at(self, missing):
            assert item.placement_id is not None
            cache[item.placement_id] = item
        return [cache[pid] for pid in ids if pid in cache]

    def item(self, resource_id: int, placement_id: int | None = None) -> Item | None:
        """Everything about one resource (as placed in ``placement_id`` when given)."""
        return browse.item(self, resource_id, placement_id)

    def require_item(self, resource_id: int) -> Item:
        item = self.item(resource_id)
        if item is None:
            raise UserError(f"no resource with ID {resource_id}; see 'tuiguide list' for IDs")
        return item

    def placements_of(self, resource_id: int) -> list[Item]:
        return browse.placements_of(self, resource_id)

    def live_placement(self, resource_id: int, placement_id: int | None = None) -> Placement | None:
        """Where a resource sits now (at ``placement_id`` if still live); None if nowhere."""
        return browse.live_placement(self, resource_id, placement_id)

    def placement(self, placement_id: int) -> Placement | None:
        return browse.placement(self, placement_id)

    def placed_before(
        self, topic_id: int, position: int, *, section_id: int | None = None,
        tier: int | None = None,
    ) -> int:
        """A placement's row index in its topic's (or section's, or tier's) list."""
        return browse.placed_before(self, topic_id, position, section_id=section_id, tier=tier)

    # ------------------------------------------------------------------ writes
    def set_status(self, resource_id: int, status: str) -> Item:
        """Set a resource's status (in every topic it sits in) and record the change."""
        writes.set_status(self, resource_id, status)
        return self.require_item(resource_id)

    def note(self, resource_id: int) -> str:
        self.require_item(resource_id)
        return writes.note(self, resource_id)

    def set_note(self, resource_id: int, body: str) -> None:
        """Save a note (empty text deletes it). Edits in a burst count as one history event."""
        writes.set_note(self, resource_id, body)

    def place_resource(
        self, resource: writes.NewResource, topic_id: int, tier: int | None
    ) -> tuple[int, int]:
        """Place a resource (created if its URL is new) at the end of a topic and tier;
        (resource id, placement id). Joins an open transaction."""
        return writes.place_resource(self, resource, topic_id, tier)

    # ------------------------------------------------------------------ import
    def import_file(self, path: Path | str) -> ImportReport:
        """Import or update a guide from a markdown file; nothing is written on error."""
        path = Path(path)
        data = read_user_file(path, "a markdown guide file")
        text, warnings = decode_guide(data, str(path))
        report = self.import_text(text, source=str(path.resolve()), name=str(path))
        report.warnings[:0] = warnings
        return report

    def import_text(self, text: str, *, source: str, name: str | None = None) -> ImportReport:
        parsed = parse_guide(text, name or source)
        digest = hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()
        try:
            return import_guide(self, parsed, source, digest)
        except sqlite3.DatabaseError as exc:
            raise CatalogueError(describe_sqlite_error(exc, self.path)) from None

    # ------------------------------------------------------------------ summaries
    def stats_summary(self) -> dict[str, Any]:
        """Small overall numbers, used by the header and `topics --json`."""
        return {"guides": len(self.guides()), "resources": browse.resource_total(self)}
