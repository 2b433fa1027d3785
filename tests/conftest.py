"""Shared test helpers: the fixture site served on 127.0.0.1, and real crawl runs.

Crawls run the real Scrapy engine in a subprocess (``python -m scrapy crawl``),
exactly as cron would, against :class:`newscrawl.devserver.SiteServer`.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from newscrawl.devserver import SiteServer

REPO = Path(__file__).resolve().parent.parent
SITE = REPO / "fixtures" / "gqn" / "site"


def goldens(site: Path = SITE) -> dict[str, dict[str, Any]]:
    """Golden files of the fixture site, keyed by the page's path (``/slug/`` or ``/slug/amp/``)."""
    found = {}
    for path in sorted(site.rglob("index.expected.json")):
        rel = path.parent.relative_to(site).as_posix()
        found[f"/{rel}/"] = json.loads(path.read_text(encoding="utf-8"))
    return found


@dataclass
class CrawlResult:
    """What one ``scrapy crawl`` run left behind."""

    returncode: int
    log: str
    items: list[dict[str, Any]] = field(default_factory=list)
    rejects: list[dict[str, Any]] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)
    stats: dict[str, Any] = field(default_factory=dict)


class Crawler:
    """Runs ``scrapy crawl gqn`` against a server, with output and state under ``workdir``."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.output = workdir / "output"
        self.state = workdir / "state"

    def command(self, base_url: str, *extra: str) -> list[str]:
        return [
            sys.executable, "-m", "scrapy", "crawl", "gqn",
            "-a", f"base_url={base_url}",
            "-s", f"NEWSCRAWL_OUTPUT_DIR={self.output}",
            "-s", f"NEWSCRAWL_STATE_DIR={self.state}",
            "-s", "AUTOTHROTTLE_ENABLED=False",
            "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16",
            "-s", "LOG_LEVEL=INFO",
            *extra,
        ]  # fmt: skip

    @staticmethod
    def env() -> dict[str, str]:
        env = dict(os.environ)
        env["SCRAPY_SETTINGS_MODULE"] = "newscrawl.settings"
        env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
        return env

    def run(self, base_url: str, *extra: str, timeout: float = 300) -> CrawlResult:
        before = set(self.output.glob("gqn/*.stats.json"))
        proc = subprocess.run(
            self.command(base_url, *extra),
            cwd=self.workdir,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        return self.result(proc.returncode, proc.stdout + proc.stderr, before)

    def start(self, base_url: str, *extra: str) -> subprocess.Popen[str]:
        """Start a crawl without waiting (for kill and overlap tests)."""
        return subprocess.Popen(
            self.command(base_url, *extra),
            cwd=self.workdir,
            env=self.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def result(self, returncode: int, log: str, before: set[Path] | None = None) -> CrawlResult:
        result = CrawlResult(returncode, log)
        new_stats = sorted(set(self.output.glob("gqn/*.stats.json")) - (before or set()))
        if new_stats:
            payload = json.loads(new_stats[-1].read_text())
            result.summary, result.stats = payload["summary"], payload["stats"]
            output = result.summary["output"]
            result.items = read_jsonl(Path(output)) if output else []
            result.rejects = read_jsonl(Path(result.summary["rejects"]))
        return result

    def all_items(self) -> list[dict[str, Any]]:
        """Every item of every run so far (finished or recovered output files)."""
        items: list[dict[str, Any]] = []
        for path in sorted(self.output.glob("gqn/*.jsonl")):
            if not path.name.endswith(".rejects.jsonl"):
                items += read_jsonl(path)
        return items


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    text = path.read_text(encoding="utf-8")
    assert text == "" or text.endswith("\n"), f"partial last line in {path}"
    return [json.loads(line) for line in text.splitlines()]


def wait_for(predicate: Any, timeout: float = 60, interval: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


def kill(proc: subprocess.Popen[str]) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)


def _stat(pid: int | str) -> list[str] | None:
    """The fields of ``/proc/PID/stat`` after the command name (state, parent pid...)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None  # (ended while we looked)


def _running(fields: list[str]) -> bool:
    """A zombie counts as ended: an orphan's exit status may wait for a reaper that never
    comes in a container."""
    return fields[0] != "Z"


def alive(pid: int | str) -> bool:
    fields = _stat(pid)
    return fields is not None and _running(fields)


def live_children(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` and that are :func:`alive`."""
    children = []
    for proc in Path("/proc").glob("[0-9]*"):
        fields = _stat(proc.name)
        if fields is not None and int(fields[1]) == pid and _running(fields):
            children.append(int(proc.name))
    return children


@pytest.fixture
def site_dir(tmp_path: Path) -> Path:
    """A private copy of the fixture site, which a test may change."""
    target = tmp_path / "site"
    shutil.copytree(SITE, target)
    return target


@pytest.fixture
def server(site_dir: Path) -> Iterator[SiteServer]:
    with SiteServer(site_dir) as srv:
        yield srv


@pytest.fixture
def crawler(tmp_path: Path) -> Crawler:
    workdir = tmp_path / "work"
    workdir.mkdir()
    return Crawler(workdir)
