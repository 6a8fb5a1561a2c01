"""normalise_url's shortcut for links already in canonical form returns exactly what the full
normalisation (urlsplit and back) returns, for any string."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tuiguide.core.text.urls import _canonical, _full_normalise, normalise_url

URL_CHARS = "abcXYZ019.-_~%!$&'()*+,;=:@/?#[] \tü\x85\u2028"
HOSTS = st.sampled_from(["example.com", "Example.COM", "a.b-c.io", "x", "ex.com:443",
                         "ex.com:80", "user@ex.com", "[::1]", "", "ex..com", "-h"])


@settings(max_examples=3000, deadline=None)
@given(st.sampled_from(["http", "https", "HTTP", "ftp", "mailto"]), HOSTS,
       st.text(alphabet=URL_CHARS, max_size=30).map(lambda p: p.replace("u", "utm_")),
       st.sampled_from(["", " ", "/", "//", "?a=1", "?utm_source=x", "?a=1&&b", "/?q=1"]))
def test_shortcut_agrees_with_full_normalisation(scheme: str, host: str, path: str, end: str) -> None:
    for url in (f"{scheme}://{host}/{path}{end}", f"{scheme}://{host}{path}{end}",
                f" {scheme}://{host}/{path}{end} "):
        assert normalise_url(url) == _full_normalise(url.strip()), url


@given(st.text(max_size=40))
def test_any_text(text: str) -> None:
    assert normalise_url(text) == _full_normalise(text.strip())


def shortcut(url: str) -> bool:
    return not url.endswith("/") and bool(_canonical().fullmatch(url))


def test_the_shortcut_is_taken_for_typical_guide_links() -> None:
    for url in ("https://arxiv.org/abs/2309.06180", "https://github.com/vllm-project/vllm",
                "https://en.wikipedia.org/wiki/Foo_(bar)", "http://x.io",
                "https://www.youtube.com/watch?v=abc", "https://docs.x.com/über-notes"):
        assert shortcut(url) and normalise_url(url) == url
    for url in ("https://Example.com/a", "https://e.com/a/", "https://e.com/a?utm_x=1",
                "https://e.com:443/a", "https://e.com/a#frag", "https://e.com/a?x=1&utm_id=2",
                "https://e.com/a/?q=1", "https://e.com/a?q=1/"):
        assert not shortcut(url) and normalise_url(url) == _full_normalise(url) != url
