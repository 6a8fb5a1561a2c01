"""The detail pane: everything about the row under the list's cursor, scrollable."""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from rich.console import Console, Group, RenderableType
from rich.segment import Segment
from rich.style import Style
from rich.text import DEFAULT_JUSTIFY, DEFAULT_OVERFLOW, Span, Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar
from textual.strip import Strip
from textual.visual import Visual, visualize

from tuiguide.tui.widgets.render import span_segments
from tuiguide.tui.widgets.scrolling import set_virtual_size, steady_vertical_scrollbar


class DetailPane(ScrollView, can_focus=True):
    """Shows a renderable built by the list's source (never a markup string).

    Drawn line by line from strips rendered once per row (like the item list), not as a
    child widget: a child whose height changes makes Textual lay out the whole screen on
    every cursor move, which cost more than everything else a key press does. Entries made
    of Text parts only (most of them) are wrapped and drawn here (``text_strips``), exactly
    as Textual would draw them (tests/test_ui_detail_draw.py) in a quarter of the time.
    """

    HELP_GROUP = "Detail pane"

    DEFAULT_CSS = """
    DetailPane {
        overflow-x: hidden;
        overflow-y: auto;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "scroll_down", "Scroll down", show=False, id="detail.down"),
        Binding("up,k", "scroll_up", "Scroll up", show=False, id="detail.up"),
        Binding("g,home", "scroll_home", "Scroll to top", show=False, id="detail.top"),
        Binding("G,end", "scroll_end", "Scroll to bottom", show=False, id="detail.bottom"),
        Binding("pageup", "page_up", "Page up", show=False, id="detail.page_up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="detail.page_down"),
    ]

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._renderable: RenderableType = Text("")
        self._strips: list[Strip] = []
        self._strips_width = -1
        self._blank: Strip | None = None

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        return steady_vertical_scrollbar(self)  # (redrawn only when the thumb moves a cell)

    def show(self, renderable: RenderableType | None, *, placeholder: str = "") -> None:
        """Show ``renderable`` from its top. Only the lines that differ from what is on
        screen are redrawn: Textual redraws each line of a pane for ~0.15 ms, and the lines
        under a short entry are blank before and after (half the pane on most moves)."""
        if renderable is None:
            renderable = Text(placeholder, style="dim italic")
        self._renderable = renderable
        old, old_width = self._strips, self._strips_width
        at_top = self.scroll_offset.y == 0
        self._strips_width = -1
        relaid = self._layout_strips(repaint=False)
        self.scroll_to(y=0, animate=False, immediate=True)
        if relaid or not at_top or old_width < 0 or old_width != self._strips_width:
            self.refresh()
            return
        # One refresh for all the changed runs of lines (Textual's refresh per line cost
        # more than drawing the entry).
        new = self._strips
        width = max(self.virtual_size.width, self.size.width)
        regions: list[Region] = []
        start = -1
        for y in range(max(len(old), len(new)) + 1):
            changed = y < len(old) or y < len(new)
            if changed and y < len(old) and y < len(new):
                changed = old[y] != new[y]
            if changed and start < 0:
                start = y
            elif not changed and start >= 0:
                regions.append(Region(0, start, width, y - start))
                start = -1
        if regions:
            self.refresh(*regions)  # (scrolled to the top: lines are screen lines)

    @property
    def text(self) -> str:
        """What the pane shows, as plain text (tests, copying)."""
        return "\n".join(strip.text.rstrip() for strip in self._strips)

    def _layout_strips(self, *, repaint: bool = True) -> bool:
        """Render the renderable at the pane's width; a scrollbar narrows it by its size.

        Returns True when the whole pane is redrawn anyway (a scrollbar came or went)."""
        if not self.is_mounted:
            return True
        full = self.container_size.width
        height = self.container_size.height
        if full <= 0:
            return True
        strips = self._render_at(full)
        bar = self.styles.scrollbar_size_vertical
        width = full
        if len(strips) > height and bar and full - bar > 0:
            width = full - bar
            strips = self._render_at(width)
        self._strips = strips
        self._strips_width = width
        return set_virtual_size(self, Size(width, len(strips)), repaint=repaint)

    def _render_at(self, width: int) -> list[Strip]:
        strips = self._text_strips(width)
        if strips is None:
            visual = visualize(self, self._renderable, markup=False)
            strips = Visual.to_strips(self, visual, width, None, self.visual_style)
        return strips

    def _text_strips(self, width: int) -> list[Strip] | None:
        """A group of plain ``Text`` parts (every entry but one with a note) drawn without
        Textual's Rich wrapper: the same strips, cell for cell, in a quarter of the time.
        None for anything else (a Rule, Markdown, a lone Text, which Textual draws as
        Content with other wrapping rules; a content-align or a click link), drawn by
        Textual."""
        renderable = self._renderable
        if type(renderable) is not Group or width < 1:
            return None
        parts = renderable.renderables
        if any(type(part) is not Text or part.end != "\n" for part in parts):
            return None
        if self.styles.content_align != ("left", "top"):
            return None
        base = self.visual_style.rich_style
        if base._meta is not None:
            return None
        return text_strips(self.app.console, parts, width, base)

    def on_resize(self, event: events.Resize) -> None:
        self._layout_strips()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips_width = -1
        self.refresh()

    def render_lines(self, crop: Region) -> list[Strip]:
        self._blank = None  # (styles may have changed since the last draw)
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if self._strips_width != width and self.is_mounted:
            self._strips = self._render_at(width)
            self._strips_width = width
        index = self.scroll_offset.y + y
        if 0 <= index < len(self._strips):
            return self._strips[index]  # (padded to the width with the pane's background)
        # The lines under the entry: one blank strip per draw (rich_style walks every
        # ancestor's styles; looked up per line it cost more than the entry's own lines).
        if self._blank is None or self._blank.cell_length != width:
            self._blank = Strip.blank(width, self.rich_style)
        return self._blank


def text_strips(console: Console, parts: list[Text], width: int, base: Style) -> list[Strip] | None:
    """``parts`` drawn one under the other at ``width`` on ``base``, as Textual draws a
    ``Group`` of them (``RichVisual`` -> ``Widget.post_render``): each wrapped as
    ``Text.__rich_console__`` wraps it (Textual's console options set no justify, overflow
    or no_wrap), ``base`` added under every segment, lines wider than ``width`` cropped.

    A line that fits (most of them: title, link, author, short paragraphs) is what
    ``Text.wrap`` would give back unchanged, so it is drawn straight from the text and its
    spans; any other line goes through ``Text.wrap`` itself. None when a style carries
    click meta (Textual adds its link style to those)."""
    null = Style.null()
    strips: list[Strip] = []
    append = strips.append
    for part in parts:
        justify = part.justify or DEFAULT_JUSTIFY
        overflow = part.overflow or DEFAULT_OVERFLOW
        tab_size = (console.tab_size if part.tab_size is None else part.tab_size) or 8
        no_wrap = bool(part.no_wrap)
        if justify != "default":  # (left pads, center/right/full move words: Rich's way)
            lines = part.wrap(console, width, justify=justify, overflow=overflow,
                              tab_size=tab_size, no_wrap=no_wrap)
            for line in lines:
                strip = _strip(console, line.plain, line.spans, line.style, width, base, null)
                if strip is None:
                    return None
                append(strip)
            continue
        plain = part.plain
        spans = part.spans
        style = part.style
        at = 0
        for text in plain.split("\n"):
            end = at + len(text)
            line_spans: list[Span] = []
            if spans and end > at:  # the part's spans cut to this line, as Text.split cuts them
                for start, stop, span_style in spans:
                    if stop > at and start < end and stop > start:
                        line_spans.append(Span(max(start, at) - at, min(stop, end) - at, span_style))
            if (
                len(text) <= width
                and "\t" not in text
                and "\u200d" not in text  # (joiners and variation selectors: cells
                and "\ufe0f" not in text  # are not the sum of the characters' cells)
                and (cells := cell_len(text)) <= width
            ):
                strip = _strip(console, text, line_spans, style, width, base, null, cells)
                if strip is None:
                    return None
                append(strip)
            else:
                line = Text(text, style=style, justify=part.justify, overflow=part.overflow,
                            spans=line_spans)
                for wrapped in line.wrap(console, width, justify=justify, overflow=overflow,
                                         tab_size=tab_size, no_wrap=no_wrap):
                    strip = _strip(console, wrapped.plain, wrapped.spans, wrapped.style,
                                   width, base, null)
                    if strip is None:
                        return None
                    append(strip)
            at = end + 1
    return strips


def _strip(
    console: Console, plain: str, spans: list[Span], style: str | Style, width: int,
    base: Style, null: Style, cells: int | None = None,
) -> Strip | None:
    """One wrapped line (``plain`` with ``spans`` on ``style``) as Rich renders it inside
    ``Text("\\n").join(lines)`` (the line's style becomes a span under its spans), with
    ``base`` under each segment and cropped to ``width`` (``cells``: its width, if known);
    None if a style has meta."""
    if not plain:
        return Strip([], 0)
    under = base + console.get_style(style, default=null) if style else base
    segments = [Segment(plain, under)] if not spans else span_segments(console, plain, spans, under)
    if segments is None:  # overlapping, unsorted or empty spans: Rich's way
        joined = Text("\n").join([Text(plain, style=style, spans=spans)])
        segments = [Segment(text, base + part) for text, part, _ in joined.render(console)]
    for segment in segments:
        if segment.style is not None and segment.style._meta is not None:
            return None
    strip = Strip(segments, cells)
    if cells is None and strip.cell_length > width:
        strip = Strip(Segment.adjust_line_length(segments, width, pad=False))
    return strip
