"""A hostile web site for crawl tests: the GQN fixture site plus every bad case we know.

:func:`make_hostile` adds to a copy of the fixture site (files and raw handlers
on the :class:`~newscrawl.devserver.SiteServer`) pages that lie about their
encoding, break HTML, are huge, deep, binary or empty, servers that fail,
stall, drip, reset or redirect in circles or off the site, sitemaps and a feed
with entity tricks, and links the crawler must never follow. It returns what
the crawl must make of each page: ``EMIT`` (with a string its text must
contain) or the reject reason it must record; :data:`NEVER_FETCHED` lists the
paths the server must never see.
"""

from __future__ import annotations

import gzip
import socket
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Request

from newscrawl.devserver import FIXTURE_ORIGIN, SiteServer

EMIT = "emit"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"

#: Paths no request may ever reach: robots.txt forbids them, they sit behind an
#: external entity, another host, a non-http scheme, or past a sitemap's entry cap.
NEVER_FETCHED = (
    "/private/",
    "/h-offsite",
    "/h-ftp",
    "/h-beyond-cap/",
    "/xxe-probe",
    "/dtd-probe",
    "passwd",
    "lol",
)


@dataclass(frozen=True)
class Case:
    path: str
    expect: str  # EMIT, or the reject reason (prefix) the rejects file must show
    snippet: str = ""  # for EMIT: a string the item's text must contain


def story(topic: str, extra: str = "") -> str:
    """A plain article page of our own, long enough to be news."""
    paragraphs = "".join(
        f"<p>{extra} The {topic} report was published on Monday by the regional office, "
        f"which said paragraph {i} of its findings would shape next year's plans for "
        "schools, clinics and roads across the district, according to officials.</p>"
        for i in range(5)
    )
    return (
        f"<!DOCTYPE html><html><head><title>{topic.title()}</title></head><body>"
        f"<article><h1>{topic.title()}</h1>{paragraphs}</article></body></html>"
    )


def paragraphs_page(sentence: str, head: str = "") -> str:
    """An article of six paragraphs, each ``sentence`` (non-Latin scripts)."""
    body = "".join(f"<p>{sentence} ({i})</p>" for i in range(6))
    return f"<html><head>{head}</head><body><article>{body}</article></body></html>"


class WireLog:
    """Test-only downloader middleware, last before the download handlers: appends the
    URL of every request about to be sent to the file ``NEWSCRAWL_TEST_WIRE_LOG``."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WireLog:
        path = crawler.settings.get("NEWSCRAWL_TEST_WIRE_LOG")
        if not path:
            raise NotConfigured("NEWSCRAWL_TEST_WIRE_LOG is not set")
        return cls(Path(path))

    def process_request(self, request: Request, spider: object = None) -> None:
        with self.path.open("a", encoding="utf-8") as log:
            log.write(request.url + "\n")


# -- raw handlers ------------------------------------------------------------------

Raw = Callable[[BaseHTTPRequestHandler], None]


def send(
    handler: BaseHTTPRequestHandler,
    status: int,
    body: bytes,
    headers: dict[str, str] | None = None,
) -> None:
    handler.send_response(status)
    for key, value in {"Content-Type": "text/html", **(headers or {})}.items():
        handler.send_header(key, value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    if handler.command != "HEAD":
        handler.wfile.write(body)


def respond(status: int, body: bytes, headers: dict[str, str] | None = None) -> Raw:
    return lambda h: send(h, status, body, headers)


def flaky(failures: int, fail: Raw, body: bytes) -> Raw:
    """Answer with ``fail`` the first ``failures`` times, then serve ``body``."""
    count = {"n": 0}

    def handle(h: BaseHTTPRequestHandler) -> None:
        count["n"] += 1
        if count["n"] <= failures:
            fail(h)
        else:
            send(h, 200, body, {"Content-Type": "text/html; charset=utf-8"})

    return handle


def stall(seconds: float) -> Raw:
    def handle(h: BaseHTTPRequestHandler) -> None:
        time.sleep(seconds)
        send(h, 200, story("stalled").encode())

    return handle


def drip(h: BaseHTTPRequestHandler) -> None:
    """Headers at once, then a byte at a time, too slowly to finish in time."""
    body = story("drip").encode()
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    try:
        for byte in body[:40]:
            h.wfile.write(bytes([byte]))
            h.wfile.flush()
            time.sleep(0.5)
    except OSError:
        pass


def reset(h: BaseHTTPRequestHandler) -> None:
    """Close the connection without a word (RST)."""
    h.connection.setsockopt(
        socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
    )
    h.connection.close()
    h.close_connection = True


def data_loss(h: BaseHTTPRequestHandler) -> None:
    """Promise 50,000 bytes, send a few hundred, hang up."""
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.send_header("Content-Length", "50000")
    h.end_headers()
    h.wfile.write(story("lost").encode()[:300])
    h.wfile.flush()
    h.close_connection = True


def endless(h: BaseHTTPRequestHandler) -> None:
    """No Content-Length: HTML until the client hangs up (the size is only known as it comes)."""
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.send_header("Connection", "close")
    h.end_headers()
    h.close_connection = True
    chunk = b"<p>" + b"more " * 13_000 + b"</p>\n"
    try:
        h.wfile.write(b"<html><body>")
        for _ in range(2_000):  # 130 MB at most
            h.wfile.write(chunk)
    except OSError:
        pass


def redirect(location: str, status: int = 302) -> Raw:
    return lambda h: send(h, status, b"", {"Location": location})


def chain(h: BaseHTTPRequestHandler) -> None:
    """Redirects to a new URL every time (no loop a duplicate filter could see)."""
    n = int(h.path.rpartition("=")[2]) if "=" in h.path else 0
    send(h, 302, b"", {"Location": f"/h-redirect-chain/?hop={n + 1}"})


def bomb(size: int, encoding: str = "gzip") -> bytes:
    """HTML of ``size`` bytes (mostly NUL) compressed: a few hundred kB that inflate huge."""
    pack = (
        zlib.compressobj(9, zlib.DEFLATED, 31)
        if encoding == "gzip"
        else zlib.compressobj(9, zlib.DEFLATED, 15)
    )
    block = b"\0" * 1_000_000
    out = [pack.compress(b"<html><body><p>")]
    out += [pack.compress(block) for _ in range(size // len(block))]
    out.append(pack.compress(b"</p></body></html>") + pack.flush())
    return b"".join(out)


# -- the site ------------------------------------------------------------------------


def make_hostile(site: Path, server: SiteServer, max_size: int) -> list[Case]:
    """Add the hostile pages to ``site`` (a copy of the fixture site) and ``server``.

    ``max_size`` is the crawl's ``DOWNLOAD_MAXSIZE``; it must exceed 10 MB (the
    page with a single 10 MB line is good news).
    """
    assert max_size > 11_000_000
    cases: list[Case] = []
    base = server.base_url.rstrip("/")
    other_host = base.replace("127.0.0.1", "localhost")  # same server, another host name

    def page(
        path: str,
        expect: str,
        snippet: str = "",
        handler: Raw | None = None,
        body: str | bytes | None = None,
    ) -> None:
        cases.append(Case(path, expect, snippet))
        if handler is not None:
            server.route(path, handler)
        elif body is not None:  # a file: served as text/html; charset=utf-8
            target = site / path.strip("/") / "index.html"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(body if isinstance(body, bytes) else body.encode("utf-8"))

    utf8 = {"Content-Type": "text/html; charset=utf-8"}
    html = {"Content-Type": "text/html"}

    # -- encodings: wrong, missing and mixed declarations; the text must come out exact
    cafe = story("harbour café", "Le café “Zoë” reopened.")
    page(
        "/h-lying-header/",
        EMIT,
        "Le café “Zoë” reopened.",
        respond(200, cafe.encode("cp1252"), utf8),
    )
    western = "Müller’s bakery in Genève said “très bien”; señor Øster paid 5 € in Straße."
    page(
        "/h-latin1-meta/",
        EMIT,
        western,
        respond(
            200,
            story("bakery", western)
            .replace(
                "<head>",
                '<head><meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">',
            )
            .encode("cp1252"),
            html,
        ),
    )
    page(
        "/h-mixed-declarations/",
        EMIT,
        western,
        respond(
            200,
            story("market", western)
            .replace("<head>", "<head><meta charset='shift_jis'>")
            .encode("utf-8"),
            {"Content-Type": "text/html; charset=iso-8859-1"},
        ),
    )
    japanese = "東京都は火曜日に新しい予算を承認しました。議会は長い議論の末に合意に達しました。"
    page(
        "/h-sjis/",
        EMIT,
        japanese,  # meta says Shift_JIS, the file server says UTF-8
        body=paragraphs_page(japanese, "<meta charset='shift_jis'>").encode("shift_jis"),
    )
    chinese = "北京市政府周二批准了新的预算。议会经过长时间辩论后达成一致。"
    page(
        "/h-gb2312/",
        EMIT,
        chinese,
        respond(
            200,
            paragraphs_page(chinese).encode("gb2312"),
            {"Content-Type": "text/html; charset=gb2312"},
        ),
    )
    korean = "서울시는 화요일에 새로운 예산을 승인했습니다. 의회는 긴 논쟁 끝에 합의했습니다."
    page(
        "/h-undeclared-euc-kr/",
        EMIT,
        korean,
        respond(200, paragraphs_page(korean).encode("euc-kr"), html),
    )
    russian = "Московская городская дума во вторник утвердила новый бюджет после долгих споров."
    page(
        "/h-undeclared-cp1251/",
        EMIT,
        russian,
        respond(200, paragraphs_page(russian).encode("cp1251"), html),
    )
    page(
        "/h-utf16-bom/",
        EMIT,
        "Le café “Zoë” reopened.",
        respond(200, ("\ufeff" + cafe).encode("utf-16-le"), html),
    )
    page(
        "/h-utf16be-bom-lying/",
        EMIT,
        "Le café “Zoë” reopened.",
        respond(
            200,
            ("\ufeff" + cafe).encode("utf-16-be"),
            {"Content-Type": "text/html; charset=iso-8859-1"},
        ),
    )
    page(
        "/h-utf16-no-bom/",
        EMIT,
        "Le café “Zoë” reopened.",
        respond(200, cafe.encode("utf-16-le"), {"Content-Type": "text/html; charset=utf-16le"}),
    )
    page(
        "/h-invalid-utf8/",
        EMIT,
        "The tunnel report",
        respond(200, story("tunnel").encode() + b"\xff\xfe\xc3", utf8),
    )
    page(
        "/h-control-chars/",
        EMIT,
        "The bridge report",
        body=story("bridge")
        .replace("<p>", "<p>\x00\x01\x07\x1b", 3)
        .replace("Monday", "Mon\x00day"),
    )
    # -- broken markup, huge lines, deep trees: parsed as far as it goes
    page(
        "/h-malformed/",
        EMIT,
        "The ferry report",
        body=story("ferry")
        .replace("</p>", "", 3)
        .replace("</article></body></html>", "<div><span"),
    )
    page("/h-truncated/", EMIT, "The pier report", body=story("pier")[:-420])
    page(
        "/h-deep-tail/",
        EMIT,
        "The canal report",  # a sound article, then 100,000 open <div>s
        body=story("canal").replace("</article>", "</article>" + "<div>" * 100_000),
    )
    blob = '<script>window.__DATA__="' + "x" * 10_500_000 + '";</script>'
    page(
        "/h-10mb-line/",
        EMIT,
        "The orbit report",  # the whole page on one 10 MB line
        body=story("orbit").replace("</body>", blob + "</body>"),
    )
    page(
        "/h-gzip/",
        EMIT,
        "The orchard report",
        respond(
            200, gzip.compress(story("orchard").encode()), {**utf8, "Content-Encoding": "gzip"}
        ),
    )
    page(
        "/h-html-xxe/",
        EMIT,
        "The glacier report",
        body=story("glacier")
        .replace(
            "<!DOCTYPE html>",
            f'<!DOCTYPE html [<!ENTITY probe SYSTEM "{base}/xxe-probe-html/">'
            '<!ENTITY file SYSTEM "file:///etc/passwd">]>',
        )
        .replace("<h1>", "<h1>&probe;&file;"),
    )
    # -- failing servers that come back: retried, then emitted
    stadium = story("stadium").encode()
    page("/h-flaky/", EMIT, "The stadium report", flaky(2, respond(503, b"try later"), stadium))
    page(
        "/h-rate-limited/",
        EMIT,
        "The museum report",
        flaky(1, respond(429, b"slow down", {"Retry-After": "1"}), story("museum").encode()),
    )
    page("/h-flaky-reset/", EMIT, "The airport report", flaky(2, reset, story("airport").encode()))

    # -- bad content that can only be rejected, with its reason
    page("/h-empty/", "empty", handler=respond(200, b"", utf8))
    page("/h-blank/", "empty", handler=respond(200, b" \r\n\t " * 100, utf8))
    page(
        "/h-binary/",
        "binary",
        handler=respond(200, bytes(range(256)) * 64, {"Content-Type": "text/html"}),
    )
    page("/h-nuls/", "binary", handler=respond(200, b"\0" * 5000, utf8))
    page(
        "/h-pdf/",
        "not-html",
        handler=respond(200, b"%PDF-1.4 ...", {"Content-Type": "application/pdf"}),
    )
    page(
        "/h-image/",
        "not-html",
        handler=respond(200, b"\x89PNG\r\n\x1a\n" + b"\0" * 64, {"Content-Type": "image/png"}),
    )
    page(
        "/h-json/",
        "not-html",
        handler=respond(200, b'{"title": "not a page"}', {"Content-Type": "application/json"}),
    )
    page(
        "/h-plain-text/",
        "not-html",
        handler=respond(200, story("plain").encode(), {"Content-Type": "text/plain"}),
    )
    rendered = story("json").split("<article>")[1].split("</article>")[0].replace('"', '\\"')
    page(  # a REST API's answer served as HTML: the post's HTML in a JSON string
        "/h-json-as-html/",
        "not-html",
        handler=respond(
            200, ('{"id": 7, "content": {"rendered": "' + rendered + '"}}').encode(), utf8
        ),
    )
    page(  # a feed served as HTML
        "/h-rss-as-html/",
        "not-html",
        handler=respond(
            200,
            b'<?xml version="1.0"?><rss version="2.0"><channel><item><title>Feed</title>'
            + b"<description>"
            + story("rss").encode().replace(b"<", b"&lt;")
            + b"</description>"
            + b"</item></channel></rss>",
            utf8,
        ),
    )
    page(
        "/h-no-text/",
        "too-short",
        body="<html><head><script>var a = 1;</script></head><body><nav><a href='/'>Home</a></nav></body></html>",
    )
    page(
        "/h-deep/",
        EMIT,
        "paragraph 4 of its findings",  # the whole article, below 100,000 levels of <div>
        body=story("deep")
        .replace("<article>", "<div>" * 100_000 + "<article>")
        .replace("</article>", "</article>" + "</div>" * 100_000),
    )
    # -- over the size cap: announced, streamed without a length, or inflated from gzip/deflate
    page(
        "/h-huge/",
        "too-large",
        handler=respond(200, b"<p>" + b"x" * (max_size + 1000) + b"</p>", utf8),
    )
    page("/h-huge-streamed/", "too-large", handler=endless)
    page(
        "/h-gzip-bomb/",
        "too-large",
        handler=respond(200, bomb(10 * max_size), {**utf8, "Content-Encoding": "gzip"}),
    )
    page(
        "/h-deflate-bomb/",
        "too-large",
        handler=respond(
            200, bomb(2 * max_size, "deflate"), {**utf8, "Content-Encoding": "deflate"}
        ),
    )
    # -- failing servers that stay down: retried with backoff, then rejected
    page("/h-500/", "http-500", handler=respond(500, b"boom"))
    page("/h-503/", "http-503", handler=respond(503, b"busy", {"Retry-After": "1"}))
    page(
        "/h-429-forever/",
        "http-429",  # Retry-After far beyond the cap
        handler=respond(429, b"go away", {"Retry-After": "3600"}),
    )
    page("/h-403/", "http-403", handler=respond(403, b"forbidden"))
    page("/h-timeout/", "timeout", handler=stall(20))
    page("/h-drip/", "timeout", handler=drip)
    page("/h-reset/", "connection", handler=reset)
    page("/h-data-loss/", "data-loss", handler=data_loss)
    # -- redirects that go nowhere, or somewhere we must not follow
    page("/h-redirect-loop/", "redirect-loop", handler=redirect(base + "/h-redirect-loop/"))
    page("/h-redirect-chain/", "too-many-redirects", handler=chain)
    page(
        "/h-redirect-offsite/",
        "redirect-offsite",
        handler=redirect(other_host + "/h-offsite-target/"),
    )
    page(
        "/h-redirect-ftp/",
        "redirect-refused",
        handler=redirect(base.replace("http://", "ftp://") + "/h-ftp-target/"),
    )
    # -- robots.txt: a disallowed article is never fetched
    page("/private/h-secret/", "robots", body=story("secret"))

    # -- discovery: sitemaps, a feed and a listing full of tricks --------------------
    def url_entry(loc: str) -> str:
        return f"<url><loc>{loc}</loc></url>"

    def urlset(entries: str, doctype: str = "") -> str:
        return f'<?xml version="1.0"?>{doctype}<urlset xmlns="{SITEMAP_NS}">{entries}</urlset>'

    foreign = [
        "https://evil.example/h-offsite-1/",
        f"{other_host}/h-offsite-2/",
        f"{base.replace('http://', 'ftp://')}/h-ftp-1/",
        "javascript:alert(1)",
        "mailto:editor@gqn.example",
        "file:///etc/passwd",
        "data:text/html,<p>hi</p>",
        "http://[oops/h-offsite-3/",  # junk hosts and ports: no URL at all
        "https://]x/h-offsite-4/",
        f"{base.rsplit(':', 1)[0]}:99999/h-offsite-5/",
    ]
    (site / "hostile-sitemap.xml").write_text(
        urlset(
            "".join(url_entry(f"{FIXTURE_ORIGIN}{c.path}") for c in cases)
            + "".join(url_entry(u.replace("&", "&amp;").replace("<", "&lt;")) for u in foreign)
        )
    )
    laughs = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10 if i else "lol"}">' for i in range(10))
    (site / "hostile-laughs.xml").write_text(
        urlset(url_entry(f"{FIXTURE_ORIGIN}/h-laugh-&l9;/"), f"<!DOCTYPE u [{laughs}]>")
    )
    (site / "hostile-xxe.xml").write_text(
        urlset(
            url_entry(f"{FIXTURE_ORIGIN}/h-xxe-&xxe;/")
            + url_entry(f"{FIXTURE_ORIGIN}/h-xxe-&probe;/"),
            '<!DOCTYPE u [<!ENTITY xxe SYSTEM "file:///etc/passwd">'
            f'<!ENTITY probe SYSTEM "{FIXTURE_ORIGIN}/xxe-probe-sitemap/">]>',
        )
    )
    # entities left undefined cut those URLs short at the "&": /h-xxe- is fetched and 404s
    cases += [Case("/h-xxe-", "http-404"), Case("/h-laugh-", "http-404")]
    # an article listed only in a sitemap with an external DTD (never fetched)
    page("/h-dtd-sitemap/", EMIT, "The quarry report", body=story("quarry"))
    (site / "hostile-dtd.xml").write_text(
        urlset(
            url_entry(f"{FIXTURE_ORIGIN}/h-dtd-sitemap/"),
            f'<!DOCTYPE urlset SYSTEM "{FIXTURE_ORIGIN}/dtd-probe-sitemap.dtd">',
        )
    )
    (site / "hostile-broken.xml").write_text("this is not a sitemap <urlset")
    (site / "hostile-html.xml").write_text("<html><body><p>Sitemap moved.</p></body></html>")
    (site / "hostile-truncated.xml").write_text(
        urlset(url_entry(f"{FIXTURE_ORIGIN}/h-half/"))[:-30]
    )
    (site / "hostile-bomb.xml.gz").write_bytes(bomb(5 * max_size))
    server.route("/hostile-500.xml", respond(500, b"down"))
    # 50,000 entries (the protocol's cap) of other hosts, a good article first; beyond the cap
    # an article that must not be requested
    page("/h-big-sitemap/", EMIT, "The lighthouse report", body=story("lighthouse"))
    entries = [url_entry(f"{FIXTURE_ORIGIN}/h-big-sitemap/")]
    entries += [url_entry(f"https://elsewhere.example/{i}/") for i in range(49_999)]
    entries.append(url_entry(f"{FIXTURE_ORIGIN}/h-beyond-cap/"))
    (site / "hostile-big.xml").write_text(urlset("".join(entries)))
    sitemaps = [
        "hostile-sitemap.xml",
        "hostile-laughs.xml",
        "hostile-xxe.xml",
        "hostile-dtd.xml",
        "hostile-broken.xml",
        "hostile-html.xml",
        "hostile-truncated.xml",
        "hostile-bomb.xml.gz",
        "hostile-500.xml",
        "hostile-big.xml",
    ]

    # the feed: entity tricks in its DOCTYPE, an article found nowhere else, foreign links
    page("/h-feed-only/", EMIT, "The vineyard report", body=story("vineyard"))
    cases.append(Case("/h-feed-", "http-404"))  # its link held an undefined entity
    feed = site / "feed" / "index.rss"
    items = [f"{FIXTURE_ORIGIN}/h-feed-only/", f"{FIXTURE_ORIGIN}/h-feed-&xxe;/", *foreign]
    xml = (
        feed.read_text(encoding="utf-8")
        .replace(
            "<rss ",
            f"<!DOCTYPE rss [{laughs}<!ENTITY xxe SYSTEM 'file:///etc/passwd'>"
            f"<!ENTITY probe SYSTEM '{FIXTURE_ORIGIN}/xxe-probe-feed/'>]><rss ",
            1,
        )
        .replace("<channel>", "<channel><title>&l9;&probe;</title>", 1)
    )
    extra_items = "".join(
        f"<item><title>x</title><link>{u.replace('&', '&amp;').replace('<', '&lt;')}</link></item>"
        if "&xxe;" not in u
        else f"<item><title>x</title><link>{u}</link></item>"
        for u in items
    )
    feed.write_text(xml.replace("</channel>", extra_items + "</channel>", 1), encoding="utf-8")

    # the home page: links to other hosts and schemes
    home = site / "index.html"
    links = "".join(
        f'<a href="{u}">x</a>'
        for u in [
            "mailto:editor@gqn.example",
            "javascript:void(0)",
            "tel:+15550100",
            f"{base.replace('http://', 'ftp://')}/h-ftp-link/",
            f"{other_host}/h-offsite-link/",
            f"//{other_host.split('//')[1]}/h-offsite-relative/",
            "file:///etc/passwd",
            "data:text/html;base64,PHA+aGk8L3A+",
            "http://[oops/",
            "https://]x/h-offsite-6/",
        ]
    )
    home.write_text(
        home.read_text(encoding="utf-8").replace("</body>", links + "</body>", 1), encoding="utf-8"
    )

    robots = (site / "robots.txt").read_text()
    robots = robots.replace("Disallow: /wp-admin/", "Disallow: /wp-admin/\nDisallow: /private/")
    robots += "".join(f"Sitemap: {FIXTURE_ORIGIN}/{name}\n" for name in sitemaps)
    robots += "Sitemap: http://[junk/sitemap.xml\nSitemap:\n\x7f\x01 junk\n"
    (site / "robots.txt").write_text(robots)
    return cases


def small_site(root: Path, articles: int = 5) -> list[str]:
    """A site of our own: ``articles`` plain articles, a home page linking them, a
    sitemap at ``/wp-sitemap.xml``, no robots.txt. Returns the articles' paths."""
    paths = [f"/story-{i}/" for i in range(articles)]
    for i, path in enumerate(paths):
        target = root / path.strip("/") / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(story(f"topic {i}", f"Story {i} began."), encoding="utf-8")
    links = "".join(f'<a href="{FIXTURE_ORIGIN}{p}">story</a>' for p in paths)
    (root / "index.html").write_text(f"<html><body>{links}</body></html>", encoding="utf-8")
    entries = "".join(f"<url><loc>{FIXTURE_ORIGIN}{p}</loc></url>" for p in paths)
    (root / "wp-sitemap.xml").write_text(
        f'<?xml version="1.0"?><urlset xmlns="{SITEMAP_NS}">{entries}</urlset>', encoding="utf-8"
    )
    return paths
