"""Property-based checks over the parsers that take bytes from the outside world."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from feeds_support import BROKEN_RSS, LMSYS_RSS, VLLM_ATOM
from tuiguide.core.errors import UserError
from tuiguide.core.feeds.opml import parse_opml
from tuiguide.core.feeds.parse import parse_feed
from tuiguide.core.text.sanitize import clean_text, is_clean

SEEDS = [VLLM_ATOM.encode(), LMSYS_RSS.encode(), BROKEN_RSS.encode()]


@st.composite
def damaged_feeds(draw: st.DrawFn) -> bytes:
    """A real feed, truncated, with bytes flipped, re-encoded or with junk spliced in."""
    data = bytearray(draw(st.sampled_from(SEEDS)))
    cut = draw(st.integers(min_value=0, max_value=len(data)))
    if draw(st.booleans()):
        data = data[:cut]
    for _ in range(draw(st.integers(min_value=0, max_value=8))):
        if data:
            pos = draw(st.integers(min_value=0, max_value=len(data) - 1))
            data[pos] = draw(st.integers(min_value=0, max_value=255))
    junk = draw(st.sampled_from([b"", b"<!DOCTYPE x [<!ENTITY a 'aaaa'>]>", b"&amp;&lt;&#0;&#x1b;",
                                 b"\xff\xfe", b"\x1b]52;c;eA==\x07", b"<![CDATA[", b"]]>"]))
    pos = draw(st.integers(min_value=0, max_value=len(data)))
    data[pos:pos] = junk
    if draw(st.booleans()):
        try:
            return bytes(data).decode("utf-8", "replace").encode(draw(st.sampled_from(["utf-16", "latin-1"])), "replace")
        except (UnicodeError, LookupError):
            pass
    return bytes(data)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(damaged_feeds(), st.binary(max_size=2000)))
@example(VLLM_ATOM.encode().replace(b'encoding="utf-8"', b'encoding="\x00tf-8"'))  # ValueError
def test_feed_parsing_never_raises_and_yields_clean_text(body: bytes) -> None:
    parsed = parse_feed(body, url="http://127.0.0.1/feed.xml")
    for entry in parsed.entries:
        for value in (entry.title, entry.author or "", entry.summary):
            assert is_clean(clean_text(value, multiline=True))


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=1500))
def test_opml_parsing_raises_only_user_errors(data: bytes) -> None:
    try:
        parse_opml(data, "feeds.opml")
    except UserError as exc:
        assert "feeds.opml" in str(exc) and "\n" not in str(exc)


@pytest.mark.parametrize(
    "doc",
    [
        b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
        b'<opml version="2.0"><body><outline xmlUrl="https://a.example/&lol2;"/></body></opml>',
        b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        b'<opml version="2.0"><body><outline text="&xxe;" xmlUrl="https://a.example/f"/></body></opml>',
    ],
)
def test_opml_entity_tricks_are_refused(doc: bytes) -> None:
    with pytest.raises(UserError, match="feeds.opml"):
        parse_opml(doc, "feeds.opml")
