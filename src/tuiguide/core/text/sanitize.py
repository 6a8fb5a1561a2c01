"""One place that turns outside text (guides, feeds, notes) into inert, printable text.

Textual passes ESC through every text API (``markup=False``, ``Text``, ``Content``), so a
title holding ``\\x1b]52;...`` could write the user's clipboard or clear the screen. Every
string from outside goes through :func:`clean_text` before it reaches a terminal. Markup is a
separate concern: the UI never hands outside text to a markup parser (it builds ``Text``).
"""

from __future__ import annotations

import re

# ESC-introduced sequences: CSI (ESC [ ... final), OSC/DCS/SOS/PM/APC strings (ended by BEL
# or ST = ESC \\ or never), and two-byte escapes (ESC + one char).
_ESC_SEQ = re.compile(
    r"""
    \x1b\[[0-?]*[ -/]*[@-~]?            # CSI
  | \x1b[\]PX^_][^\x07\x1b]*(?:\x07|\x1b\\|$)   # OSC, DCS, SOS, PM, APC
  | \x1b[ -/]*[0-~]?                   # nF / Fp / Fe / Fs escapes, or a lone ESC
    """,
    re.VERBOSE,
)
# 8-bit C1 string introducers (CSI 0x9b, OSC 0x9d, DCS 0x90, SOS 0x98, PM 0x9e, APC 0x9f).
# Only a terminated string is removed whole; a lone introducer is dropped as a control char.
_C1_STRING = re.compile(r"[\x90\x98\x9d\x9e\x9f][^\x07\x9c\x1b]*(?:\x07|\x9c|\x1b\\)")
_C1_CSI = re.compile(r"\x9b[0-?]*[ -/]*[@-~]?")

# Invisible characters that reorder or hide text (Trojan-source style bidi tricks).
_INVISIBLE = "\u061c\u200b\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
_LINE_SEPARATORS = "\u2028\u2029\x85"

_DROP_SINGLE = {c: None for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)}
_DROP_SINGLE.update({c: None for c in range(0x7F, 0xA0)})
_DROP_SINGLE.update({ord(c): None for c in _INVISIBLE})


def _drop_surrogates(text: str) -> str:
    # Lone surrogates (from bytes decoded with surrogateescape) cannot be encoded for output.
    return text.encode("utf-8", "replace").decode("utf-8") if _has_surrogate(text) else text


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def clean_text(text: object, *, multiline: bool = False, limit: int | None = None) -> str:
    """Return ``text`` with every control character and escape sequence removed.

    Single-line mode (titles, authors, labels) folds newlines and tabs to one space.
    Multiline mode (descriptions, notes) keeps ``\\n`` and expands tabs to spaces.
    ``limit`` cuts the result to that many characters, ending in an ellipsis.
    """
    if text is None:
        return ""
    if not isinstance(text, str):
        text = str(text)
    if "\x1b" in text:
        text = _ESC_SEQ.sub("", text)
    text = _C1_STRING.sub("", text)
    text = _C1_CSI.sub("", text)
    text = _drop_surrogates(text)
    for sep in _LINE_SEPARATORS:
        if sep in text:
            text = text.replace(sep, "\n")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.translate(_DROP_SINGLE)
    if multiline:
        text = text.replace("\t", "    ")
    else:
        text = " ".join(text.split()) if ("\n" in text or "\t" in text) else text
    if limit is not None and len(text) > limit:
        text = text[: max(limit - 1, 0)] + "…"
    return text


def is_clean(text: str) -> bool:
    """True when ``text`` holds nothing :func:`clean_text` would remove (newlines aside)."""
    return all(
        (ch == "\n" or (ord(ch) >= 0x20 and not 0x7F <= ord(ch) < 0xA0)) and ch not in _INVISIBLE
        for ch in text
    )
