"""The sanitiser and URL identity, with hostile strings and property-based checks."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tuiguide.core.text.sanitize import clean_text, is_clean
from tuiguide.core.text.urls import is_openable, normalise_url

HOSTILE = [
    "\x1b[2J\x1b[H",
    "\x1b]52;c;ZXZpbA==\x07",
    "\x1b]52;c;ZXZpbA==\x1b\\",
    "\x1b]0;new window title\x07",
    "\x1bP1$r\x1b\\",
    "\x9b31m",
    "\x9d0;title\x9c",
    "\x00\x01\x7f\x85\x9f",
    "a\u202eb\u2066c",
    "\x1b",
]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_sequences_are_removed(hostile: str) -> None:
    out = clean_text(f"safe {hostile}\n")
    assert "\x1b" not in out
    assert is_clean(out)
    assert out.startswith("safe")
    assert clean_text(f"{hostile}\ntext").endswith("text")


def test_payloads_of_string_sequences_vanish() -> None:
    assert clean_text("x\x1b]52;c;ZXZpbA==\x07y") == "xy"
    assert clean_text("x\x1b]0;title\x1b\\y") == "xy"
    assert clean_text("x\x1b[31;1my") == "xy"


def test_markup_is_kept_literally() -> None:
    text = "[bold]x[/] [@click=app.quit]y[/] [link=file:///etc/passwd]z[/link]"
    assert clean_text(text) == text


def test_single_line_and_multiline() -> None:
    assert clean_text("a\nb\tc\r\nd") == "a b c d"
    assert clean_text("a\nb\tc\r\nd", multiline=True) == "a\nb    c\nd"
    assert clean_text("x" * 50, limit=10) == "x" * 9 + "…"


def test_lone_surrogates_become_replacement() -> None:
    broken = b"caf\xe9".decode("utf-8", "surrogateescape")
    out = clean_text(broken)
    out.encode("utf-8")
    assert out.startswith("caf")


@given(st.text())
def test_clean_text_never_leaves_control_characters(text: str) -> None:
    out = clean_text(text)
    assert is_clean(out)
    assert "\n" not in out
    assert is_clean(clean_text(text, multiline=True))


@given(st.text())
def test_clean_text_is_idempotent(text: str) -> None:
    once = clean_text(text)
    assert clean_text(once) == once


def test_normalise_url() -> None:
    assert normalise_url("HTTPS://Example.COM/a/b/?utm_source=x&q=1#frag") == "https://example.com/a/b?q=1"
    assert normalise_url("http://example.com:80/") == "http://example.com"
    assert normalise_url("https://example.com/?utm_medium=a&utm_campaign=b") == "https://example.com"
    assert normalise_url("https://example.com/x?a=%20b") == "https://example.com/x?a=%20b"
    assert normalise_url("https://example.com/Path/") == "https://example.com/Path"


@given(st.text())
@example("\x1b\x850")  # urlsplit dropped the ESC, baring U+0085 for the next strip()
def test_normalise_url_is_idempotent_on_any_text(text: str) -> None:
    once = normalise_url(text)
    assert normalise_url(once) == once


@given(
    st.sampled_from(["http", "https", "HTTP"]),
    st.from_regex(r"[A-Za-z0-9]{1,10}(\.[A-Za-z]{2,5}){1,2}", fullmatch=True),
    st.lists(st.from_regex(r"[A-Za-z0-9_%-]{0,8}", fullmatch=True), max_size=4),
    st.lists(st.tuples(st.from_regex(r"(utm_)?[a-z]{1,5}", fullmatch=True), st.from_regex(r"[a-z0-9]{0,5}", fullmatch=True)), max_size=3),
    st.booleans(),
)
def test_normalise_url_is_idempotent_on_urls(scheme, host, path, query, slash) -> None:
    url = f"{scheme}://{host}/{'/'.join(path)}{'/' if slash else ''}"
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query)
    once = normalise_url(url)
    assert normalise_url(once) == once
    assert "utm_" not in once.split("?", 1)[-1] or "?" not in once
    assert once.split("://")[1].split("/")[0] == once.split("://")[1].split("/")[0].lower()


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://example.com", True),
        ("http://example.com/x", True),
        ("javascript:alert(1)", False),
        ("JAVASCRIPT:alert(1)", False),
        ("file:///etc/passwd", False),
        ("data:text/html,hi", False),
        ("https:/no-host", False),
        ("", False),
        (None, False),
    ],
)
def test_is_openable(url, ok) -> None:
    assert is_openable(url) is ok
