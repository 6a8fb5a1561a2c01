"""URL identity: two spellings of one link must be one resource."""

from __future__ import annotations

import re
from functools import cache
from urllib.parse import urlsplit, urlunsplit

OPENABLE_SCHEMES = frozenset({"http", "https"})

# Already canonical: lower-case http(s) scheme and host, no port, user or fragment, a path
# of plain URL characters (or any non-ASCII) not ending in "/", a query with no empty or
# utm_* pair, nothing ending in "/". Most links in a guide look like this, and the full
# normalisation (urlsplit and back) returns them unchanged, so an import skips it for them.
_PATH_CHAR = r"[A-Za-z0-9._~%!$&'()*+,;=:@/\-\u0080-\U0010ffff]"
_PATH_END = r"[A-Za-z0-9._~%!$&'()*+,;=:@\-\u0080-\U0010ffff]"
_PAIR = r"(?![uU][tT][mM]_)[A-Za-z0-9._~%!$'()*+,;=:@/?\-\u0080-\U0010ffff]+"


@cache
def _canonical() -> re.Pattern[str]:
    """Compiled on first use, not at import: its Unicode ranges are slow to compile, and
    browsing never normalises a URL."""
    return re.compile(
        rf"https?://[a-z0-9.-]+(?:/{_PATH_CHAR}*{_PATH_END})?(?:\?{_PAIR}(?:&{_PAIR})*)?"
    )


def normalise_url(url: str) -> str:
    """Canonical form used as a resource's identity.

    Lower-case scheme and host, default ports dropped, no fragment, no ``utm_*`` query
    parameters, no trailing slash. Idempotent: ``normalise_url(normalise_url(u)) == normalise_url(u)``.
    """
    url = url.strip()
    if not url.endswith("/") and _canonical().fullmatch(url):
        return url
    return _full_normalise(url)


def _full_normalise(url: str) -> str:
    """``_normalise`` repeated to a fixed point: one pass can uncover more to strip (urlsplit
    drops leading controls, which can bare whitespace such as U+0085 behind them)."""
    for _ in range(8):
        once = _normalise(url).strip()
        if once == url:
            break
        url = once
    return url


def _normalise(url: str) -> str:
    try:
        parts = urlsplit(url)
    except ValueError:
        return url.rstrip("/")
    scheme = parts.scheme.lower()
    netloc = parts.netloc
    if netloc:
        userinfo, _, hostport = netloc.rpartition("@")
        host, sep, port = hostport.rpartition(":") if not hostport.endswith("]") else (hostport, "", "")
        if not sep or not port.isdigit():
            host, port = hostport, ""
        host = host.lower()
        if (scheme, port) in (("http", "80"), ("https", "443")):
            port = ""
        netloc = (userinfo + "@" if userinfo else "") + host + (":" + port if port else "")
    query = parts.query
    if query:
        # Filter the raw pairs so the rest of the query keeps its exact encoding.
        query = "&".join(
            pair
            for pair in query.split("&")
            if pair and not pair.split("=", 1)[0].lower().startswith("utm_")
        )
    path = parts.path
    while path.endswith("/"):
        path = path[:-1]
    result = urlunsplit((scheme, netloc, path, query, ""))
    while result.endswith("/"):
        result = result[:-1]
    return result


def is_openable(url: str | None) -> bool:
    """Only plain web links may be handed to a browser (never ``javascript:``, ``file:``...)."""
    if not url:
        return False
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in OPENABLE_SCHEMES and bool(parts.netloc)
