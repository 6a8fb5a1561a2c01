"""What the first visit to a note would otherwise load on a key, loaded ahead of it.

The first note shown imports markdown-it and builds Rich's Markdown parser, paid on the key
that first lands on a note (often the first visit to the Notes node). Start-up stays lean
(those imports are kept out of it: tests/tui/test_ui_perf.py), so the browse screen runs
:func:`warm` in a thread worker shortly after the first frame, while the user reads the screen.
"""

from __future__ import annotations

WARM_AFTER = 0.3
"""Seconds after the first frame with data."""


def warm() -> None:
    """Import and build what a note's Markdown needs (call from a worker thread: imports are
    thread-safe, and a key that needs a module being imported waits for that import only)."""
    try:
        from tuiguide.tui.widgets.markdown_note import note_markdown

        note_markdown("*warm* [up](https://example.com)\n- a\n- b")
    except Exception:  # an optimisation only: the first note pays the cost instead
        pass
