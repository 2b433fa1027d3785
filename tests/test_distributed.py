"""Distributed mode: two workers share one crawl through a real redis-server on 127.0.0.1."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from newscrawl.devserver import SiteServer
from tests.conftest import Crawler, goldens


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    exe = shutil.which("redis-server")
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server is not installed (CI installs it with apt-get)")
        pytest.skip("redis-server is not installed: apt-get install redis-server")
    port = free_port()
    proc = subprocess.Popen(
        [exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def news_urls(base_url: str) -> set[str]:
    base = base_url.rstrip("/")
    return {
        base + path
        for path, gold in goldens().items()
        if gold["kind"] == "news" and not path.endswith("/amp/")
    }


def run_workers(base_url: str, redis_url: str, workers: list[Crawler]) -> list[str]:
    procs = []
    for i, w in enumerate(workers):
        extra = ["-s", f"NEWSCRAWL_REDIS_URL={redis_url}", "-s", f"NEWSCRAWL_WORKER_ID=w{i}"]
        procs.append(w.start(base_url, *extra, "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2"))
    logs = []
    for proc in procs:
        out, _ = proc.communicate(timeout=300)
        assert proc.returncode == 0, out[-4000:]
        assert "Traceback" not in out, out[-4000:]
        logs.append(out)
    return logs


def test_two_workers_share_one_crawl(site_dir: Path, redis_url: str, tmp_path: Path) -> None:
    workers = [Crawler(tmp_path / f"worker{i}") for i in range(2)]
    for w in workers:
        w.workdir.mkdir()
    with SiteServer(site_dir, delay=0.15) as server:
        run_workers(server.base_url, redis_url, workers)
        per_worker = [w.all_items() for w in workers]
        emitted = Counter(i["canonical_url"] for items in per_worker for i in items)
        assert set(emitted) == news_urls(server.base_url)
        assert max(emitted.values()) == 1, [u for u, n in emitted.items() if n > 1]
        assert all(items for items in per_worker), "both workers should have done some work"
        fetched = Counter(r.path for r in server.requested("/", status=200))
        article_paths = {u.removeprefix(server.base_url.rstrip("/")) for u in emitted}
        assert all(fetched[p] == 1 for p in article_paths), "an article was fetched twice"

        # The next distributed run shares the state: nothing is new.
        run_workers(server.base_url, redis_url, workers)
        again = [w.all_items() for w in workers]
        assert sum(map(len, again)) == sum(map(len, per_worker))
