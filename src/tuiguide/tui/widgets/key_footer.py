"""The browse screen's footer: the screen's keys drawn on one line by one widget.

Textual's Footer is a container of about 20 widgets (a FooterKey per key, a label per group)
that it removes and mounts again whenever the screen's keys may have changed. A list with keys
of its own (the Inbox: no status keys, but f and x) cost 60-80 ms on the key press that showed
it, and every widget in the DOM adds to the cost of each key press. :class:`KeyFooter` draws the
same line (Textual's look, styles and layout: keys, descriptions, groups with their label,
dimmed disabled keys, the palette key at the right) from ``screen.active_bindings`` with no
child widget, and redraws only when what it draws changes.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import groupby
from typing import NamedTuple

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.color import Color
from textual.css.styles import RenderStyles
from textual.reactive import reactive
from textual.screen import Screen
from textual.strip import Strip
from textual.widget import Widget

PALETTE = -1
"""Index of the command palette's key (the other keys are numbered from 0)."""


class FooterKeyInfo(NamedTuple):
    """One key the footer shows, as Textual's FooterKey holds it."""

    key: str  # what a click simulates
    display: str
    description: str
    enabled: bool
    tooltip: str


class _Part(NamedTuple):
    text: str
    role: str  # "gap" (the footer's own background), "key", "description", "label", "pad", "border"
    key: int | None  # the key a click on it runs (None: none)


class _Box(NamedTuple):
    """What Textual lays out as one widget: margins, then its cells."""

    margin: tuple[int, int]  # left, right
    parts: tuple[_Part, ...]


class _Layout(NamedTuple):
    """What the footer draws, before fitting it to a width."""

    keys: tuple[FooterKeyInfo, ...]
    palette: FooterKeyInfo | None
    units: tuple[tuple[_Box, ...], ...]  # kept or left out whole: a key, or a group and its label


def _key_box(index: int, info: FooterKeyInfo, compact: bool) -> tuple[_Part, ...]:
    """A FooterKey's cells: the key, then its description (Textual's padding around each)."""
    if not info.description:
        return (_Part(info.display, "key", index),)
    if compact:
        return (_Part(info.display, "key", index), _Part(" " + info.description, "description", index))
    return (
        _Part(f" {info.display} ", "key", index),
        _Part(info.description + " ", "description", index),
    )


def _collapse(boxes: list[_Box]) -> list[_Part]:
    """Boxes side by side as Textual's horizontal layout places them (margins collapse)."""
    parts: list[_Part] = []
    previous_right = None
    for box in boxes:
        left, right = box.margin
        gap = left if previous_right is None else max(previous_right, left)
        if gap:
            parts.append(_Part(" " * gap, "gap", None))
        parts.extend(box.parts)
        previous_right = right
    if previous_right:
        parts.append(_Part(" " * previous_right, "gap", None))
    return parts


def _width(parts: list[_Part] | tuple[_Part, ...]) -> int:
    return sum(len(part.text) for part in parts)


class KeyFooter(Widget, can_focus=False):
    """Shows the screen's keys like Textual's Footer, in one widget with no children.

    Keys that do not fit whole are left out from the right (help lists every key); the
    command palette's key stays. A click on a key runs it; the key under the mouse is
    highlighted and shows its tooltip.
    """

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {
        "footer-key--key",
        "footer-key--description",
        "key-footer--item",
        "key-footer--hover",
        "key-footer--disabled",
        "key-footer--label",
        "key-footer--separator",
    }
    # Textual's Footer and FooterKey CSS, the widgets turned into component classes. Margins
    # and padding are in _layout (as the app's stylesheet sets them for Footer: a gap after a
    # group's label, the palette's key padded on the right and flush with the edge).
    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        .key-footer--item {
            background: $footer-item-background;
        }
        .key-footer--hover {
            color: $footer-key-foreground;
            background: $block-hover-background;
        }
        .key-footer--disabled {
            text-style: dim;
        }
        .footer-key--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .footer-key--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        .key-footer--label {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        .key-footer--separator {
            color: $foreground 20%;
        }
    }
    """

    compact = reactive(False, toggle_class="-compact")
    """Textual's compact footer: less space around keys."""

    def __init__(
        self, *, compact: bool = False, show_command_palette: bool = True, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.set_reactive(KeyFooter.compact, compact)
        self.set_class(compact, "-compact", update=False)
        self.show_command_palette = show_command_palette
        self._shown: _Layout | None = None
        self.keys: list[FooterKeyInfo] = []
        """The screen's keys in footer order (those that do not fit are not drawn); the
        palette's key is :attr:`palette`."""
        self.palette: FooterKeyInfo | None = None
        self._spans: list[tuple[int, int, int]] = []  # start, end, key index; as last drawn
        self._mouse_x: int | None = None

    # ------------------------------------------------------------------ keys
    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        """Lay the keys out again; redraw only if the line would change (a focus move often
        changes a binding the footer does not show, e.g. the tree's own enter)."""
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            return
        layout = self._layout(screen)
        if layout != self._shown:
            self._show(layout)

    def _watch_compact(self) -> None:
        if self.is_attached and self._shown is not None:
            self._bindings_changed(self.screen)

    def _show(self, layout: _Layout) -> None:
        self._shown = layout
        self.keys = list(layout.keys)
        self.palette = layout.palette
        self.refresh()

    def _layout(self, screen: Screen) -> _Layout:
        """The keys and their layout, as Textual's Footer.compose makes its widgets."""
        app = self.app
        active = screen.active_bindings
        by_action: defaultdict[str, list[tuple[Binding, bool, str]]] = defaultdict(list)
        for _node, binding, enabled, tooltip in active.values():
            if binding.show:
                by_action[binding.action].append((binding, enabled, tooltip))
        compact = self.compact
        keys: list[FooterKeyInfo] = []
        units: list[tuple[_Box, ...]] = []
        for group, runs in groupby(by_action.values(), lambda run: run[0][0].group):
            same_group = list(runs)
            if group is not None and len(same_group) > 1:
                margin = (0, 0) if group.compact else (1, 1)
                members = []
                for run in same_group:
                    binding, enabled, tooltip = run[0]
                    keys.append(FooterKeyInfo(
                        binding.key, app.get_key_display(binding), "", enabled,
                        tooltip or binding.description,
                    ))
                    members.append(_Box(margin, _key_box(len(keys) - 1, keys[-1], compact)))
                inner = _collapse(members)
                if group.compact:
                    inner.insert(0, _Part(" ", "gap", None))
                group_box = _Box((0, 1) if group.compact else (0, 0), tuple(inner))
                # A gap after the group's label in compact mode too (Textual's has none).
                label = _Box((0, 1), (_Part(group.description, "label", None),))
                units.append((group_box, label))
            else:
                for run in same_group:
                    binding, enabled, tooltip = run[0]
                    keys.append(FooterKeyInfo(
                        binding.key, app.get_key_display(binding), binding.description,
                        enabled, tooltip,
                    ))
                    box = _Box((0, 1) if compact else (0, 0),
                               _key_box(len(keys) - 1, keys[-1], compact))
                    units.append((box,))
        palette = None
        if self.show_command_palette and app.ENABLE_COMMAND_PALETTE:
            found = active.get(app.COMMAND_PALETTE_BINDING)
            if found is not None:
                _node, binding, enabled, _tooltip = found
                palette = FooterKeyInfo(
                    binding.key, app.get_key_display(binding), binding.description, enabled,
                    binding.tooltip or binding.description,
                )
        return _Layout(tuple(keys), palette, tuple(units))

    def _palette_parts(self) -> list[_Part]:
        """The palette's key, docked right: a thin rule, the key (always compact-style: its
        FooterKey is not bound to the footer's ``compact``)."""
        if self.palette is None:
            return []
        # Padded on the right; no margin in compact mode either (Textual's has one, which
        # leaves the last cell of the line to the footer's background).
        return [_Part("▏", "border", PALETTE), *_key_box(PALETTE, self.palette, True),
                _Part(" ", "pad", PALETTE)]

    def _line(self, width: int) -> list[_Part]:
        """The cells of the line: the keys that fit whole from the left, the palette right."""
        palette = self._palette_parts()
        room = width - _width(palette)
        boxes: list[_Box] = []  # what fits is chosen per width, when drawn
        for unit in self._shown.units if self._shown is not None else ():
            need = sum(_width(box.parts) + sum(box.margin) for box in unit)
            if need <= room:
                room -= need
                boxes.extend(unit)
        parts = _collapse(boxes)
        used = _width(parts)
        if used < width - _width(palette):
            parts.append(_Part(" " * (width - _width(palette) - used), "gap", None))
        return parts + palette

    # ------------------------------------------------------------------ drawing
    def _styles(self) -> dict[tuple[str, bool, bool], Style]:
        """Rich styles per (role, hovered, enabled), composed as Textual composes a FooterKey's."""
        base_background = self.background_colors[1]
        base_color = self.styles.color
        text_style = self.rich_style.without_color

        def layer(background: Color, color: Color, style: Style, names: tuple[str, ...]):
            for name in names:
                styles: RenderStyles = self.get_component_styles(name)
                if styles.has_rule("background"):
                    background = background + styles.background
                if styles.has_rule("color"):
                    color = styles.color
                style = style + styles.text_style
            return background, color, style

        def rich(background: Color, color: Color, style: Style) -> Style:
            return style + Style.from_color((background + color).rich_color,
                                            background.rich_color)

        out: dict[tuple[str, bool, bool], Style] = {}
        for hovered in (False, True):
            for enabled in (True, False):
                item = ("key-footer--item", "key-footer--hover") if hovered else ("key-footer--item",)
                if not enabled:
                    item = (*item, "key-footer--disabled")
                background, color, style = layer(base_background, base_color, text_style, item)
                for role, names in (("key", ("footer-key--key",)),
                                    ("description", ("footer-key--description",))):
                    out[role, hovered, enabled] = rich(*layer(background, color, style, names))
                out["pad", hovered, enabled] = Style.from_color(bgcolor=background.rich_color)
                border = self.get_component_styles("key-footer--separator").color
                out["border", hovered, enabled] = Style.from_color(
                    (base_background + border).rich_color, background.rich_color
                )
        gap = Style.from_color(bgcolor=base_background.rich_color)  # a container's blank
        label = rich(*layer(base_background, base_color, text_style, ("key-footer--label",)))
        for hovered in (False, True):
            for enabled in (True, False):
                out["label", hovered, enabled] = label
                out["gap", hovered, enabled] = gap
        return out

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if y or not width:
            return Strip.blank(width, self.rich_style)
        parts = self._line(width)
        spans = []
        x = 0
        for part in parts:
            if part.key is not None:
                spans.append((x, x + len(part.text), part.key))
            x += len(part.text)
        self._spans = spans
        hovered = self._key_at(self._mouse_x, spans)  # in this line: the keys may have moved
        styles = self._styles()
        segments = []
        for part in parts:
            info = self._info(part.key)
            enabled = info.enabled if info is not None else True
            style = styles[part.role, part.key is not None and part.key == hovered, enabled]
            segments.append(Segment(part.text, style))
        return Strip(segments, x).crop_extend(0, width, self.rich_style)

    def _info(self, index: int | None) -> FooterKeyInfo | None:
        if index is None:
            return None
        return self.palette if index == PALETTE else self.keys[index]

    @staticmethod
    def _key_at(x: int | None, spans: list[tuple[int, int, int]]) -> int | None:
        if x is None:
            return None
        for start, end, index in spans:
            if start <= x < end:
                return index
        return None

    # ------------------------------------------------------------------ mouse
    def _hover(self, x: int | None) -> None:
        before = self._key_at(self._mouse_x, self._spans)
        self._mouse_x = x
        now = self._key_at(x, self._spans)
        if now == before:
            return
        info = self._info(now)
        self.styles.pointer = "pointer" if info is not None else "default"
        self.tooltip = Text(info.tooltip) if info is not None and info.tooltip else None
        self.refresh()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        self._hover(event.x)

    def on_leave(self, event: events.Leave) -> None:
        self._hover(None)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        """Run the key under the mouse, as Textual's FooterKey does (a bell if disabled)."""
        info = self._info(self._key_at(event.x, self._spans))
        if info is None:
            return
        if info.enabled:
            self.app.simulate_key(info.key)
        else:
            self.app.bell()
