"""The reader: a page's stored text with the resource's note open beside it (below it on a
narrow terminal), for reading offline and taking notes as one reads.

It is the note editor (:class:`~tuiguide.tui.screens.note_editor.NoteEditor`, so the note
autosaves by the same rule) with the text pane (:class:`ArticleView`) beside the note;
``tab`` moves between them. An Inbox entry, which has no note yet, opens the text alone
(:class:`ArticleScreen`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from tuiguide.core.articles.store import Target
from tuiguide.tui.screens.note_editor import NoteEditor, markdown_language
from tuiguide.tui.widgets.article_view import ArticleView
from tuiguide.tui.widgets.footer import FittingFooter

if TYPE_CHECKING:
    from tuiguide.core.models import Item
    from tuiguide.core.store.catalogue import Catalogue

NARROW_BELOW = 110
"""Columns under which the note goes below the text instead of beside it."""

READER_CSS = """
ReaderScreen, ArticleScreen { background: $surface; }
ReaderScreen #reader-body { layout: horizontal; height: 1fr; }
ReaderScreen.-narrow #reader-body { layout: vertical; }
ReaderScreen #note-dialog { width: 40%; height: 1fr; border-left: tall $accent; }
ReaderScreen.-narrow #note-dialog { width: 1fr; height: 35%; border-left: none;
    border-top: tall $accent; }
ReaderScreen #note-title { height: 1; padding: 0 1; background: $accent 30%; }
ReaderScreen #note-text { height: 1fr; border: none; }
ReaderScreen #note-status { height: 1; padding: 0 1; color: $text-muted; }
"""


class ReaderScreen(NoteEditor):
    """A resource's text and its note; escape saves the note and closes."""

    DEFAULT_CSS = READER_CSS
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (NARROW_BELOW, "-wide")]
    BINDINGS = [Binding("escape", "close", "Close", priority=True)]

    def __init__(self, catalogue: Catalogue, item: Item) -> None:
        super().__init__(catalogue, item.id)
        self.article = ArticleView(catalogue.path, Target(item.url, item.link, item.id),
                                   item.title)

    def compose(self) -> ComposeResult:
        from textual.widgets import TextArea

        with Container(id="reader-body"):
            yield self.article
            with Vertical(id="note-dialog"):
                yield Static(Text("Note (tab to write)", no_wrap=True), id="note-title")
                yield TextArea(self._text, language=markdown_language(), soft_wrap=True,
                               tab_behavior="focus", id="note-text")
                yield Static(self._status_text(), id="note-status")
        yield FittingFooter(compact=True)

    def on_mount(self, event: events.Mount) -> None:  # type: ignore[override]
        event.prevent_default()  # the note editor's own focuses the note: the text comes first
        self.query_one("#article-scroll").focus()

    def action_close(self) -> None:
        if not self.article.close_find():
            super().action_close()


class ArticleScreen(ModalScreen[None]):
    """A page's text alone (an Inbox entry: no note until it is filed)."""

    DEFAULT_CSS = READER_CSS
    BINDINGS = [Binding("escape", "close", "Close", priority=True)]

    def __init__(self, catalogue: Catalogue, target: Target, title: str) -> None:
        super().__init__()
        self.article = ArticleView(catalogue.path, target, title)

    def compose(self) -> ComposeResult:
        yield self.article
        yield FittingFooter(compact=True)

    def on_mount(self) -> None:
        self.query_one("#article-scroll").focus()

    def action_close(self) -> None:
        if not self.article.close_find():
            self.dismiss(None)
