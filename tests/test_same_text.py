"""One entry point: the crawl, `newscrawl extract` and `newscrawl eval` give byte-identical
text for the same page bytes and URL (all three call ``extract_page``)."""

from __future__ import annotations

import gzip
import json
import urllib.request
from pathlib import Path

import pytest

from newscrawl.cli import main
from newscrawl.devserver import SiteServer
from newscrawl.evaluation.runner import EXTRACTORS
from tests.conftest import SITE, Crawler


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as response:  # (our loopback server)
        body: bytes = response.read()
    return body


def test_crawl_extract_and_eval_give_the_same_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with SiteServer(SITE) as server:
        crawl = Crawler(tmp_path / "work")
        crawl.workdir.mkdir()
        result = crawl.run(server.base_url, "-s", "NEWSCRAWL_SITE_TEMPLATES=False")
        assert result.returncode == 0, result.log[-3000:]
        assert len(result.items) >= 20
        pages = tmp_path / "pages"
        pages.mkdir()
        for n, item in enumerate(result.items):
            body = fetch(item["url"])
            page = pages / f"{n:03d}.html.gz"
            page.write_bytes(gzip.compress(body))
            # newscrawl eval's extractor, on the same bytes and URL
            scored = EXTRACTORS["newscrawl"](body, item["url"])
            assert scored is not None and scored["text"] == item["text"], item["url"]
            # newscrawl extract, on the saved file
            out = tmp_path / f"{n:03d}.jsonl"
            args = ["extract", str(page), "--url", item["url"], "-o", str(out), "-j", "1"]
            assert main(args) == 0
            (row,) = [json.loads(line) for line in out.read_text().splitlines()]
            assert row["text"] == item["text"], item["url"]
    capsys.readouterr()
