"""Bytes of a fetched page to text, whatever the page declares about its encoding.

The order is the one browsers follow (the WHATWG encoding sniffing algorithm, simplified):
a byte-order mark, then the HTTP ``Content-Type`` charset, then an XML declaration or a
``<meta charset>`` / ``http-equiv`` in the first bytes, then UTF-8 if the bytes are valid
UTF-8, else windows-1252 (what browsers assume for an undeclared Western page). A declared
charset that is a lie (UTF-8 declared, Latin-1 sent) never raises: the bytes are decoded as
the encoding they fit, so the reader sees "café", not "caf\\ufffd".
"""

from __future__ import annotations

import codecs
import re
from email.message import Message

PRESCAN_BYTES = 4096
"""How far into the page a ``<meta charset>`` is looked for (browsers look at 1024 bytes;
real pages put long scripts or comments first, so a little more)."""

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Labels browsers decode as windows-1252 (it is a superset of Latin-1 for printable text).
_AS_CP1252 = {"latin1", "latin-1", "iso-8859-1", "iso8859-1", "iso_8859-1", "l1", "ascii",
              "us-ascii", "windows-1252", "cp1252", "x-cp1252", "iso-ir-100", "cp819", "ibm819"}

_META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9._:\-]+)""", re.I)
_XML_DECL = re.compile(rb"""^<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9._\-]+)["']""")
# A well-formed UTF-8 multi-byte sequence (for telling a mostly-UTF-8 page with a few bad
# bytes from a Latin-1 page that claims to be UTF-8).
_UTF8_MULTI = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


def charset_from_content_type(content_type: str | None) -> str | None:
    """The ``charset`` parameter of a ``Content-Type`` header, or None."""
    if not content_type:
        return None
    message = Message()
    message["content-type"] = content_type
    charset = message.get_param("charset")
    return charset.strip() if isinstance(charset, str) and charset.strip() else None


def _codec(label: str | bytes | None) -> str | None:
    """A Python codec name for an encoding label, or None for an unknown or non-text one."""
    if not label:
        return None
    if isinstance(label, bytes):
        label = label.decode("ascii", "replace")
    label = label.strip().strip("\"'").lower()
    if label in _AS_CP1252:
        return "cp1252"
    try:
        name = codecs.lookup(label).name
        # A page can declare anything: "rot13" or "base64" are codecs, not text encodings,
        # and bytes.decode refuses them with LookupError.
        b"text".decode(name)
    except (LookupError, ValueError, UnicodeDecodeError):
        return None
    return name


def sniff_declared(body: bytes) -> str | None:
    """The encoding the page declares in its own first bytes (XML declaration or ``<meta>``)."""
    head = body[:PRESCAN_BYTES]
    match = _XML_DECL.match(head.lstrip())
    if match:
        codec = _codec(match.group(1))
        if codec:
            return codec
    for match in _META_CHARSET.finditer(head):
        codec = _codec(match.group(1))
        if codec:
            # A <meta> readable as ASCII cannot sit in a UTF-16 page: browsers take such a
            # declaration to mean UTF-8.
            return "utf-8" if codec.startswith(("utf-16", "utf-32")) else codec
    return None


def decode_page(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """``(text, encoding used)`` for a page's bytes; never raises for bad bytes.

    Valid UTF-8 holding non-ASCII text is read as UTF-8 whatever the page declares: a
    declared Latin-1 page that is really UTF-8 is a common lie, and the reverse coincidence
    (Latin-1 text that happens to be valid UTF-8) is vanishingly rare in real prose.
    """
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return body[len(bom):].decode(codec, "replace"), codec
    declared = _codec(charset_from_content_type(content_type)) or sniff_declared(body)
    as_utf8 = _strict(body, "utf-8")
    if as_utf8 is not None and (declared in (None, "utf-8") or not body.isascii()):
        return as_utf8, "utf-8"
    if declared and declared != "utf-8":
        text = _strict(body, declared)
        if text is not None:
            return text, declared
        if declared != "cp1252" and not _mostly_utf8(body):
            # A declared multi-byte encoding with a few bad bytes: keep it, mark the bad ones.
            return body.decode(declared, "replace"), declared
    if _mostly_utf8(body):
        return body.decode("utf-8", "replace"), "utf-8"
    return body.decode("cp1252", "replace"), "cp1252"


def _strict(body: bytes, codec: str) -> str | None:
    try:
        return body.decode(codec)
    except UnicodeDecodeError:
        return None


_ASCII = bytes(range(0x80))


def _mostly_utf8(body: bytes) -> bool:
    """True when nearly all non-ASCII bytes form well-formed UTF-8 sequences (a UTF-8 page
    with a few bad bytes), false for a Latin-1 page whose accents are single bytes."""
    high = len(body.translate(None, _ASCII))
    valid = sum(len(m) for m in _UTF8_MULTI.findall(body))
    return valid > 0 and high - valid <= valid
