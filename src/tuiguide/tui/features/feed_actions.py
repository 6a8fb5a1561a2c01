"""Feed actions a screen can hook to keys: file an Inbox entry (``f``), dismiss it (``x``).

:func:`file_with_dialog` opens the filing dialog for an entry and files it on confirm;
:func:`dismiss_entry` is the ``x`` key. (A refresh, ``r``, runs in
:class:`~tuiguide.tui.features.feed_activity.FeedActivity`'s worker.)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from tuiguide.core.errors import UserError
from tuiguide.core.feeds import inbox
from tuiguide.core.models import Item

if TYPE_CHECKING:
    from textual.app import App

    from tuiguide.core.feeds.inbox import InboxEntry
    from tuiguide.core.feeds.suggest import Suggester, Suggestion
    from tuiguide.core.store.catalogue import Catalogue
    from tuiguide.tui.screens.file_dialog import FileChoice


def file_with_dialog(
    app: App,
    catalogue: Catalogue,
    entry: InboxEntry,
    on_filed: Callable[[Item], None],
    on_error: Callable[[str], None],
    *,
    guide_id: int | None = None,
    suggester: Suggester | None = None,
    suggestions: Sequence[Suggestion] | None = None,
) -> None:
    """Open the filing dialog for ``entry``; on confirm, file it and call ``on_filed``.

    ``suggester``/``suggestions`` (built in a worker) keep a large catalogue from freezing
    the UI while the dialog opens."""
    if entry.link is None:
        on_error(f"entry {entry.id} has no web link; only http(s) links can be filed")
        return

    from tuiguide.tui.screens.file_dialog import (
        dialog_for_entry,  # (and the suggester) on first use
    )

    def chosen(choice: FileChoice | None) -> None:
        if choice is None:
            return
        topic_id, tier = choice
        try:
            item = inbox.file_entry(catalogue, entry.id, topic_id, tier)
        except UserError as exc:
            on_error(str(exc))
            return
        on_filed(item)

    app.push_screen(dialog_for_entry(catalogue, entry, guide_id, suggester=suggester,
                                     suggestions=suggestions), chosen)


def dismiss_entry(catalogue: Catalogue, entry: InboxEntry) -> InboxEntry:
    """The ``x`` key: the entry leaves the Inbox (``inbox.restore`` undoes it)."""
    return inbox.dismiss(catalogue, entry.id)
