"""Search matches as Rich text: the core hands out cleaned text and spans, never markup."""

from __future__ import annotations

from rich.text import Text

from tuiguide.core.search.highlight import Marked

HIGHLIGHT_STYLE = "bold reverse"


def marked_text(marked: Marked, style: str = HIGHLIGHT_STYLE, base_style: str = "") -> Text:
    """A Rich ``Text`` of ``marked`` with its matches styled (no markup is parsed)."""
    out = Text(marked.text, style=base_style)
    for start, end in marked.spans:
        out.stylize(style, start, end)
    return out
