"""Site templates on an evaluation set: do they harm pages from sites with few pages?

Runs ``newscrawl extract`` on a set's pages twice, with and without site templates
(templates are learned per host from all the set's pages of that host, as
``newscrawl extract`` does; each page's URL is the set's ``url`` field, given with
``--urls``), and scores both with the set's metric: all pages, and
only the pages whose host has two or more pages in the set (the only ones templates
can touch). Lists the pages whose F1 changed most.

Usage: python benchmarks/templates_eval.py [SET_DIR] [-j N] [--changed N] [--keep DIR]
(default set: ../shared/eval/wcxb-dev beside the repository)
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from newscrawl.evaluation.metric import Scores, page_scores  # noqa: E402


def url_list(set_dir: Path, gold: list[dict[str, Any]], into: Path) -> Path | None:
    """The set's ``url`` fields as a ``--urls`` list (None when the set has none)."""
    rows = [
        {"path": str(set_dir / "pages" / f"{g['id']}.html.gz"), "url": g["url"]}
        for g in gold
        if str(g.get("url") or "").startswith(("http://", "https://"))
    ]
    if not rows:
        return None
    path = into / "urls.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def extract(
    pages: Path, out: Path, templates: bool, jobs: int | None, urls: Path | None
) -> dict[str, Any]:
    """Rows of ``newscrawl extract`` by page id (the file name without ``.html.gz``)."""
    command = [sys.executable, "-m", "newscrawl.cli", "extract", str(pages), "-o", str(out)]
    if urls is not None:
        command += ["--urls", str(urls)]
    command.append("--site-templates" if templates else "--no-site-templates")
    if jobs:
        command += ["-j", str(jobs)]
    subprocess.run(command, check=False, cwd=REPO)
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    return {Path(r["source"]).name.split(".")[0]: r for r in rows}


def score(gold: list[dict[str, Any]], rows: dict[str, Any]) -> Scores:
    scores = Scores()
    for page in gold:
        row = rows.get(page["id"], {})
        scores.add(
            row.get("text"),
            page.get("text"),
            page.get("with") or (),
            page.get("without") or (),
            page.get("page_type"),
        )
    return scores


def line(label: str, s: Scores) -> str:
    f1, leaked = s.f1 or 0.0, s.without_leaked or 0.0
    return f"{label:<34} pages {len(s):>5}  F1 {f1:.4f}  without leaked {leaked:.4f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("set_dir", nargs="?", default=REPO.parent / "shared/eval/wcxb-dev")
    parser.add_argument("-j", "--jobs", type=int)
    parser.add_argument("--changed", type=int, default=10, help="list this many changed pages")
    parser.add_argument("--keep", type=Path, help="keep both runs' JSONL in this directory")
    args = parser.parse_args()
    set_dir = Path(args.set_dir)
    gold = [json.loads(x) for x in (set_dir / "gold.jsonl").read_text().splitlines()]
    with tempfile.TemporaryDirectory() as tmp:
        out = args.keep or Path(tmp)
        out.mkdir(parents=True, exist_ok=True)
        urls = url_list(set_dir.resolve(), gold, Path(tmp))
        runs = {
            on: extract(
                set_dir / "pages",
                out / f"templates-{'on' if on else 'off'}.jsonl",
                on,
                args.jobs,
                urls,
            )
            for on in (False, True)
        }
    # hosts as extraction saw them (the set's URL, else the page's canonical URL), as
    # templates group them
    hosts = Counter(urlsplit(r.get("url") or "").hostname for r in runs[False].values())
    shared = [
        p
        for p in gold
        if hosts[urlsplit(runs[False].get(p["id"], {}).get("url") or "").hostname] > 1
    ]
    for on in (False, True):
        name = "with templates" if on else "without templates"
        print(line(f"{set_dir.name}, {name}", score(gold, runs[on])))
        print(line(f"  hosts with 2+ pages, {name}", score(shared, runs[on])))
    deltas = []
    for page in shared:
        before = page_scores(runs[False].get(page["id"], {}).get("text"), page.get("text")).f1
        after = page_scores(runs[True].get(page["id"], {}).get("text"), page.get("text")).f1
        if abs(after - before) > 1e-9:
            deltas.append((after - before, page["id"], page.get("url")))
    deltas.sort()
    print(f"pages changed: {len(deltas)} (better {sum(d > 0 for d, *_ in deltas)})")
    for delta, pid, url in deltas[: args.changed] + deltas[-args.changed :]:
        print(f"  {delta:+.3f}  {pid}  {url}")


if __name__ == "__main__":
    main()
