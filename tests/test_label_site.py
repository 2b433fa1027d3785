"""Site templates on a wget mirror whose boilerplate is a fixed label before a changing
link or number (``fixtures/label-site``, written by its ``make.py``): the pages' URLs come
from the mirror's layout, and with templates every page is its article exactly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newscrawl.cli import main
from newscrawl.evaluation.metric import page_scores
from tests.conftest import REPO

SITE = REPO / "fixtures" / "label-site"


def extract(tmp_path: Path, *options: str) -> list[tuple[float, list[str], dict]]:
    """Each page's F1, the boilerplate snippets that leaked, and what was removed."""
    out = tmp_path / "out.jsonl"
    assert main(["extract", str(SITE), "-j", "1", "-o", str(out), *options]) == 0
    gold = {g["url"]: g for g in map(json.loads, (SITE / "gold.jsonl").open())}
    rows = [json.loads(line) for line in out.open()]
    assert {r["url"] for r in rows} == set(gold)  # (every URL from the mirror's layout)
    return [
        (
            page_scores(r["text"], gold[r["url"]]["text"]).f1,
            [s for s in gold[r["url"]]["without"] if s.casefold() in r["text"].casefold()],
            r["removed"],
        )
        for r in rows
    ]


@pytest.mark.parametrize("templates", [True, False])
def test_a_label_before_a_changing_link_or_number_is_learned(
    tmp_path: Path, templates: bool
) -> None:
    pages = extract(tmp_path, "--site-templates" if templates else "--no-site-templates")
    assert len(pages) == 12
    if templates:
        assert all(f1 == pytest.approx(1.0) and not leaks for f1, leaks, _ in pages)
        assert any("template:recurring-label" in removed for *_, removed in pages)
    else:  # generic rules alone do not know these lines
        assert all(leaks for _, leaks, _ in pages)
