"""A hostile web site for crawl tests: the GQN fixture site plus every bad case we know.

:func:`make_hostile` adds to a copy of the fixture site (files and raw handlers
on the :class:`~newscrawl.devserver.SiteServer`) pages that lie about their
encoding, break HTML, are huge, deep, binary or empty, servers that fail,
stall, drip, reset or redirect in circles, and sitemaps with entity tricks.
It returns what the crawl must make of each: ``EMIT`` (with a snippet its
text must contain) or the reject reason it must record.
"""

from __future__ import annotations

import gzip
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from newscrawl.devserver import FIXTURE_ORIGIN, SiteServer

EMIT = "emit"


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


def respond(status: int, body: bytes, headers: dict[str, str] | None = None) -> Callable[..., None]:
    return lambda h: send(h, status, body, headers)


def flaky(
    failures: int, status: int, body: bytes, headers: dict[str, str] | None = None
) -> Callable[..., None]:
    """Fail ``failures`` times with ``status`` (and ``headers``), then serve ``body``."""
    count = {"n": 0}

    def handle(h: BaseHTTPRequestHandler) -> None:
        count["n"] += 1
        if count["n"] <= failures:
            send(h, status, b"try later", headers)
        else:
            send(h, 200, body, {"Content-Type": "text/html; charset=utf-8"})

    return handle


def stall(seconds: float) -> Callable[..., None]:
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


def make_hostile(site: Path, server: SiteServer, max_size: int) -> list[Case]:
    """Add the hostile pages to ``site`` (a copy of the fixture site) and ``server``."""
    cases: list[Case] = []

    def page(path: str, expect: str, snippet: str = "", handler: Callable[..., None] | None = None,
             body: str | bytes | None = None) -> None:  # fmt: skip
        cases.append(Case(path, expect, snippet))
        if handler is not None:
            server.route(path, handler)
        elif body is not None:
            target = site / path.strip("/") / "index.html"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(body if isinstance(body, bytes) else body.encode("utf-8"))

    utf8 = {"Content-Type": "text/html; charset=utf-8"}
    # -- bad content that must still come out right
    cafe = story("harbour café", "Le café “Zoë” reopened.")
    page(
        "/h-lying-header/",
        EMIT,
        "Le café “Zoë” reopened.",
        respond(200, cafe.encode("cp1252"), utf8),
    )
    page(
        "/h-sjis/",
        EMIT,
        "東京都は火曜日",
        body=(
            "<html><head><meta charset='shift_jis'></head><body><article>"
            + "<p>東京都は火曜日に新しい予算を承認しました。議会は長い議論の末に合意に達しました。</p>"
            * 6
            + "</article></body></html>"
        ).encode("shift_jis"),
    )
    page(
        "/h-gb2312/",
        EMIT,
        "北京市政府周二批准了新的预算",
        respond(
            200,
            (
                "<html><body><article>"
                + "".join(
                    f"<p>北京市政府周二批准了新的预算。议会经过长时间辩论后就第{i}项达成一致。</p>"
                    for i in range(6)
                )
                + "</article></body></html>"
            ).encode("gb2312"),
            {"Content-Type": "text/html; charset=gb2312"},
        ),
    )
    page(
        "/h-utf16/",
        EMIT,
        "Zoë",
        respond(200, ("\ufeff" + cafe).encode("utf-16-le"), {"Content-Type": "text/html"}),
    )
    page(
        "/h-invalid-utf8/",
        EMIT,
        "tunnel report",
        respond(200, story("tunnel").encode() + b"\xff\xfe\xc3", utf8),
    )
    page(
        "/h-control-chars/",
        EMIT,
        "The bridge report",
        body=story("bridge").replace("<p>", "<p>\x00\x01\x07", 2),
    )
    page(
        "/h-malformed/",
        EMIT,
        "The ferry report",
        body=story("ferry")
        .replace("</p>", "", 3)
        .replace("</article></body></html>", "<div><span"),
    )
    page(
        "/h-gzip/",
        EMIT,
        "The orchard report",
        respond(
            200, gzip.compress(story("orchard").encode()), {**utf8, "Content-Encoding": "gzip"}
        ),
    )
    page("/h-flaky/", EMIT, "The stadium report", flaky(2, 503, story("stadium").encode()))
    page(
        "/h-rate-limited/",
        EMIT,
        "The museum report",
        flaky(1, 429, story("museum").encode(), {"Retry-After": "1"}),
    )
    # -- bad content that can only be rejected, with its reason
    page("/h-empty/", "empty", handler=respond(200, b"", utf8))
    page(
        "/h-binary/",
        "binary",
        handler=respond(200, bytes(range(256)) * 64, {"Content-Type": "text/html"}),
    )
    page(
        "/h-pdf/",
        "not-html",
        handler=respond(200, b"%PDF-1.4 ...", {"Content-Type": "application/pdf"}),
    )
    page(
        "/h-deep/",
        "no-content",
        body="<html><body>"
        + "<b>" * 100_000
        + "deep text " * 50
        + "</b>" * 100_000
        + "</body></html>",
    )
    page(
        "/h-huge/",
        "too-large",
        handler=respond(200, b"<p>" + b"x" * (max_size + 1000) + b"</p>", utf8),
    )
    bomb = gzip.compress(b"<html><body>" + b"\0" * (64 * max_size) + b"</body></html>")
    page(
        "/h-gzip-bomb/",
        "too-large",
        handler=respond(200, bomb, {**utf8, "Content-Encoding": "gzip"}),
    )
    # -- failing servers
    page("/h-500/", "http-500", handler=respond(500, b"boom"))
    page("/h-503/", "http-503", handler=respond(503, b"busy", {"Retry-After": "1"}))
    page("/h-timeout/", "timeout", handler=stall(6))
    page("/h-drip/", "timeout", handler=drip)
    page("/h-reset/", "connection", handler=reset)
    page(
        "/h-redirect-loop/",
        "redirect-loop",
        handler=lambda h: send(h, 302, b"", {"Location": server.base_url + "h-redirect-loop/"}),
    )
    # -- robots.txt: a disallowed article is never fetched
    page("/private/h-secret/", "robots", body=story("secret"))

    # discovery: a sitemap with the hostile pages, and sitemaps that try entity tricks
    locs = [f"{FIXTURE_ORIGIN}{c.path}" for c in cases] + [
        "https://evil.example/h-offsite/", "ftp://gqn.example/h-ftp/", "javascript:alert(1)"]  # fmt: skip
    urlset = "".join(f"<url><loc>{loc}</loc></url>" for loc in locs)
    (site / "hostile-sitemap.xml").write_text(
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"{urlset}</urlset>"
    )
    laughs = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10 if i else "lol"}">' for i in range(10))
    (site / "hostile-laughs.xml").write_text(
        f'<?xml version="1.0"?><!DOCTYPE u [{laughs}]>'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>{FIXTURE_ORIGIN}/h-laugh-&l9;/</loc></url></urlset>"
    )
    (site / "hostile-xxe.xml").write_text(
        '<?xml version="1.0"?><!DOCTYPE u [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>{FIXTURE_ORIGIN}/h-xxe-&xxe;/</loc></url></urlset>"
    )
    (site / "hostile-broken.xml").write_text("this is not a sitemap <urlset")
    # the external entity is not resolved: the URL is cut short where it stood, and 404s
    cases.append(Case("/h-xxe-", "http-404"))
    robots = (site / "robots.txt").read_text()
    robots = robots.replace("Disallow: /wp-admin/", "Disallow: /wp-admin/\nDisallow: /private/")
    robots += "".join(
        f"Sitemap: {FIXTURE_ORIGIN}/{name}\n"
        for name in (
            "hostile-sitemap.xml",
            "hostile-laughs.xml",
            "hostile-xxe.xml",
            "hostile-broken.xml",
        )
    )
    (site / "robots.txt").write_text(robots)
    return cases
