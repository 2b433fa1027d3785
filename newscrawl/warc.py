"""WARC output: every response the crawl fetched, as the web-archive standard keeps it.

With ``NEWSCRAWL_WARC``, :class:`WarcWriterMiddleware` (a downloader middleware next to
the downloader, so it sees each response as it came off the wire: still compressed, its
headers as sent) writes a ``request`` and a ``response`` record per fetch to
``<spider>/<run id>.warc.gz`` beside the run's other files, after a ``warcinfo`` record
naming newscrawl. warcio writes the records, each gzipped on its own: a killed run
leaves a file readable up to its last whole record. A file past
``NEWSCRAWL_WARC_MAX_BYTES`` is closed and the next one (``<run id>-00001.warc.gz``)
begins. Each request's ``meta["warc"]`` says where its response record is (file name and
offset), and the article item carries them (``warc_file``, ``warc_offset``).
"""

from __future__ import annotations

import fcntl
import logging
import zlib
from datetime import datetime, timezone
from io import BytesIO
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Headers, Request, Response
from scrapy.utils.python import to_unicode
from scrapy.utils.response import response_status_message
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newscrawl import __version__
from newscrawl.run import Run

logger = logging.getLogger(__name__)


class WarcWriterMiddleware:
    """Write each fetched response (and its request) to the run's WARC file."""

    def __init__(self, crawler: Crawler, max_bytes: int) -> None:
        self.crawler = crawler
        self.max_bytes = max_bytes
        self._file: IO[bytes] | None = None
        self._writer: WARCWriter | None = None
        self._path: Path | None = None
        self._number = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcWriterMiddleware:
        if not crawler.settings.getbool("NEWSCRAWL_WARC"):
            raise NotConfigured("NEWSCRAWL_WARC is off")
        mw = cls(crawler, crawler.settings.getint("NEWSCRAWL_WARC_MAX_BYTES"))
        crawler.signals.connect(mw.spider_closed, signal=signals.spider_closed)
        return mw

    # -- files ----------------------------------------------------------------
    def _open(self) -> None:
        run = Run.of(self.crawler)
        if self._number == 0:
            for path in sorted(run.output_dir.glob("*.warc.gz")):
                complete_killed_warc(path)
        suffix = f"-{self._number:05d}" if self._number else ""
        self._path = run.output_dir / f"{run.run_id}{suffix}.warc.gz"
        self._file = open(self._path, "ab")  # noqa: SIM115 - held for the run
        # Held while we write: a WARC nobody holds belongs to a finished or dead run.
        fcntl.flock(self._file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        self._writer = WARCWriter(self._file, gzip=True, warc_version="1.1")
        info = self._writer.create_warcinfo_record(
            self._path.name,
            {
                "software": f"newscrawl/{__version__} (Scrapy)",
                "format": "WARC File Format 1.1",
                "isPartOf": run.run_id,
            },
        )
        self._writer.write_record(info)
        self._file.flush()
        logger.info("Writing fetched pages to %s", self._path)

    def _ready(self) -> None:
        if self._file is not None and self._file.tell() >= self.max_bytes:
            self._file.close()
            self._file = None
            self._number += 1
        if self._file is None:
            self._open()

    def spider_closed(self, spider: Any = None) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    # -- records --------------------------------------------------------------
    def process_response(
        self, request: Request, response: Response, spider: Any = None
    ) -> Response:
        self._ready()
        assert self._file is not None and self._path is not None and self._writer is not None
        date = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        record = self._writer.create_warc_record(
            response.url,
            "response",
            payload=BytesIO(response.body),
            http_headers=StatusAndHeaders(
                response_status_message(response.status),
                _header_list(response.headers),
                protocol="HTTP/1.1",
            ),
            warc_headers_dict={"WARC-Date": date},
        )
        offset = self._file.tell()
        self._writer.write_record(record)
        target = record.rec_headers.get_header("WARC-Record-ID")
        request_record = self._writer.create_warc_record(
            request.url,
            "request",
            payload=BytesIO(request.body or b""),
            http_headers=StatusAndHeaders(
                f"{request.method} {_target(request.url)} HTTP/1.1",
                _header_list(request.headers),
                is_http_request=True,
            ),
            warc_headers_dict={"WARC-Date": date, "WARC-Concurrent-To": target},
        )
        self._writer.write_record(request_record)
        self._file.flush()
        request.meta["warc"] = {"file": self._path.name, "offset": offset}
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value("newscrawl/warc/records", 2)
        return response


def complete_killed_warc(path: Path) -> int:
    """Cut a WARC file that a killed run left (no writer holds it) after its last whole
    record; return the bytes cut. Each record is a gzip member of its own: what comes
    before a partial last member reads as it was written."""
    with open(path, "r+b") as f:
        try:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return 0  # (a live run is writing it)
        whole = _whole_members(f)
        size = f.seek(0, 2)
        if whole < size:
            f.truncate(whole)
            logger.warning("Cut %d bytes of a partial last record from %s", size - whole, path)
        return size - whole


def _whole_members(f: IO[bytes]) -> int:
    """Where the last whole gzip member of ``f`` ends (read in chunks, output dropped)."""
    f.seek(0)
    position = whole = 0
    member = zlib.decompressobj(31)
    while chunk := f.read(1 << 20):
        while chunk:
            member.decompress(chunk, 1 << 16)
            while member.unconsumed_tail and not member.eof:
                member.decompress(member.unconsumed_tail, 1 << 16)
            if member.eof:
                used = len(chunk) - len(member.unused_data)
                position += used
                whole = position
                chunk = member.unused_data
                member = zlib.decompressobj(31)
            else:
                position += len(chunk)
                chunk = b""
    return whole


def _target(url: str) -> str:
    """The request target of an HTTP/1.1 request line: the path and query."""
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _header_list(headers: Headers) -> list[tuple[str, str]]:
    """Scrapy's headers as warcio takes them: (name, value) pairs, each value its own."""
    return [
        (to_unicode(name, "latin-1"), to_unicode(value, "latin-1"))
        for name, values in headers.items()
        for value in values
    ]
