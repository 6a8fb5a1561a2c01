"""The Inbox in the browse screen: its count, its rows, and what filing or dismissing one does.

Shared by the feed keys (:mod:`.feeds`) and the feeds' background work (:mod:`.feed_activity`),
which both keep the screen's Inbox in step with the catalogue.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from tuiguide.core.errors import UserError
from tuiguide.core.feeds import inbox
from tuiguide.core.feeds.inbox import InboxEntry
from tuiguide.core.models import Item
from tuiguide.core.store.connection import describe_sqlite_error
from tuiguide.core.text.sanitize import clean_text
from tuiguide.tui.sources.inbox import INBOX_KEY, InboxSource

if TYPE_CHECKING:
    from tuiguide.core.feeds.suggest import Suggester, Suggestion
    from tuiguide.tui.screens.browse import BrowseScreen


def showing_inbox(screen: BrowseScreen) -> bool:
    return isinstance(screen.source, InboxSource)


def inbox_entry(screen: BrowseScreen) -> InboxEntry | None:
    """The Inbox entry under the cursor (None when the Inbox is not shown or is empty)."""
    row = screen.current_row
    return row if showing_inbox(screen) and isinstance(row, InboxEntry) else None


def update_inbox(screen: BrowseScreen) -> None:
    """The Inbox's count in the tree (and its list, re-queried, when it shows)."""
    if not screen.is_attached:
        return
    if showing_inbox(screen):
        screen.after_write()  # the list, the list title and every count
        return
    node = screen.topic_tree.nodes_by_key.get(INBOX_KEY)
    if node is not None and node.data is not None:
        node.data.badge = str(inbox.inbox_count(screen.catalogue))
        node.refresh()



def notify_error(screen: BrowseScreen, exc: BaseException) -> None:
    if isinstance(exc, sqlite3.Error):
        message = describe_sqlite_error(exc, screen.catalogue.path)
    else:
        message = clean_text(str(exc), limit=300)
    screen.notify(message, severity="error", markup=False)


def after_triage(screen: BrowseScreen) -> None:
    """The entry left the Inbox: re-query the list (the cursor moves to the next entry)."""
    try:
        screen.after_write()
    except sqlite3.Error as exc:
        notify_error(screen, exc)


def open_filing_dialog(
    screen: BrowseScreen,
    entry: InboxEntry,
    suggester: Suggester | None,
    suggestions: list[Suggestion],
) -> None:
    """The filing dialog for ``entry``; on enter it joins the guide and the user is told where."""

    def filed(item: Item) -> None:
        where = clean_text(item.topic, limit=60)
        if item.topic_number:
            where = f"{clean_text(item.topic_number)}. {where}"
        tier = f"Tier {item.tier}" if item.tier else "untiered"
        screen.notify(
            f"Filed “{clean_text(item.title, limit=60)}” in {where} · {tier}", markup=False
        )
        after_triage(screen)

    def failed(message: str) -> None:
        screen.notify(clean_text(message, limit=300), severity="warning", markup=False)

    from tuiguide.tui.features.feed_actions import file_with_dialog

    try:
        file_with_dialog(screen.app, screen.catalogue, entry, filed, failed,
                         suggester=suggester, suggestions=suggestions)
    except (UserError, sqlite3.Error) as exc:
        notify_error(screen, exc)


def dismiss_current(screen: BrowseScreen) -> None:
    """``x``: the entry under the cursor leaves the Inbox (``tuiguide dismiss --undo``)."""
    entry = inbox_entry(screen)
    if entry is None:
        screen.notify("The Inbox is empty: nothing to dismiss.", timeout=2)
        return
    from tuiguide.tui.features.feed_actions import dismiss_entry

    try:
        dismiss_entry(screen.catalogue, entry)
    except (UserError, sqlite3.Error) as exc:
        notify_error(screen, exc)
        after_triage(screen)  # e.g. filed meanwhile by another process: show that
        return
    screen.notify(
        f"Dismissed “{clean_text(entry.title, limit=60)}” "
        "(ctrl+z brings it back)",
        markup=False,
        timeout=3,
    )
    after_triage(screen)
