"""feedparser runs without its HTML sanitiser and relative-URI pass (feeds_parse's
FEEDPARSER_OPTIONS, for speed): what tuiguide stores must be exactly what it stored with
them, for real, hostile, HTML-heavy and damaged feeds."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from feeds_support import BROKEN_RSS, LMSYS_RSS, VLLM_ATOM, damaged_feeds, rss
from tuiguide.core.feeds import parse as feeds_parse
from tuiguide.core.feeds.parse import parse_feed

from hostile import hostile_feed

HTML_ATOM = """\
<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://blog.example/posts/">
  <title type="html">Blog &lt;b&gt;of&lt;/b&gt; &amp;amp; kernels</title>
  <link href="https://blog.example/" rel="alternate"/>
  <id>urn:blog</id><updated>2025-01-02T00:00:00Z</updated>
  <entry>
    <title type="html">&lt;em&gt;Fast&lt;/em&gt; attention &lt;script&gt;alert(1)&lt;/script&gt;</title>
    <link href="one.html" rel="alternate"/>
    <id>urn:1</id><published>2025-01-01T10:00:00Z</published>
    <author><name>A &lt;i&gt;Writer&lt;/i&gt;</name></author>
    <content type="html">&lt;p onclick="steal()"&gt;Intro &lt;a href="../x"&gt;link&lt;/a&gt;&lt;/p&gt;
      &lt;script&gt;document.cookie&lt;/script&gt;&lt;style&gt;p{color:red}&lt;/style&gt;
      &lt;applet code="x"&gt;applet text&lt;/applet&gt;
      &lt;ul&gt;&lt;li&gt;one&lt;/li&gt;&lt;li&gt;two &amp;amp; three&lt;/li&gt;&lt;/ul&gt;
      &lt;img src="a.png" alt="pic"&gt;&lt;br/&gt;&lt;pre&gt;code  here&lt;/pre&gt;</content>
  </entry>
  <entry>
    <title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">X<b>HTML</b> title</div></title>
    <link href="/abs/two" rel="alternate"/>
    <id>urn:2</id><updated>2025-01-02T10:00:00Z</updated>
    <summary type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Para <script>x()</script>one</p></div></summary>
  </entry>
</feed>
"""

DOCS = {
    "vllm atom": VLLM_ATOM.encode(),
    "lmsys rss": LMSYS_RSS.encode(),
    "broken rss": BROKEN_RSS.encode(),
    "html atom": HTML_ATOM.encode(),
    "hostile": hostile_feed(),
    "rss with html descriptions": rss("R", [("g", "T <b>bold</b> &amp; more", "https://r.example/1")]).encode(),
}


def both(body: bytes, monkeypatch: pytest.MonkeyPatch) -> tuple:
    fast = parse_feed(body, url="https://blog.example/feed.xml", content_type="application/xml")
    with monkeypatch.context() as m:
        m.setattr(feeds_parse, "FEEDPARSER_OPTIONS", {})  # feedparser's defaults
        full = parse_feed(body, url="https://blog.example/feed.xml", content_type="application/xml")
    return fast, full


@pytest.mark.parametrize("name", list(DOCS))
def test_the_stored_result_is_what_the_sanitising_parse_gives(name: str, monkeypatch) -> None:
    fast, full = both(DOCS[name], monkeypatch)
    assert fast == full


def test_scripts_styles_and_applets_never_become_text(monkeypatch) -> None:
    fast, _ = both(DOCS["html atom"], monkeypatch)
    framed = HTML_ATOM.replace("&lt;ul&gt;", "&lt;iframe src='x'&gt;no frames?&lt;/iframe&gt;&lt;ul&gt;")
    (first_framed, *_), _ = (parse_feed(framed.encode()).entries, None)
    assert "no frames?" not in first_framed.summary  # (feedparser's sanitiser kept it)
    text = " ".join(f"{e.title} {e.author} {e.summary}" for e in fast.entries)
    for hidden in ("alert(1)", "document.cookie", "color:red", "applet text", "x()", "steal"):
        assert hidden not in text
    first = fast.entries[0]
    assert first.title == "Fast attention" and first.author == "A Writer"
    assert "• two & three" in first.summary and "link" in first.summary
    assert first.link == "https://blog.example/posts/one.html"  # the entry's own link resolved


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(body=damaged_feeds())
def test_damaged_feeds_store_the_same_either_way(body: bytes, monkeypatch) -> None:
    fast, full = both(body, monkeypatch)
    assert fast == full
