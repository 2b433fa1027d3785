"""Extraction speed: newscrawl's extract() against plain trafilatura, same pages, same run.

Each extractor has a worker process of its own that reads the pages once, then
extracts them one after the other (single-threaded). The two never run at the
same time: they take turns, round after round, and swap who goes first each
round, so a noisy machine slows both alike. Prints pages/s of each (median over
the rounds), per set and overall, and the ratio newscrawl / trafilatura.

Plain trafilatura is called as a user would:
``bare_extraction(html, url=url, include_comments=False, with_metadata=True)``.
A page an extractor refuses or fails on still counts (its time is spent).

Usage: python benchmarks/extract_speed.py [SET_DIR ...] [--limit N] [--rounds R]
(default sets: ../shared/eval/readability and ../shared/eval/wcxb-dev beside the repo)
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import statistics
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
DEFAULT_SETS = [
    REPO.parent / "shared" / "eval" / "readability",
    REPO.parent / "shared" / "eval" / "wcxb-dev",
]
EXTRACTORS = ("newscrawl", "trafilatura")

Pages = dict[str, list[tuple[bytes, str | None]]]

#: The worker's pages (set name -> (html, url) list), read once by ``_load``.
_PAGES: Pages = {}


def load(sets: list[Path], limit: int | None) -> Pages:
    """Each set's pages (raw bytes and URL), the first ``limit`` of each."""
    pages: Pages = {}
    for directory in sets:
        with (directory / "gold.jsonl").open(encoding="utf-8") as f:
            golds = [json.loads(line) for line in f if line.strip()]
        pages[directory.name] = [
            (
                gzip.decompress((directory / "pages" / f"{g['id']}.html.gz").read_bytes()),
                g.get("url"),
            )
            for g in golds[:limit]
        ]
    return pages


def _load(sets: list[Path], limit: int | None) -> None:
    _PAGES.update(load(sets, limit))


def extractor(name: str) -> Callable[[bytes, str | None], object]:
    if name == "newscrawl":
        from newscrawl.extraction import extract

        return lambda html, url: extract(html, url=url)
    import trafilatura

    return lambda html, url: trafilatura.bare_extraction(
        html, url=url, include_comments=False, with_metadata=True
    )


def timed(name: str) -> dict[str, float]:
    """Seconds to extract each set's pages with ``name``, in this worker process."""
    run = extractor(name)
    first = next(iter(_PAGES.values()))[0]
    with contextlib.suppress(Exception):
        run(*first)  # imports and caches warm
    seconds = {}
    for set_name, pages in _PAGES.items():
        start = time.perf_counter()
        for html, url in pages:
            with contextlib.suppress(Exception):  # a refusal costs its time too
                run(html, url)
        seconds[set_name] = time.perf_counter() - start
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("sets", nargs="*", type=Path, default=DEFAULT_SETS)
    parser.add_argument("--limit", type=int, help="pages per set")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    sizes = {name: len(pages) for name, pages in load(args.sets, args.limit).items()}
    total = sum(sizes.values())
    print(
        f"{total} pages ({', '.join(f'{n} {s}' for s, n in sizes.items())}); {args.rounds} rounds"
    )
    times: dict[str, list[dict[str, float]]] = {name: [] for name in EXTRACTORS}
    pools = {
        name: ProcessPoolExecutor(1, initializer=_load, initargs=(args.sets, args.limit))
        for name in EXTRACTORS
    }
    try:
        for round_ in range(args.rounds):
            order = EXTRACTORS if round_ % 2 == 0 else EXTRACTORS[::-1]
            for name in order:  # one at a time: never both on the CPU together
                times[name].append(pools[name].submit(timed, name).result())
    finally:
        for pool in pools.values():
            pool.shutdown()
    print(f"{'pages/s':>12}" + "".join(f"{s:>14}" for s in [*sizes, "all"]))
    rates: dict[str, float] = {}
    for name, rounds in times.items():
        row = [sizes[s] / statistics.median(r[s] for r in rounds) for s in sizes]
        rates[name] = total / statistics.median(sum(r.values()) for r in rounds)
        print(f"{name:>12}" + "".join(f"{v:>14.1f}" for v in [*row, rates[name]]))
    print(f"median of {args.rounds} rounds, one process each, one page at a time")
    print(f"ratio newscrawl/trafilatura: {rates['newscrawl'] / rates['trafilatura']:.2f}")


if __name__ == "__main__":
    main()
