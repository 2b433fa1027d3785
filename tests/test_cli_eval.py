"""`newscrawl eval` on tiny sets built in tmp_path: the figures agree with the metric.

A registered test extractor returns chosen predictions, so every figure can be
computed by hand; the real extractors are then checked for consistency between
the report, the per-page dump and the metric.
"""

from __future__ import annotations

import gzip
import json
import re
import time
from pathlib import Path
from typing import Any

import pytest

from newscrawl.cli import main
from newscrawl.evaluation.metric import Scores, page_scores
from newscrawl.evaluation.runner import (
    EXTRACTORS,
    author_matches,
    date_matches,
    register,
    title_matches,
)

DATA = Path(__file__).parent / "data" / "cli"

#: What the test extractor returns for each page URL.
CANNED: dict[str, Any] = {
    "https://t.example/1": {
        "text": "Alpha beta gamma delta epsilon.",
        "title": "quiet  HARBOUR",
        "authors": ["Ada Lindqvist"],
        "published": "2024-05-14",
    },
    "https://t.example/2": {
        "text": "a b c d e f x y Share this",
        "title": "Other",
        "authors": [],
        "published": "2023-11-05T10:00:00Z",
    },
}


@register("canned")
def canned_extractor(html: bytes, url: str | None) -> dict[str, Any] | None:
    """A third extractor, registered by name: canned answers, a crash, a refusal, a hang."""
    if url == "https://t.example/3":
        raise ValueError("cannot parse")
    if url == "https://t.example/4":
        return None
    if url == "https://t.example/5":
        time.sleep(30)
    return CANNED[str(url)]


GOLDS: list[dict[str, Any]] = [
    {"id": "p1", "url": "https://t.example/1", "page_type": "article",
     "text": "Alpha beta gamma delta epsilon.", "title": "Quiet Harbour",
     "author": "Ada Lindqvist, PhD", "published": "2024-05-14T08:00:00+02:00",
     "with": ["beta  GAMMA"], "without": ["Share this"]},
    {"id": "p2", "url": "https://t.example/2", "page_type": "article",
     "text": "a b c d e f", "title": "Two", "published": "2023-11",
     "with": ["c d e"], "without": ["share THIS"]},
    {"id": "p3", "url": "https://t.example/3", "page_type": "listing",
     "text": "one two three four five", "title": "Three", "author": "Bo Ek",
     "published": "2020-01-01"},
    {"id": "p4", "url": "https://t.example/4", "page_type": "listing", "text": ""},
    {"id": "p5", "url": "https://t.example/5", "page_type": "forum", "text": "x y z w",
     "title": "Five"},
]  # fmt: skip


def make_set(root: Path, golds: list[dict[str, Any]], pages: dict[str, bytes]) -> Path:
    (root / "pages").mkdir(parents=True)
    for page_id, html in pages.items():
        (root / "pages" / f"{page_id}.html.gz").write_bytes(gzip.compress(html))
    (root / "gold.jsonl").write_text("".join(json.dumps(g) + "\n" for g in golds))
    return root


@pytest.fixture
def canned_set(tmp_path: Path) -> Path:
    blank = b"<html><body><p>unused</p></body></html>"
    return make_set(tmp_path / "canned", GOLDS, {g["id"]: blank for g in GOLDS})


def eval_json(args: list[str], capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    assert main(["eval", "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_figures_computed_by_hand(canned_set: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = [str(canned_set), "--extractors", "canned", "-j", "2", "--timeout", "1"]
    (report,) = eval_json(args, capsys)
    assert report["set"] == "canned" and report["extractor"] == "canned"
    assert report["pages"] == 5
    assert report["failures"] == 3
    assert report["failure_reasons"] == {"ValueError": 1, "no-content": 1, "timeout": 1}
    # p1 exact (P 1, R 1); p2 tp 3 fp 4 fn 0 (P 3/7, R 1); p3 and p5 nothing predicted
    # (no P, R 0); p4 both empty (neither, but exact)
    p, r = (1 + 3 / 7) / 2, (1 + 1 + 0 + 0) / 4
    assert report["precision"] == pytest.approx(p, abs=1e-4)
    assert report["recall"] == pytest.approx(r, abs=1e-4)
    assert report["f1"] == pytest.approx(2 * p * r / (p + r), abs=1e-4)
    assert report["accuracy"] == pytest.approx(2 / 5)
    assert report["with_found"] == 1.0  # "beta gamma" on p1, "c d e" on p2
    assert report["without_leaked"] == 0.5  # "Share this" leaked on p2, not on p1
    pa = (1 + 3 / 7) / 2
    assert report["f1_by_type"] == {
        "article": pytest.approx(2 * pa / (pa + 1), abs=1e-4),
        "forum": None,  # no page with a prediction: precision undefined
        "listing": None,
    }
    assert report["by_type"]["listing"]["pages"] == 2
    assert report["by_type"]["listing"]["recall"] == 0.0  # p3 only; p4's gold is empty
    # title: p1 (case and spaces ignored) of p1, p2, p3, p5
    assert (report["title_accuracy"], report["title_pages"]) == (0.25, 4)
    # author: p1 ("Ada Lindqvist" of "Ada Lindqvist, PhD") of p1, p3
    assert (report["author_accuracy"], report["author_pages"]) == (0.5, 2)
    # date: p1 (same day), p2 (gold gives the month only) of p1, p2, p3
    assert report["date_accuracy"] == pytest.approx(2 / 3, abs=1e-4)
    assert report["workers"] == 2 and report["pages_per_second"] > 0


def test_dump_has_every_page_with_its_f1(
    canned_set: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dump = tmp_path / "dump"
    args = [str(canned_set), "--extractors", "canned", "--timeout", "1", "--dump", str(dump)]
    eval_json(args, capsys)
    rows = [json.loads(line) for line in (dump / "canned.canned.jsonl").read_text().splitlines()]
    assert [r["id"] for r in rows] == ["p1", "p2", "p3", "p4", "p5"]
    assert [r["f1"] for r in rows] == [1.0, pytest.approx(0.6, abs=1e-4), 0.0, 1.0, 0.0]
    assert [r["error"] for r in rows] == [None, None, "ValueError: cannot parse", "no-content",
                                          "timeout"]  # fmt: skip
    assert rows[1]["without_leaked"] == ["share THIS"] and rows[1]["with_missed"] == []
    assert rows[0]["text"] == CANNED["https://t.example/1"]["text"]


def test_ids_file_and_limit_select_pages(
    canned_set: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = tmp_path / "ids.txt"
    ids.write_text("# the two articles\np2\n\np1  # and this one\n")
    (report,) = eval_json(
        [str(canned_set), "--extractors", "canned", "--ids-file", str(ids)], capsys
    )
    assert report["pages"] == 2 and report["failures"] == 0
    (report,) = eval_json([str(canned_set), "--extractors", "canned", "--limit", "1"], capsys)
    assert report["pages"] == 1 and report["f1"] == 1.0


def test_table_lists_every_figure(canned_set: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["eval", str(canned_set), "--extractors", "canned", "--timeout", "1", "--worst", "2"]
    assert main(args) == 0
    table = capsys.readouterr().out
    labels = ["pages", "failures", "precision", "recall", "F1", "accuracy", "`with` found",
              "`without` leaked", "F1 article (2)", "F1 listing (2)", "title exact (4)",
              "author (2)", "date (3)", "pages/s",
              "canned worst: p3 (0.00), p5 (0.00)"]  # fmt: skip
    for label in labels:
        assert label in table, label
    assert re.search(r"\n  accuracy +0\.400\n", table)


def test_real_extractors_agree_with_the_metric(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    story = (DATA / "story.html").read_bytes()
    golds: list[dict[str, Any]] = [
        {"id": "a", "url": "https://coast.example/harbour-reopens/", "page_type": "article",
         "text": "The old harbour reopened to fishing boats on Saturday after six weeks of "
                 "repairs to the sea wall, which was breached during the January storms that "
                 "flooded the lower town.",
         "title": "Harbour reopens after storm repairs", "published": "2024-03-02",
         "with": ["six weeks of repairs"], "without": ["Share this:"]},
        {"id": "b", "page_type": "listing", "text": "Nothing here to find at all."},
        {"id": "c", "page_type": "article", "text": "Library hours",
         "title": "Library extends its opening hours", "author": "Ada Lindqvist"},
    ]  # fmt: skip
    pages = {
        "a": story,
        "b": b"<html><body></body></html>",
        "c": (DATA / "site" / "a" / "first.html").read_bytes(),
    }
    evalset = make_set(tmp_path / "mini", golds, pages)
    dump = tmp_path / "dump"
    reports = eval_json([str(evalset), "-j", "2", "--dump", str(dump)], capsys)
    assert [r["extractor"] for r in reports] == ["newscrawl", "trafilatura"]
    for report in reports:
        rows = [json.loads(line) for line in (dump / f"mini.{report['extractor']}.jsonl").open()]
        scores = Scores()
        for gold, row in zip(golds, rows, strict=True):
            assert row["id"] == gold["id"]
            scores.add(row["text"], gold["text"], gold.get("with", []),
                           gold.get("without", []), gold["page_type"])  # fmt: skip
            assert row["f1"] == pytest.approx(page_scores(row["text"], gold["text"]).f1, abs=1e-4)
        for key in ("precision", "recall", "f1", "accuracy", "with_found", "without_leaked"):
            expected = getattr(scores, key)
            assert report[key] == (None if expected is None else pytest.approx(expected, abs=1e-4))
        assert report["failures"] == sum(r["error"] is not None for r in rows)
        assert rows[1]["error"] is not None and rows[1]["text"] == ""  # an empty page
        titled = [(r, g) for r, g in zip(rows, golds, strict=True) if g.get("title")]
        hits = sum(title_matches(r["title"], g["title"]) for r, g in titled)
        assert report["title_accuracy"] == hits / len(titled)
        assert report["author_accuracy"] == float(
            author_matches(rows[2]["authors"], "Ada Lindqvist")
        )
        assert report["date_accuracy"] == float(date_matches(rows[0]["published"], "2024-03-02"))
    ours = reports[0]
    assert ours["with_found"] == 1.0 and ours["without_leaked"] == 0.0
    assert ours["title_accuracy"] == 1.0 and ours["date_accuracy"] == 1.0


def test_metadata_matching_rules() -> None:
    assert title_matches(" Quiet\nHarbour ", "quiet harbour")
    assert not title_matches(None, "Quiet Harbour")
    gold = "Danielle DeSiato, Donna Enzmann, and Natalie Nguyen"
    assert author_matches(["Natalie Nguyen"], gold)
    assert author_matches("By Ada Lindqvist", "Ada Lindqvist, PhD")
    assert not author_matches(["Adam Smith"], "Ada Lindqvist")  # whole words only
    assert not author_matches([], "Bo Ek")
    assert date_matches("2024-05-14T23:00:00+02:00", "2024-05-14")
    assert not date_matches("2024-05-15", "2024-05-14T08:00")
    assert date_matches("2015-11-20", "2015-11") and not date_matches(None, "2015-11")


def test_usage_errors_exit_2(
    canned_set: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["eval", str(tmp_path / "nowhere")]) == 2
    assert main(["eval", str(canned_set), "--extractors", "nosuch"]) == 2
    assert main(["eval", str(canned_set), "--limit", "0"]) == 2
    ids = tmp_path / "ids.txt"
    ids.write_text("zz\n")
    assert main(["eval", str(canned_set), "--ids-file", str(ids)]) == 2
    assert main(["eval", str(canned_set), "--ids-file", str(tmp_path / "missing.txt")]) == 2
    assert capsys.readouterr().out == ""


def test_extractors_are_registered_by_name() -> None:
    assert {"newscrawl", "trafilatura", "readability", "canned"} <= set(EXTRACTORS)
    assert EXTRACTORS["canned"] is canned_extractor


def test_readability_extractor_gives_the_article_a_paragraph_per_block() -> None:
    """readability-lxml, the third extractor a user might call: its article, not the page."""
    story = "The council met on {} evening and agreed to publish the full harbour report."
    html = (
        "<html><head><title>Harbour plan</title></head><body><nav><a href='/'>Home</a>"
        "<a href='/news'>News</a></nav><article>"
        + "".join(f"<p>{story.format(day)}</p>" for day in ("Monday", "Tuesday", "Friday"))
        + "</article><footer>Copyright Town news</footer></body></html>"
    ).encode()
    result = EXTRACTORS["readability"](html, None)
    assert result is not None and result["title"] == "Harbour plan"
    assert result["text"].split("\n\n") == [
        story.format(day) for day in ("Monday", "Tuesday", "Friday")
    ]


@register("lead-only")
def lead_only_extractor(html: bytes, url: str | None) -> dict[str, Any] | None:
    """An extractor that cuts every article after its first paragraph: a truncation."""
    full = EXTRACTORS["trafilatura"](html, url)
    return full and {**full, "text": full["text"].split("\n\n")[0]}


STORY_PARAGRAPHS = [
    "The ferry service between the two islands resumed on Monday after the strike ended "
    "with an agreement on pay and working hours for the crews.",
    "Passengers queued from early morning at the harbour, where the first boat left at "
    "seven o'clock with more than two hundred people on board.",
    "The operator said the timetable would return to normal by the end of the week, once "
    "the boats that had been laid up were inspected and refuelled.",
    "Local businesses, which had lost most of their summer trade during the strike, "
    "welcomed the news and said they hoped the visitors would now come back.",
]


def test_truncated_pages_are_counted_against_trafilatura(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An article where an extractor keeps far less of the gold than trafilatura is a
    truncation; a listing is not counted, nor a snippets-only page (no gold text)."""
    page = (
        "<html><head><title>Ferries resume</title></head><body><article><h1>Ferries resume"
        "</h1>" + "".join(f"<p>{p}</p>" for p in STORY_PARAGRAPHS) + "</article></body></html>"
    ).encode()
    text = "\n\n".join(STORY_PARAGRAPHS)
    golds: list[dict[str, Any]] = [
        {"id": "cut", "page_type": "article", "text": text},
        {"id": "list", "page_type": "listing", "text": text},
        {"id": "snips", "page_type": "article", "with": ["first boat left"]},
    ]
    evalset = make_set(tmp_path / "news", golds, dict.fromkeys(("cut", "list", "snips"), page))
    dump = tmp_path / "dump"
    args = [str(evalset), "--extractors", "lead-only,trafilatura", "--dump", str(dump)]
    ours, theirs = eval_json([*args, "--worst", "3"], capsys)
    assert ours["truncated"] == 1 and "truncated" not in theirs
    (cut,) = ours["truncated_pages"]
    assert cut["id"] == "cut" and cut["recall"] < 0.4 and cut["baseline_recall"] == 1.0
    rows = (dump / "news.lead-only.truncated.jsonl").read_text().splitlines()
    assert [json.loads(r)["id"] for r in rows] == ["cut"]
    # the snippets-only page has no text figures (counted, its precision would be 0)
    assert theirs["precision"] > 0.9 and theirs["recall"] == 1.0 and theirs["with_found"] == 1.0
    assert main(["eval", *args, "--worst", "1"]) == 0
    table = capsys.readouterr().out
    assert re.search(r"truncated \(vs trafilatura\) +1 +-\n", table)
    assert re.search(r"lead-only truncated: cut \(0\.\d\d < 1\.00\)", table)


def test_worst_pages_of_a_snippets_only_set_are_those_missing_snippets(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = (
        "<html><head><title>Ferries resume</title></head><body><article>"
        + "".join(f"<p>{p}</p>" for p in STORY_PARAGRAPHS)
        + "</article></body></html>"
    ).encode()
    golds: list[dict[str, Any]] = [
        {"id": "a-found", "with": ["first boat left"]},
        {"id": "b-missed", "with": ["no such words anywhere"], "without": ["ferry service"]},
    ]
    evalset = make_set(tmp_path / "snips", golds, dict.fromkeys(("a-found", "b-missed"), page))
    (report,) = eval_json([str(evalset), "--extractors", "trafilatura", "--worst", "1"], capsys)
    assert report["f1"] is None and report["with_found"] == 0.5
    assert [w["id"] for w in report["worst"]] == ["b-missed"]
