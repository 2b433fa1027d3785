"""Run extractors over evaluation sets (``../shared/eval/<set>/``) and score them.

A set is a folder with ``gold.jsonl`` and ``pages/<id>.html.gz``. Each
extractor is a function ``(html bytes, url) -> Prediction``; pages run in a
process pool, a page that fails counts as an empty prediction (and is
counted), and the clock measures extraction only.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .metric import Scores


@dataclass
class Prediction:
    text: str = ""
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    page_type: str | None = None
    error: str | None = None
    seconds: float = 0.0


def newscrawl_extractor(html: bytes, url: str | None) -> Prediction:
    from newscrawl.extraction import extract

    a = extract(html, url=url)
    return Prediction(a.text, a.title, a.authors, a.published, a.page_type)


def trafilatura_extractor(html: bytes, url: str | None) -> Prediction:
    import trafilatura

    doc: Any = trafilatura.bare_extraction(
        html, url=url, include_comments=False, with_metadata=True
    )
    if doc is None:
        return Prediction(error="no-content")
    authors = [a.strip() for a in (doc.author or "").split(";") if a.strip()]
    return Prediction(doc.text or "", doc.title, authors, doc.date)


#: Extractors by name (add one here to compare it).
EXTRACTORS: dict[str, Callable[[bytes, str | None], Prediction]] = {
    "newscrawl": newscrawl_extractor,
    "trafilatura": trafilatura_extractor,
}


def load_set(directory: Path, limit: int | None = None) -> list[dict[str, Any]]:
    gold_path = directory / "gold.jsonl"
    if not gold_path.is_file():
        raise FileNotFoundError(f"{directory} is not an evaluation set (no gold.jsonl)")
    with gold_path.open(encoding="utf-8") as f:
        golds = [json.loads(line) for line in f if line.strip()]
    return golds[:limit] if limit else golds


def _run_one(args: tuple[str, str, str | None]) -> Prediction:
    name, path, url = args
    try:
        html = gzip.decompress(Path(path).read_bytes())
    except OSError as exc:
        return Prediction(error=f"unreadable: {exc}")
    start = time.perf_counter()
    try:
        prediction = EXTRACTORS[name](html, url)
    except Exception as exc:  # counted as a failure, never a crash of the run
        prediction = Prediction(error=f"{type(exc).__name__}: {exc}"[:200])
    prediction.seconds = time.perf_counter() - start
    return prediction


def _norm(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").strip().casefold()


@dataclass
class SetReport:
    """The figures of one extractor on one set."""

    set_name: str
    extractor: str
    scores: Scores = field(default_factory=Scores)
    by_type: dict[str, Scores] = field(default_factory=dict)
    failures: int = 0
    seconds: float = 0.0
    title_hits: int = 0
    title_total: int = 0
    author_hits: int = 0
    author_total: int = 0
    date_hits: int = 0
    date_total: int = 0

    def add(self, gold: dict[str, Any], p: Prediction) -> float:
        score = self.scores.add(
            p.text, gold.get("text"), gold.get("with") or [], gold.get("without") or []
        )
        kind = gold.get("page_type")
        if kind:
            self.by_type.setdefault(kind, Scores()).add(p.text, gold.get("text"))
        self.failures += p.error is not None
        self.seconds += p.seconds
        if gold.get("title"):
            self.title_total += 1
            self.title_hits += _norm(p.title) == _norm(gold["title"])
        if gold.get("author"):
            self.author_total += 1
            names = gold["author"] if isinstance(gold["author"], list) else [gold["author"]]
            got = _norm(" ; ".join(p.authors))
            self.author_hits += any(_norm(n) and _norm(n) in got for n in names)
        if gold.get("published"):
            self.date_total += 1
            self.date_hits += (p.published or "")[:10] == str(gold["published"])[:10]
        return score.f1

    def as_dict(self) -> dict[str, Any]:
        s = self.scores
        pages = len(s.pages)
        return {
            "set": self.set_name,
            "extractor": self.extractor,
            "pages": pages,
            "failures": self.failures,
            "precision": round(s.precision, 4),
            "recall": round(s.recall, 4),
            "f1": round(s.f1, 4),
            "accuracy": round(s.accuracy, 4),
            "with_found": round(s.with_share, 4),
            "without_leaked": round(s.without_share, 4),
            "f1_by_type": {k: round(v.f1, 4) for k, v in sorted(self.by_type.items())},
            "title_accuracy": _share(self.title_hits, self.title_total),
            "author_accuracy": _share(self.author_hits, self.author_total),
            "date_accuracy": _share(self.date_hits, self.date_total),
            "pages_per_second": round(pages / self.seconds, 2) if self.seconds else None,
        }


def _share(hits: int, total: int) -> float | None:
    return round(hits / total, 4) if total else None


def evaluate(
    directory: Path,
    extractors: Iterable[str],
    workers: int | None = None,
    limit: int | None = None,
    dump: Path | None = None,
) -> list[SetReport]:
    """Score each extractor on the set in ``directory``.

    ``pages_per_second`` is pages over the summed extraction time of single
    pages (one core), so it compares extractors whatever the pool size.
    """
    golds = load_set(directory, limit)
    reports = []
    for name in extractors:
        if name not in EXTRACTORS:
            raise KeyError(f"unknown extractor {name!r} (known: {', '.join(EXTRACTORS)})")
        jobs = [
            (name, str(directory / "pages" / f"{g['id']}.html.gz"), g.get("url")) for g in golds
        ]
        with ProcessPoolExecutor(max_workers=workers or os.cpu_count() or 1) as pool:
            predictions = list(pool.map(_run_one, jobs, chunksize=4))
        report = SetReport(directory.name, name)
        rows = []
        for gold, prediction in zip(golds, predictions, strict=True):
            f1 = report.add(gold, prediction)
            rows.append({"id": gold["id"], "page_type": gold.get("page_type"), "f1": round(f1, 4),
                         "error": prediction.error, "text": prediction.text})  # fmt: skip
        if dump is not None:
            dump.mkdir(parents=True, exist_ok=True)
            with (dump / f"{directory.name}.{name}.jsonl").open("w", encoding="utf-8") as f:
                for row in rows:
                    f.write(json.dumps(row, ensure_ascii=False) + "\n")
        reports.append(report)
    return reports
