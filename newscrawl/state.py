"""Crawl state in SQLite: what each run fetched and emitted, so the next does only new work.

One database per spider (``NEWSCRAWL_STATE_DIR/<spider>.sqlite``), one row per
article (keyed by its canonical URL; found before a fetch by the URL the spider
requests): its sitemap lastmod,
HTTP validators (ETag / Last-Modified), content hash, similarity fingerprint,
revision, and when it was last fetched and emitted. Only the run holding the
spider's lock writes it (see :mod:`newscrawl.run`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Protocol

SCHEMA = """
CREATE TABLE IF NOT EXISTS pages (
    url            TEXT PRIMARY KEY,   -- the article's canonical URL
    status         TEXT NOT NULL,      -- 'emitted' or 'skipped' (fetched, not news)
    fetch_url      TEXT,               -- the URL the spider requested for it
    lastmod        TEXT,               -- sitemap <lastmod> seen when last fetched
    etag           TEXT,
    last_modified  TEXT,
    content_hash   TEXT,
    fingerprint    INTEGER,            -- 64-bit SimHash of the text (signed)
    revision       INTEGER NOT NULL DEFAULT 0,
    fetched_at     TEXT,
    emitted_at     TEXT,
    run_id         TEXT                -- run that last emitted it
);
CREATE INDEX IF NOT EXISTS pages_status ON pages(status);
CREATE INDEX IF NOT EXISTS pages_fetch_url ON pages(fetch_url);
CREATE TABLE IF NOT EXISTS templates (
    host        TEXT PRIMARY KEY,      -- a site's learned template (see extraction.templates)
    model       TEXT NOT NULL,         -- SiteTemplate JSON
    updated_at  TEXT
);
CREATE TABLE IF NOT EXISTS runs (
    run_id      TEXT PRIMARY KEY,
    started_at  TEXT,
    finished_at TEXT,
    status      TEXT,
    summary     TEXT
);
"""


@dataclass
class PageState:
    """What the state knows of one URL."""

    url: str
    status: str
    fetch_url: str | None = None
    lastmod: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    content_hash: str | None = None
    fingerprint: int | None = None
    revision: int = 0
    fetched_at: str | None = None
    emitted_at: str | None = None
    run_id: str | None = None


FIELDS = tuple(PageState.__dataclass_fields__)


class StateStore(Protocol):
    """What runs need of a state store (SQLite here; Redis in distributed mode)."""

    def get(self, url: str) -> PageState | None: ...
    def get_fetched(self, fetch_url: str) -> PageState | None: ...
    def put(self, page: PageState) -> None: ...
    def touch(self, url: str, **changes: str | None) -> None: ...
    def claim(self, url: str, content_hash: str) -> bool: ...
    def fingerprints(self) -> Iterator[tuple[str, int]]: ...
    def count(self, status: str | None = None) -> int: ...
    def get_template(self, host: str) -> str | None: ...
    def put_template(self, host: str, model: str) -> None: ...
    def run_started(self, run_id: str) -> None: ...
    def run_finished(self, run_id: str, status: str, summary: str) -> None: ...
    def close(self) -> None: ...


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class CrawlState:
    """The SQLite store. Every write is committed at once (a killed run loses nothing)."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        self.db.close()

    # -- pages -------------------------------------------------------------
    def get(self, url: str) -> PageState | None:
        row = self.db.execute(
            f"SELECT {', '.join(FIELDS)} FROM pages WHERE url = ?", (url,)
        ).fetchone()
        return PageState(*row) if row else None

    def get_fetched(self, fetch_url: str) -> PageState | None:
        """The state of the article last fetched from ``fetch_url``."""
        row = self.db.execute(
            f"SELECT {', '.join(FIELDS)} FROM pages WHERE fetch_url = ? OR url = ? "
            "ORDER BY fetch_url = ? DESC LIMIT 1",
            (fetch_url, fetch_url, fetch_url),
        ).fetchone()
        return PageState(*row) if row else None

    def put(self, page: PageState) -> None:
        values = [getattr(page, f) for f in FIELDS]
        self.db.execute(
            f"INSERT OR REPLACE INTO pages ({', '.join(FIELDS)}) "
            f"VALUES ({', '.join('?' for _ in FIELDS)})",
            values,
        )

    def touch(self, url: str, **changes: str | None) -> None:
        """Note a fetch of a known article that changed nothing (e.g. a 304)."""
        cols = "".join(f"{k} = ?, " for k in changes)
        self.db.execute(
            f"UPDATE pages SET {cols}fetched_at = ? WHERE url = ?",
            [*changes.values(), _now(), url],
        )

    def claim(self, url: str, content_hash: str) -> bool:
        """Take the emission of this text (one writer: the run holding the lock always may)."""
        return True

    def fingerprints(self) -> Iterator[tuple[str, int]]:
        """(canonical URL, fingerprint) of every emitted article."""
        yield from self.db.execute(
            "SELECT url, fingerprint FROM pages "
            "WHERE status = 'emitted' AND fingerprint IS NOT NULL"
        )

    def count(self, status: str | None = None) -> int:
        if status is None:
            return int(self.db.execute("SELECT COUNT(*) FROM pages").fetchone()[0])
        return int(
            self.db.execute("SELECT COUNT(*) FROM pages WHERE status = ?", (status,)).fetchone()[0]
        )

    # -- site templates ----------------------------------------------------
    def get_template(self, host: str) -> str | None:
        row = self.db.execute("SELECT model FROM templates WHERE host = ?", (host,)).fetchone()
        return str(row[0]) if row else None

    def put_template(self, host: str, model: str) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO templates (host, model, updated_at) VALUES (?, ?, ?)",
            (host, model, _now()),
        )

    # -- runs --------------------------------------------------------------
    def run_started(self, run_id: str) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO runs (run_id, started_at, status) VALUES (?, ?, 'running')",
            (run_id, _now()),
        )

    def run_finished(self, run_id: str, status: str, summary: str) -> None:
        self.db.execute(
            "UPDATE runs SET finished_at = ?, status = ?, summary = ? WHERE run_id = ?",
            (_now(), status, summary, run_id),
        )

    def runs(self) -> list[tuple[str, str | None, str | None]]:
        return list(self.db.execute("SELECT run_id, started_at, status FROM runs ORDER BY run_id"))

    def urls(self, status: str) -> Iterable[str]:
        return [r[0] for r in self.db.execute("SELECT url FROM pages WHERE status = ?", (status,))]
