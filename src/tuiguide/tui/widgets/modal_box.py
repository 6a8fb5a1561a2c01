"""The centred, bordered box that tuiguide's dialogs (help, filing) are drawn in.

One definition, so every dialog looks alike and a change of style reaches all of them.
"""

from __future__ import annotations


def modal_box_css(screen: str, box_id: str, width: int) -> str:
    """CSS for ``screen`` centring its ``#box_id`` container: ``width`` cells at most 95% of
    the terminal, as tall as its content up to 90%, a rounded accent border."""
    return f"""
    {screen} {{
        align: center middle;
    }}
    {screen} > #{box_id} {{
        width: {width};
        max-width: 95%;
        height: auto;
        max-height: 90%;
        border: round $accent;
        border-title-align: center;
        background: $surface;
        padding: 0 1;
    }}
    """
