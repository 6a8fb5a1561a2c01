"""The Inbox: new feed entries, newest first, and triage (dismiss, or file into the guide).

An entry is in the Inbox while its state is 'new' and its link is not already a resource
in some guide. Filing turns it into a resource (origin 'feed') placed at the end of a topic
and tier, in one transaction with the entry's change of state.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from tuiguide.core.errors import UserError
from tuiguide.core.feeds import store
from tuiguide.core.feeds.models import ENTRY_STATES as ENTRY_STATES
from tuiguide.core.feeds.models import InboxEntry as InboxEntry
from tuiguide.core.models import Item
from tuiguide.core.store.writes import NewResource

if TYPE_CHECKING:
    from tuiguide.core.store.catalogue import Catalogue

_DESCRIPTION_LIMIT = 1000


def inbox_count(cat: Catalogue) -> int:
    return store.inbox_count(cat)


def inbox_entries(
    cat: Catalogue, *, limit: int = 100, offset: int = 0, feed_id: int | None = None
) -> list[InboxEntry]:
    """One page of the Inbox, newest first."""
    return store.inbox_entries(cat, limit=limit, offset=offset, feed_id=feed_id)


def entries(
    cat: Catalogue, *, state: str | None = None, limit: int = 100, offset: int = 0
) -> list[InboxEntry]:
    """Entries in any state (newest first), e.g. to show what was dismissed."""
    if state is not None and state not in ENTRY_STATES:
        raise UserError(f"unknown entry state {state!r}; use one of {', '.join(ENTRY_STATES)}")
    return store.entries(cat, state=state, limit=limit, offset=offset)


def get_entry(cat: Catalogue, entry_id: int) -> InboxEntry | None:
    return store.get_entry(cat, entry_id)


def require_entry(cat: Catalogue, entry_id: int) -> InboxEntry:
    entry = store.get_entry(cat, entry_id)
    if entry is None:
        raise UserError(f"no feed entry with ID {entry_id}; see 'tuiguide inbox' for IDs")
    return entry


def _set_state(cat: Catalogue, entry_id: int, state: str, allowed: tuple[str, ...]) -> InboxEntry:
    with store.transaction(cat):
        entry = require_entry(cat, entry_id)
        if entry.state not in allowed:
            raise UserError(
                f"entry {entry_id} is {entry.state.replace('_', ' ')}, not "
                f"{' or '.join(allowed)}; nothing changed"
            )
        store.set_entry_state(cat, entry_id, state, cat.now())
    return require_entry(cat, entry_id)


def dismiss(cat: Catalogue, entry_id: int) -> InboxEntry:
    """Take an entry out of the Inbox (it never comes back on refresh; undo brings it
    back)."""
    with store.transaction(cat):
        entry = _set_state(cat, entry_id, "dismissed", ("new",))
        store.record_event(cat, "dismiss", None, json.dumps({"entry": entry_id}),
                           entry.title, cat.now())
    return entry


def restore(cat: Catalogue, entry_id: int) -> InboxEntry:
    """Undo a dismissal: the entry is back in the Inbox."""
    return _set_state(cat, entry_id, "new", ("dismissed",))


def file_entry(cat: Catalogue, entry_id: int, topic_id: int, tier: int | None) -> Item:
    """Make the entry a resource placed at the end of ``topic_id``/``tier``; return it.

    A link that already is a resource is placed (not duplicated). ``tier`` None files the
    entry untiered. Everything happens in one transaction.
    """
    if tier is not None and not 1 <= tier <= 9:
        raise UserError(f"bad tier {tier}; use 1, 2 or 3")
    now = cat.now()
    with store.transaction(cat):
        entry = require_entry(cat, entry_id)
        if entry.state == "filed":
            raise UserError(f"entry {entry_id} is already filed (resource {entry.resource_id})")
        if not entry.link or not entry.url:
            shown = entry.raw_link or "no link"
            raise UserError(
                f"entry {entry_id} has no web link ({shown}); only http(s) links can be filed"
            )
        description = entry.summary
        if len(description) > _DESCRIPTION_LIMIT:
            description = description[: _DESCRIPTION_LIMIT - 1].rstrip() + "…"
        resource_id, placement_id = cat.place_resource(
            NewResource(entry.url, entry.link, entry.title, entry.author, description, "feed"),
            topic_id,
            tier,
        )
        copies = store.mark_filed(cat, entry, resource_id, now)
        store.record_event(
            cat, "file", resource_id,
            json.dumps({"entry": entry_id, "placement": placement_id, "copies": copies}),
            None, now,
        )
    item = cat.item(resource_id, placement_id)
    assert item is not None
    return item
