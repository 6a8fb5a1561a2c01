"""URL identity: two spellings of one link must be one resource."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

OPENABLE_SCHEMES = frozenset({"http", "https"})


def normalise_url(url: str) -> str:
    """Canonical form used as a resource's identity.

    Lower-case scheme and host, default ports dropped, no fragment, no ``utm_*`` query
    parameters, no trailing slash. Idempotent: ``normalise_url(normalise_url(u)) == normalise_url(u)``.
    """
    url = url.strip()
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
