"""Undo a response's Content-Encoding piece by piece under a hard size limit: a small gzip
body can inflate to hundreds of megabytes, so the limit holds on the decompressed bytes and
is checked as they come, never after."""

from __future__ import annotations

import zlib

INFLATE_STEP = 256 * 1024
"""Largest piece inflated at once: memory stays near the limit whatever the ratio."""


def content_encoding(header: str) -> str | None:
    """The single encoding we must undo, 'identity', or None when we cannot decode it."""
    codings = [c.strip().lower() for c in header.split(",") if c.strip()]
    codings = [c for c in codings if c != "identity"]
    if not codings:
        return "identity"
    if len(codings) == 1 and codings[0] in ("gzip", "x-gzip", "deflate"):
        return codings[0]
    return None


class TooLarge(Exception):
    """The body would pass the size limit (raised before it does)."""


class Inflater:
    """Decode a Content-Encoding stream piece by piece, refusing output past ``limit`` bytes."""

    def __init__(self, encoding: str, limit: int):
        self.limit = limit
        self.out = bytearray()
        self.encoding = encoding
        self._raw_deflate_tried = False
        if encoding in ("gzip", "x-gzip"):
            self._d: zlib._Decompress | None = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._d = zlib.decompressobj()
        else:
            self._d = None

    def _append(self, data: bytes) -> None:
        if len(self.out) + len(data) > self.limit:
            raise TooLarge
        self.out += data

    def feed(self, data: bytes) -> None:
        if self._d is None:
            self._append(data)
            return
        try:
            self._inflate(data)
        except zlib.error:
            if self.encoding == "deflate" and not self._raw_deflate_tried and not self.out:
                # Some servers send raw deflate without the zlib header.
                self._raw_deflate_tried = True
                self._d = zlib.decompressobj(-zlib.MAX_WBITS)
                self._inflate(data)
            else:
                raise

    def _inflate(self, data: bytes) -> None:
        assert self._d is not None
        while data:
            room = self.limit - len(self.out) + 1
            piece = self._d.decompress(data, min(INFLATE_STEP, room))
            self._append(piece)
            data = self._d.unconsumed_tail
            if self._d.eof:
                break

    def finish(self) -> bytes:
        if self._d is not None:
            self._append(self._d.flush(INFLATE_STEP))
        return bytes(self.out)
