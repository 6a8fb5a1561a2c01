"""The reader in the browse screen: ``v`` reads the row's page (stored for offline use,
fetched first when it is not), with the note beside it; the palette's "Fetch all for
offline" stores every resource's text in the background."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, ClassVar

from textual.binding import Binding

from tuiguide.core.errors import UserError
from tuiguide.core.models import Item
from tuiguide.core.text.sanitize import clean_text
from tuiguide.tui.features.base import Feature, feature_key

if TYPE_CHECKING:
    from tuiguide.tui.screens.browse import BrowseScreen


class ReaderFeature(Feature):
    """``v``: read; ``ctrl+o``: fetch every resource's text for offline reading."""

    name = "reader"
    BINDINGS: ClassVar[list[Binding]] = [
        feature_key("reader", "read", "v", "Read", id="reader.read",
                    tooltip="Read the page here, with your note beside it"),
        feature_key("reader", "fetch_all", "ctrl+o", "Fetch all offline", id="reader.fetch_all",
                    show=False, tooltip="Store every resource's text for offline reading"),
    ]

    def check_action(self, screen: BrowseScreen, verb: str) -> bool | None:
        if verb == "read":
            return screen.current_row is not None and screen.source is not None and (
                screen.source.link(screen.current_row) is not None) or None
        return True

    def action_read(self, screen: BrowseScreen) -> None:
        from tuiguide.core.articles.store import Target
        from tuiguide.core.text.urls import normalise_url
        from tuiguide.tui.screens.reader import ArticleScreen, ReaderScreen

        row = screen.current_row
        source = screen.source
        link = source.link(row) if source is not None and row is not None else None
        if row is None or source is None or not link:
            screen.notify("This row has no page to read.", severity="warning", markup=False)
            return
        resource_id = source.resource_id(row)
        try:
            if isinstance(row, Item) and resource_id is not None:
                screen.app.push_screen(ReaderScreen(screen.catalogue, row))
                return
            url = getattr(row, "url", None) or normalise_url(link)
            title = str(getattr(row, "title", "") or link)
            screen.app.push_screen(ArticleScreen(screen.catalogue, Target(url, link), title))
        except (UserError, sqlite3.Error) as exc:
            screen.notify(clean_text(str(exc)), severity="error", markup=False)

    def action_fetch_all(self, screen: BrowseScreen) -> None:
        from tuiguide.tui.widgets.offline_fetch import OfflineFetch

        found = screen.query(OfflineFetch)
        line = found.first() if found else OfflineFetch()
        if not found:
            screen.centre.mount(line)
        line.start(screen.catalogue.path)
