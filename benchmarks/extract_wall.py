"""Wall time of ``newscrawl extract -j 1`` on a folder of news pages from many sites,
against a plain trafilatura loop over the same files, start-up included.

The folder is the first ``--limit`` pages of a dev set (default: fundus-dev, 181 pages of
124 publishers), linked into a temporary folder as ``.html.gz`` files. Each command runs
as a fresh process (imports, template learning and writing the JSONL all count); the
two alternate, who goes first swapping each round, and the median of each is compared.
The loop is what a user writes: read each file, ``trafilatura.bare_extraction(html,
include_comments=False, with_metadata=True)``, one JSON line of its text.

Usage: python benchmarks/extract_wall.py [SET_DIR] [--limit N] [--rounds R]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SET = REPO.parent / "shared" / "eval" / "fundus-dev"

LOOP = """
import gzip, json, sys
from pathlib import Path
import trafilatura
with open(sys.argv[2], "w", encoding="utf-8") as out:
    for path in sorted(Path(sys.argv[1]).glob("*.html.gz")):
        try:
            doc = trafilatura.bare_extraction(
                gzip.decompress(path.read_bytes()), include_comments=False, with_metadata=True
            )
        except Exception:
            doc = None
        text = doc.text if doc is not None else None
        out.write(json.dumps({"source": str(path), "text": text}, ensure_ascii=False) + "\\n")
"""


def folder(set_dir: Path, limit: int, into: Path) -> int:
    """The set's first ``limit`` pages linked into ``into``; how many."""
    with (set_dir / "gold.jsonl").open(encoding="utf-8") as f:
        ids = [json.loads(line)["id"] for line in f if line.strip()][:limit]
    for n, page_id in enumerate(ids):
        (into / f"{n:05d}.html.gz").symlink_to(set_dir / "pages" / f"{page_id}.html.gz")
    return len(ids)


def wall(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def alternating(commands: dict[str, list[str]], rounds: int) -> dict[str, list[float]]:
    """Each command's wall seconds, ``rounds`` times, who goes first swapping each round."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    for round_ in range(rounds):
        for name in list(commands) if round_ % 2 == 0 else list(commands)[::-1]:
            times[name].append(wall(commands[name]))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("set", nargs="?", type=Path, default=DEFAULT_SET)
    parser.add_argument("--limit", type=int, default=181, help="pages (default: 181)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        pages = Path(tmp) / "pages"
        pages.mkdir()
        count = folder(args.set, args.limit, pages)
        commands = {
            "newscrawl": [
                sys.executable,
                "-m",
                "newscrawl.cli",
                "extract",
                "-j",
                "1",
                str(pages),
                "-o",
                f"{tmp}/newscrawl.jsonl",
            ],
            "trafilatura": [sys.executable, "-c", LOOP, str(pages), f"{tmp}/trafilatura.jsonl"],
        }
        times = alternating(commands, args.rounds)
    print(f"{count} pages of {args.set.name}, {args.rounds} rounds, wall seconds:")
    for name, taken in times.items():
        print(
            f"{name:>12}: median {statistics.median(taken):.2f}  ({', '.join(f'{t:.2f}' for t in taken)})"
        )
    ratio = statistics.median(times["newscrawl"]) / statistics.median(times["trafilatura"])
    print(f"newscrawl extract -j 1 / trafilatura loop: {ratio:.2f}x")


if __name__ == "__main__":
    main()
