"""What a feature (study, feeds, search) adds to the browse screen: keys, tree nodes, state.

The app builds one object per feature and hands the list to the browse screen; nothing
registers itself when imported. A feature key is a ``Binding`` whose action is
``feature('<name>', '<verb>')``: the screen runs ``action_<verb>(screen)`` on the feature
named, after asking its ``check_action(screen, verb)`` as Textual asks a widget (``False``
hides the key from the footer, ``None`` shows it dimmed). Textual binds keys per class, so
the browse screen's ``BINDINGS`` lists the feature bindings it places (and a screen subclass
lists those of a feature it adds).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TYPE_CHECKING, ClassVar

from textual.binding import Binding

if TYPE_CHECKING:
    from tuiguide.tui.screens.browse import BrowseScreen
    from tuiguide.tui.sources.base import SpecialNode


def feature_key(
    feature: str,
    verb: str,
    key: str,
    description: str,
    *,
    id: str,
    tooltip: str = "",
    show: bool = True,
) -> Binding:
    """A key of the browse screen that runs ``action_<verb>`` of the feature ``feature``."""
    return Binding(key, f"feature({feature!r}, {verb!r})", description, show=show, id=id,
                   tooltip=tooltip)


class Feature:
    """One feature of the browse screen. Subclasses set ``name`` and ``BINDINGS`` (made with
    :func:`feature_key`) and define an ``action_<verb>(screen)`` per key."""

    name: ClassVar[str] = ""
    BINDINGS: ClassVar[list[Binding]] = []

    def nodes(self) -> Sequence[SpecialNode]:
        """Tree nodes above the topics (shown in ``SpecialNode.order``)."""
        return ()

    def check_action(self, screen: BrowseScreen, verb: str) -> bool | None:
        """Whether the key ``verb`` applies now (see the module docstring)."""
        return True

    def key_state(self, screen: BrowseScreen) -> Hashable:
        """What this feature's ``check_action`` answers depend on: the screen refreshes its
        keys (footer, help) only when this changes."""
        return None

    def ready(self, screen: BrowseScreen) -> None:
        """The screen shows its data: mount here what a key of this feature must find in
        place at once (keys typed right after it would otherwise miss it)."""

    def busy(self) -> bool:
        """True while the feature writes to the catalogue in the background and shows what it
        wrote itself: the screen's watch for other writers then leaves the reload to it."""
        return False
