"""WARC output of a real crawl (``NEWSCRAWL_WARC``): warcio's own tools accept the file,
every fetch is a response and a request record, and each item points at the response
record its text comes from."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from newscrawl.devserver import SiteServer
from newscrawl.extraction import extract
from tests.conftest import SITE, Crawler, CrawlResult

WARCIO = [sys.executable, "-c", "import sys; from warcio.cli import main; sys.exit(main())"]


@pytest.fixture(scope="module")
def warc_crawl(tmp_path_factory: pytest.TempPathFactory) -> tuple[CrawlResult, Path]:
    crawler = Crawler(tmp_path_factory.mktemp("warc"))
    crawler.workdir.mkdir(exist_ok=True)
    with SiteServer(SITE) as server:
        # (templates off: the text then comes from the page alone, to compare below)
        result = crawler.run(
            server.base_url, "-s", "NEWSCRAWL_WARC=True", "-s", "NEWSCRAWL_SITE_TEMPLATES=False"
        )
    assert result.returncode == 0, result.log[-3000:]
    (warc,) = crawler.output.glob("gqn/*.warc.gz")
    return result, warc


def test_warcio_checks_and_indexes_the_file(warc_crawl: tuple[CrawlResult, Path]) -> None:
    result, warc = warc_crawl
    assert warc.name == f"{result.summary['run_id']}.warc.gz"
    check = subprocess.run([*WARCIO, "check", "-v", str(warc)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    index = subprocess.run([*WARCIO, "index", str(warc)], capture_output=True, text=True)
    assert index.returncode == 0, index.stderr
    types = [json.loads(line)["warc-type"] for line in index.stdout.splitlines()]
    assert types[0] == "warcinfo"
    responses = types.count("response")
    assert responses == types.count("request") == result.stats["downloader/response_count"]


def test_each_item_points_at_its_response_record(warc_crawl: tuple[CrawlResult, Path]) -> None:
    result, warc = warc_crawl
    assert result.items
    with warc.open("rb") as f:
        for item in result.items:
            assert item["warc_file"] == warc.name
            f.seek(item["warc_offset"])
            record = next(iter(ArchiveIterator(f)))
            assert record.rec_type == "response"
            assert record.rec_headers.get_header("WARC-Target-URI") == item["url"]
            assert record.http_headers.get_statuscode() == "200"
            body = record.content_stream().read()  # (content-encoding undone by warcio)
            content_type = record.http_headers.get_header("Content-Type")
            # the same text from the archived page as from the crawl
            assert extract(body, item["url"], content_type=content_type).text == item["text"]


def test_without_the_setting_no_warc_is_written(tmp_path: Path) -> None:
    crawler = Crawler(tmp_path)
    with SiteServer(SITE) as server:
        result = crawler.run(server.base_url, "-s", "CLOSESPIDER_ITEMCOUNT=2")
    assert result.returncode == 0
    assert not list(crawler.output.glob("gqn/*.warc.gz"))
    assert all(i["warc_file"] is None and i["warc_offset"] is None for i in result.items)


def test_extract_of_the_crawls_warc_gives_the_same_text(
    warc_crawl: tuple[CrawlResult, Path], tmp_path: Path
) -> None:
    """``newscrawl extract output/gqn/*.warc.gz``: every item's text, byte for byte, with
    its URL and fetch date from the archive."""
    from newscrawl.cli import main

    result, warc = warc_crawl
    out = tmp_path / "again.jsonl"
    main(["extract", str(warc), "-j", "1", "--no-site-templates", "-o", str(out)])
    rows = {r["url"]: r for r in map(json.loads, out.read_text().splitlines()) if "text" in r}
    for item in result.items:
        again = rows[item["url"]]
        assert again["text"] == item["text"]
        assert again["source"] == f"{warc}#{item['warc_offset']}"
        assert again["fetched_at"][:16] == item["fetched_at"][:16]  # (to the minute)


def _record(
    writer: Any,
    uri: str,
    status: str,
    body: bytes,
    headers: list[tuple[str, str]],
    kind: str = "response",
    warc_headers: dict[str, str] | None = None,
) -> None:
    from warcio.statusandheaders import StatusAndHeaders

    writer.write_record(
        writer.create_warc_record(
            uri,
            kind,
            payload=BytesIO(body),
            http_headers=StatusAndHeaders(status, headers, protocol="HTTP/1.1"),
            warc_headers_dict=warc_headers or {},
        )
    )


def test_only_whole_html_200_responses_are_extracted_and_the_rest_counted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from warcio.warcwriter import WARCWriter

    from newscrawl.cli import main
    from tests.hostile import story

    html = [("Content-Type", "text/html; charset=utf-8")]
    path = tmp_path / "mixed.warc.gz"
    with path.open("wb") as f:
        w = WARCWriter(f, gzip=True)
        w.write_record(w.create_warcinfo_record(path.name, {"software": "test"}))
        _record(w, "https://a.example/one/", "200 OK", story("harbour").encode(), html)
        gz = gzip.compress(story("museum").encode())  # content-encoding, in a chunked body
        chunked = f"{len(gz):x}\r\n".encode() + gz + b"\r\n0\r\n\r\n"
        _record(
            w,
            "https://a.example/two/",
            "200 OK",
            chunked,
            [*html, ("Content-Encoding", "gzip"), ("Transfer-Encoding", "chunked")],
        )
        _record(
            w,
            "https://a.example/doc.pdf",
            "200 OK",
            b"%PDF-1.4",
            [("Content-Type", "application/pdf")],
        )
        _record(w, "https://a.example/gone/", "404 Not Found", b"<html>gone</html>", html)
        _record(w, "https://a.example/one/", "200 OK", b"", html, kind="revisit")
        _record(
            w,
            "https://a.example/cut/",
            "200 OK",
            story("cut").encode()[:300],
            html,
            warc_headers={"WARC-Truncated": "length"},
        )
        _record(w, "https://a.example/one/", "GET /one/ HTTP/1.1", b"", [], kind="request")
    out = tmp_path / "out.jsonl"
    assert main(["extract", str(path), "-j", "1", "-o", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["url"] for r in rows] == ["https://a.example/one/", "https://a.example/two/"]
    assert "harbour report" in rows[0]["text"] and "museum report" in rows[1]["text"]
    err = capsys.readouterr().err
    assert "2 HTML pages" in err
    for skipped in (
        "1 not-200",
        "1 not-html",
        "1 revisit",
        "1 truncated",
        "1 request",
        "1 warcinfo",
    ):
        assert skipped in err, err


def test_a_killed_runs_warc_is_completed_by_the_next_run(tmp_path: Path) -> None:
    """SIGKILL mid-crawl: the WARC reads up to its last whole record; the next run cuts
    a partial last record, and warcio then checks it whole."""
    from newscrawl.warc import complete_killed_warc
    from tests.conftest import alive, kill, live_children, wait_for

    crawler = Crawler(tmp_path)
    crawler.workdir.mkdir(exist_ok=True)
    with SiteServer(SITE, delay=0.2) as server:
        proc = crawler.start(
            server.base_url, "-s", "NEWSCRAWL_WARC=True", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2"
        )
        warcs = lambda: list(crawler.output.glob("gqn/*.warc.gz"))  # noqa: E731
        assert wait_for(lambda: any(w.stat().st_size > 20_000 for w in warcs()), timeout=120)
        workers = live_children(proc.pid)  # (the extraction pool: it may share the file)
        kill(proc)
        assert wait_for(lambda: not any(alive(pid) for pid in workers), timeout=15), workers
        (killed,) = warcs()
        with killed.open("ab") as f:  # (as if killed in the middle of a record)
            f.write(gzip.compress(b"WARC/1.1\r\nWARC-Type: response\r\n" + os.urandom(4000))[:700])
        again = crawler.run(server.base_url, "-s", "NEWSCRAWL_WARC=True")
    assert again.returncode == 0, again.log[-3000:]
    assert "partial last record" in again.log
    assert complete_killed_warc(killed) == 0  # (already whole)
    check = subprocess.run([*WARCIO, "check", str(killed)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    with killed.open("rb") as f:
        assert sum(1 for r in ArchiveIterator(f) if r.rec_type == "response") > 0


def test_a_full_warc_file_is_followed_by_the_next(tmp_path: Path) -> None:
    """``NEWSCRAWL_WARC_MAX_BYTES``: past it, ``<run id>-00001.warc.gz`` begins; every
    item's record is in the file it names."""
    crawler = Crawler(tmp_path)
    with SiteServer(SITE) as server:
        result = crawler.run(
            server.base_url, "-s", "NEWSCRAWL_WARC=True", "-s", "NEWSCRAWL_WARC_MAX_BYTES=60000"
        )
    assert result.returncode == 0, result.log[-3000:]
    files = sorted(p.name for p in crawler.output.glob("gqn/*.warc.gz"))
    run_id = result.summary["run_id"]
    assert len(files) > 2 and files[0] == f"{run_id}-00001.warc.gz"
    assert f"{run_id}.warc.gz" in files
    for item in result.items:
        with (crawler.output / "gqn" / item["warc_file"]).open("rb") as f:
            f.seek(item["warc_offset"])
            record = next(iter(ArchiveIterator(f)))
            assert record.rec_headers.get_header("WARC-Target-URI") == item["url"]
