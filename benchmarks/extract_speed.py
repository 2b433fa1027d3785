"""Extraction speed: newscrawl's extract() against plain trafilatura, same pages, same run.

Each extractor has a worker process of its own that reads the pages once. The two
take turns page by page (never both on the CPU: one waits while the other
extracts), and who goes first swaps from page to page, so the machine's drift
(other jobs, thermal throttling, hour-to-hour changes on a shared host) falls on
both alike. Each worker times its own extraction calls in process CPU time
(``time.process_time``): time the process spends descheduled does not count. Prints
pages/s of each (CPU seconds summed over all pages and rounds), per set and overall,
the ratio newscrawl / trafilatura, and the ratio of each round (their spread shows
how far to trust the figure).

The first round is a warm-up and does not count: both extractors set things up on
first need and keep them for the life of the process (trafilatura's date search
compiles dateparser's regexes for each language it meets: its first pass over
the sets takes about half as long again as the next). A crawl is one long process.

Plain trafilatura is called as a user would:
``bare_extraction(html, url=url, include_comments=False, with_metadata=True)``.
A page an extractor refuses or fails on still counts (its time is spent).

Usage: python benchmarks/extract_speed.py [SET_DIR ...] [--limit N] [--rounds R]
(default sets: the five dev sets in ../shared/eval/ beside the repo)
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
DEFAULT_SETS = [
    REPO.parent / "shared" / "eval" / name
    for name in ("readability", "wcxb-dev", "fundus-dev", "big9-dev", "trafilatura-eval")
]
EXTRACTORS = ("newscrawl", "trafilatura")

Page = tuple[bytes, str | None]

#: The worker's pages (in the order of ``load``) and extractor, set up once by ``_setup``.
_PAGES: list[Page] = []
_RUN: list[Callable[[bytes, str | None], object]] = []


def load(sets: list[Path], limit: int | None) -> dict[str, list[Page]]:
    """Each set's pages (raw bytes and URL), the first ``limit`` of each."""
    pages: dict[str, list[Page]] = {}
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


def extractor(name: str) -> Callable[[bytes, str | None], object]:
    if name == "newscrawl":
        from newscrawl.extraction import extract

        return lambda html, url: extract(html, url=url)
    import trafilatura

    return lambda html, url: trafilatura.bare_extraction(
        html, url=url, include_comments=False, with_metadata=True
    )


def _setup(name: str, sets: list[Path], limit: int | None) -> None:
    _PAGES.extend(page for pages in load(sets, limit).values() for page in pages)
    _RUN.append(extractor(name))
    with contextlib.suppress(Exception):
        _RUN[0](*_PAGES[0])  # imports and caches warm


def timed(index: int) -> float:
    """CPU seconds this worker's extractor takes on page ``index``."""
    html, url = _PAGES[index]
    start = time.process_time()
    with contextlib.suppress(Exception):  # a refusal costs its time too
        _RUN[0](html, url)
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("sets", nargs="*", type=Path, default=DEFAULT_SETS)
    parser.add_argument("--limit", type=int, help="pages per set")
    parser.add_argument("--rounds", type=int, default=2, help="measured, after a warm-up")
    args = parser.parse_args()
    sizes = {name: len(pages) for name, pages in load(args.sets, args.limit).items()}
    total = sum(sizes.values())
    print(
        f"{total} pages ({', '.join(f'{n} {s}' for s, n in sizes.items())}); {args.rounds} rounds"
    )
    set_of = [s for s, n in sizes.items() for _ in range(n)]
    # seconds[name][round][set]
    seconds = {name: [dict.fromkeys(sizes, 0.0) for _ in range(args.rounds)] for name in EXTRACTORS}
    warmup = dict.fromkeys(EXTRACTORS, 0.0)
    pools = {
        name: ProcessPoolExecutor(1, initializer=_setup, initargs=(name, args.sets, args.limit))
        for name in EXTRACTORS
    }
    try:
        for round_ in range(-1, args.rounds):  # (round -1: the warm-up)
            for index in range(total):
                order = EXTRACTORS if (index + round_) % 2 == 0 else EXTRACTORS[::-1]
                for name in order:  # one at a time: never both on the CPU together
                    took = pools[name].submit(timed, index).result()
                    if round_ < 0:
                        warmup[name] += took
                    else:
                        seconds[name][round_][set_of[index]] += took
    finally:
        for pool in pools.values():
            pool.shutdown()
    print(f"{'pages/s':>12}" + "".join(f"{s:>14}" for s in [*sizes, "all"]))
    rates: dict[str, float] = {}
    for name, rounds in seconds.items():
        row = [sizes[s] * args.rounds / sum(r[s] for r in rounds) for s in sizes]
        rates[name] = total * args.rounds / sum(sum(r.values()) for r in rounds)
        print(f"{name:>12}" + "".join(f"{v:>14.1f}" for v in [*row, rates[name]]))
    per_round = [
        sum(seconds["trafilatura"][r].values()) / sum(seconds["newscrawl"][r].values())
        for r in range(args.rounds)
    ]
    print(
        f"CPU time, {args.rounds} rounds after a warm-up, one process each, taking turns page"
        f" by page; ratio by round: {', '.join(f'{r:.2f}' for r in per_round)}"
        f" (warm-up: {warmup['trafilatura'] / warmup['newscrawl']:.2f})"
    )
    print(f"ratio newscrawl/trafilatura: {rates['newscrawl'] / rates['trafilatura']:.2f}")


if __name__ == "__main__":
    main()
