"""Property-based checks over the parsers that take bytes from the outside world."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from feeds_support import VLLM_ATOM, damaged_feeds
from tuiguide.core.errors import UserError
from tuiguide.core.feeds.opml import parse_opml
from tuiguide.core.feeds.parse import parse_feed
from tuiguide.core.text.sanitize import clean_text, is_clean


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
