"""Undo: reverse the last change recorded in the catalogue's event log, newest first.

Each kind of change undo knows is one entry of :data:`REVERSERS` (kind -> function); a
function puts things back and returns what it did in a few words, or raises
:class:`CannotUndo` when the change cannot be reversed any more (that event is skipped,
with a message). The event is then marked undone (``events.undone_at``), so the next undo
goes further back, across restarts. Undone changes are not redone.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tuiguide.core.errors import UserError
from tuiguide.core.feeds import store as feeds_store
from tuiguide.core.library import store as library_store
from tuiguide.core.models import STATUSES, Event
from tuiguide.core.store import history, writes
from tuiguide.core.text.sanitize import clean_text

if TYPE_CHECKING:
    from tuiguide.core.store.catalogue import Catalogue


class CannotUndo(Exception):
    """The change can no longer be reversed; the message says why."""


@dataclass
class UndoResult:
    """What one undo did: ``done`` (None: nothing left to undo) and the changes skipped."""

    done: str | None = None
    resource_id: int | None = None
    skipped: list[str] = field(default_factory=list)

    @property
    def message(self) -> str:
        parts = [f"skipped: {s}" for s in self.skipped]
        parts.append(f"Undone: {self.done}" if self.done else "Nothing to undo.")
        return "; ".join(parts)


def _quoted(text: str) -> str:
    return repr(clean_text(text, limit=60))


def _title(event: Event) -> str:
    return _quoted(event.title or f"resource {event.resource_id}")


def _status(catalogue: Catalogue, event: Event) -> str:
    now = history.resource_state(catalogue, event.resource_id or 0)
    if now is None:
        raise CannotUndo(f"status of {_title(event)}: the resource is gone")
    if event.previous not in STATUSES:
        raise CannotUndo(f"status of {_title(event)}: the earlier status was not recorded")
    if now[0] != event.value:
        raise CannotUndo(f"status of {_title(event)}: it was changed since (now {now[0]})")
    writes.restore_status(catalogue, event.resource_id or 0, event.previous or "todo")
    return f"{_title(event)} is {event.previous} again (was {event.value})"


def _note(catalogue: Catalogue, event: Event) -> str:
    now = history.resource_state(catalogue, event.resource_id or 0)
    if now is None:
        raise CannotUndo(f"note of {_title(event)}: the resource is gone")
    if event.previous is None:
        raise CannotUndo(f"note of {_title(event)}: edited before undo kept earlier text")
    writes.restore_note(catalogue, event.resource_id or 0, event.previous)
    what = "back to its earlier text" if event.previous.strip() else "removed (it was new)"
    return f"note of {_title(event)} {what}"


def _dismiss(catalogue: Catalogue, event: Event) -> str:
    entry_id = int(json.loads(event.value or "{}").get("entry", 0))
    entry = feeds_store.get_entry(catalogue, entry_id)
    if entry is None or entry.state != "dismissed":
        raise CannotUndo(f"dismissal of Inbox entry {entry_id}: it is no longer dismissed")
    feeds_store.reopen_entries(catalogue, [entry_id], catalogue.now())
    return f"{clean_text(entry.title, limit=60)!r} is back in the Inbox"


def _file(catalogue: Catalogue, event: Event) -> str:
    data = json.loads(event.value or "{}")
    title = _title(event)  # before the resource the filing made is forgotten
    if not writes.unplace(catalogue, int(data.get("placement", 0)), forget_new=True):
        raise CannotUndo(f"filing of {_title(event)}: it is no longer in that place")
    entries = [int(data.get("entry", 0)), *(int(i) for i in data.get("copies", []))]
    feeds_store.reopen_entries(catalogue, entries, catalogue.now())
    return f"{title} taken out of the guide and back in the Inbox"


def _link(catalogue: Catalogue, event: Event) -> str:
    """An own link removed comes back, one added is taken out again, one edited gets its
    earlier title, description, topic and tier back."""
    title = _title(event)
    resource_id = event.resource_id or 0
    try:
        if event.value == "remove":
            placements = json.loads(event.previous or "[]")
            library_store.restore_link(catalogue, resource_id, placements, record=False)
            return f"{title} is back in the guide"
        if event.value == "add":
            if not library_store.remove_link(catalogue, resource_id, record=False):
                raise CannotUndo(f"adding {title}: it is no longer in the guide")
            return f"{title} taken out of the guide (added by you)"
        if event.value == "edit":
            if not event.previous:
                raise CannotUndo(f"edit of own link {title}: made before undo kept the earlier "
                                 "values; press e on it to change it again")
            was = json.loads(event.previous)
            if was.get("topic") is None:
                raise CannotUndo(f"edit of own link {title}: it was in no topic before")
            library_store.edit_link(catalogue, resource_id, title=was["title"],
                                    description=was.get("description") or "",
                                    topic_id=int(was["topic"]), tier=was.get("tier"),
                                    record=False)
            return f"own link {title} has its earlier details back ({_quoted(was['title'])})"
    except UserError as exc:
        raise CannotUndo(f"own link {title}: {exc}") from None
    raise CannotUndo(f"{event.value} of own link {title}: press e on it to change it again")



REVERSERS: dict[str, Callable[[Catalogue, Event], str]] = {
    "status": _status,
    "note": _note,
    "dismiss": _dismiss,
    "file": _file,
    "link": _link,
}
"""The kinds of change undo reverses. A new kind (a link of one's own removed, ...) is one
entry: the event kind its write records, and a function that puts things back."""

MAX_SKIPPED = 50
"""How many changes that cannot be reversed one undo walks past before it gives up."""


def undo_last(catalogue: Catalogue) -> UndoResult:
    """Reverse the newest change not undone yet (each in one transaction with its mark)."""
    result = UndoResult()
    kinds = list(REVERSERS)
    for _ in range(MAX_SKIPPED):
        with catalogue.transaction():
            event = history.last_to_undo(catalogue, kinds)
            if event is None:
                return result
            try:
                result.done = REVERSERS[event.kind](catalogue, event)
                result.resource_id = event.resource_id
            except CannotUndo as exc:
                result.skipped.append(str(exc))
            history.mark_undone(catalogue, event.id)
        if result.done:
            return result
    return result
