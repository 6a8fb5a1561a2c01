"""Hostile feeds: entity expansion, external entities, markup and escapes in the text."""

from __future__ import annotations

from pathlib import Path

import pytest

from feeds_support import FAST, Route, open_catalogue, serve
from tuiguide.core.feeds import refresh as feeds
from tuiguide.core.feeds.inbox import entries
from tuiguide.core.feeds.parse import html_to_text, parse_feed
from tuiguide.core.feeds.prolog import strip_doctype

SECRET = "TOPSECRET-4f1c9a"


@pytest.fixture
def server():
    yield from serve()


@pytest.fixture
def cat(tmp_path: Path):
    c = open_catalogue(tmp_path / "catalogue.db", seed=False)
    yield c
    c.close()


def _laughs(one_line: bool) -> str:
    """Nested entities: 3 KB per reference, 20 references (expat's own amplification guard
    stops deeper nesting, but this much still expands without the DOCTYPE removal)."""
    sep = "" if one_line else "\n"
    ents = [f'<!ENTITY lol0 "{"lol" * 10}">']
    for i in range(1, 4):
        ents.append(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">')
    doctype = f"<!DOCTYPE rss [{sep}{sep.join(ents)}{sep}]>"
    return (
        f'<?xml version="1.0"?>{sep}{doctype}{sep}<rss version="2.0"><channel>'
        "<title>Laughs &lol3;</title><link>https://lol.example</link>"
        "<item><title>Entry &lol3;</title><link>https://lol.example/1</link>"
        f"<description>{'&lol3;' * 20}</description></item></channel></rss>"
    )


def _everything_stored(cat) -> str:
    rows = cat.conn.execute(
        "SELECT title, COALESCE(author, ''), summary, COALESCE(raw_link, '') FROM feed_entries"
    ).fetchall()
    feed_rows = cat.conn.execute(
        "SELECT title, COALESCE(error, ''), COALESCE(site_url, '') FROM feeds"
    ).fetchall()
    return "\n".join("\n".join(r) for r in rows + feed_rows)


@pytest.mark.parametrize("one_line", [False, True], ids=["multi-line", "one-line"])
def test_billion_laughs_does_not_expand(cat, server, one_line):
    server.routes["/lol.xml"] = Route(_laughs(one_line))
    feeds.insert_feed(cat, server.url("/lol.xml"))
    report = feeds.refresh(cat, settings=FAST)
    stored = _everything_stored(cat)
    assert "lollol" not in stored
    assert len(stored) < 2000
    (outcome,) = report.outcomes
    assert outcome.result == "updated"
    assert "DOCTYPE removed" in (outcome.message or "")
    assert [e.link for e in entries(cat)] == ["https://lol.example/1"]


@pytest.mark.parametrize(
    "doctype",
    [
        '<!DOCTYPE rss [\n<!ENTITY xxe SYSTEM "file://{path}">\n]>',
        '<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{path}">]>',
        '<!DOCTYPE rss [<!ENTITY % p SYSTEM "file://{path}"> %p; <!ENTITY xxe "x">]>',
        "<!DOCTYPE rss SYSTEM \"file://{path}\">",
    ],
    ids=["entity", "one-line", "parameter-entity", "external-dtd"],
)
def test_external_entities_never_read_local_files(cat, server, tmp_path, doctype):
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    doc = (
        '<?xml version="1.0"?>' + doctype.format(path=secret) + '<rss version="2.0"><channel>'
        "<title>XXE &xxe;</title><link>https://xxe.example</link>"
        "<item><title>Leak &xxe;</title><link>https://xxe.example/1</link>"
        "<description>&xxe;</description><author>&xxe;</author></item></channel></rss>"
    )
    server.routes["/xxe.xml"] = Route(doc)
    feeds.insert_feed(cat, server.url("/xxe.xml"))
    feeds.refresh(cat, settings=FAST)
    assert SECRET not in _everything_stored(cat)
    assert cat.conn.execute("SELECT count(*) FROM feed_entries").fetchone()[0] == 1


def test_external_dtd_over_http_is_never_fetched(cat, server):
    server.routes["/evil.dtd"] = Route('<!ENTITY xxe "pwned">', content_type="application/xml-dtd")
    doc = (
        f'<?xml version="1.0"?><!DOCTYPE rss SYSTEM "{server.url("/evil.dtd")}">'
        '<rss version="2.0"><channel><title>T &xxe;</title><item><title>A</title>'
        "<link>https://dtd.example/a</link></item></channel></rss>"
    )
    server.routes["/feed.xml"] = Route(doc)
    feeds.insert_feed(cat, server.url("/feed.xml"))
    feeds.refresh(cat, settings=FAST)
    assert server.hits("/evil.dtd") == []
    assert "pwned" not in _everything_stored(cat)


def test_utf16_document_with_entities_is_neutralised():
    doc = (
        '<?xml version="1.0" encoding="utf-16"?><!DOCTYPE rss [<!ENTITY a "AAAAAAAAAA">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><rss version="2.0"><channel>'
        "<title>Wide</title><item><title>Wide &b;</title><link>https://w.example/1</link>"
        "</item></channel></rss>"
    )
    parsed = parse_feed(doc.encode("utf-16"))
    assert [e.link for e in parsed.entries] == ["https://w.example/1"]
    assert "AAAA" not in parsed.entries[0].title


def test_strip_doctype_leaves_cdata_and_comments_alone():
    doc = b'<?xml version="1.0"?><!-- <!DOCTYPE x [<!ENTITY a "b">]> --><rss><![CDATA[<!DOCTYPE y>]]></rss>'
    assert strip_doctype(doc) == (doc, False)
    doc2 = b'<?xml version="1.0"?>\n<!DOCTYPE rss PUBLIC "-//Netscape//DTD RSS 0.91//EN" "x.dtd">\n<rss/>'
    assert strip_doctype(doc2) == (b'<?xml version="1.0"?>\n\n<rss/>', False)


def test_markup_and_escapes_are_stored_as_inert_data(cat, server):
    doc = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>[bold red]Feed[/]</title>'
        "<item><title>[link=file:///etc/passwd]click[/link] \x1b]52;c;SGVsbG8=\x07 title"
        "</title><link>https://m.example/1</link>"
        "<description>&lt;p&gt;Hi &lt;script&gt;steal()&lt;/script&gt;&lt;b&gt;there&lt;/b&gt;"
        "&amp;amp; bye&lt;/p&gt;&lt;img src=x onerror=alert(1)&gt;</description>"
        "<author>eve@example.com (Eve [i]Evil[/i])</author></item></channel></rss>"
    )
    server.routes["/m.xml"] = Route(doc.encode("utf-8", "surrogateescape"))
    feeds.insert_feed(cat, server.url("/m.xml"))
    feeds.refresh(cat, settings=FAST)
    (entry,) = entries(cat)
    # Stored as data: rich markup kept literally (the UI renders it as Text, never markup).
    assert "[link=file:///etc/passwd]click[/link]" in entry.title
    assert entry.summary == "Hi there& bye"
    assert "steal" not in entry.summary and "onerror" not in entry.summary
    assert "Eve [i]Evil[/i]" in (entry.author or "")


def test_html_to_text():
    assert html_to_text("<p>One &amp; <b>two</b></p><p>Three</p>") == "One & two\n\nThree"
    assert html_to_text("<ul><li>a</li><li>b</li></ul>") == "• a\n• b"
    assert html_to_text("<style>p{}</style><script>x()</script>ok") == "ok"
    assert html_to_text("a &lt;b&gt; c", multiline=False) == "a <b> c"
    assert html_to_text("line<br>break") == "line\nbreak"
