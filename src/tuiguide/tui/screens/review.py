"""A review session (``R``): the due resources one card at a time, oldest due first.

A card asks for the key idea; space reveals the note (and the stored article's first
paragraph); 1-4 rate it, each key showing beforehand when that rating brings it back; ``n``
writes a note, ``s`` skips; escape ends the session with a summary. Ratings are written on
the UI thread's connection at once, like status changes.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from rich.console import Group, RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from tuiguide.core.errors import UserError
from tuiguide.core.review import scheduler, store
from tuiguide.core.store.connection import describe_sqlite_error
from tuiguide.core.text.sanitize import clean_text
from tuiguide.core.text.stamps import parse_utc
from tuiguide.tui.screens.note_editor import NoteEditor
from tuiguide.tui.widgets.footer import FittingFooter
from tuiguide.tui.widgets.render import note_detail

if TYPE_CHECKING:
    from tuiguide.core.store.catalogue import Catalogue

RATING_LABELS = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}
RATING_STYLES = {1: "red", 2: "yellow", 3: "green", 4: "cyan"}


@dataclass
class Summary:
    """What a session did (shown when it ends)."""

    reviewed: int = 0
    again: int = 0
    skipped: int = 0
    next_due: str | None = None
    rated: list[int] = field(default_factory=list)


class ReviewScreen(Screen[Summary]):
    """One card at a time; dismisses with the session's :class:`Summary`."""

    DEFAULT_CSS = """
    ReviewScreen #review-title {
        height: 1;
        padding: 0 1;
        background: $accent 30%;
        text-style: bold;
    }
    ReviewScreen #review-scroll {
        height: 1fr;
    }
    ReviewScreen #review-card {
        padding: 1 2;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "reveal", "Show note", id="review.reveal"),
        Binding("1", "rate(1)", "Again", id="review.again"),
        Binding("2", "rate(2)", "Hard", id="review.hard"),
        Binding("3", "rate(3)", "Good", id="review.good"),
        Binding("4", "rate(4)", "Easy", id="review.easy"),
        Binding("n", "note", "Note", id="review.note"),
        Binding("s", "skip", "Skip", id="review.skip"),
        Binding("escape", "end", "End", id="review.end"),
    ]

    def __init__(self, catalogue: Catalogue, due: list[store.DueItem]) -> None:
        super().__init__()
        self.catalogue = catalogue
        self.cards = list(due)
        self.index = 0
        self.revealed = False
        self.finished = False
        self.summary = Summary()

    def compose(self) -> ComposeResult:
        yield Static(id="review-title")
        with VerticalScroll(id="review-scroll"):
            yield Static(id="review-card")
        yield FittingFooter()

    def on_mount(self) -> None:
        self.query_one("#review-scroll").focus()
        self.show_card()

    @property
    def current(self) -> store.DueItem | None:
        if self.finished or self.index >= len(self.cards):
            return None
        return self.cards[self.index]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("rate", "reveal", "note", "skip"):
            return self.current is not None
        return True

    # ------------------------------------------------------------------ drawing
    def show_card(self) -> None:
        title = self.query_one("#review-title", Static)
        body = self.query_one("#review-card", Static)
        due = self.current
        if due is None:
            self.finished = True
            title.update(Text("Review · done", no_wrap=True))
            body.update(self.summary_text())
            self.refresh_bindings()
            return
        title.update(Text(f"Review · {self.index + 1} of {len(self.cards)}", no_wrap=True))
        body.update(self.card_view(due))
        self.refresh_bindings()

    def card_view(self, due: store.DueItem) -> RenderableType:
        item = due.item
        parts: list[RenderableType] = [Text(clean_text(item.title, limit=500), style="bold")]
        where = Text(clean_text(item.topic or "(no topic)", limit=200), style="dim")
        where.append(f" · Tier {item.tier}" if item.tier else " · untiered")
        parts += [where, Text(""), Text("What was the key idea?", style="italic"), Text("")]
        if self.revealed:
            if item.note.strip():
                parts += note_detail(item.note)
            else:
                parts.append(Text("No note yet: press n to write down the key idea.",
                                  style="yellow"))
            first = store.article_first_paragraph(self.catalogue, item.id)
            if first:
                parts += [Text(""), Text(clean_text(first, limit=2000), style="dim")]
        elif not item.note.strip():
            parts.append(Text("No note yet: press n to write one before rating.",
                              style="yellow"))
        else:
            parts.append(Text("space shows your note", style="dim"))
        parts += [Text(""), self.ratings_line(due)]
        return Group(*parts)

    def ratings_line(self, due: store.DueItem) -> Text:
        now = parse_utc(self.catalogue.now())
        line = Text()
        for rating, when in scheduler.preview(due.card, now).items():
            line.append(f"{rating} ", style="bold")
            line.append(f"{RATING_LABELS[rating]}: ", style=RATING_STYLES[rating])
            line.append(scheduler.interval_text(when, now))
            line.append("   ")
        return line

    def summary_text(self) -> Text:
        s = self.summary
        text = Text("Session over\n\n", style="bold")
        text.append(f"Reviewed {s.reviewed}  ·  Again {s.again}  ·  Skipped {s.skipped}\n")
        if s.next_due:
            now = parse_utc(self.catalogue.now())
            text.append(f"Next due {scheduler.interval_text(s.next_due, now)}\n")
        text.append("\nescape to go back", style="dim")
        return text

    # ------------------------------------------------------------------ keys
    def action_reveal(self) -> None:
        if self.current is not None:
            self.revealed = True
            self.show_card()

    def action_rate(self, rating: int) -> None:
        due = self.current
        if due is None:
            return
        try:
            after = store.record_review(self.catalogue, due.item.id, rating)
        except (UserError, sqlite3.Error) as exc:
            self._report(exc)
            return
        self.summary.reviewed += 1
        self.summary.again += rating == 1
        self.summary.rated.append(due.item.id)
        if self.summary.next_due is None or after.due < self.summary.next_due:
            self.summary.next_due = after.due
        self.next_card()

    def action_skip(self) -> None:
        if self.current is not None:
            self.summary.skipped += 1
            self.next_card()

    def next_card(self) -> None:
        self.index += 1
        self.revealed = False
        self.show_card()

    def action_note(self) -> None:
        due = self.current
        if due is None:
            return
        resource_id = due.item.id

        def closed(saved: bool | None) -> None:
            if saved:
                found = store.items_for(self.catalogue, [resource_id]).get(resource_id)
                if found is not None and self.current is due:
                    self.cards[self.index] = store.DueItem(found, due.card)
                    self.revealed = True
                    self.show_card()

        try:
            self.app.push_screen(NoteEditor(self.catalogue, resource_id), callback=closed)
        except (UserError, sqlite3.Error) as exc:
            self._report(exc)

    def action_end(self) -> None:
        if self.finished:
            self.dismiss(self.summary)
            return
        self.finished = True
        self.show_card()

    def _report(self, exc: Exception) -> None:
        if isinstance(exc, sqlite3.Error):
            message = describe_sqlite_error(exc, self.catalogue.path)
        else:
            message = clean_text(str(exc))
        self.notify(message, severity="error", markup=False)
