"""Own links and tags in the browse screen: ``a`` adds a link, ``e`` edits one's own link,
``X`` removes it (asking first), ``t`` tags the item; the "Tags" tree node lists the tags in
use with their counts, and enter on one lists its items."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from rich.console import RenderableType
from rich.text import Text
from textual.binding import Binding

from tuiguide.core.errors import UserError
from tuiguide.core.library import links, store
from tuiguide.core.models import Item
from tuiguide.core.store.catalogue import Catalogue
from tuiguide.core.store.connection import describe_sqlite_error
from tuiguide.core.text.sanitize import clean_text
from tuiguide.tui.features.base import Feature, feature_key
from tuiguide.tui.screens.link_dialog import ConfirmDialog, LinkDialog, LinkForm
from tuiguide.tui.screens.tag_dialog import TagDialog
from tuiguide.tui.sources.base import ItemSource, ListSource, SpecialNode
from tuiguide.tui.widgets.render import fit, safe

if TYPE_CHECKING:
    from tuiguide.tui.screens.browse import BrowseScreen

TAGS_KEY = "special:tags"
TagRow = tuple[str, int]


class TaggedSource(ItemSource):
    """The items carrying one tag."""

    supports_tiers = False

    def __init__(self, catalogue: Catalogue, name: str) -> None:
        super().__init__(catalogue, None, key=f"{TAGS_KEY}:{name}", label=f"#{name}")
        self.name = name

    def count(self) -> int:
        return store.tagged_count(self.catalogue, self.name)

    def page(self, offset: int, limit: int) -> Sequence[Item]:
        return store.tagged_items(self.catalogue, self.name, limit=limit, offset=offset)

    def tier_counts(self) -> None:
        return None


class TagsSource(ListSource):
    """The tags in use, most used first; enter lists a tag's items."""

    key = TAGS_KEY
    label = "Tags"
    supports_tiers = False
    has_status = False
    empty_message = "No tags yet. Select any item and press t to tag it."

    def __init__(self, catalogue: Catalogue, tier: int | None = None) -> None:
        super().__init__(catalogue, None)

    def count(self) -> int:
        return len(store.tag_counts(self.catalogue))

    def page(self, offset: int, limit: int) -> Sequence[TagRow]:
        return store.tag_counts(self.catalogue)[offset:offset + limit]

    def row_key(self, row: TagRow) -> str:
        return f"tag:{row[0]}"

    def render_row(self, row: TagRow, width: int) -> Text:
        count = Text(str(row[1]).rjust(4), style="dim")
        line = Text(" # ", style="magenta")
        line.append_text(fit(safe(row[0], limit=100), max(width - 9, 1)))
        line.append_text(count)
        line.append(" ")
        return fit(line, width)

    def render_detail(self, row: TagRow) -> RenderableType:
        text = Text(f"#{clean_text(row[0])}", style="bold magenta")
        text.append(f"\n{row[1]} item{'s' if row[1] != 1 else ''} · enter lists them\n",
                    style="dim")
        for item in store.tagged_items(self.catalogue, row[0], limit=20):
            text.append("\n• ")
            text.append_text(safe(item.title, limit=200))
        return text

    def activate(self, screen: Any, row: TagRow) -> bool:
        screen.show_source(TaggedSource(self.catalogue, row[0]))
        screen.set_focus(screen.item_list)
        return True


TAGS_NODE = SpecialNode(
    key=TAGS_KEY,
    label="Tags",
    icon="#",
    make_source=lambda cat, tier: TagsSource(cat, tier),
    badge=lambda cat, tier: str(len(store.tag_counts(cat))),
    order=35,
)


def _report(screen: BrowseScreen, exc: Exception) -> None:
    message = (describe_sqlite_error(exc, screen.catalogue.path) if isinstance(exc, sqlite3.Error)
               else clean_text(str(exc)))
    screen.notify(message, severity="error", markup=False)


def _current_item(screen: BrowseScreen) -> Item | None:
    row = screen.current_row
    if screen.source is None or row is None or screen.source.resource_id(row) is None:
        screen.notify("Select an item of the guide first.", severity="warning", timeout=3,
                      markup=False)
        return None
    return screen.catalogue.item(screen.source.resource_id(row) or 0,
                                 getattr(row, "placement_id", None))


def show_resource(screen: BrowseScreen, resource_id: int) -> None:
    """Show a resource's row in its topic's list (all tiers if the tab hides it), as the
    command palette's jump does."""
    try:
        place = screen.catalogue.live_placement(resource_id)
    except sqlite3.Error as exc:
        _report(screen, exc)
        return
    if place is None:
        screen.notify("That link is in no topic now.", severity="warning", markup=False)
        return
    if screen.tier is not None and screen.tier != place.tier:
        screen.action_tier(0)
    nodes = screen.topic_tree.nodes_by_key
    shown = place.section_id if f"topic:{place.section_id}" in nodes else None
    index = screen.catalogue.placed_before(place.topic_id, place.position, section_id=shown,
                                           tier=screen.tier)
    key = f"topic:{shown or place.topic_id}"
    if key in nodes:
        screen.show_node(key, index=index, row_key=f"{resource_id}:{place.id}")
        screen.topic_tree.select_key(key)
        screen.set_focus(screen.item_list)


def add_link(screen: BrowseScreen) -> None:
    """``a``: the link dialog, then where to file it (suggested), then it is placed."""
    from tuiguide.tui.screens.file_dialog import FileDialog

    catalogue = screen.catalogue

    def filed(form: LinkForm, choice: tuple[int, int | None] | None) -> None:
        if choice is None:
            return
        try:
            resource_id, _ = links.add_link(catalogue, form.url, title=form.title,
                                            description=form.description,
                                            topic_id=choice[0], tier=choice[1],
                                            author=form.author)
        except store.DuplicateLink as exc:
            show_resource(screen, exc.resource_id)
            return
        except (UserError, sqlite3.Error) as exc:
            _report(screen, exc)
            return
        screen.refresh_counts()
        show_resource(screen, resource_id)
        screen.notify(f"Added {clean_text(form.title, limit=80)}", timeout=2, markup=False)

    def given(form: LinkForm | None) -> None:
        if form is None:
            return
        if form.duplicate is not None:
            screen.notify("That link is already here: showing it.", timeout=3, markup=False)
            show_resource(screen, form.duplicate)
            return
        labels = form.labels or {t.id: t.label for t in catalogue.topics()}
        dialog = FileDialog(form.title, form.suggestions, list(labels.items()))
        screen.app.push_screen(dialog, callback=lambda choice: filed(form, choice))

    screen.app.push_screen(LinkDialog(catalogue), callback=given)


def edit_link(screen: BrowseScreen) -> None:
    """``e``: an own link's title and description, then its topic and tier."""
    from tuiguide.core.feeds.topic_model import Suggestion
    from tuiguide.tui.screens.file_dialog import FileDialog

    item = _current_item(screen)
    if item is None:
        return
    if item.origin != store.USER:
        screen.notify("Only your own links (added with a) can be edited.", severity="warning",
                      timeout=3, markup=False)
        return
    catalogue = screen.catalogue

    def placed(form: LinkForm, choice: tuple[int, int | None] | None) -> None:
        if choice is None:
            return
        try:
            store.edit_link(catalogue, item.id, title=form.title, description=form.description,
                            topic_id=choice[0], tier=choice[1])
        except (UserError, sqlite3.Error) as exc:
            _report(screen, exc)
            return
        screen.after_write()
        screen.notify("Link saved.", timeout=2, markup=False)

    def given(form: LinkForm | None) -> None:
        if form is None:
            return
        labels = {t.id: t.label for t in catalogue.topics()}
        here = [Suggestion(item.topic_id, 1.0, item.tier, labels.get(item.topic_id, ""))] \
            if item.topic_id is not None else []
        dialog = FileDialog(form.title, here, list(labels.items()), tier=item.tier or 0)
        screen.app.push_screen(dialog, callback=lambda choice: placed(form, choice))

    screen.app.push_screen(
        LinkDialog(catalogue, title=item.title, description=item.description, editing=True),
        callback=given)


def remove_link(screen: BrowseScreen) -> None:
    """``X``: remove an own link from the guide, after asking once."""
    item = _current_item(screen)
    if item is None:
        return
    if item.origin != store.USER:
        screen.notify("Only your own links can be removed; set s to skip a guide's item.",
                      severity="warning", timeout=3, markup=False)
        return

    def answered(yes: bool | None) -> None:
        if not yes:
            return
        try:
            store.remove_link(screen.catalogue, item.id)
        except (UserError, sqlite3.Error) as exc:
            _report(screen, exc)
            return
        screen.after_write()
        screen.notify(f"Removed {clean_text(item.title, limit=80)} (ctrl+z brings it back)",
                      timeout=4, markup=False)

    screen.app.push_screen(
        ConfirmDialog(f"Remove your link “{item.title}” from the guide? "
                      "Its note, tags and status are kept."), callback=answered)


def tag_item(screen: BrowseScreen) -> None:
    """``t``: the tags of the item under the cursor, with completion from those in use."""
    item = _current_item(screen)
    if item is None:
        return
    catalogue = screen.catalogue

    def given(tags: list[str] | None) -> None:
        if tags is None:
            return
        try:
            store.set_tags(catalogue, item.id, tags)
        except (UserError, sqlite3.Error) as exc:
            _report(screen, exc)
            return
        screen.after_write()

    used = [name for name, _ in store.tag_counts(catalogue)]
    screen.app.push_screen(TagDialog(item.title, item.tags, used), callback=given)


class LibraryFeature(Feature):
    """Own links and tags (see the module docstring)."""

    name = "library"
    BINDINGS: ClassVar[list[Binding]] = [
        feature_key("library", "add", "a", "Add link", id="library.add",
                    tooltip="Add your own link: paste a URL, check the title, pick the topic"),
        feature_key("library", "tag", "t", "Tag", id="library.tag",
                    tooltip="Tag the selected item (comma-separated, completed from used tags)"),
        feature_key("library", "edit", "e", "Edit link", id="library.edit", show=False,
                    tooltip="Edit your own link's title, description, topic and tier"),
        feature_key("library", "remove", "X", "Remove link", id="library.remove", show=False,
                    tooltip="Remove your own link from the guide (asks first)"),
    ]

    def nodes(self) -> Sequence[SpecialNode]:
        return (TAGS_NODE,)

    def check_action(self, screen: BrowseScreen, verb: str) -> bool | None:
        if verb in ("tag", "edit", "remove"):
            return screen.source is None or screen.source.has_status
        return True

    def key_state(self, screen: BrowseScreen) -> bool:
        return screen.source is None or screen.source.has_status

    def action_add(self, screen: BrowseScreen) -> None:
        add_link(screen)

    def action_edit(self, screen: BrowseScreen) -> None:
        edit_link(screen)

    def action_remove(self, screen: BrowseScreen) -> None:
        remove_link(screen)

    def action_tag(self, screen: BrowseScreen) -> None:
        tag_item(screen)
