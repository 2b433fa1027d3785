"""The article-extraction-benchmark metric, as ``../shared/eval/README.md`` defines it.

Tokens are ``\\w+`` matches, case kept. A text is a multiset of 4-token
shingles; per page, tp / fp / fn count shingles found in both / only in the
prediction / only in the gold text (with multiplicity).

Over a set of pages:

- precision is the mean, over pages with tp + fp > 0, of tp / (tp + fp)
  (1.0 when fp = fn = 0); a page where nothing was predicted has no precision
  and does not count in that mean;
- recall likewise, over pages with tp + fn > 0, of tp / (tp + fn); a page whose
  gold text is empty has no recall;
- F1 = 2PR / (P + R) of those two means (not a mean of per-page F1s);
- accuracy is the share of all pages whose token sequence equals the gold's
  (two empty texts are equal).

These are the reference implementation's rules (scrapinghub's
article-extraction-benchmark ``evaluate.py``), so figures compare with
published ones. A set figure that no page defines is ``None``.

Short texts: a text of 1 to 3 tokens is one shingle made of all its tokens
(as the reference does), so a short gold text still counts and must be matched
exactly; an empty text has no shingles.

A page whose gold has no text (``null``: a snippets-only set) counts for the
snippet shares only.

``with`` / ``without`` snippets are matched case-insensitively (``casefold``)
on whitespace-normalised text; their shares pool all snippets of the pages.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

_TOKEN = re.compile(r"\w+")
_WS = re.compile(r"\s+")
SHINGLE = 4


def tokens(text: str | None) -> list[str]:
    """The ``\\w+`` runs of ``text``, case kept."""
    return _TOKEN.findall(text or "")


def shingles(toks: list[str], n: int = SHINGLE) -> Counter[tuple[str, ...]]:
    """Counts of the ``n``-token shingles; fewer than ``n`` tokens make one shingle."""
    if not toks:
        return Counter()
    if len(toks) < n:
        return Counter([tuple(toks)])
    return Counter(tuple(toks[i : i + n]) for i in range(len(toks) - n + 1))


@dataclass(frozen=True)
class PageScore:
    """One page's shingle counts, and the per-page ratios derived from them."""

    tp: int
    fp: int
    fn: int
    exact: bool

    @property
    def precision(self) -> float | None:
        """tp / (tp + fp); ``None`` when nothing was predicted (left out of the set mean)."""
        if self.tp + self.fp == 0:
            return None
        if self.fp == 0 and self.fn == 0:
            return 1.0
        return self.tp / (self.tp + self.fp)

    @property
    def recall(self) -> float | None:
        """tp / (tp + fn); ``None`` when the gold text is empty (left out of the set mean)."""
        if self.tp + self.fn == 0:
            return None
        if self.fp == 0 and self.fn == 0:
            return 1.0
        return self.tp / (self.tp + self.fn)

    @property
    def f1(self) -> float:
        """This page's F1, for ranking pages: 1.0 when both texts are empty, else a missing
        precision or recall counts as 0. (Set F1 is computed from the means instead.)"""
        if self.fp == 0 and self.fn == 0:
            return 1.0
        p, r = self.precision or 0.0, self.recall or 0.0
        return 2 * p * r / (p + r) if p + r else 0.0


def page_scores(predicted: str | None, gold: str | None) -> PageScore:
    """Compare one extraction with its gold text."""
    pt, gt = tokens(predicted), tokens(gold)
    ps, gs = shingles(pt), shingles(gt)
    tp = sum((ps & gs).values())
    return PageScore(tp, sum(ps.values()) - tp, sum(gs.values()) - tp, pt == gt)


def normalise(text: str | None) -> str:
    """Whitespace folded to single spaces, stripped, case-folded: the form snippets match in."""
    return _WS.sub(" ", text or "").strip().casefold()


def snippet_found(text: str | None, snippet: str) -> bool:
    """Whether ``snippet`` occurs in ``text`` (case-insensitive, whitespace-normalised)."""
    return normalise(snippet) in normalise(text)


def mean(values: Iterable[float | None]) -> float | None:
    """Mean of the defined values; ``None`` when there are none."""
    kept = [v for v in values if v is not None]
    return sum(kept) / len(kept) if kept else None


def f1_of(precision: float | None, recall: float | None) -> float | None:
    """2PR / (P + R); ``None`` when either is undefined, 0.0 when both are 0."""
    if precision is None or recall is None:
        return None
    total = precision + recall
    return 2 * precision * recall / total if total else 0.0


@dataclass(frozen=True)
class PageRecord:
    """One scored page as the accumulator keeps it."""

    score: PageScore
    page_type: str | None = None
    with_found: int = 0
    with_total: int = 0
    without_leaked: int = 0
    without_total: int = 0
    #: False when the gold has no text (a snippets-only set): no text figures then.
    has_text: bool = True


@dataclass
class Scores:
    """Set-level figures, accumulated page by page (also split by page type)."""

    records: list[PageRecord] = field(default_factory=list)

    def add(
        self,
        predicted: str | None,
        gold: str | None,
        with_: Iterable[str] = (),
        without: Iterable[str] = (),
        page_type: str | None = None,
    ) -> PageScore:
        """Score one page and keep it; returns its :class:`PageScore`."""
        score = page_scores(predicted, gold)
        wanted, unwanted = list(with_), list(without)
        self.records.append(
            PageRecord(
                score,
                page_type,
                sum(snippet_found(predicted, s) for s in wanted),
                len(wanted),
                sum(snippet_found(predicted, s) for s in unwanted),
                len(unwanted),
                gold is not None,
            )
        )
        return score

    @property
    def pages(self) -> list[PageScore]:
        return [r.score for r in self.records]

    def __len__(self) -> int:
        return len(self.records)

    @property
    def precision(self) -> float | None:
        return mean(r.score.precision for r in self.records if r.has_text)

    @property
    def recall(self) -> float | None:
        return mean(r.score.recall for r in self.records if r.has_text)

    @property
    def f1(self) -> float | None:
        return f1_of(self.precision, self.recall)

    @property
    def accuracy(self) -> float | None:
        scored = [r for r in self.records if r.has_text]
        if not scored:
            return None
        return sum(r.score.exact for r in scored) / len(scored)

    @property
    def with_found(self) -> float | None:
        """Share of all ``with`` snippets found; ``None`` when the pages have none."""
        total = sum(r.with_total for r in self.records)
        return sum(r.with_found for r in self.records) / total if total else None

    @property
    def without_leaked(self) -> float | None:
        """Share of all ``without`` snippets leaked; ``None`` when the pages have none."""
        total = sum(r.without_total for r in self.records)
        return sum(r.without_leaked for r in self.records) / total if total else None

    def by_type(self) -> dict[str, Scores]:
        """The pages split by ``page_type`` (pages without one left out), sorted by type."""
        groups: dict[str, Scores] = {}
        for record in self.records:
            if record.page_type:
                groups.setdefault(record.page_type, Scores()).records.append(record)
        return dict(sorted(groups.items()))
