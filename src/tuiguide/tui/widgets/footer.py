"""The footer: Textual's, minus the keys that would be cut at the right edge.

Textual's footer clips its last key where the screen ends (at 80 columns "? He"); a
half-drawn key reads as noise, so a key that does not fit whole is not drawn, and on a narrow
screen the palette key (ctrl+p) gives its room to the study keys. Every key still works, and
help (?) lists them all.
"""

from __future__ import annotations

from textual.widgets import Footer


class FittingFooter(Footer):
    """A footer that draws only the keys it can show whole."""

    def __init__(self, *, palette_from: int = 100, compact: bool = False) -> None:
        super().__init__(compact=compact)
        self.palette_from = palette_from
        """The narrowest footer that still shows the palette key on the right."""

    def on_resize(self) -> None:
        wide = self.size.width >= self.palette_from
        if wide != self.show_command_palette:
            self.show_command_palette = wide
            self.call_after_refresh(self.recompose)
            return
        # A hidden key has no size: show them all, and hide what overflows once laid out.
        for item in self.children:
            item.display = True
        self.call_after_refresh(self.fit_keys)

    async def recompose(self) -> None:
        await super().recompose()
        self.call_after_refresh(self.fit_keys)

    def fit_keys(self, tries: int = 5) -> None:
        """Hide the first key that passes the room the palette key leaves, and all after it
        (a group of keys such as ``0123`` goes with its label)."""
        items = [item for item in self.children if not item.has_class("-command-palette")]
        if tries and any(item.display and not item.region.width for item in items):
            self.call_after_refresh(self.fit_keys, tries - 1)  # not laid out yet
            return
        right = self.region.right
        for palette in self.query("FooterKey.-command-palette"):
            if palette.region.width:
                right = palette.region.x
        cut = next((i for i, item in enumerate(items) if item.region.right > right), None)
        if cut is None:
            return
        if cut and type(items[cut]).__name__ == "FooterLabel":
            cut -= 1  # the label names the group of keys before it
        for item in items[cut:]:
            item.display = False
