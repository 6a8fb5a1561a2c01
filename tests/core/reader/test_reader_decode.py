"""A page's bytes read as the words its author wrote, whatever (and however wrongly) it declares."""

from __future__ import annotations

import codecs

import pytest

from tuiguide.core.reader.decode import charset_from_content_type, decode_page

FRENCH = "Une crème brûlée, s'il vous plaît, et un café noir."


@pytest.mark.parametrize(
    ("body", "content_type", "expected_codec"),
    [
        # The HTTP header names the charset.
        (FRENCH.encode("latin-1"), "text/html; charset=ISO-8859-1", "cp1252"),
        (FRENCH.encode("utf-8"), "text/html; charset=utf-8", "utf-8"),
        ("Привет, мир".encode("koi8-r"), 'text/html; charset="koi8-r"', "koi8-r"),
        ("日本語のページ".encode("shift_jis"), "text/html; charset=Shift_JIS", "shift_jis"),
        # Only the page says it.
        (b'<meta charset="windows-1251">' + "Привет, мир".encode("cp1251"), "text/html", "cp1251"),
        (b'<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">'
         + FRENCH.encode("latin-1"), None, "cp1252"),
        (b'<?xml version="1.0" encoding="ISO-8859-15"?><html>' + "Ça coûte 5 €".encode(
            "iso-8859-15"), None, "iso8859-15"),
        # Nothing declared: UTF-8 when the bytes are UTF-8, else windows-1252.
        (FRENCH.encode("utf-8"), None, "utf-8"),
        (FRENCH.encode("cp1252"), None, "cp1252"),
    ],
)
def test_declared_and_undeclared_encodings_give_the_written_words(
    body: bytes, content_type: str | None, expected_codec: str
) -> None:
    text, codec = decode_page(body, content_type)
    assert codec == expected_codec
    assert "\ufffd" not in text
    for word in ("crème", "Привет", "日本語", "coûte 5 €"):
        if word in body.decode(codec):
            assert word in text


def test_a_byte_order_mark_wins_over_every_declaration() -> None:
    body = codecs.BOM_UTF16_LE + '<meta charset="iso-8859-1">Grüße'.encode("utf-16-le")
    text, codec = decode_page(body, "text/html; charset=iso-8859-1")
    assert (codec, text.endswith("Grüße")) == ("utf-16-le", True)
    text, codec = decode_page(codecs.BOM_UTF8 + "naïve".encode(), "text/html; charset=koi8-r")
    assert (text, codec) == ("naïve", "utf-8")


def test_a_page_that_lies_about_utf8_is_read_as_what_it_is() -> None:
    # Declared UTF-8 (header and meta), sent as Latin-1: the accents come through.
    body = b'<meta charset="utf-8">' + FRENCH.encode("latin-1")
    text, codec = decode_page(body, "text/html; charset=utf-8")
    assert FRENCH in text and codec == "cp1252"


def test_a_page_that_lies_about_latin1_is_read_as_utf8() -> None:
    text, codec = decode_page(FRENCH.encode("utf-8"), "text/html; charset=iso-8859-1")
    assert FRENCH in text and "Ã" not in text and codec == "utf-8"


def test_a_utf8_page_with_a_few_bad_bytes_keeps_its_accents() -> None:
    body = (FRENCH * 3).encode() + b" broken \xff\xfe byte"
    text, codec = decode_page(body, "text/html; charset=utf-8")
    assert codec == "utf-8"
    assert text.count("crème") == 3 and "broken" in text


def test_unknown_and_non_text_charsets_are_ignored() -> None:
    for label in ("x-no-such-charset", "rot13", "base64", "zlib"):
        text, codec = decode_page(FRENCH.encode(), f"text/html; charset={label}")
        assert (text, codec) == (FRENCH, "utf-8")


def test_any_bytes_decode_without_raising() -> None:
    every_byte = bytes(range(256)) * 4
    for content_type in (None, "text/html; charset=utf-8", "text/html; charset=shift_jis",
                         "text/html; charset=utf-16"):
        text, _codec = decode_page(every_byte, content_type)
        assert isinstance(text, str) and text


def test_charset_parameter_is_read_as_http_writes_it() -> None:
    assert charset_from_content_type('text/html; Charset="UTF-8"') == "UTF-8"
    assert charset_from_content_type("text/html;charset=latin1;q=1") == "latin1"
    assert charset_from_content_type("text/html") is None
    assert charset_from_content_type(None) is None
