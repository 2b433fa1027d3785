"""The article-extraction-benchmark metric (see ``../shared/eval/README.md``).

Tokens are ``\\w+`` matches, case kept; texts are compared as multisets of
4-token shingles. Per page: tp, fp, fn. Over a set: precision is the mean,
over pages with tp + fp > 0, of tp / (tp + fp) (1.0 for a page with fp = fn
= 0); recall likewise with fn; F1 = 2PR / (P + R) of those means; accuracy is
the share of pages whose token sequence equals the gold's exactly.

A text with fewer than 4 tokens is one shingle of all its tokens (so a short
gold text still counts, and an empty text has no shingles).
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
    return _TOKEN.findall(text or "")


def shingles(toks: list[str], n: int = SHINGLE) -> Counter[tuple[str, ...]]:
    if not toks:
        return Counter()
    if len(toks) < n:
        return Counter([tuple(toks)])
    return Counter(tuple(toks[i : i + n]) for i in range(len(toks) - n + 1))


@dataclass(frozen=True)
class PageScore:
    """One page's shingle counts (and the derived scores)."""

    tp: int
    fp: int
    fn: int
    exact: bool

    @property
    def precision(self) -> float | None:
        """tp/(tp+fp); 1.0 when nothing is wrong; None when nothing was predicted."""
        if self.fp == 0 and self.fn == 0:
            return 1.0
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        if self.fp == 0 and self.fn == 0:
            return 1.0
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float:
        p, r = self.precision or 0.0, self.recall or 0.0
        return 2 * p * r / (p + r) if p + r else 0.0


def page_scores(predicted: str | None, gold: str | None) -> PageScore:
    """Compare one extraction with its gold text."""
    pt, gt = tokens(predicted), tokens(gold)
    ps, gs = shingles(pt), shingles(gt)
    tp = sum((ps & gs).values())
    return PageScore(tp, sum(ps.values()) - tp, sum(gs.values()) - tp, pt == gt)


def snippet_found(text: str | None, snippet: str) -> bool:
    """Case-insensitive containment on whitespace-normalised text."""
    norm = _WS.sub(" ", (text or "")).strip().casefold()
    return _WS.sub(" ", snippet).strip().casefold() in norm


def _mean(values: Iterable[float | None]) -> float:
    kept = [v for v in values if v is not None]
    return sum(kept) / len(kept) if kept else 0.0


@dataclass
class Scores:
    """Set-level figures, accumulated page by page."""

    pages: list[PageScore] = field(default_factory=list)
    with_found: int = 0
    with_total: int = 0
    without_leaked: int = 0
    without_total: int = 0

    def add(
        self,
        predicted: str | None,
        gold: str | None,
        with_: Iterable[str] = (),
        without: Iterable[str] = (),
    ) -> PageScore:
        score = page_scores(predicted, gold)
        self.pages.append(score)
        for snippet in with_:
            self.with_total += 1
            self.with_found += snippet_found(predicted, snippet)
        for snippet in without:
            self.without_total += 1
            self.without_leaked += snippet_found(predicted, snippet)
        return score

    @property
    def precision(self) -> float:
        return _mean(s.precision for s in self.pages)

    @property
    def recall(self) -> float:
        return _mean(s.recall for s in self.pages)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def accuracy(self) -> float:
        return sum(s.exact for s in self.pages) / len(self.pages) if self.pages else 0.0

    @property
    def with_share(self) -> float:
        return self.with_found / self.with_total if self.with_total else 1.0

    @property
    def without_share(self) -> float:
        return self.without_leaked / self.without_total if self.without_total else 0.0
