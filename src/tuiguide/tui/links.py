"""Opening and copying links, safely and where the user is (desktop, SSH, tmux).

Only ``http``/``https`` links are handed to a browser. A console browser (lynx, w3m, found by
``webbrowser`` on a box without a display) needs the terminal, so the app is suspended while
it runs. Copying tries the system clipboard (pyperclip) and falls back to OSC 52, which the
terminal itself handles (over SSH too). The app cannot tell whether the terminal took it, so it
says where the text was sent; inside tmux it names ``set -g set-clipboard on``, without which
tmux drops it.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass

from textual.app import App

from tuiguide.core.text.sanitize import clean_text
from tuiguide.core.text.urls import is_openable


@dataclass(frozen=True)
class LinkResult:
    ok: bool
    message: str


def _shown(url: str, limit: int = 80) -> str:
    return clean_text(url, limit=limit)


def open_link(app: App, url: str | None) -> LinkResult:
    """Open ``url`` in the user's browser, refusing anything but web links."""
    if not url:
        return LinkResult(False, "This row has no link.")
    url = clean_text(url).strip()
    if not is_openable(url):
        return LinkResult(
            False, f"Not opened: only http(s) links are opened, this one is {_shown(url, 60)}"
        )
    import webbrowser  # (here, not at start-up: imports the first frame never needs)

    try:
        browser = webbrowser.get()
    except webbrowser.Error:
        return LinkResult(False, "No web browser found (set $BROWSER); press c to copy the link.")
    console_browser = isinstance(browser, webbrowser.GenericBrowser) and not isinstance(
        browser, webbrowser.BackgroundBrowser
    )
    try:
        if console_browser:
            with app.suspend():
                opened = browser.open(url)
        else:
            opened = browser.open(url)
    except Exception as exc:  # a broken $BROWSER must not take the app down
        return LinkResult(False, f"The browser failed: {clean_text(str(exc), limit=120)}")
    if opened is False:
        return LinkResult(False, "The browser did not accept the link; press c to copy it.")
    return LinkResult(True, f"Opened {_shown(url)}")


def copy_link(app: App, url: str | None) -> LinkResult:
    """Copy ``url``: system clipboard first, terminal clipboard (OSC 52) otherwise."""
    if not url:
        return LinkResult(False, "This row has no link.")
    text = clean_text(url).strip()
    import pyperclip  # (here, not at start-up: it loads ctypes)

    try:
        pyperclip.copy(text)
    except (pyperclip.PyperclipException, OSError, subprocess.SubprocessError):
        app.copy_to_clipboard(text)
        return LinkResult(True, osc52_message(_shown(text), in_tmux=bool(os.environ.get("TMUX"))))
    return LinkResult(True, f"Copied to the system clipboard: {_shown(text)}")


def osc52_message(shown: str, *, in_tmux: bool) -> str:
    """What the app can honestly say after an OSC 52 copy: it cannot know whether the
    terminal took it (tmux's default ``set-clipboard external`` drops it), so it names the
    setting that makes it work instead of claiming success."""
    message = f"Sent to the terminal's clipboard (OSC 52; no clipboard tool here): {shown}"
    if in_tmux:
        message += ". In tmux this needs `set -g set-clipboard on` in ~/.tmux.conf"
    return message
