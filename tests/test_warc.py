"""WARC output of a real crawl (``NEWSCRAWL_WARC``): warcio's own tools accept the file,
every fetch is a response and a request record, and each item points at the response
record its text comes from."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

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
