"""The feeds screen: every followed feed with its state, and keys to add, remove, refresh.

A failing feed is shown, not hidden: its state, last HTTP status, last success and error
are in the table and the pane below it. Adding a feed fetches it first (in a worker thread,
with its own catalogue connection), so a typo or a dead URL is caught at once; refreshing
runs in a worker too, and each feed's row updates as it lands. The screen dismisses with
True when anything changed (so the caller can update its Inbox count).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Input, Static

from tuiguide.core.errors import UserError
from tuiguide.core.feeds import refresh as feeds
from tuiguide.core.feeds.fetch import FetchSettings
from tuiguide.core.feeds.inbox import inbox_count
from tuiguide.core.feeds.refresh import Feed, RefreshProgress
from tuiguide.core.text.sanitize import clean_text
from tuiguide.tui.messages import FeedAdded, FeedLanded, FeedsRefreshed
from tuiguide.tui.widgets.footer import FittingFooter

if TYPE_CHECKING:
    from tuiguide.core.store.catalogue import Catalogue

STATE_STYLES = {"ok": "green", "warning": "yellow", "failing": "bold red", "new": "dim"}
STATE_NAMES = {"ok": "ok", "warning": "warning", "failing": "failing", "new": "not fetched"}


def _when(value: str | None) -> str:
    return clean_text(value).replace("T", " ")[:16] if value else "never"


class ConfirmRemove(ModalScreen[bool]):
    """``Stop following <feed>?`` -- y confirms, n or escape keeps it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Remove"),
        Binding("n,escape", "answer(False)", "Keep"),
    ]
    DEFAULT_CSS = """
    ConfirmRemove { align: center middle; }
    ConfirmRemove > Static {
        width: 64; max-width: 95%; height: auto;
        border: round $error; background: $surface; padding: 0 1;
    }
    """

    def __init__(self, feed: Feed) -> None:
        super().__init__()
        self.feed = feed

    def compose(self) -> ComposeResult:
        text = Text("Stop following ")
        text.append(clean_text(self.feed.name, limit=120), style="bold")
        text.append("?\n")
        text.append("Its entries leave the Inbox; anything filed stays in the guide.\n", style="dim")
        text.append("y", style="bold")
        text.append(" remove   ")
        text.append("n", style="bold")
        text.append(" keep")
        yield Static(text)

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class FeedsScreen(Screen[bool]):
    """Followed feeds: ``a`` add, ``d`` remove, ``r`` refresh all, escape back."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Back", id="feeds.close"),
        Binding("a", "add", "Add feed", id="feeds.add"),
        Binding("d,delete", "remove", "Remove", id="feeds.remove"),
        Binding("r", "refresh_feeds", "Refresh all", id="feeds.refresh"),
        Binding("j", "move(1)", "Down", show=False),
        Binding("k", "move(-1)", "Up", show=False),
    ]

    DEFAULT_CSS = """
    FeedsScreen #feeds-title {
        height: 1;
        padding: 0 1;
        background: $accent 30%;
        text-style: bold;
    }
    FeedsScreen #feeds-table {
        height: 1fr;
    }
    FeedsScreen #feeds-detail {
        height: auto;
        max-height: 9;
        padding: 0 1;
        border-top: solid $accent 50%;
    }
    FeedsScreen #feeds-add {
        display: none;
    }
    FeedsScreen #feeds-add.-open {
        display: block;
    }
    FeedsScreen #feeds-status {
        height: 1;
        padding: 0 1;
        color: $text-muted;
    }
    """

    def __init__(self, catalogue: Catalogue, *, settings: FetchSettings | None = None) -> None:
        super().__init__()
        self.catalogue = catalogue
        self.settings = settings
        self.changed = False
        self.busy = False
        self._stop = threading.Event()
        self._feeds: list[Feed] = []
        self._input_error = False  # the status line shows a mistake typed in the add box

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield Static(id="feeds-title")
        with Vertical():
            table: DataTable[Text] = DataTable(id="feeds-table", cursor_type="row", zebra_stripes=True)
            yield table
            yield Static(id="feeds-detail")
            yield Input(placeholder="Feed URL (http:// or https://) · enter adds · esc cancels",
                        id="feeds-add")
            yield Static(id="feeds-status")
        yield FittingFooter()

    def on_mount(self) -> None:
        table = self.query_one("#feeds-table", DataTable)
        table.add_column("Feed", key="feed")
        table.add_column("State", key="state")
        table.add_column("Last success", key="success")
        table.add_column("Entries", key="entries")
        table.add_column("New", key="new")
        self.reload()
        table.focus()

    def on_unmount(self) -> None:
        self._stop.set()

    # ------------------------------------------------------------------ data
    @property
    def table(self) -> DataTable[Text]:
        return self.query_one("#feeds-table", DataTable)

    @property
    def current(self) -> Feed | None:
        table = self.table
        if not self._feeds or table.cursor_row is None or table.row_count == 0:
            return None
        index = min(max(table.cursor_row, 0), len(self._feeds) - 1)
        return self._feeds[index]

    def reload(self) -> None:
        """Read every feed again and redraw, keeping the cursor on the same feed."""
        keep = self.current.id if self.current else None
        self._feeds = feeds.list_feeds(self.catalogue)
        table = self.table
        table.clear()
        name_width = self._name_width()
        for f in self._feeds:
            state = f.state
            label = STATE_NAMES[state]
            if f.last_status is not None:
                label += f" ({f.last_status})"
            name = Text(clean_text(f.name, limit=200), no_wrap=True)
            name.truncate(name_width, overflow="ellipsis")
            table.add_row(
                name,
                Text(label, style=STATE_STYLES[state]),
                Text(_when(f.last_success_at), style="" if f.last_success_at else "dim"),
                Text(str(f.stored_count), justify="right"),
                Text(str(f.new_count), justify="right", style="bold" if f.new_count else "dim"),
                key=str(f.id),
            )
        if keep is not None:
            index = next((i for i, f in enumerate(self._feeds) if f.id == keep), 0)
            table.move_cursor(row=index)
        self._show_title()
        self._show_detail()

    def _name_width(self) -> int:
        """The feed column's width: the other columns (about 49 cells with padding and the
        scrollbar) keep their room, so "New" stays on screen at 80 columns."""
        width = self.size.width or self.app.size.width
        return max(12, min(60, width - 49))

    def on_resize(self) -> None:
        if self.is_mounted and self._feeds:
            self.reload()

    def _show_title(self) -> None:
        n = len(self._feeds)
        failing = sum(1 for f in self._feeds if f.state == "failing")
        text = Text(f"Feeds · {n} followed · {inbox_count(self.catalogue)} in the Inbox")
        if failing:
            text.append(f" · {failing} failing", style="bold red")
        self.query_one("#feeds-title", Static).update(text)

    def _show_detail(self) -> None:
        feed = self.current
        detail = self.query_one("#feeds-detail", Static)
        if feed is None:
            detail.update(Text("No feeds. Press a to add one.", style="dim"))
            return
        text = Text()
        if feed.title:
            text.append(clean_text(feed.title, limit=200), style="bold")
            text.append("\n")
        text.append(clean_text(feed.link, limit=500), style="underline cyan")
        if feed.site_url:
            text.append("  ·  ")
            text.append(clean_text(feed.site_url, limit=300), style="dim")
        text.append("\n")
        state = feed.state
        text.append(STATE_NAMES[state], style=STATE_STYLES[state])
        if feed.last_status is not None:
            text.append(f" · HTTP {feed.last_status}")
        text.append(f" · checked {_when(feed.last_checked_at)}")
        text.append(f" · last success {_when(feed.last_success_at)}")
        text.append(f" · {feed.entry_count} in the feed")
        if feed.error:
            text.append("\n")
            text.append(clean_text(feed.error, limit=400), style=STATE_STYLES[state])
        if feed.failures and feed.next_attempt_at:
            text.append("\n")
            text.append(
                f"{feed.failures} failure{'s' if feed.failures != 1 else ''} in a row; "
                f"next try after {_when(feed.next_attempt_at)} (r tries now)",
                style="dim",
            )
        detail.update(text)

    def _status(self, message: str, style: str = "") -> None:
        self.query_one("#feeds-status", Static).update(Text(message, style=style))

    @on(DataTable.RowHighlighted, "#feeds-table")
    def _moved(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    # ------------------------------------------------------------------ actions
    def action_move(self, step: int) -> None:
        if step > 0:
            self.table.action_cursor_down()
        else:
            self.table.action_cursor_up()

    def action_close(self) -> None:
        box = self.query_one("#feeds-add", Input)
        if box.has_class("-open"):
            self._close_input()
            return
        self._stop.set()
        self.dismiss(self.changed)

    def action_add(self) -> None:
        box = self.query_one("#feeds-add", Input)
        box.value = ""
        box.add_class("-open")
        box.focus()
        self._clear_input_error()

    def _close_input(self) -> None:
        box = self.query_one("#feeds-add", Input)
        box.remove_class("-open")
        self.table.focus()
        self._clear_input_error()

    def _clear_input_error(self) -> None:
        """A complaint about what was typed in the add box goes with the box (escape, or
        reopening it): it must not read as news about the feeds."""
        if self._input_error:
            self._input_error = False
            self._status("")

    @on(Input.Submitted, "#feeds-add")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        url = event.value.strip()
        try:
            feeds.check_feed_url(url)
        except UserError as exc:
            self._status(clean_text(str(exc)), "bold red")
            self._input_error = True
            return
        self._close_input()
        if self.busy:
            self._status("Busy: wait for the current fetch to finish", "yellow")
            return
        self.busy = True
        self._status(f"Checking {clean_text(url, limit=200)} …")
        self._add_worker(url)

    @work(thread=True, exclusive=False, group="feeds-add", exit_on_error=False)
    def _add_worker(self, url: str) -> None:
        from tuiguide.core.store.catalogue import Catalogue

        try:
            with Catalogue.open(self.catalogue.path, seed=False, now=self.catalogue.now) as cat:
                outcome = feeds.add_feed(cat, url, settings=self.settings)
        except UserError as exc:
            self.post_message(FeedAdded(None, str(exc)))
            return
        text = f"Following {clean_text(outcome.feed.name, limit=80)}: {outcome.new_entries} new"
        if outcome.message:
            text += f" ({clean_text(outcome.message, limit=120)})"
        self.post_message(FeedAdded(outcome.feed.id, text))

    @on(FeedAdded)
    def _added(self, message: FeedAdded) -> None:
        self.busy = False
        if message.feed_id is None:
            self._status(clean_text(message.text), "bold red")
            return
        self.changed = True
        self.reload()
        index = next((i for i, f in enumerate(self._feeds) if f.id == message.feed_id), 0)
        self.table.move_cursor(row=index)
        self._status(message.text, "green")

    def action_remove(self) -> None:
        feed = self.current
        if feed is None or self.busy:
            return

        def done(answer: bool | None) -> None:
            if not answer:
                return
            removed = feeds.remove_feed(self.catalogue, str(feed.id))
            self.changed = True
            self.reload()
            self._status(f"Removed {clean_text(removed.name, limit=80)}")

        self.app.push_screen(ConfirmRemove(feed), done)

    def action_refresh_feeds(self) -> None:
        if self.busy or not self._feeds:
            return
        self.busy = True
        self._status(f"Refreshing 0/{len(self._feeds)} …")
        self._refresh_worker()

    @work(thread=True, exclusive=False, group="feeds-refresh", exit_on_error=False)
    def _refresh_worker(self) -> None:
        from tuiguide.core.store.catalogue import Catalogue

        def landed(progress: RefreshProgress) -> None:
            self.post_message(FeedLanded(progress))

        report = None
        error = None
        try:
            with Catalogue.open(self.catalogue.path, seed=False, now=self.catalogue.now) as cat:
                report = feeds.refresh(
                    cat,
                    force=True,  # the user asked for it now: backing off is for cron
                    settings=self.settings,
                    progress=landed,
                    stop=self._stop,
                )
        except Exception as exc:  # a worker must not take the app down
            error = clean_text(f"{exc.__class__.__name__}: {exc}", limit=300)
        self.post_message(FeedsRefreshed(report, error))

    @on(FeedLanded)
    def _landed(self, message: FeedLanded) -> None:
        if not self.is_attached:
            return
        self.changed = True
        self.reload()
        self._status(f"Refreshing {message.progress.done}/{message.progress.total} …")

    @on(FeedsRefreshed)
    def _refreshed(self, message: FeedsRefreshed) -> None:
        self.busy = False
        if not self.is_attached:
            return
        self.reload()
        report = message.report
        if report is None:
            self._status(f"Refresh failed: {message.error}", "bold red")
            return
        summary = f"{report.new_entries} new, {report.inbox_count} in the Inbox"
        if report.failed:
            summary += f"; {len(report.failed)} failed"
        self._status(summary, "yellow" if report.failed else "green")
