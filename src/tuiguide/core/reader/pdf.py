"""A PDF's text through pypdf (pure Python, maintained, no system library to install).

Papers are what users of a learning guide open as PDFs: their text reads well page by page.
Scanned PDFs hold pictures of text, not text: they get a clear "open it in a browser".
"""

from __future__ import annotations

import io
import re
from datetime import datetime

from tuiguide.core.reader.article import Article, ExtractError, make_article
from tuiguide.core.reader.markdown import escape_markdown

MAX_PDF_PAGES = 300
"""Pages read from one PDF: a textbook-length paper; past it the text ends with a note."""

_HYPHEN_BREAK = re.compile(r"(\w)-\n(\w)")
_PDF_DATE = re.compile(r"^D?:?(\d{4})(\d{2})?(\d{2})?")


def extract_pdf(body: bytes, url: str) -> Article:
    """The text of a PDF, page after page; :class:`ExtractError` for an encrypted, broken
    or image-only PDF."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(body))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ExtractError("PDF is encrypted; open it in a browser")
        pages = reader.pages
        count = len(pages)
        texts = [_page_text(pages[n].extract_text() or "") for n in range(min(count, MAX_PDF_PAGES))]
        info = reader.metadata
    except ExtractError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError,
            IndexError, RecursionError, NotImplementedError) as exc:
        raise ExtractError(f"PDF cannot be read ({type(exc).__name__}); open it in a browser"
                           ) from None
    text = "\n\n".join(t for t in texts if t)
    if not text.strip():
        raise ExtractError("PDF has no text (a scan?); open it in a browser")
    if count > MAX_PDF_PAGES:
        text += f"\n\n*[The text stops after page {MAX_PDF_PAGES} of {count}.]*"
    title = str(info.title or "") if info else ""
    if not title.strip():
        title = next((line for line in texts[0].splitlines() if line.strip()), "") if texts else ""
    return make_article(
        url=url,
        kind="pdf",
        title=title.replace("\\", ""),
        text=text,
        author=str(info.author or "") if info else None,
        published=_pdf_date(info.get("/CreationDate") if info else None),
        pdf_url=url,
        truncated=count > MAX_PDF_PAGES,
    )


def _page_text(raw: str) -> str:
    """One page's text as Markdown: words split at a line end joined again, lines within a
    paragraph left for the renderer to join, the text escaped so it reads as written."""
    raw = _HYPHEN_BREAK.sub(r"\1\2", raw.replace("\r\n", "\n").replace("\r", "\n"))
    return escape_markdown(raw.strip())


def _pdf_date(value: object) -> str | None:
    """``D:20240305...`` (the PDF date format) as ``2024-03-05``."""
    match = _PDF_DATE.match(str(value or ""))
    if not match:
        return None
    year, month, day = match.group(1), match.group(2) or "01", match.group(3) or "01"
    try:
        return datetime(int(year), int(month), int(day)).date().isoformat()
    except ValueError:
        return None
