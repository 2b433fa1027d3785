"""Hostile web, piece by piece (no crawl): decoding what servers send, huge and deep
pages, retry waits, sitemaps with entity tricks.

Pages go through :func:`newscrawl.workers.extract_page`, the crawl's own entry
into extraction.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest
from scrapy.settings import Settings
from scrapy.utils.sitemap import Sitemap

from newscrawl.extraction import ExtractionError
from newscrawl.extraction.decode import declares_utf16
from newscrawl.middlewares import BackoffRetryMiddleware, retry_after_seconds
from newscrawl.spiders.newssite import without_doctype
from newscrawl.workers import extract_page
from tests.hostile import paragraphs_page, story

URL = "https://hostile.example/a/"
WESTERN = "Müller’s bakery in Genève said “très bien”; señor Øster paid 5 € in Straße."
CAFE = "Le café “Zoë” reopened."
QUOTES = (
    "The try plan new plan late again tired try third late said’t Captain a said try fine "
    "told’s Wait mate ferry the tired council third open’s Plan said council again people’s "
    "People wait street’t"
)
JAPANESE = "東京都は火曜日に新しい予算を承認しました。議会は長い議論の末に合意に達しました。"
CHINESE = "北京市政府周二批准了新的预算。议会经过长时间辩论后达成一致。"
KOREAN = "서울시는 화요일에 새로운 예산을 승인했습니다. 의회는 긴 논쟁 끝에 합의했습니다."
RUSSIAN = "Московская городская дума во вторник утвердила новый бюджет после долгих споров."
LATIN1_META = '<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">'
#: Far above what any page takes: a page that needs this long hangs.
TIME_BOUND = 60


@contextmanager
def time_bound(seconds: int = TIME_BOUND) -> Iterator[None]:
    def expired(signum: int, frame: object) -> None:
        raise AssertionError(f"ran over {seconds}s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def text_of(body: bytes, content_type: str | None) -> str:
    with time_bound():
        article = extract_page(body, content_type, URL).article
    assert article is not None
    return article.text


def western(head: str = "") -> str:
    return story("bakery", WESTERN).replace("<head>", f"<head>{head}")


# (body, Content-Type header, a string the text must hold exactly)
ENCODINGS = {
    "cp1252, header lies utf-8": (
        story("cafe", CAFE).encode("cp1252"), "text/html; charset=utf-8", CAFE),
    "cp1252, declared iso-8859-1 in a meta": (
        western(LATIN1_META).encode("cp1252"), "text/html", WESTERN),
    "cp1252, declared iso-8859-1 in the header": (
        western().encode("cp1252"), "text/html; charset=ISO-8859-1", WESTERN),
    "utf-8, header and meta lie": (
        western("<meta charset='shift_jis'>").encode(), "text/html; charset=iso-8859-1", WESTERN),
    "utf-8, undeclared": (western().encode(), None, WESTERN),
    "utf-8 BOM, header lies": (
        ("\ufeff" + western()).encode(), "text/html; charset=windows-1251", WESTERN),
    "shift_jis, meta, header lies utf-8": (
        paragraphs_page(JAPANESE, "<meta charset='shift_jis'>").encode("shift_jis"),
        "text/html; charset=utf-8", JAPANESE),
    "shift_jis, undeclared": (paragraphs_page(JAPANESE).encode("shift_jis"), None, JAPANESE),
    "euc-jp, undeclared": (paragraphs_page(JAPANESE).encode("euc-jp"), "text/html", JAPANESE),
    "gb2312, header": (
        paragraphs_page(CHINESE).encode("gb2312"), "text/html; charset=gb2312", CHINESE),
    "gb2312, undeclared": (paragraphs_page(CHINESE).encode("gb2312"), "text/html", CHINESE),
    "euc-kr, undeclared": (paragraphs_page(KOREAN).encode("euc-kr"), "text/html", KOREAN),
    "cp1251, header lies utf-8": (
        paragraphs_page(RUSSIAN).encode("cp1251"), "text/html; charset=utf-8", RUSSIAN),
    "koi8-r, undeclared": (paragraphs_page(RUSSIAN).encode("koi8-r"), "text/html", RUSSIAN),
    "cp1252 quotes only, undeclared": (  # (charset_normalizer's best: cp852, "toldĺs")
        f"<html><head><script></script></head><body><p>{QUOTES} </p></body></html>".encode(
            "cp1252"), "text/html", QUOTES),
    "utf-16-le BOM": (("\ufeff" + western()).encode("utf-16-le"), "text/html", WESTERN),
    "utf-16-be BOM, header lies": (
        ("\ufeff" + western()).encode("utf-16-be"), "text/html; charset=iso-8859-1", WESTERN),
    "utf-16-le, no BOM, header": (
        western().encode("utf-16-le"), "text/html; charset=utf-16le", WESTERN),
    "xhtml, xml declaration iso-8859-1": (
        ('<?xml version="1.0" encoding="iso-8859-1"?>' + western()).encode("cp1252"),
        "application/xhtml+xml", WESTERN),
    "utf-8 with invalid bytes after the page": (
        story("tunnel").encode() + b"\xff\xfe\xc3", "text/html; charset=utf-8", "The tunnel"),
    "NUL and control characters": (
        western().replace("Genève", "Gen\x00è\x01ve\x1b").encode(), "text/html", WESTERN),
    "noncharacters U+FFFE and U+FFFF": (
        western().replace("Genève", "Gen\ufffeève\uffff").encode(), "text/html", WESTERN),
    "control characters in legacy bytes": (
        western().replace("Genève", "Gen\x00ève\x07").encode("cp1252"), "text/html", WESTERN),
    "self-closing doctype and <html/>": (
        western().replace("<!DOCTYPE html><html>", "<!DOCTYPE html/>\n<html lang=fr/>\n")
        .encode(), "text/html", WESTERN),
}  # fmt: skip


@pytest.mark.parametrize("name", ENCODINGS)
def test_encodings_come_out_exact(name: str) -> None:
    body, content_type, expected = ENCODINGS[name]
    text = text_of(body, content_type)
    assert expected in text, text[:300]
    assert "\ufffd" not in text and "\x00" not in text and "\ufffe" not in text


@pytest.mark.parametrize("content_type", [None, "text/html", "text/html; charset=utf-8"])
def test_undeclared_or_lying_western_text(content_type: str | None) -> None:
    # Genève -> Genčve, señor -> seńor, Øster -> Řster: charset_normalizer's guess
    assert WESTERN in text_of(western().encode("cp1252"), content_type)


@pytest.mark.parametrize("stray", ["paragraph", "trailing bytes"])
def test_utf8_page_with_a_few_invalid_bytes(stray: str) -> None:
    page = western().replace("</article>", "<p>Old “quoted” paragraph.</p></article>")
    body = page.encode()
    if stray == "paragraph":  # one paragraph pasted in from a cp1252 source
        body = body.replace("Old “quoted”".encode(), "Old “quoted”".encode("cp1252"))
    else:
        body += b"\xff\xfe\xc3"
    assert WESTERN in text_of(body, "text/html; charset=utf-8")  # “très bien” -> mojibake


def test_correct_text_that_looks_double_encoded_stays_as_written() -> None:
    """ "é", a no-break space and a dash are, read back as bytes, one valid UTF-8
    sequence ("頖"); a page written double-encoded is still repaired."""
    from newscrawl.extraction.decode import repair_mojibake

    czech = "zeptat se je těžké\u00a0– s\u00a0médii nekomunikují, à\u00a0« bientôt »"
    assert repair_mojibake(czech) == czech
    assert repair_mojibake("donâ€™t pay â‚¬5 for cafÃ©") == "don’t pay €5 for café"
    chinese = "中文的报道"
    assert repair_mojibake(chinese.encode().decode("latin-1")) == chinese
    # (a byte Windows-1252 leaves undefined survives as a C1 control: 0x9D of "”")
    assert repair_mojibake("“Better.â€\x9d") == "“Better.”"


def test_double_encoded_text_written_as_character_references_is_repaired() -> None:
    page = story("bakery", "The baker isn&acirc;&euro;&trade;t at the caf&Atilde;&copy; today.")
    text = text_of(page.encode(), "text/html")
    assert "The baker isn’t at the café today." in text
    czech = story("bakery", "Je to t&#283;&#382;k&eacute;&nbsp;&ndash; s&nbsp;m&eacute;dii.")
    assert "Je to těžké – s médii." in text_of(czech.encode(), "text/html")


def test_article_nested_300_deep() -> None:
    page = western().replace("<article>", "<div>" * 300 + "<article>")
    assert WESTERN in text_of(page.encode(), "text/html")


@pytest.mark.parametrize("wrapper", ["<div>", "<div><span>menu</span>", "<section><p>lead</p>"])
def test_article_nested_100000_deep_is_kept_whole(wrapper: str) -> None:
    """Below libxml2's depth limit (2,048) the page is parsed again with the deepest tags
    taken out: the article is all there, as a browser shows it."""
    end = "</" + wrapper[1 : wrapper.index(">")] + ">"
    page = western().replace("<article>", wrapper * 100_000 + "<article>")
    page = page.replace("</article>", "</article>" + end * 100_000)
    assert text_of(page.encode(), "text/html").count(WESTERN) == western().count(WESTERN)


def test_article_after_a_huge_inline_script() -> None:
    blob = "<script>var data = '" + "x" * 6_000_000 + "';</script>"
    page = western().replace("</head>", blob + "</head>")
    assert WESTERN in text_of(page.encode(), "text/html")


def test_huge_and_deep_pages_stay_bounded() -> None:
    canal = story("canal", "Canal works began.")
    script = "<script>x='" + "y" * 10_000_000 + "'</script>"
    cases = {
        "100,000 open divs after it": canal.replace("</article>", "</article>" + "<div>" * 100_000),
        "one 10 MB line after it": canal.replace("</body>", script + "</body>"),
        "a 10 MB paragraph": canal.replace("</article>", f"<p>{'word ' * 2_000_000}</p></article>"),
    }
    for name, page in cases.items():
        assert "Canal works began." in text_of(page.encode(), "text/html"), name
        with time_bound():  # the template observer walks the page too
            result = extract_page(page.encode(), "text/html", URL, None, True, False)
        assert result.blocks is not None
    nested = "<html><body>" + "<b>" * 100_000 + "deep text " * 50 + "</b>" * 100_000
    assert text_of(nested.encode(), "text/html").count("deep text") == 50  # as browsers show
    for page in ("<div>" * 100_000, "<p>" + "x" * 10_000_000):
        with time_bound(), pytest.raises(ExtractionError) as err:
            extract_page(page.encode(), "text/html", URL)
        assert err.value.reason  # no-content, unparsable, ...: a reason, never a crash


STORY_P = story("harbour").split("<p>")[1].split("</p>")[0].encode()
WP_JSON = (
    b'{"id": 7, "title": {"rendered": "Harbour"}, "content": {"rendered": "<p>'
    + STORY_P.replace(b'"', b'\\"')
    + b'<\\/p>\\n<p>More \\u2013 text<\\/p>"}}'
)
RSS = (
    b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Feed</title>'
    b"<item><title>Harbour</title><description>&lt;p&gt;" + STORY_P + b"&lt;/p&gt;"
    b"</description></item></channel></rss>"
)


@pytest.mark.parametrize(
    ("body", "content_type", "reason"),
    [
        (b"", "text/html", "empty"),
        (b" \r\n\t" * 500, "text/html", "empty"),
        (b"\0" * 5000, "text/html; charset=utf-8", "binary"),
        (bytes(range(256)) * 64, "text/html", "binary"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, None, "binary"),
        (b"just some words, no markup at all " * 40, "text/html", "not-html"),
        (b"<html><head><title>T</title></head><body></body></html>", None, "no-content"),
        # a REST API's answer, served as HTML: the post's HTML escaped in a JSON string
        (WP_JSON, "text/html; charset=utf-8", "not-html"),
        (b'[{"id": 1, "excerpt": "<p>' + STORY_P + b'</p>"}]', "text/html", "not-html"),
        (RSS, "text/html", "not-html"),
        (
            b'<?xml version="1.0"?><urlset><url><loc>https://x/</loc></url></urlset>',
            None,
            "not-html",
        ),
    ],
)
def test_pages_without_an_article_are_rejected_with_a_reason(
    body: bytes, content_type: str | None, reason: str
) -> None:
    with time_bound(), pytest.raises(ExtractionError) as err:
        extract_page(body, content_type, URL)
    assert err.value.reason == reason


def test_xhtml_with_an_xml_declaration_is_a_page() -> None:
    xhtml = (
        b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0'
        b' Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">'
        + story("harbour").encode()
    )
    article = extract_page(xhtml, "application/xhtml+xml", URL).article
    assert article is not None and "harbour" in article.text


def test_declared_utf16() -> None:
    assert declares_utf16("text/html; charset=UTF-16") and declares_utf16(
        "text/html;charset=utf-16le"
    )
    assert not declares_utf16("text/html") and not declares_utf16(None)
    assert not declares_utf16("text/html; charset=utf-8")


def test_retry_after_is_honoured_within_the_cap() -> None:
    assert retry_after_seconds("5") == 5.0
    soon = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=30), usegmt=True)
    assert 25 <= (retry_after_seconds(soon) or 0) <= 31
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # past: at once
    assert retry_after_seconds("soon") is None and retry_after_seconds("-3") is None

    from scrapy.http import Request, Response

    mw = BackoffRetryMiddleware(
        Settings({"NEWSCRAWL_RETRY_BACKOFF": 1.0, "NEWSCRAWL_RETRY_MAX_DELAY": 10.0})
    )
    request = Request("http://127.0.0.1/a/")
    busy = Response(request.url, status=503, headers={"Retry-After": "3"})
    assert mw.delay(request, busy) == 3.0
    assert (
        mw.delay(request, Response(request.url, status=429, headers={"Retry-After": "86400"}))
        == 10.0
    )
    assert 0.75 <= mw.delay(request, Response(request.url, status=500)) <= 1.25
    request.meta["retry_times"] = 2
    assert 3.0 <= mw.delay(request) <= 5.0  # 1 s x 2^2, with jitter
    request.meta["retry_times"] = 30
    assert mw.delay(request) == 10.0


LAUGHS = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10 if i else "lol"}">' for i in range(10))
NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


@pytest.mark.parametrize(
    "doctype",
    [
        f"<!DOCTYPE urlset [{LAUGHS}]>",
        '<!DOCTYPE urlset [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
        '<!DOCTYPE urlset [<!ENTITY a "]>"><!ENTITY xxe SYSTEM "http://127.0.0.1:9/x">]>',
        '<!DOCTYPE urlset SYSTEM "http://127.0.0.1:9/sitemap.dtd">',
    ],
)
def test_sitemaps_with_entity_tricks_are_read_without_them(doctype: str) -> None:
    xml = (
        f'<?xml version="1.0"?>{doctype}<urlset {NS}>'
        "<url><loc>https://s.example/a/</loc></url>"
        "<url><loc>https://s.example/&l9;&xxe;/</loc></url>"
        "<url><loc>https://s.example/b/</loc></url></urlset>"
    )
    with time_bound(10):
        locs = [e["loc"] for e in Sitemap(without_doctype(xml.encode()))]
    assert locs[0] == "https://s.example/a/" and locs[-1] == "https://s.example/b/"
    assert not any("lol" in loc or "root:" in loc for loc in locs)


def test_without_doctype_is_linear_on_junk() -> None:
    with time_bound(10):
        for junk in (b"<!DOCTYPE x " + b"[" * 60_000, b"<!DOCTYPE x [" + b"] " * 30_000):
            assert without_doctype(junk) == junk  # unterminated: left to the parser
