"""The browse screen's footer: Textual's Footer, one per distinct set of keys, kept.

Textual's Footer removes and mounts all its key widgets (about 20 here) whenever the screen's
bindings may have changed: on every focus move between panes, and on every list whose keys
differ (the Inbox has no status keys but has f and x). That cost 25-80 ms a key press on the
benchmark machine. :class:`KeyFooter` keeps one composed Footer per set of keys it has shown
and only swaps which one is displayed; a set seen before costs nothing to show again.
"""

from __future__ import annotations

from typing import Any

from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterLabel

MAX_KEPT = 6


class _KeptFooter(Footer):
    """A Footer composed once, for the keys active when it was mounted.

    Keys that do not fit whole are hidden from the right (Textual's Footer cuts the last
    one mid-word at 80 columns: "r" with no "Refresh"); the command palette's key stays,
    and help (?) lists every key.
    """

    def __init__(self, *, compact: bool = False) -> None:
        super().__init__(compact=compact)
        self._widths: dict[int, int] = {}  # id(child) -> cells it takes, measured once shown

    def bindings_changed(self, screen: Screen) -> None:
        """Left to :class:`KeyFooter` (which mounts another footer for other keys)."""

    def on_mount(self) -> None:
        super().on_mount()
        self.call_after_refresh(self.fit_keys)

    def on_resize(self) -> None:
        self.call_after_refresh(self.fit_keys)

    def _units(self) -> tuple[list[list[Widget]], int]:
        """The keys left to right, a group with its label as one unit; the palette's width."""
        units: list[list[Widget]] = []
        palette = 0
        for child in self.children:
            if child.has_class("-command-palette"):
                palette = self._width(child)
            elif isinstance(child, FooterLabel) and units:
                units[-1].append(child)
            else:
                units.append([child])
        return units, palette

    def _width(self, child: Widget) -> int:
        if child.display and child.outer_size.width:
            margin = child.styles.margin
            self._widths[id(child)] = child.outer_size.width + margin.left + margin.right
        return self._widths.get(id(child), 0)

    def fit_keys(self) -> None:
        """Show the keys, left to right, that fit whole beside the palette's key."""
        if not self.is_attached or not self.size.width:
            return
        units, palette = self._units()
        room = self.size.width - palette
        for unit in units:
            need = sum(self._width(child) for child in unit)
            fits = need <= room
            if fits:
                room -= need
            for child in unit:
                child.display = fits


class KeyFooter(Widget):
    """Shows the screen's keys like Textual's Footer, without rebuilding it on each change."""

    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        height: 1;
    }
    """

    def __init__(self, *, compact: bool = False, id: str | None = None) -> None:
        super().__init__(id=id)
        self.compact = compact
        self._kept: dict[tuple[Any, ...], _KeptFooter] = {}  # oldest first
        self._shown: tuple[Any, ...] | None = None

    @property
    def footer(self) -> Footer | None:
        """The footer on screen."""
        return self._kept.get(self._shown) if self._shown is not None else None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _signature(self, screen: Screen) -> tuple[Any, ...]:
        """Everything a Footer would draw from the screen's bindings now."""
        app = self.app
        shown = []
        for key, (_node, binding, enabled, tooltip) in screen.active_bindings.items():
            if binding.show or key == app.COMMAND_PALETTE_BINDING:
                group = binding.group
                shown.append((
                    key, binding.key, binding.action, binding.description, binding.show,
                    enabled, tooltip, binding.tooltip, app.get_key_display(binding),
                    None if group is None else (group.description, group.compact),
                ))
        return (app.ENABLE_COMMAND_PALETTE, *shown)

    def _bindings_changed(self, screen: Screen) -> None:
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            return
        key = self._signature(screen)
        if key == self._shown:
            return
        footer = self._kept.pop(key, None)
        if footer is None:
            footer = _KeptFooter(compact=self.compact)
            footer.set_reactive(Footer._bindings_ready, True)  # compose on mount
            self.mount(footer)
        self._kept[key] = footer
        for other in self._kept.values():
            other.display = other is footer
        self._shown = key
        while len(self._kept) > MAX_KEPT:
            self._kept.pop(next(iter(self._kept))).remove()
