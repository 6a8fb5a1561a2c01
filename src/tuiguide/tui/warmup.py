"""Load, in the background, what the first visit to a note would otherwise load on a key.

The first note shown imports markdown-it and builds Rich's Markdown parser: ~75 ms on the
benchmark machine, paid on the key that first lands on a note (often the first visit to the
Notes node). Start-up stays lean (those imports are kept out of it, tests/test_ui_perf.py), so
the work is done in a thread shortly after the first frame, while the user reads the screen.
"""

from __future__ import annotations

import threading

WARM_AFTER = 0.3
"""Seconds after the first frame with data (the start-up benchmark has exited by then)."""


def _warm() -> None:
    try:
        from tuiguide.tui.widgets.markdown_note import note_markdown

        note_markdown("*warm* [up](https://example.com)\n- a\n- b")
    except Exception:  # an optimisation only: the first note pays the cost instead
        pass


def start() -> None:
    """Warm up in a daemon thread (imports are thread-safe; a key that needs a module being
    imported waits for that import only)."""
    threading.Thread(target=_warm, name="tuiguide-warmup", daemon=True).start()
