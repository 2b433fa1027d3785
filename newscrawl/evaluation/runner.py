"""Run extractors over evaluation sets and score them.

A set is a folder with ``gold.jsonl`` and ``pages/<id>.html.gz`` (the layout of
``../shared/eval/``). An extractor is a module-level function
``(html bytes, url) -> dict | None`` registered by name with
:func:`register`; its dict uses :class:`~newscrawl.extraction.Article` keys
(``text`` with paragraphs joined by a blank line, ``title``, ``authors``,
``published``...), ``None`` meaning "nothing extracted".

Pages run in a process pool (:mod:`.pool`); a page that raises, overruns the
time limit or kills its worker is a failure: an empty prediction with its error
recorded. Speed is the wall clock of the extraction alone (the pool is warmed
first; scoring is not counted).

Besides the text metric (:mod:`.metric`), each report gives metadata accuracy,
each over the pages whose gold has that field:

- title: exact match after whitespace folding, case-insensitive;
- author: some gold author name (the gold string split at ``, ; & | /``, ``and``
  and line breaks, a leading "By" dropped) occurs, as whole words and
  case-insensitively, in the predicted authors;
- date: the gold ``published`` date part (``YYYY-MM-DD``; a gold that only gives
  ``YYYY-MM`` is compared at that precision) equals the prediction's.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .metric import Scores, normalise, tokens
from .pool import default_workers, run_ordered

Extractor = Callable[[bytes, str | None], dict[str, Any] | None]

#: Extractors by name; add one with :func:`register`.
EXTRACTORS: dict[str, Extractor] = {}


def register(name: str) -> Callable[[Extractor], Extractor]:
    """Decorator: make a module-level extractor function available by ``name``."""

    def add(fn: Extractor) -> Extractor:
        EXTRACTORS[name] = fn
        return fn

    return add


@register("newscrawl")
def newscrawl_extractor(html: bytes, url: str | None) -> dict[str, Any] | None:
    """Our ``extract_page()``, as the crawl calls it; its ``ExtractionError`` counts as a
    failure with its reason."""
    from newscrawl.extraction import extract_page

    return extract_page(html, url).article.to_dict()


@register("trafilatura")
def trafilatura_extractor(html: bytes, url: str | None) -> dict[str, Any] | None:
    """Plain trafilatura as a user would call it; its text lines are the paragraphs."""
    import trafilatura

    doc: Any = trafilatura.bare_extraction(
        html, url=url, include_comments=False, with_metadata=True
    )
    if doc is None:
        return None
    paragraphs = [line.strip() for line in (doc.text or "").splitlines() if line.strip()]
    return {
        "url": url,
        "title": doc.title,
        "text": "\n\n".join(paragraphs),
        "authors": [a.strip() for a in (doc.author or "").split(";") if a.strip()],
        "published": doc.date,
    }


@register("readability")
def readability_extractor(html: bytes, url: str | None) -> dict[str, Any] | None:
    """readability-lxml (a Python port of Arc90's Readability, the ancestor of Mozilla's)
    as a user would call it: its article HTML, a paragraph per block element."""
    from lxml import html as lxml_html
    from readability import Document

    from newscrawl.extraction.dom import word_counts
    from newscrawl.extraction.fallback import block_paragraphs

    doc = Document(html, url=url)
    root = lxml_html.fromstring(doc.summary(html_partial=True))
    paragraphs = block_paragraphs(root, word_counts(root))
    return {"url": url, "title": doc.short_title(), "text": "\n\n".join(paragraphs)}


# -- sets ------------------------------------------------------------------
@dataclass
class EvalSet:
    """An evaluation set: its gold records and where their pages are."""

    path: Path
    golds: list[dict[str, Any]]

    @property
    def name(self) -> str:
        return self.path.name

    def page(self, page_id: str) -> Path:
        return self.path / "pages" / f"{page_id}.html.gz"


def is_set(path: Path) -> bool:
    return (path / "gold.jsonl").is_file()


def load_set(path: Path, limit: int | None = None, ids: Iterable[str] | None = None) -> EvalSet:
    """Read a set's gold records: only ``ids`` (if given), then the first ``limit``."""
    if not is_set(path):
        raise FileNotFoundError(f"{path} is not an evaluation set (no gold.jsonl)")
    with (path / "gold.jsonl").open(encoding="utf-8") as f:
        golds = [json.loads(line) for line in f if line.strip()]
    if ids is not None:
        wanted = set(ids)
        golds = [g for g in golds if str(g["id"]) in wanted]
    return EvalSet(path, golds[:limit] if limit is not None else golds)


# -- running ---------------------------------------------------------------
@dataclass
class PageResult:
    """One page's outcome: the prediction (``None`` on failure), error, extraction time."""

    prediction: dict[str, Any] | None
    error: str | None = None
    seconds: float = 0.0


Job = tuple[Extractor, str, str | None]


def _extract_page(job: Job) -> PageResult:
    """Worker side: read one page and run the extractor on it, catching its errors."""
    extractor, path, url = job
    try:
        html = gzip.decompress(Path(path).read_bytes())
    except (OSError, EOFError) as exc:
        return PageResult(None, f"unreadable: {exc}")
    start = time.perf_counter()
    try:
        prediction = extractor(html, url)
        error = None if prediction is not None else "no-content"
    except Exception as exc:  # a failure of this page, never of the run
        reason = getattr(exc, "reason", None)
        error = str(reason) if isinstance(reason, str) else f"{type(exc).__name__}: {exc}"[:200]
        prediction = None
    return PageResult(prediction, error, time.perf_counter() - start)


def _failed(job: Job, reason: str, detail: str) -> PageResult:
    return PageResult(None, reason if reason != "crash" else detail)


_WARM_PAGE = (
    b"<html><head><title>Warm up</title></head><body><article>"
    + b"<p>A paragraph of warm-up text, long enough to be an article body.</p>" * 5
    + b"</article></body></html>"
)


def warm(extractor: Extractor) -> None:
    """Import and exercise ``extractor`` here, so forked workers start warm."""
    with contextlib.suppress(Exception):  # only warming
        extractor(_WARM_PAGE, "https://warm.example/up")


def run_extractor(
    extractor: Extractor,
    evalset: EvalSet,
    workers: int | None = None,
    timeout: float | None = 60.0,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[list[PageResult], float]:
    """Every page's result (in gold order) and the wall-clock seconds the extraction took."""
    warm(extractor)
    jobs: list[Job] = [
        (extractor, str(evalset.page(str(g["id"]))), g.get("url")) for g in evalset.golds
    ]
    results: list[PageResult] = []
    start = time.perf_counter()
    for result in run_ordered(_extract_page, jobs, _failed, workers, timeout):
        results.append(result)
        if progress:
            progress(len(results), len(jobs))
    return results, time.perf_counter() - start


# -- metadata matching -------------------------------------------------------
_NAME_SPLIT = re.compile(r"[,;&|/\n]|\band\b", re.I)
_DATE = re.compile(r"\s*(\d{4}-\d{2}(?:-\d{2})?)")


def title_matches(predicted: str | None, gold: str) -> bool:
    return normalise(predicted) == normalise(gold)


def gold_names(gold: str | list[str]) -> list[list[str]]:
    """The author names in a gold field, each as lower-cased tokens."""
    parts = gold if isinstance(gold, list) else _NAME_SPLIT.split(gold)
    names = []
    for part in parts:
        toks = [t.casefold() for t in tokens(part)]
        if toks[:1] == ["by"]:
            toks = toks[1:]
        if len("".join(toks)) >= 2:
            names.append(toks)
    return names


def author_matches(predicted: Iterable[str] | str | None, gold: str | list[str]) -> bool:
    """Whether any gold author name occurs, as whole words, in a predicted author."""
    if isinstance(predicted, str):
        predicted = [predicted]
    got = [[t.casefold() for t in tokens(a)] for a in predicted or ()]
    for name in gold_names(gold):
        n = len(name)
        if any(name == toks[i : i + n] for toks in got for i in range(len(toks) - n + 1)):
            return True
    return False


def gold_date(value: Any) -> str | None:
    """The ``YYYY-MM-DD`` (or ``YYYY-MM``) part of a gold date, if it has one."""
    match = _DATE.match(str(value or ""))
    return match.group(1) if match else None


def date_matches(predicted: str | None, gold: str) -> bool:
    """Whether ``predicted`` gives the gold's day (at the gold's precision)."""
    day, got = gold_date(gold), gold_date(predicted)
    return day is not None and got is not None and got[: len(day)] == day


# -- reports ---------------------------------------------------------------
@dataclass
class Hits:
    hits: int = 0
    total: int = 0

    def add(self, hit: bool) -> None:
        self.total += 1
        self.hits += hit

    @property
    def share(self) -> float | None:
        return self.hits / self.total if self.total else None


@dataclass
class SetReport:
    """The figures of one extractor on one set."""

    set_name: str
    extractor: str
    workers: int = 1
    scores: Scores = field(default_factory=Scores)
    errors: Counter[str] = field(default_factory=Counter)
    wall_seconds: float = 0.0
    page_seconds: float = 0.0
    title: Hits = field(default_factory=Hits)
    author: Hits = field(default_factory=Hits)
    date: Hits = field(default_factory=Hits)
    rows: list[dict[str, Any]] = field(default_factory=list)

    @property
    def failures(self) -> int:
        return sum(self.errors.values())

    def add(self, gold: dict[str, Any], result: PageResult) -> dict[str, Any]:
        """Score one page; returns its row for the per-page dump."""
        p = result.prediction or {}
        text = p.get("text") or ""
        wanted, unwanted = gold.get("with") or [], gold.get("without") or []
        score = self.scores.add(text, gold.get("text"), wanted, unwanted, gold.get("page_type"))
        has_text = gold.get("text") is not None
        if result.error:
            self.errors[_error_kind(result.error)] += 1
        self.page_seconds += result.seconds
        if gold.get("title"):
            self.title.add(title_matches(p.get("title"), gold["title"]))
        if gold.get("author") and gold_names(gold["author"]):
            self.author.add(author_matches(p.get("authors"), gold["author"]))
        if gold_date(gold.get("published")):
            self.date.add(date_matches(p.get("published"), gold["published"]))
        row = {
            "id": gold["id"],
            "url": gold.get("url"),
            "page_type": gold.get("page_type"),
            "f1": round(score.f1, 4),
            "has_text": has_text,
            "precision": _round(score.precision) if has_text else None,
            "recall": _round(score.recall) if has_text else None,
            "exact": score.exact,
            "error": result.error,
            "seconds": round(result.seconds, 4),
            "with_missed": [s for s in wanted if s and normalise(s) not in normalise(text)],
            "without_leaked": [s for s in unwanted if s and normalise(s) in normalise(text)],
            "title": p.get("title"),
            "gold_title": gold.get("title"),
            "authors": p.get("authors"),
            "gold_author": gold.get("author"),
            "published": p.get("published"),
            "gold_published": gold.get("published"),
            "text": text,
        }
        self.rows.append(row)
        return row

    def as_dict(self) -> dict[str, Any]:
        s = self.scores
        pages = len(s)
        return {
            "set": self.set_name,
            "extractor": self.extractor,
            "pages": pages,
            "failures": self.failures,
            "failure_reasons": dict(self.errors.most_common()),
            "precision": _round(s.precision),
            "recall": _round(s.recall),
            "f1": _round(s.f1),
            "accuracy": _round(s.accuracy),
            "with_found": _round(s.with_found),
            "without_leaked": _round(s.without_leaked),
            "f1_by_type": {kind: _round(g.f1) for kind, g in s.by_type().items()},
            "by_type": {
                kind: {
                    "pages": len(g),
                    "precision": _round(g.precision),
                    "recall": _round(g.recall),
                    "f1": _round(g.f1),
                    "accuracy": _round(g.accuracy),
                    "with_found": _round(g.with_found),
                    "without_leaked": _round(g.without_leaked),
                }
                for kind, g in s.by_type().items()
            },
            "title_accuracy": _round(self.title.share),
            "title_pages": self.title.total,
            "author_accuracy": _round(self.author.share),
            "author_pages": self.author.total,
            "date_accuracy": _round(self.date.share),
            "date_pages": self.date.total,
            "workers": self.workers,
            "seconds": round(self.wall_seconds, 3),
            "pages_per_second": round(pages / self.wall_seconds, 2) if self.wall_seconds else None,
            "pages_per_cpu_second": (
                round(pages / self.page_seconds, 2) if self.page_seconds else None
            ),
        }

    def worst(self, n: int = 10) -> list[dict[str, Any]]:
        """The ``n`` lowest-F1 pages (id, type, F1, error); on a snippets-only set (no
        gold text), the pages with the most snippets missed and leaked."""

        def badness(row: dict[str, Any]) -> float:
            if not row["has_text"]:
                return -float(len(row["with_missed"]) + len(row["without_leaked"]))
            return float(row["f1"])

        ranked = sorted(self.rows, key=lambda r: (badness(r), str(r["id"])))
        return [{k: r[k] for k in ("id", "page_type", "f1", "error")} for r in ranked[:n]]


#: A page is truncated when our recall is this far below the baseline extractor's.
TRUNCATED_RECALL_GAP = 0.2
#: Page types a truncation is counted on (``None``: the news sets, all articles).
TRUNCATION_TYPES = frozenset(("article", None))


def truncated(ours: SetReport, baseline: SetReport) -> list[dict[str, Any]]:
    """Article pages where ``ours`` kept much less of the gold text than ``baseline``
    (recall more than ``TRUNCATED_RECALL_GAP`` below): a silently cut article.
    Sets without gold text (snippets only) have no recall and no truncations."""
    found = []
    for mine, theirs in zip(ours.rows, baseline.rows, strict=True):
        if mine["page_type"] not in TRUNCATION_TYPES:
            continue
        if mine["recall"] is None or theirs["recall"] is None:
            continue
        if mine["recall"] < theirs["recall"] - TRUNCATED_RECALL_GAP:
            found.append(
                {
                    "id": mine["id"],
                    "recall": mine["recall"],
                    "baseline_recall": theirs["recall"],
                    "error": mine["error"],
                }
            )
    return found


def _error_kind(error: str) -> str:
    """The error's short kind, for counting (``"ValueError: x"`` -> ``"ValueError"``)."""
    return error.split(":", 1)[0].strip() or "error"


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def evaluate_set(
    evalset: EvalSet,
    extractors: Iterable[str],
    workers: int | None = None,
    timeout: float | None = 60.0,
    dump: Path | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> list[SetReport]:
    """Score each named extractor on ``evalset``; with ``dump``, write
    ``<dump>/<set>.<extractor>.jsonl`` (one row a page: prediction, F1, error)."""
    reports = []
    for name in extractors:
        if name not in EXTRACTORS:
            raise KeyError(f"unknown extractor {name!r} (known: {', '.join(EXTRACTORS)})")

        def tick(done: int, total: int, label: str = f"{evalset.name} {name}") -> None:
            if progress:
                progress(label, done, total)

        results, wall = run_extractor(EXTRACTORS[name], evalset, workers, timeout, tick)
        report = SetReport(evalset.name, name, max(1, workers or default_workers()))
        report.wall_seconds = wall
        for gold, result in zip(evalset.golds, results, strict=True):
            report.add(gold, result)
        if dump is not None:
            dump.mkdir(parents=True, exist_ok=True)
            with (dump / f"{evalset.name}.{name}.jsonl").open("w", encoding="utf-8") as f:
                for row in report.rows:
                    f.write(json.dumps(row, ensure_ascii=False) + "\n")
        reports.append(report)
    return reports


def evaluate(
    directory: Path,
    extractors: Iterable[str],
    workers: int | None = None,
    limit: int | None = None,
    dump: Path | None = None,
    ids: Iterable[str] | None = None,
    timeout: float | None = 60.0,
) -> list[SetReport]:
    """Load the set in ``directory`` and score each named extractor on it."""
    return evaluate_set(load_set(directory, limit, ids), extractors, workers, timeout, dump)
