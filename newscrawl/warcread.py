"""Reading WARC files for ``newscrawl extract``: each HTML page a crawl archived.

A WARC (plain or gzipped, 1.0 or 1.1; Common Crawl's news files, newscrawl's own) is read
record by record with warcio, streamed: :func:`html_responses` yields where each
extractable page is (its offset, ``WARC-Target-URI``, ``WARC-Date``, Content-Type) and
counts what it skips; a worker then reads one record at its offset
(:func:`read_response`), chunked transfer-encoding and gzip/deflate content-encoding
undone by warcio. Skipped: records other than ``response`` (``request``, ``revisit``,
``warcinfo``, metadata), responses that are not HTTP 200, not HTML, or cut short
(``WARC-Truncated``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

WARC_SUFFIXES = (".warc", ".warc.gz")
HTML_TYPES = ("text/html", "application/xhtml+xml")
#: Where a page of a WARC file is: ``FILE#OFFSET`` (the ``source`` of its line).
SEPARATOR = "#"


@dataclass(frozen=True)
class WarcPage:
    offset: int
    url: str
    date: str | None
    content_type: str | None


def is_warc(path: Path | str) -> bool:
    return str(path).lower().endswith(WARC_SUFFIXES)


def html_responses(path: Path, skipped: Counter[str]) -> Iterator[WarcPage]:
    """The HTML pages of a WARC file, in order; what it skips is counted by reason."""
    with path.open("rb") as f:
        records = ArchiveIterator(f)
        for record in records:
            kind = record.rec_type
            if kind != "response":
                skipped[kind] += 1
                continue
            if record.rec_headers.get_header("WARC-Truncated"):
                skipped["truncated"] += 1
                continue
            http = record.http_headers
            if http is None or http.get_statuscode() != "200":
                skipped["not-200"] += 1
                continue
            content_type = http.get_header("Content-Type")
            if not (content_type or "").split(";")[0].strip().lower().startswith(HTML_TYPES):
                skipped["not-html"] += 1
                continue
            yield WarcPage(
                records.get_record_offset(),
                record.rec_headers.get_header("WARC-Target-URI") or "",
                record.rec_headers.get_header("WARC-Date"),
                content_type,
            )


def read_response(path: Path, offset: int) -> tuple[bytes, str | None]:
    """The payload of the response record at ``offset`` (transfer and content encodings
    undone) and its Content-Type."""
    with path.open("rb") as f:
        f.seek(offset)
        record = next(iter(ArchiveIterator(f)))
        content_type = (
            record.http_headers.get_header("Content-Type") if record.http_headers else None
        )
        return record.content_stream().read(), content_type
