"""The evaluation metric on small cases computed by hand."""

from __future__ import annotations

import pytest

from newscrawl.evaluation.metric import Scores, page_scores, shingles, snippet_found, tokens


def test_tokens_are_word_runs_with_case_kept() -> None:
    assert tokens("It's 2024 — Zürich, café!") == ["It", "s", "2024", "Zürich", "café"]


def test_shingles_count_repeats_and_short_texts_make_one() -> None:
    assert sum(shingles(tokens("a b c d e")).values()) == 2
    assert shingles(tokens("a b a b a b a")) == {("a", "b", "a", "b"): 2, ("b", "a", "b", "a"): 2}
    assert shingles(tokens("two words")) == {("two", "words"): 1}
    assert shingles([]) == {}


def test_identical_texts_score_one_and_are_exact() -> None:
    s = page_scores("one two three four five", "one  two three four five")
    assert (s.tp, s.fp, s.fn, s.exact) == (2, 0, 0, True)
    assert s.precision == s.recall == s.f1 == 1.0


def test_partial_overlap() -> None:
    # gold: a b c d e f (3 shingles); predicted adds boilerplate x y: a b c d e f x y
    s = page_scores("a b c d e f x y", "a b c d e f")
    assert (s.tp, s.fp, s.fn) == (3, 2, 0)
    assert s.precision == pytest.approx(3 / 5)
    assert s.recall == 1.0
    assert s.f1 == pytest.approx(2 * 0.6 / 1.6)
    assert not s.exact


def test_empty_prediction_has_no_precision_and_zero_recall() -> None:
    s = page_scores("", "a b c d e")
    assert s.precision is None and s.recall == 0.0 and s.f1 == 0.0


def test_set_means_skip_pages_without_predictions_for_precision() -> None:
    scores = Scores()
    scores.add("a b c d e", "a b c d e")  # perfect
    scores.add("", "a b c d e")  # nothing predicted: precision undefined, recall 0
    assert scores.precision == 1.0
    assert scores.recall == 0.5
    assert scores.f1 == pytest.approx(2 * 0.5 / 1.5)
    assert scores.accuracy == 0.5


def test_snippets_are_matched_case_and_space_insensitively() -> None:
    assert snippet_found("Share  this:\nTwitter", "share this:")
    assert not snippet_found("Sharing", "share this")
    scores = Scores()
    scores.add("Body text. Share this:", "Body text.", with_=["body text"], without=["SHARE THIS"])
    assert scores.with_share == 1.0 and scores.without_share == 1.0
