"""Units of the cron machinery: crawl state, run lock, run ids, near-duplicates."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

from newscrawl.middlewares import is_newer
from newscrawl.run import RunLock, RunLocked, new_run_id
from newscrawl.similarity import SimHashIndex, distance, simhash, to_signed, to_unsigned
from newscrawl.state import CrawlState, PageState

STORY = (
    "The regional water authority said on Monday that reservoir levels had fallen to their "
    "lowest point in two decades after a summer of record heat, and it asked households to "
    "cut their use by a fifth. Engineers are inspecting pipes across the northern districts, "
    "where leaks account for nearly a third of the water lost each year. The authority will "
    "publish weekly figures and may impose a ban on garden hoses if the autumn rains fail. "
    "Farmers in the valley have already switched to drip irrigation, and several towns have "
    "closed public fountains. Officials expect the new treatment plant to open next spring."
)
OTHER = (
    "A football club from the coastal city won its first national title in forty years on "
    "Saturday, beating the defending champions two goals to one in front of a sold-out crowd. "
    "The winning goal came in the final minute from a teenage substitute who had never scored "
    "for the first team. Fans celebrated in the streets until dawn, and the mayor promised a "
    "parade through the old harbour on Sunday afternoon, weather permitting."
)


def test_state_round_trip_and_lookup_by_fetch_url(tmp_path: Path) -> None:
    db = tmp_path / "s" / "gqn.sqlite"
    state = CrawlState(db)
    state.put(
        PageState(
            url="https://x.test/a/",
            status="emitted",
            fetch_url="https://x.test/a/?utm_source=rss",
            lastmod="2024-01-01",
            etag='"abc"',
            content_hash="sha256:00",
            fingerprint=to_signed(2**64 - 1),
            revision=2,
        )
    )
    state.close()
    state = CrawlState(db)  # persisted
    row = state.get("https://x.test/a/")
    assert row is not None and row.revision == 2 and row.etag == '"abc"'
    assert to_unsigned(row.fingerprint or 0) == 2**64 - 1
    assert state.get_fetched("https://x.test/a/?utm_source=rss") == row
    assert state.get_fetched("https://x.test/a/") == row  # the canonical URL works too
    assert state.get_fetched("https://x.test/b/") is None
    state.touch("https://x.test/a/", lastmod="2024-02-01")
    assert (state.get("https://x.test/a/") or row).lastmod == "2024-02-01"
    assert list(state.fingerprints()) == [("https://x.test/a/", row.fingerprint)]
    assert state.count("emitted") == 1


def test_is_newer_compares_dates_not_strings() -> None:
    assert is_newer("2024-01-02T00:00:00+00:00", "2024-01-01T23:00:00+00:00")
    assert not is_newer("2024-01-01T12:00:00+02:00", "2024-01-01T10:00:00Z")  # same instant
    assert not is_newer("2024-01-01", "2024-01-01")
    assert is_newer("garbage", "other garbage")  # unparsable and different: refetch


def test_run_lock_is_exclusive_across_processes(tmp_path: Path) -> None:
    path = tmp_path / "gqn.lock"
    lock = RunLock.acquire(path)
    try:
        again = RunLock.acquire(path)  # same process: shared
        again.release()
        probe = (
            "import sys; from pathlib import Path; from newscrawl.run import RunLock, RunLocked\n"
            f"try: RunLock.acquire(Path({str(path)!r}))\n"
            "except RunLocked as e: print(e); sys.exit(75)\n"
        )
        proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
        assert proc.returncode == 75, proc.stderr
        assert "another run holds" in proc.stdout
    finally:
        lock.release()
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_run_locked_error_names_the_holder(tmp_path: Path) -> None:
    path = tmp_path / "gqn.lock"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import time; from pathlib import Path; from newscrawl.run import RunLock\n"
            f"RunLock.acquire(Path({str(path)!r})); print('held', flush=True); time.sleep(30)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(RunLocked, match=f"pid {holder.pid}"):
            RunLock.acquire(path)
    finally:
        holder.kill()
        holder.wait()
    RunLock.acquire(path).release()  # the kernel released the dead holder's lock


def test_run_ids_sort_and_never_collide(tmp_path: Path) -> None:
    now = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    first = new_run_id(tmp_path, now)
    assert first == "2026-01-02T03-04-05Z"
    (tmp_path / f"{first}.jsonl").write_text("")
    second = new_run_id(tmp_path, now)
    assert second != first and second.startswith(first)


def test_simhash_separates_edits_from_other_stories() -> None:
    edited = STORY.replace("a fifth", "a quarter").replace("next spring", "in the spring")
    assert distance(simhash(STORY), simhash(STORY)) == 0
    assert distance(simhash(STORY), simhash(edited)) <= 8
    assert distance(simhash(STORY), simhash(OTHER)) > 8


def test_simhash_index_finds_near_copies_only() -> None:
    index = SimHashIndex(max_bits=8)
    index.add(simhash(STORY), "https://x.test/water/")
    index.add(simhash(OTHER), "https://x.test/football/")
    edited = STORY.replace("two decades", "twenty years")
    assert index.find(simhash(edited)) == "https://x.test/water/"
    assert index.find(simhash(edited), exclude="https://x.test/water/") is None
    assert index.find(simhash("An entirely different text about astronomy and telescopes.")) is None
