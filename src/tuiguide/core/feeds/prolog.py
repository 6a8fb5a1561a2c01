"""The bytes of a fetched feed, made safe before feedparser sees them.

* DOCTYPE declarations are cut out: feedparser strips entity declarations only when each
  sits on its own line, so a one-line ``<!DOCTYPE x [<!ENTITY a "&b;&b;">]>`` reaches expat
  and expands (billion laughs). With no DOCTYPE there is nothing to expand and no external
  entity to resolve.
* A UTF-8 feed with a few invalid bytes gets just those bytes replaced, instead of being
  read as windows-1252 throughout.
"""

from __future__ import annotations

import re
from typing import Any

_BOMS = (
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xff\xfe", "utf-16-le"),
)
_XML_DECL_ENCODING = re.compile(r"^(\s*<\?xml[^>]*?)\s+encoding\s*=\s*(['\"])[^'\"]*\2", re.I)


def _wide_encoding(data: bytes) -> str | None:
    """The codec of a UTF-16/32 document (where ``<!DOCTYPE`` is not plain ASCII bytes)."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return codec
    if data[:4] == b"\x00<\x00?" or data[:4] == b"\x00<\x00!":
        return "utf-16-be"
    if data[:4] == b"<\x00?\x00" or data[:4] == b"<\x00!\x00":
        return "utf-16-le"
    return None


def _doctype_end(text: Any, start: int, quote_chars: Any, lt: Any, gt: Any,
                 open_b: Any, close_b: Any, comment: Any, comment_end: Any) -> int:
    """Index just past the ``>`` closing a DOCTYPE whose body starts at ``start``."""
    depth = 0
    quote = None
    i = start
    n = len(text)
    while i < n:
        ch = text[i : i + 1]
        if quote is not None:
            if ch == quote:
                quote = None
        elif ch in quote_chars:
            quote = ch
        elif text.startswith(comment, i):
            j = text.find(comment_end, i + len(comment))
            if j < 0:
                return n
            i = j + len(comment_end)
            continue
        elif ch == open_b:
            depth += 1
        elif ch == close_b:
            depth = max(0, depth - 1)
        elif ch == gt and depth == 0:
            return i + 1
        elif ch == lt and depth == 0:
            # A new tag before the DOCTYPE closed: cut up to here.
            return i
        i += 1
    return n


def strip_doctype(data: bytes) -> tuple[bytes, bool]:
    """Remove every DOCTYPE (with its internal subset) from the prolog of an XML document.

    Returns the new bytes and whether a removed DOCTYPE declared entities (worth telling the
    user about). Only the prolog is scanned, so a ``<!DOCTYPE`` quoted inside CDATA in an
    entry stays untouched.
    """
    codec = _wide_encoding(data)
    if codec is not None:
        text = data.decode(codec, "replace").lstrip("\ufeff")
        new_text, declared = _strip_prolog(text, "<", ">", "[", "]", ("'", '"'), "<!--", "-->")
        if new_text == text:
            return data, False
        # Re-encode as UTF-8 and drop the now-wrong encoding declaration.
        new_text = _XML_DECL_ENCODING.sub(r"\1", new_text, count=1)
        return new_text.encode("utf-8"), declared
    return _strip_prolog(data, b"<", b">", b"[", b"]", (b"'", b'"'), b"<!--", b"-->")


def _strip_prolog(text: Any, lt: Any, gt: Any, open_b: Any, close_b: Any,
                  quote_chars: Any, comment: Any, comment_end: Any) -> tuple[Any, bool]:
    removed = False
    doctype = "!doctype" if isinstance(text, str) else b"!doctype"
    i = 0
    while True:
        i = text.find(lt, i)
        if i < 0:
            break
        head = text[i + 1 : i + 9]
        if text.startswith(lt + ("?" if isinstance(text, str) else b"?"), i):
            j = text.find(("?" if isinstance(text, str) else b"?") + gt, i + 2)
            if j < 0:
                break
            i = j + 2
        elif text.startswith(comment, i):
            j = text.find(comment_end, i + len(comment))
            if j < 0:
                break
            i = j + len(comment_end)
        elif head.lower() == doctype:
            end = _doctype_end(text, i + 9, quote_chars, lt, gt, open_b, close_b, comment,
                               comment_end)
            span = text[i:end]
            entity = "<!entity" if isinstance(text, str) else b"<!entity"
            removed = removed or entity in span.lower()
            text = text[:i] + text[end:]
        else:
            break  # the root element: the prolog is over
    return text, removed


_DECLARED = re.compile(rb"^\s*<\?xml[^>]*?\sencoding\s*=\s*['\"]([A-Za-z0-9._:-]+)['\"]", re.I)
_CHARSET = re.compile(r"charset\s*=\s*['\"]?([A-Za-z0-9._:-]+)", re.I)
_UTF8_NAMES = frozenset({"utf-8", "utf8"})


def repair_utf8(body: bytes, content_type: str = "") -> tuple[bytes, bool]:
    """A UTF-8 feed with a few invalid bytes: replace just those bytes (U+FFFD).

    Left alone, feedparser falls back to windows-1252 for the whole document and every
    non-ASCII character of every entry turns into mojibake. Returns (bytes, repaired).
    """
    if _wide_encoding(body) is not None:
        return body, False
    charset = _CHARSET.search(content_type or "")
    declared = _DECLARED.match(body[:1024])
    encoding = (charset.group(1) if charset else declared.group(1).decode() if declared
                else "utf-8").lower()
    if encoding not in _UTF8_NAMES:
        return body, False
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return body.decode("utf-8", "replace").encode("utf-8"), True
    return body, False
