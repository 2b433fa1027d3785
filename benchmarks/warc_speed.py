"""Reading a WARC against reading a folder: ``newscrawl extract`` pages per second on the
same pages, both ways.

The first ``--limit`` pages of a dev set are written once as a folder of ``.html.gz``
files and once as a gzipped WARC (a response record each, with the set's URL, written
with warcio). ``newscrawl extract -j J --no-site-templates`` runs on each as a fresh
process (start-up included), the two alternating; the median of each is printed, and
their ratio.

Usage: python benchmarks/warc_speed.py [SET_DIR] [--limit N] [--rounds R] [-j J]
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import tempfile
from io import BytesIO
from pathlib import Path

from extract_wall import alternating  # (beside this script)
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SET = REPO.parent / "shared" / "eval" / "fundus-dev"


def write_inputs(set_dir: Path, limit: int, into: Path) -> tuple[Path, Path, int]:
    """The set's first pages as a folder and as one WARC; how many."""
    with (set_dir / "gold.jsonl").open(encoding="utf-8") as f:
        golds = [json.loads(line) for line in f if line.strip()][:limit]
    folder = into / "pages"
    folder.mkdir()
    warc = into / "pages.warc.gz"
    with warc.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        for n, gold in enumerate(golds):
            raw = (set_dir / "pages" / f"{gold['id']}.html.gz").read_bytes()
            (folder / f"{n:05d}.html.gz").write_bytes(raw)
            record = writer.create_warc_record(
                gold.get("url") or f"https://example.invalid/{gold['id']}",
                "response",
                payload=BytesIO(gzip.decompress(raw)),
                http_headers=StatusAndHeaders(
                    "200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1"
                ),
            )
            writer.write_record(record)
    return folder, warc, len(golds)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("set", nargs="?", type=Path, default=DEFAULT_SET)
    parser.add_argument("--limit", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("-j", "--jobs", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder, warc, count = write_inputs(args.set, args.limit, Path(tmp))
        base = [sys.executable, "-m", "newscrawl.cli", "extract", "-j", str(args.jobs)]
        commands = {
            "folder": [*base, "--no-site-templates", str(folder), "-o", f"{tmp}/folder.jsonl"],
            "warc": [*base, "--no-site-templates", str(warc), "-o", f"{tmp}/warc.jsonl"],
        }
        times = alternating(commands, args.rounds)
    print(f"{count} pages of {args.set.name}, -j {args.jobs}, {args.rounds} rounds:")
    for name, taken in times.items():
        median = statistics.median(taken)
        print(f"{name:>8}: {count / median:6.1f} pages/s (median {median:.2f} s)")
    ratio = statistics.median(times["folder"]) / statistics.median(times["warc"])
    print(f"WARC / folder pages per second: {ratio:.2f}")


if __name__ == "__main__":
    main()
