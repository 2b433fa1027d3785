"""Ablation: what each rule group and pass of the extraction pipeline is worth.

For every evaluation set, runs plain trafilatura once (the baseline "truncated" is
counted against), newscrawl's full pipeline once, then newscrawl with each group of
``newscrawl.extraction.core.ablation_groups()`` turned off in turn
(``extract(..., disabled=frozenset({group}))``), and prints the changes against the
full pipeline, so that whatever does not pay for itself can go.

A set's score is its shingle F1 where the gold has text, else (a snippets-only set:
trafilatura-eval) the share of ``with`` snippets found minus the share of ``without``
snippets leaked. First a table of the full pipeline's figures (and trafilatura's) per
set, then one row per group, sorted by the summed delta (the groups whose removal costs
most first): each set's score delta (off minus full), the leaked share's delta (pooled
over the sets with ``without`` snippets), the truncated delta (article pages whose
recall is more than 0.2 below trafilatura's on the same page, summed over the sets),
the pages better / worse, the summed delta and a verdict (see ``KEEP_MIN_LOSS``).
Both tables are markdown, to paste into a note.

A rule group (``element:KIND``, ``line:KIND``), the read-next cut and the tail trim are
run again only on the pages where the full pipeline's ``removed`` shows they fired; the
others keep the full run's result (``--exact`` runs every page: hours rather than
minutes for all groups on all sets). A line group is off both where it drops lines
(the filter) and where recover refuses to put such lines back; the pages rerun are those
where the filter dropped one, so recover's part is seen only there (``--exact`` sees
it all). Measure a deletion with ``newscrawl eval`` before committing it.

Usage: python benchmarks/ablation.py [SET_DIR ...] [--groups a,b,c] [--limit N] [-j N]
       [--json FILE]
(default sets: readability, wcxb-dev, fundus-dev, big9-dev and trafilatura-eval in
../shared/eval/ beside the repository; default groups: all). Each set takes 2 + one
run per group; progress (a line per run) goes to stderr. Try a slice first:
``--limit 5 --groups recover -j 1``.
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
import textwrap
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from newscrawl.evaluation.metric import PageRecord  # noqa: E402
from newscrawl.evaluation.runner import (  # noqa: E402
    EXTRACTORS,
    EvalSet,
    Extractor,
    PageResult,
    SetReport,
    load_set,
    run_extractor,
    truncated,
)

EVAL = REPO.parent / "shared" / "eval"
DEFAULT_SETS = [
    EVAL / name
    for name in ("readability", "wcxb-dev", "fundus-dev", "big9-dev", "trafilatura-eval")
]

#: Verdict "keep": turning the group off loses more than this, summed over the sets...
KEEP_MIN_LOSS = 0.0002
#: ...and gains no more than this on any one set. "drop?": turning it off loses nothing
#: summed over the sets (summed delta >= 0). "mixed": anything else.
MAX_SET_GAIN = 0.0005
#: A page is better / worse when its F1 moves by more than this (a snippets-only page:
#: when its missed + leaked snippets fall / rise).
PAGE_EPSILON = 1e-4
#: Seconds a page may take before it counts as a failure (an empty prediction).
TIMEOUT = 60.0
#: Set names are cut to this many characters in the group table's header.
LABEL_WIDTH = 8


# -- running -----------------------------------------------------------------
def newscrawl_without(
    disabled: frozenset[str], html: bytes, url: str | None
) -> dict[str, Any] | None:
    """newscrawl's ``extract()`` with the ``disabled`` groups off; a runner extractor once
    bound with ``functools.partial`` (pickled by reference, so workers can run it). Its
    ``ExtractionError`` counts as a failure: an empty prediction."""
    from newscrawl.extraction import extract

    return extract(html, url=url, disabled=disabled).to_dict()


def newscrawl_extractor(disabled: frozenset[str]) -> Extractor:
    return functools.partial(newscrawl_without, disabled)


@dataclass
class Figures:
    """One configuration's figures on one set."""

    #: Whether some gold of the set has text: its score is then F1, else with - leaked.
    has_text: bool
    pages: int
    f1: float | None
    with_found: float | None
    without_leaked: float | None
    #: ``without`` snippets leaked, of ``without_total``.
    leaked: int
    without_total: int
    #: Truncated pages against trafilatura (``None`` for trafilatura itself).
    truncated: int | None
    failures: int
    seconds: float
    #: The page ids, in gold order.
    ids: list[str] = field(repr=False)
    #: Per page, higher is better: its F1 where the gold has text, else minus its missed
    #: and leaked snippets.
    marks: list[float] = field(repr=False)

    @property
    def score(self) -> float:
        if self.has_text:
            return self.f1 or 0.0
        return (self.with_found or 0.0) - (self.without_leaked or 0.0)

    def summary(self) -> dict[str, Any]:
        """The set-level figures (no per-page lists), for the JSON output."""
        figures = {k: v for k, v in asdict(self).items() if k not in ("ids", "marks")}
        return {**figures, "score": self.score, "seconds": round(self.seconds, 2)}


def page_mark(record: PageRecord) -> float:
    """One page's figure of merit (higher is better), see ``Figures.marks``."""
    if record.has_text:
        return record.score.f1
    return -float(record.with_total - record.with_found + record.without_leaked)


def figures(report: SetReport, baseline: SetReport | None, has_text: bool) -> Figures:
    """The figures of a scored run; truncated pages are counted against ``baseline``."""
    s = report.scores
    return Figures(
        has_text=has_text,
        pages=len(s),
        f1=s.f1,
        with_found=s.with_found,
        without_leaked=s.without_leaked,
        leaked=sum(r.without_leaked for r in s.records),
        without_total=sum(r.without_total for r in s.records),
        truncated=None if baseline is None else len(truncated(report, baseline)),
        failures=report.failures,
        seconds=report.wall_seconds,
        ids=[str(row["id"]) for row in report.rows],
        marks=[page_mark(r) for r in s.records],
    )


#: Where a group leaves its mark in ``Article.removed`` when it fires on a page: a page
#: where the full pipeline's ``removed`` has none of it comes out the same with the
#: group off (up to the rare ways a rule acts without removing: an element a rule
#: matches but keeps for its size still bars recover from it), so only the pages where
#: it fired are run again (``--exact`` runs them all).
def fired_as(group: str) -> str | None:
    if group.startswith(("element:", "line:")):
        return group.split(":", 1)[1]
    return {"read-next": "read-next", "trim-tail": "after-article"}.get(group)


def run(
    evalset: EvalSet,
    label: str,
    extractor: Extractor,
    workers: int | None,
    started: float,
    full: list[PageResult] | None = None,
    only: list[int] | None = None,
) -> tuple[SetReport, list[PageResult]]:
    """Score ``extractor`` on the pages of ``evalset`` (each read from its .html.gz in the
    worker), with a progress line on stderr; with ``only``, just those pages (by index)
    are run and the others keep their ``full`` results."""
    if only is not None and full is not None:
        subset = EvalSet(evalset.path, [evalset.golds[i] for i in only])
        some, wall = run_extractor(extractor, subset, workers, TIMEOUT) if only else ([], 0.0)
        results = list(full)
        for i, result in zip(only, some, strict=True):
            results[i] = result
    else:
        results, wall = run_extractor(extractor, evalset, workers, TIMEOUT)
    report = SetReport(evalset.name, label)
    report.wall_seconds = wall
    for gold, result in zip(evalset.golds, results, strict=True):
        report.add(gold, result)
    failed = f", {report.failures} failed" if report.failures else ""
    ran = len(results) if only is None else len(only)
    print(
        f"{evalset.name:<18} {label:<28} {ran:>5} pages {wall:8.1f} s{failed}"
        f"  (elapsed {time.perf_counter() - started:.0f} s)",
        file=sys.stderr,
        flush=True,
    )
    return report, results


@dataclass
class SetRuns:
    """One set's runs: the baseline, the full pipeline and each group turned off."""

    name: str
    trafilatura: Figures
    full: Figures
    without: dict[str, Figures]


def run_set(
    evalset: EvalSet, groups: Sequence[str], workers: int | None, started: float, exact: bool
) -> SetRuns:
    """Run the baseline, the full pipeline and each group off on one set (a rule group
    only on the pages where it fired, unless ``exact``). Only the baseline's report (for
    the truncated count) and the full run's results are kept through the group runs."""
    has_text = any(g.get("text") is not None for g in evalset.golds)
    baseline, _ = run(evalset, "trafilatura", EXTRACTORS["trafilatura"], workers, started)
    report, full = run(evalset, "newscrawl", newscrawl_extractor(frozenset()), workers, started)
    runs = SetRuns(
        evalset.name,
        figures(baseline, None, has_text),
        figures(report, baseline, has_text),
        {},
    )
    del report  # (its rows hold every page's text a second time)
    fired = [set((r.prediction or {}).get("removed") or ()) for r in full]
    for group in groups:
        mark = None if exact else fired_as(group)
        only = None if mark is None else [i for i, kinds in enumerate(fired) if mark in kinds]
        off, _ = run(
            evalset, f"-{group}", newscrawl_extractor(frozenset({group})), workers, started,
            full, only,
        )  # fmt: skip
        runs.without[group] = figures(off, baseline, has_text)
    return runs


# -- comparing ---------------------------------------------------------------
@dataclass
class Delta:
    """What turning a group off changes on one set (off minus full)."""

    score: float
    leaked: int
    without_total: int
    truncated: int
    better: list[str]
    worse: list[str]


def compare(full: Figures, other: Figures) -> Delta:
    """``other`` (a group off) against ``full`` (nothing off) on the same set."""
    better, worse = [], []
    for page_id, before, after in zip(full.ids, full.marks, other.marks, strict=True):
        if after > before + PAGE_EPSILON:
            better.append(page_id)
        elif after < before - PAGE_EPSILON:
            worse.append(page_id)
    return Delta(
        score=other.score - full.score,
        leaked=other.leaked - full.leaked,
        without_total=full.without_total,
        truncated=(other.truncated or 0) - (full.truncated or 0),
        better=better,
        worse=worse,
    )


def verdict(set_deltas: Sequence[float]) -> str:
    """The verdict on a group ("keep", "drop?" or "mixed") from the score deltas, set by
    set, of turning it off."""
    total = round(sum(set_deltas), 12)  # (float noise of deltas that cancel out is no loss)
    if total >= 0:
        return "drop?"
    if total < -KEEP_MIN_LOSS and max(set_deltas) <= MAX_SET_GAIN:
        return "keep"
    return "mixed"


@dataclass
class GroupResult:
    """A group's deltas on every set, and their totals."""

    group: str
    deltas: dict[str, Delta]

    @property
    def total(self) -> float:
        return round(sum(d.score for d in self.deltas.values()), 12)

    @property
    def leaked(self) -> float | None:
        """The delta of the leaked share, pooled over the sets with ``without`` snippets."""
        snippets = sum(d.without_total for d in self.deltas.values())
        return sum(d.leaked for d in self.deltas.values()) / snippets if snippets else None

    @property
    def truncated(self) -> int:
        return sum(d.truncated for d in self.deltas.values())

    @property
    def better(self) -> int:
        return sum(len(d.better) for d in self.deltas.values())

    @property
    def worse(self) -> int:
        return sum(len(d.worse) for d in self.deltas.values())

    @property
    def verdict(self) -> str:
        return verdict([d.score for d in self.deltas.values()])

    def as_dict(self) -> dict[str, Any]:
        return {
            "group": self.group,
            "sum": self.total,
            "leaked": self.leaked,
            "truncated": self.truncated,
            "better": self.better,
            "worse": self.worse,
            "verdict": self.verdict,
            "sets": {name: asdict(d) for name, d in self.deltas.items()},
        }


def group_results(sets: list[SetRuns], groups: Sequence[str]) -> list[GroupResult]:
    """Every group's result, sorted by summed delta (the costliest to remove first)."""
    results = [
        GroupResult(group, {s.name: compare(s.full, s.without[group]) for s in sets})
        for group in groups
    ]
    return sorted(results, key=lambda r: r.total)


# -- printing ----------------------------------------------------------------
def markdown(header: list[str], rows: list[list[str]]) -> str:
    """A markdown table, padded to line up; the first column left-aligned, others right."""
    widths = [max(len(c) for c in column) for column in zip(header, *rows, strict=True)]

    def line(cells: list[str]) -> str:
        padded = [c.rjust(w) for c, w in zip(cells, widths, strict=True)]
        padded[0] = cells[0].ljust(widths[0])
        return "| " + " | ".join(padded) + " |"

    rule = ["-" * (widths[0] + 2)] + ["-" * (w + 1) + ":" for w in widths[1:]]
    return "\n".join([line(header), "|" + "|".join(rule) + "|", *(line(r) for r in rows)])


def _share(value: float | None) -> str:
    return "-" if value is None else f"{value:.4f}"


def _signed(value: float | None) -> str:
    return "-" if value is None else f"{value:+.4f}"


def full_table(sets: list[SetRuns]) -> str:
    rows = []
    for s in sets:
        for name, f in (("newscrawl", s.full), ("trafilatura", s.trafilatura)):
            rows.append(
                [
                    s.name if name == "newscrawl" else "",
                    name,
                    str(f.pages),
                    _share(f.f1),
                    _share(f.with_found),
                    _share(f.without_leaked),
                    "-" if f.truncated is None else str(f.truncated),
                    str(f.failures),
                    f"{f.score:.4f}",
                ]
            )
    header = ["set", "extractor", "pages", "F1", "with", "leaked", "truncated", "failed", "score"]
    return markdown(header, rows)


def labels(names: list[str]) -> list[str]:
    """Short column labels for the set names (the names themselves if cutting clashes)."""
    short = [name.removesuffix("-dev")[:LABEL_WIDTH] for name in names]
    return short if len(set(short)) == len(short) else names


def group_table(sets: list[SetRuns], results: list[GroupResult]) -> str:
    names = [s.name for s in sets]
    header = ["group", *labels(names), "leaked", "trunc", "better/worse", "sum", "verdict"]
    rows = [
        [
            r.group,
            *(_signed(r.deltas[name].score) for name in names),
            _signed(r.leaked),
            f"{r.truncated:+d}",
            f"{r.better}/{r.worse}",
            _signed(r.total),
            r.verdict,
        ]
        for r in results
    ]
    return markdown(header, rows)


def report(sets: list[SetRuns], results: list[GroupResult]) -> str:
    kinds = ", ".join(
        f"{s.name} {'F1' if s.full.has_text else '`with` - `without` leaked'}" for s in sets
    )
    leaky = [s.name for s in sets if s.full.without_total]
    scored = textwrap.fill(
        f"score: {kinds}. truncated: article pages where newscrawl's recall is more than 0.2"
        " below trafilatura's.",
        width=100,
        break_on_hyphens=False,
    )
    legend = textwrap.fill(
        "Per set: the score delta. leaked: the `without` leaked share, pooled over"
        f" {', '.join(leaky) or 'no set'}. trunc: truncated pages, summed. better/worse:"
        f" pages whose F1 moved by more than {PAGE_EPSILON:g} (snippets-only pages: fewer /"
        f" more missed + leaked snippets). keep: the sum loses more than {KEEP_MIN_LOSS}"
        f" and no set gains more than {MAX_SET_GAIN}; drop?: the sum loses nothing;"
        " mixed: otherwise.",
        width=100,
        break_on_hyphens=False,
    )
    return "\n\n".join(
        [
            "## Full pipeline",
            full_table(sets),
            scored,
            "## Each group turned off (off minus full)",
            group_table(sets, results),
            legend,
        ]
    )


# -- main ----------------------------------------------------------------------
def choose_groups(requested: str | None) -> list[str]:
    """The ``--groups`` names (all of ``ablation_groups()`` without it); exits on a name
    ``extract()`` does not know (a typo would silently change nothing)."""
    from newscrawl.extraction.core import ablation_groups

    known = ablation_groups()
    if requested is None:
        return list(known)
    groups = list(dict.fromkeys(g.strip() for g in requested.split(",") if g.strip()))
    unknown = [g for g in groups if g not in known]
    if unknown or not groups:
        sys.exit(f"unknown group(s): {', '.join(unknown) or '(none)'} (known: {', '.join(known)})")
    return groups


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("sets", nargs="*", type=Path, default=DEFAULT_SETS)
    parser.add_argument("--groups", help="comma-separated groups to turn off (default: all)")
    parser.add_argument("--limit", type=int, help="the first N pages of each set")
    parser.add_argument("-j", "--jobs", type=int, help="worker processes (default: one a core)")
    parser.add_argument("--json", type=Path, help="also write all figures to this file")
    parser.add_argument(
        "--exact",
        action="store_true",
        help="run every page with each rule group off (default: only where it fired)",
    )
    args = parser.parse_args()
    groups = choose_groups(args.groups)
    evalsets = [load_set(path, args.limit) for path in args.sets]
    total = sum(len(s.golds) for s in evalsets)
    print(
        f"{len(groups)} groups, {len(evalsets)} sets, {total} pages:"
        f" {(len(groups) + 2) * total} extractions",
        file=sys.stderr,
    )
    started = time.perf_counter()
    sets = [run_set(s, groups, args.jobs, started, args.exact) for s in evalsets if s.golds]
    results = group_results(sets, groups)
    print(report(sets, results))
    if args.json:
        figures_out = {
            "thresholds": {
                "keep_min_loss": KEEP_MIN_LOSS,
                "max_set_gain": MAX_SET_GAIN,
                "page_epsilon": PAGE_EPSILON,
            },
            "limit": args.limit,
            "sets": {
                s.name: {
                    "trafilatura": s.trafilatura.summary(),
                    "full": s.full.summary(),
                    "without": {g: f.summary() for g, f in s.without.items()},
                }
                for s in sets
            },
            "groups": [r.as_dict() for r in results],
        }
        args.json.write_text(json.dumps(figures_out, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
