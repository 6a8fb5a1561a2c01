"""A note rendered as Markdown for the detail pane, safely.

Notes are outside text as far as the terminal is concerned (they may come from a restored
file): :func:`clean_text` strips escape sequences first, and Markdown is not Rich markup,
so ``[@click=...]`` stays literal text. Links are rendered as ``text (url)`` with no link
style (``hyperlinks=False``): nothing in a note can be clicked into an action or a URL.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import RenderableType
from rich.text import Text
from textual.widgets import Static

from tuiguide.core.text.sanitize import clean_text

if TYPE_CHECKING:
    from rich.markdown import Markdown  # imported on the first note shown, not at start-up

EMPTY_HINT = "No note yet — press n to write one."


def note_markdown(body: str) -> Markdown:
    """The note as a Rich Markdown renderable (no clickable links, no escapes).

    A line break typed in the editor stays a line break (as in GitHub comments or Obsidian):
    CommonMark would join the lines of a paragraph, and a note is not a typeset document.
    """
    from rich.markdown import Markdown

    markdown = Markdown(clean_text(body, multiline=True), hyperlinks=False)
    for token in markdown.parsed:
        for child in token.children or ():
            if child.type == "softbreak":
                child.type = "hardbreak"
    return markdown


def note_renderable(body: str | None, empty_hint: str = EMPTY_HINT) -> RenderableType:
    if not body or not body.strip():
        return Text(empty_hint, style="dim italic")
    return note_markdown(body)


class NoteView(Static):
    """Shows one note as Markdown (a dim hint when there is none)."""

    DEFAULT_CSS = """
    NoteView {
        height: auto;
        padding: 0 1;
    }
    """

    def __init__(
        self, body: str | None = None, *, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(note_renderable(body), id=id, classes=classes)
        self.body = body or ""

    def show_note(self, body: str | None) -> None:
        self.body = body or ""
        self.update(note_renderable(body))
