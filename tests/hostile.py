"""One corpus of hostile strings, pushed through every way text enters tuiguide.

Each string is something a guide author, a feed or a note could contain that must be shown
literally (markup) or removed (escape sequences, controls) and never crash anything.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

MARKUP = [
    "[bold]bold?[/bold]",
    "closing [/] tag",
    "[@click=app.quit]click to quit[/]",
    "[link=file:///etc/passwd]passwd[/link]",
    "[red unbalanced",
    "[/red] stray close",
    "\\[escaped] and [[double]]",
    "$variable {braces} %s %(name)s",
]

ESCAPES = [
    "clear \x1b[2J\x1b[H screen",
    "osc52 bel \x1b]52;c;SGFja2VkIGNsaXBib2FyZA==\x07 end",
    "osc52 st \x1b]52;c;SGFja2VkIGNsaXBib2FyZA==\x1b\\ end",
    "retitle \x1b]0;pwned window\x07 end",
    "dcs \x1bP1$r0m\x1b\\ end",
    "8-bit csi \x9b2J end",
    "c1 controls \x85\x8d\x9d\x9f end",
    "nul \x00 byte",
    "bell \x07 and backspace \x08\x08 and del \x7f",
    "lone esc at end \x1b",
]

UNICODE = [
    "bidi override \u202egnp.exe\u202c normal",
    "isolates \u2066rtl\u2069 and \u200f marks",
    "zero width \u200b joiner \u200d\u200d here",
    "emoji family 👩\u200d👩\u200d👧 and CJK 漢字 and combining e\u0301",
    "line\u2028separator and paragraph\u2029separator",
]

LONG_TITLE = "A" * 100_000

ALL = MARKUP + ESCAPES + UNICODE

# Raw bytes that are not valid UTF-8 (for files and HTTP bodies).
INVALID_UTF8 = b"invalid \xff\xfe utf8 \xc3\x28 bytes"


def hostile_guide() -> str:
    """A guide whose titles, authors, descriptions and headings are all hostile."""
    lines = ["# Hostile [bold]Guide[/] \x1b]0;title\x07", "", "## 1. Topic [@click=app.quit]x[/]", ""]
    lines.append("### Tier 1")
    for n, text in enumerate(ALL):
        lines.append(f"- [{text.replace(']', ')')}](https://hostile.example/{n}) - {text}. {text}")
    lines.append(f"- [{LONG_TITLE}](https://hostile.example/long) - Long. A very long title.")
    lines.append("- [javascript link](javascript:alert(document.cookie)) - JS. Must never open.")
    lines.append("- [file link](file:///etc/passwd) - File. Must never open.")
    return "\n".join(lines) + "\n"


def hostile_feed() -> bytes:
    """RSS whose channel title and every entry's title, author and summary are hostile,
    with a 100,000-character title and invalid UTF-8 bytes in the body."""
    out = [
        b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>',
        escape("Feed [bold]Evil[/] \x1b]0;pwned window\x07 [@click=app.quit]x[/]").encode(),
        b"</title><link>https://evil.example</link>",
    ]
    for n, text in enumerate(ALL):
        out.append(
            f"<item><title>{escape(text)}</title><link>https://evil.example/{n}</link>"
            f"<guid>h{n}</guid><author>{escape(text)}</author>"
            f"<description>{escape(text + ' ' + text)}</description>"
            f"<pubDate>Mon, 03 Feb 2025 10:{n:02d}:00 GMT</pubDate></item>".encode()
        )
    out.append(f"<item><title>{LONG_TITLE}</title><link>https://evil.example/long</link>"
               "<guid>long</guid></item>".encode())
    out.append(b"<item><title>bad bytes " + INVALID_UTF8 + b"</title><link>https://evil.example"
               b"/bytes</link><guid>bytes</guid><description>" + INVALID_UTF8 + b"</description>"
               b"</item></channel></rss>")
    return b"".join(out)
