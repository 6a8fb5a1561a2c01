"""How a feature is added to the browse screen: a tree node with its own row kind, a key.

A feature is an object handed to the screen (its nodes, its keys' actions); its bindings are
placed in a screen subclass's ``BINDINGS``, as Textual binds keys per class."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from rich.console import RenderableType
from rich.text import Text
from textual.binding import Binding

from tuiguide.core.store.catalogue import Catalogue
from tuiguide.tui.app import TuiguideApp, make_app
from tuiguide.tui.commands import key_commands
from tuiguide.tui.features.base import Feature, feature_key
from tuiguide.tui.screens.browse import BrowseScreen
from tuiguide.tui.sources.base import ItemSource, ListSource, SpecialNode
from tuiguide.tui.widgets.render import fit, safe
from ui_support import fixed_now, make_catalogue, notices, screen_text


@dataclass(frozen=True)
class Entry:
    """A row that is not an Item (like a feed entry)."""

    n: int
    title: str
    url: str


ENTRIES = [Entry(n, f"Entry [b]{n}[/b] \x1b[2J", f"https://feed.example/{n}") for n in range(250)]
ENTRIES.append(Entry(250, "Script entry", "javascript:alert(1)"))


class EntrySource(ListSource):
    key = "special:entries"
    label = "Entries"
    supports_tiers = False
    empty_message = "No entries."

    def count(self) -> int:
        return len(ENTRIES)

    def page(self, offset: int, limit: int) -> Sequence[Entry]:
        return ENTRIES[offset : offset + limit]

    def row_key(self, row: Entry) -> str:
        return f"entry:{row.n}"

    def render_row(self, row: Entry, width: int) -> Text:
        return fit(Text.assemble(" ✦ ", safe(row.title)), width)

    def render_detail(self, row: Entry) -> RenderableType:
        return Text.assemble(safe(row.title, style="bold"), "\n", safe(row.url))

    def link(self, row: Entry) -> str | None:
        return row.url


class EntriesFeature(Feature):
    """A node listing entries, and ``x`` marking the entry under the cursor there."""

    name = "entries"
    BINDINGS: ClassVar[list[Binding]] = [
        feature_key("entries", "mark", "x", "Mark entry", id="entries.mark",
                    tooltip="Mark the entry"),
    ]

    def __init__(self) -> None:
        self.marked: list[str] = []

    def nodes(self) -> Sequence[SpecialNode]:
        return (
            SpecialNode(
                key="special:entries",
                label="Entries",
                icon="✦",
                make_source=lambda cat, tier: EntrySource(cat, tier),
                badge=lambda cat, tier: str(len(ENTRIES)),
                order=15,
            ),
        )

    def check_action(self, screen: BrowseScreen, verb: str) -> bool | None:
        return isinstance(screen.source, EntrySource)

    def key_state(self, screen: BrowseScreen) -> bool:
        return isinstance(screen.source, EntrySource)

    def action_mark(self, screen: BrowseScreen) -> None:
        self.marked.append(screen.source.row_key(screen.current_row))


class EntriesScreen(BrowseScreen):
    FEATURES = (*BrowseScreen.FEATURES, EntriesFeature)
    BINDINGS = EntriesFeature.BINDINGS


class EntriesApp(TuiguideApp):
    BROWSE_SCREEN = EntriesScreen


async def test_a_feature_adds_a_node_with_its_own_row_kind_and_a_key(tmp_path: Path) -> None:
    db = make_catalogue(tmp_path / "ext.db")
    app = EntriesApp(Catalogue.open(db, now=fixed_now))
    feature = app.feature(EntriesFeature)
    assert feature is not None
    extended = feature.marked
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        tree = screen.topic_tree
        keys = [node.data.key for node in tree.root.children]
        assert keys[:3] == ["special:upnext", "special:entries", "special:all"]
        # Not available outside the entries list: hidden from the footer, a no-op.
        await pilot.press("x")
        assert extended == []
        assert "Mark entry" not in screen_text(app)

        await pilot.press("h", "j", "enter")
        await pilot.pause()
        assert screen.item_list.count == 251
        text = screen_text(app)
        assert "Entry [b]0[/b]" in text  # shown literally, ESC stripped
        assert "x Mark entry" in text  # the footer shows the key here
        assert screen.tier_tabs.enabled is False

        await pilot.press("j", "x")
        assert extended == ["entry:1"]
        await pilot.press("G")
        await pilot.pause()
        assert screen.current_row.title == "Script entry"
        await pilot.press("d")  # no status on these rows: refused with a warning
        await pilot.pause()
        assert any("no reading status" in n.message for n in notices(app))
        await pilot.press("o")
        await pilot.pause()
        assert any(n.message.startswith("Not opened") for n in notices(app))

        # Help and the command palette list the added key.
        assert any(c.binding_id == "entries.mark" for c in key_commands(screen))


async def test_after_write_refreshes_rows_and_counts(tmp_path: Path) -> None:
    db = make_catalogue(tmp_path / "ext.db")
    app = make_app(db, now=fixed_now)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        row = screen.current_row
        # Another feature writes (e.g. a note editor), then tells the screen.
        with Catalogue.open(db, seed=False, now=fixed_now) as other:
            other.set_note(row.id, "A note written elsewhere")
            changed = other.item(row.id)
        screen.after_write(changed)
        await pilot.pause()
        assert "A note written elsewhere" in screen_text(app)
        with Catalogue.open(db, seed=False, now=fixed_now) as other:
            other.set_status(row.id, "done")
        screen.after_write()  # no item: the list is re-queried
        await pilot.pause()
        assert screen.current_row.title != row.title  # Up next no longer holds it
        assert "1/6 done" in screen_text(app)


async def test_a_list_shown_outside_the_tree_survives_tiers_and_reload(tmp_path: Path) -> None:
    """Search results (for example) are a source shown with show_source, not a tree node."""
    db = make_catalogue(tmp_path / "ext.db")
    app = make_app(db, now=fixed_now)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        results = ItemSource(
            screen.catalogue, screen.tier, key="search:alpha", label="Search: alpha", topic_id=1
        )
        screen.show_source(results)
        await pilot.pause()
        assert screen.item_list.count == 3
        assert "Search: alpha · 3" in screen_text(app)
        await pilot.press("2")
        await pilot.pause()
        assert screen.source.key == "search:alpha"
        assert screen.item_list.count == 1
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert screen.source.key == "search:alpha"
        await pilot.press("h", "enter")  # enter on the tree's node shows that node again
        await pilot.pause()
        assert screen.source.key == "special:upnext"
