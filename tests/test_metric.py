"""The evaluation metric on small cases computed by hand."""

from __future__ import annotations

import pytest

from newscrawl.evaluation.metric import (
    Scores,
    f1_of,
    page_scores,
    shingles,
    snippet_found,
    tokens,
)


def test_tokens_are_word_runs_with_case_kept() -> None:
    assert tokens("It's 2024 — Zürich, café!") == ["It", "s", "2024", "Zürich", "café"]
    assert tokens("snake_case and\nnew-lines") == ["snake_case", "and", "new", "lines"]
    assert tokens(None) == [] and tokens("  — ! ") == []


def test_shingles_are_counted_four_tokens_at_a_time() -> None:
    assert shingles(tokens("a b c d e")) == {("a", "b", "c", "d"): 1, ("b", "c", "d", "e"): 1}
    assert shingles(tokens("a b a b a b a")) == {("a", "b", "a", "b"): 2, ("b", "a", "b", "a"): 2}
    assert shingles(tokens("exactly four tokens here")) == {
        ("exactly", "four", "tokens", "here"): 1
    }


def test_texts_under_four_tokens_are_one_shingle_and_empty_texts_none() -> None:
    assert shingles(tokens("two words")) == {("two", "words"): 1}
    assert shingles(tokens("one")) == {("one",): 1}
    assert shingles([]) == {}


def test_identical_texts_score_one_and_are_exact() -> None:
    # layout and punctuation do not matter: the token sequences are equal
    s = page_scores("One two, three\n\nfour five.", "One  two three four five")
    assert (s.tp, s.fp, s.fn, s.exact) == (2, 0, 0, True)
    assert s.precision == s.recall == s.f1 == 1.0


def test_disjoint_texts_score_zero() -> None:
    s = page_scores("a b c d e", "v w x y z")
    assert (s.tp, s.fp, s.fn, s.exact) == (0, 2, 2, False)
    assert s.precision == s.recall == s.f1 == 0.0


def test_case_is_kept() -> None:
    s = page_scores("The Cat sat down", "the cat sat down")
    assert (s.tp, s.fp, s.fn, s.exact) == (0, 1, 1, False)


def test_boilerplate_added_costs_precision_only() -> None:
    # gold a b c d e f: abcd bcde cdef; predicted adds x y: + defx efxy
    s = page_scores("a b c d e f x y", "a b c d e f")
    assert (s.tp, s.fp, s.fn) == (3, 2, 0)
    assert s.precision == pytest.approx(3 / 5)
    assert s.recall == 1.0
    assert s.f1 == pytest.approx(2 * 0.6 * 1 / 1.6)
    assert not s.exact


def test_shingles_match_with_their_counts() -> None:
    # gold "a b c d a b c d": abcd x2, bcda, cdab, dabc (5 shingles);
    # predicted "a b c d x": abcd, bcdx. tp = min(2, 1) = 1; fp = 1 (bcdx); fn = 1 + 3 = 4
    s = page_scores("a b c d x", "a b c d a b c d")
    assert (s.tp, s.fp, s.fn) == (1, 1, 4)
    assert s.precision == pytest.approx(1 / 2)
    assert s.recall == pytest.approx(1 / 5)
    assert s.f1 == pytest.approx(2 * 0.5 * 0.2 / 0.7)


def test_text_extracted_twice_counts_the_repeats_as_false_positives() -> None:
    # gold: abcd bcde; predicted twice: abcd x2, bcde x2, cdea, deab, eabc
    s = page_scores("a b c d e a b c d e", "a b c d e")
    assert (s.tp, s.fp, s.fn) == (2, 5, 0)
    assert s.precision == pytest.approx(2 / 7) and s.recall == 1.0


def test_empty_prediction_has_no_precision_and_zero_recall() -> None:
    s = page_scores("", "a b c d e")
    assert (s.tp, s.fp, s.fn) == (0, 0, 2)
    assert s.precision is None and s.recall == 0.0 and s.f1 == 0.0


def test_empty_gold_has_no_recall_and_any_prediction_zero_precision() -> None:
    s = page_scores("Menu Login Sign up", "")
    assert (s.tp, s.fp, s.fn) == (0, 1, 0)
    assert s.precision == 0.0 and s.recall is None and s.f1 == 0.0


def test_both_empty_is_exact_and_has_neither_precision_nor_recall() -> None:
    s = page_scores(None, "  ")
    assert (s.tp, s.fp, s.fn, s.exact) == (0, 0, 0, True)
    assert s.precision is None and s.recall is None
    assert s.f1 == 1.0  # nothing to find and nothing found: right, for ranking pages


def test_short_texts_must_match_whole() -> None:
    assert page_scores("Hello world", "Hello world").f1 == 1.0
    # one shingle each, and they differ: a short gold text is all or nothing
    s = page_scores("Hello world again", "Hello world")
    assert (s.tp, s.fp, s.fn) == (0, 1, 1)
    s = page_scores("a b c d e", "a b")  # predicted abcd, bcde; gold the one shingle ab
    assert (s.tp, s.fp, s.fn) == (0, 2, 1)


def test_set_figures_are_means_over_the_pages_that_define_them() -> None:
    scores = Scores()
    scores.add("a b c d e", "a b c d e")  # P 1, R 1, exact
    scores.add("a b c d x", "a b c d a b c d")  # P 1/2, R 1/5
    scores.add("", "a b c d e")  # P undefined (left out), R 0
    scores.add("", "")  # neither defined; exact
    assert len(scores) == 4
    assert scores.precision == pytest.approx((1 + 0.5) / 2)
    assert scores.recall == pytest.approx((1 + 0.2 + 0) / 3)
    p, r = 0.75, 0.4
    assert scores.f1 == pytest.approx(2 * p * r / (p + r))  # from the means, not a mean of F1s
    assert scores.accuracy == 0.5
    assert [round(s.f1, 3) for s in scores.pages] == [1.0, 0.286, 0.0, 1.0]


def test_set_figures_nothing_defines_are_none() -> None:
    empty = Scores()
    assert empty.precision is None and empty.f1 is None and empty.accuracy is None
    nothing_predicted = Scores()
    nothing_predicted.add("", "a b c d")
    assert nothing_predicted.precision is None and nothing_predicted.recall == 0.0
    assert nothing_predicted.f1 is None
    assert f1_of(0.0, 0.0) == 0.0 and f1_of(1.0, None) is None


def test_snippets_match_case_and_space_insensitively() -> None:
    assert snippet_found("Share  this:\nTwitter", "share THIS: twitter")
    assert snippet_found("Straße", "STRASSE")  # case-folded, not just lower-cased
    assert not snippet_found("Sharing", "share this")
    assert not snippet_found(None, "x")


def test_snippet_shares_pool_every_snippet_of_every_page() -> None:
    scores = Scores()
    scores.add("Body text. Share this:", "Body text.", ["body text", "missing"], ["SHARE THIS"])
    scores.add("Other body.", "Other body.", ["other body"], ["menu", "login"])
    assert scores.with_found == pytest.approx(2 / 3)
    assert scores.without_leaked == pytest.approx(1 / 3)
    no_snippets = Scores()
    no_snippets.add("a", "a")
    assert no_snippets.with_found is None and no_snippets.without_leaked is None


def test_figures_by_page_type() -> None:
    scores = Scores()
    scores.add("a b c d e", "a b c d e", page_type="article")
    scores.add("a b c d e f x y", "a b c d e f", page_type="article")  # P 3/5, R 1
    scores.add("x y z w", "a b c d", page_type="listing")  # P 0, R 0
    scores.add("a b c d", "a b c d")  # no type: in the totals only
    groups = scores.by_type()
    assert list(groups) == ["article", "listing"]
    assert len(groups["article"]) == 2
    p, r = (1 + 0.6) / 2, 1.0
    assert groups["article"].f1 == pytest.approx(2 * p * r / (p + r))
    assert groups["listing"].f1 == 0.0
    assert len(scores) == 4
