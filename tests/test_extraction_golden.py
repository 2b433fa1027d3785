"""Every page of the fixture site extracts to its golden text and metadata, exactly."""

from __future__ import annotations

from typing import Any

import pytest

from newscrawl.extraction import extract
from tests.conftest import SITE, goldens

GOLDENS = goldens()
FIELDS = ("title", "authors", "published", "modified", "categories", "tags", "language",
          "description", "image", "site_name", "canonical_url")  # fmt: skip


@pytest.mark.parametrize("path", sorted(GOLDENS))
def test_page_matches_its_golden_file(path: str) -> None:
    gold: dict[str, Any] = GOLDENS[path]
    article = extract((SITE / path.strip("/") / "index.html").read_bytes(), url=gold["url"])
    assert article.text == gold["text"]
    assert {f: getattr(article, f) for f in FIELDS} == {f: gold[f] for f in FIELDS}
    assert article.page_type == "article"
    low = article.text.casefold()
    assert [s for s in gold["with"] if s.casefold() not in low] == []
    assert [s for s in gold["without"] if s.casefold() in low] == []
