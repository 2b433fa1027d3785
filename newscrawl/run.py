"""One crawl run: its id, its files, its lock.

Every run of a spider writes, under ``NEWSCRAWL_OUTPUT_DIR/<spider>/``:

- ``<run id>.jsonl``: the items (written as ``<run id>.jsonl.part``, renamed at the end);
- ``<run id>.rejects.jsonl``: every page that gave no item, with stage and reason;
- ``<run id>.stats.json``: the run's figures and outcome.

and holds ``NEWSCRAWL_STATE_DIR/<spider>.lock`` while it runs, so that two runs
of one spider never overlap. All components of a crawl share one :class:`Run`
(``Run.of(crawler)``).
"""

from __future__ import annotations

import fcntl
import os
import threading
import weakref
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any, ClassVar

from newscrawl.distributed import worker_id
from newscrawl.state import CrawlState, StateStore

#: Exit status of a run that found another run of the same spider holding the lock.
EXIT_LOCKED = 75  # EX_TEMPFAIL: "try again later"
#: Exit status of a run that failed (site unreachable, too many errors, no articles).
EXIT_FAILED = 1


class RunLocked(RuntimeError):
    """Another run of the same spider holds the lock."""


class RunLock:
    """An exclusive, non-blocking ``flock`` on a file; released by the kernel if we die.

    Held locks are shared within a process, so that the ``crawl`` command can take
    the lock before Scrapy starts and the run's components find it already held.
    """

    _held: ClassVar[dict[Path, RunLock]] = {}
    _guard: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: IO[str] | None = None
        self._users = 0

    @classmethod
    def acquire(cls, path: Path) -> RunLock:
        """Take the lock at ``path`` (or share the one this process holds); raise RunLocked."""
        path = path.resolve()
        with cls._guard:
            lock = cls._held.get(path)
            if lock is None:
                lock = cls(path)
                lock._take()
                cls._held[path] = lock
            lock._users += 1
            return lock

    def _take(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        f = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held for the run
        try:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            f.seek(0)
            holder = f.read().strip()
            f.close()
            raise RunLocked(f"another run holds {self.path} ({holder or 'pid unknown'})") from None
        f.seek(0)
        f.truncate()
        f.write(f"pid {os.getpid()} since {datetime.now(timezone.utc).isoformat()}\n")
        f.flush()
        self._file = f

    def release(self) -> None:
        with self._guard:
            self._users -= 1
            if self._users > 0 or self._file is None:
                return
            self._held.pop(self.path, None)
            fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
            self._file.close()
            self._file = None


def new_run_id(directory: Path, now: datetime | None = None, worker: str = "") -> str:
    """A sortable, filename-safe UTC timestamp (+ worker name), unique within ``directory``."""
    stamp = (now or datetime.now(timezone.utc)).strftime("%Y-%m-%dT%H-%M-%SZ")
    if worker:
        stamp += "-" + "".join(c if c.isalnum() or c in "-_" else "_" for c in worker)
    run_id, n = stamp, 1
    while any(directory.glob(f"{run_id}.*")):
        n += 1
        run_id = f"{stamp}-{n}"
    return run_id


@dataclass
class Run:
    """The files and the lock of one run of one spider."""

    spider: str
    output_dir: Path
    state_dir: Path
    run_id: str = ""
    lock: RunLock | None = None
    #: Redis URL of the shared crawl (distributed mode), or "" for a local crawl.
    redis_url: str = ""
    #: Suffix of run ids in distributed mode, so workers sharing a folder never collide.
    worker: str = ""
    state: StateStore = field(init=False, repr=False)
    started_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))

    @property
    def items_path(self) -> Path:
        return self.output_dir / f"{self.run_id}.jsonl"

    @property
    def part_path(self) -> Path:
        return self.output_dir / f"{self.run_id}.jsonl.part"

    @property
    def rejects_path(self) -> Path:
        return self.output_dir / f"{self.run_id}.rejects.jsonl"

    @property
    def stats_path(self) -> Path:
        return self.output_dir / f"{self.run_id}.stats.json"

    @property
    def lock_path(self) -> Path:
        return self.state_dir / f"{self.spider}.lock"

    @property
    def state_path(self) -> Path:
        return self.state_dir / f"{self.spider}.sqlite"

    def open(self) -> None:
        """Take the lock, then pick a run id (the lock first: ids are unique per spider)."""
        self.lock = RunLock.acquire(self.lock_path)
        self.output_dir.mkdir(parents=True, exist_ok=True)
        self.run_id = new_run_id(self.output_dir, self.started_at, self.worker)
        if self.redis_url:
            from newscrawl.distributed import RedisCrawlState

            self.state = RedisCrawlState(self.redis_url, self.spider)
        else:
            self.state = CrawlState(self.state_path)
        self.state.run_started(self.run_id)

    def close(self) -> None:
        if self.lock is not None:
            self.state.close()
            self.lock.release()
            self.lock = None

    # -- one Run per crawler ----------------------------------------------
    _runs: ClassVar[weakref.WeakKeyDictionary[Any, Run]] = weakref.WeakKeyDictionary()

    @classmethod
    def of(cls, crawler: Any) -> Run:
        """The run of ``crawler`` (a Scrapy Crawler), created and opened on first use."""
        run = cls._runs.get(crawler)
        if run is None:
            settings = crawler.settings
            name = crawler.spidercls.name
            redis_url = settings.get("NEWSCRAWL_REDIS_URL") or ""
            run = cls(
                spider=name,
                output_dir=Path(settings.get("NEWSCRAWL_OUTPUT_DIR", "output")) / name,
                state_dir=Path(settings.get("NEWSCRAWL_STATE_DIR", "state")),
                redis_url=redis_url,
                worker=worker_id(settings) if redis_url else "",
            )
            run.open()
            cls._runs[crawler] = run
        return run
