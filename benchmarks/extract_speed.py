"""Extraction speed: newscrawl's extract() against plain trafilatura, same pages, same run.

Each extractor runs in its own process, single-threaded, over the same pages
(read and decompressed beforehand); the two alternate for several rounds so
that a noisy machine slows both alike. Prints pages/s of each (median over
rounds) and their ratio. Plain trafilatura is called as a user would
(``bare_extraction(html, url=url, include_comments=False, with_metadata=True)``).

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
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
DEFAULT_SETS = [
    REPO.parent / "shared" / "eval" / "readability",
    REPO.parent / "shared" / "eval" / "wcxb-dev",
]


def load(sets: list[Path], limit: int | None) -> list[tuple[bytes, str | None]]:
    pages = []
    for directory in sets:
        golds = [json.loads(line) for line in (directory / "gold.jsonl").open(encoding="utf-8")]
        for gold in golds[:limit]:
            html = gzip.decompress((directory / "pages" / f"{gold['id']}.html.gz").read_bytes())
            pages.append((html, gold.get("url")))
    return pages


def timed(name: str, pages: list[tuple[bytes, str | None]]) -> float:
    """Seconds to extract every page with ``name``, in this (worker) process."""
    if name == "newscrawl":
        from newscrawl.extraction import ExtractionError, extract

        def run(html: bytes, url: str | None) -> None:
            with contextlib.suppress(ExtractionError):
                extract(html, url=url)

    else:
        import trafilatura

        def run(html: bytes, url: str | None) -> None:
            trafilatura.bare_extraction(html, url=url, include_comments=False, with_metadata=True)

    run(*pages[0])  # imports and caches warm
    start = time.perf_counter()
    for html, url in pages:
        run(html, url)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="*", type=Path, default=DEFAULT_SETS)
    parser.add_argument("--limit", type=int, help="pages per set")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    pages = load(args.sets, args.limit)
    print(f"{len(pages)} pages from {', '.join(s.name for s in args.sets)}; {args.rounds} rounds")
    times: dict[str, list[float]] = {"newscrawl": [], "trafilatura": []}
    with ProcessPoolExecutor(max_workers=1) as pool:  # one process, one page at a time
        for _ in range(args.rounds):
            for name in times:
                times[name].append(pool.submit(timed, name, pages).result())
    rates = {name: len(pages) / statistics.median(t) for name, t in times.items()}
    for name, rate in rates.items():
        print(f"{name:>12}: {rate:6.1f} pages/s (median of {args.rounds})")
    print(f"ratio newscrawl/trafilatura: {rates['newscrawl'] / rates['trafilatura']:.2f}")


if __name__ == "__main__":
    main()
