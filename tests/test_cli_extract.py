"""`newscrawl extract`: saved pages to ordered JSONL, in process and as a real command.

The pages are small hand-made files under tests/data/cli/.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newscrawl import cli
from newscrawl.cli import Progress, find_pages, main
from newscrawl.evaluation.pool import run_ordered

DATA = Path(__file__).parent / "data" / "cli"
STORY_TITLE = "Harbour reopens after storm repairs"


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[dict], str]:
    code = main(args)
    captured = capsys.readouterr()
    rows = [json.loads(line) for line in captured.out.splitlines() if line.strip()]
    return code, rows, captured.err


def test_a_page_becomes_one_line_with_the_article(capsys: pytest.CaptureFixture[str]) -> None:
    code, rows, err = run(["extract", str(DATA / "story.html")], capsys)
    assert code == 0 and len(rows) == 1
    row = rows[0]
    assert row["source"] == str(DATA / "story.html")
    assert row["title"] == STORY_TITLE
    assert row["canonical_url"] == "https://coast.example/harbour-reopens/"
    assert "sea wall" in row["text"] and "Share this" not in row["text"]
    assert {"url", "authors", "published", "page_type", "word_count", "content_hash"} <= set(row)
    assert err == ""  # no progress bar when stderr is not a terminal


def test_inputs_keep_their_order_and_failures_are_lines_too(
    capsys: pytest.CaptureFixture[str],
) -> None:
    files = [
        DATA / "story.html.gz",
        DATA / "garbage.html",
        DATA / "ferry.html",
        DATA / "empty.html",
        DATA / "story.html",
    ]
    code, rows, _ = run(["extract", *map(str, files), "-j", "2"], capsys)
    assert code == 1  # some inputs failed
    assert [r["source"] for r in rows] == [str(f) for f in files]
    gz, garbage, ferry, empty, story = rows
    assert gz["text"] == story["text"] and gz["title"] == STORY_TITLE
    assert ferry["title"] == "Ferry timetable changes for the summer"
    for bad in (garbage, empty):
        assert bad["error"] and "detail" in bad and "url" in bad and "text" not in bad
    assert empty["error"] == "empty"


def test_bytes_are_decoded_by_their_declared_charset(capsys: pytest.CaptureFixture[str]) -> None:
    code, rows, _ = run(["extract", str(DATA / "latin1.html")], capsys)
    assert code == 0
    assert rows[0]["title"] == "Le marché de Noël"
    assert "goûter le vin chaud" in rows[0]["text"]


def test_a_folder_is_searched_recursively_in_sorted_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = DATA / "site"
    assert find_pages([str(site)]) == [site / "a" / "first.html", site / "b" / "second.htm"]
    out = tmp_path / "out.jsonl"
    code, rows, _ = run(["extract", str(site), str(DATA / "story.html"), "-o", str(out)], capsys)
    assert code == 0 and rows == []  # all went to the file
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [Path(r["source"]).name for r in rows] == ["first.html", "second.htm", "story.html"]
    assert rows[0]["title"] == "Library extends its opening hours"
    assert all(r["word_count"] > 40 for r in rows)


def test_url_is_given_to_a_single_page(capsys: pytest.CaptureFixture[str]) -> None:
    url = "https://mirror.example/saved/harbour"
    code, rows, _ = run(["extract", str(DATA / "story.html"), "--url", url], capsys)
    assert code == 0 and rows[0]["url"] == url


@pytest.mark.parametrize(
    "args",
    [
        ["extract", "/nonexistent/page.html"],
        [
            "extract",
            str(DATA / "story.html"),
            str(DATA / "ferry.html"),
            "--url",
            "https://x.example/",
        ],
        ["extract", str(DATA / "site" / "notes.txt")],  # not a page
        ["extract", str(DATA), "-j", "0"],
        ["extract"],
        ["frobnicate"],
        [],
    ],
)
def test_usage_errors_exit_2(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(args) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err


def test_a_folder_without_pages_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "readme.txt").write_text("no pages here")
    assert main(["extract", str(tmp_path)]) == 2
    assert "no .html" in capsys.readouterr().err


def test_an_unwritable_output_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "missing" / "out.jsonl"
    assert main(["extract", str(DATA / "story.html"), "-o", str(target)]) == 2
    assert "cannot write" in capsys.readouterr().err


def test_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    assert "extract" in capsys.readouterr().out


def command(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "newscrawl.cli", *args], capture_output=True, text=True, timeout=120
    )


def test_runs_as_a_module_in_a_subprocess(tmp_path: Path) -> None:
    proc = command("extract", str(DATA / "story.html"), str(DATA / "site"))
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [Path(r["source"]).name for r in rows] == ["story.html", "first.html", "second.htm"]
    assert rows[0]["site_name"] == "Coast Times"
    assert proc.stderr == ""  # not a terminal: no progress bar

    proc = command("extract", str(DATA / "garbage.html"))
    assert proc.returncode == 1 and json.loads(proc.stdout)["error"]
    assert command("extract", str(tmp_path / "none.html")).returncode == 2


def test_console_script() -> None:
    script = shutil.which("newscrawl", path=str(Path(sys.executable).parent))
    if script is None:
        pytest.skip("the package is not installed with its console script")
    proc = subprocess.run(
        [script, "extract", str(DATA / "story.html.gz")], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["title"] == STORY_TITLE


def test_progress_bar_only_on_a_terminal() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    tty, pipe = Terminal(), io.StringIO()
    for stream in (tty, pipe):
        bar = Progress(stream)
        for done in range(1, 4):
            bar("extracting", done, 3)
    assert pipe.getvalue() == ""
    assert tty.getvalue().endswith("[" + "#" * 30 + "] 3/3\n")


# -- the worker pool under extract: order kept, bad jobs contained ------------------
def _work(job: str) -> str:
    if job == "slow":
        time.sleep(30)
    elif job == "raise":
        raise ValueError("bad page")
    elif job == "die":
        os._exit(1)  # a segfault or the OOM killer, as the pool sees it
    return job.upper()


def _failed(job: str, reason: str, detail: str) -> str:
    return f"{job}:{reason}"


def test_pool_keeps_order_and_contains_timeouts_crashes_and_dead_workers() -> None:
    jobs = ["a", "slow", "b", "raise", "c", "die", *"defghij"]
    start = time.monotonic()
    results = list(run_ordered(_work, jobs, _failed, workers=2, timeout=1.0))
    assert results == ["A", "slow:timeout", "B", "raise:crash", "C", "die:worker-died",
                       *"DEFGHIJ"]  # fmt: skip
    assert time.monotonic() - start < 25  # the slow job was cut off


def _logged_observe(job: tuple[str, str | None]) -> object:
    """``cli._observe``, logging each page it parses (to the file the test names)."""
    with open(os.environ["OBSERVED_LOG"], "a", encoding="utf-8") as log:
        log.write(Path(job[0]).name + "\n")
    return ORIGINAL_OBSERVE(job)


ORIGINAL_OBSERVE = cli._observe


def test_template_learning_skips_hosts_with_too_few_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hosts with fewer pages than a template needs are decided from the URLs alone:
    their pages are never parsed for learning; a host with enough pages is learned."""
    from newscrawl.extraction.thresholds import MIN_TEMPLATE_PAGES

    pages = []
    for host, count in (("small.example", MIN_TEMPLATE_PAGES - 1), ("big.example", 6)):
        for n in range(count):
            page = tmp_path / f"{host}-{n}.html"
            page.write_text(
                f"<html><head><link rel='canonical' href='https://{host}/p/{n}/'></head>"
                f"<body><div class='promo'>Listen to the {host} radio show tonight</div>"
                f"<article><p>Story {n} of {host}: the harbour plan was debated at length "
                "by the council on Tuesday evening.</p></article></body></html>"
            )
            pages.append(page)
    log = tmp_path / "observed.log"
    monkeypatch.setenv("OBSERVED_LOG", str(log))
    monkeypatch.setattr(cli, "_observe", _logged_observe)
    rules = cli._learn_templates(pages, [None] * len(pages), 1, Progress(io.StringIO()))
    observed = sorted(log.read_text().split())
    assert observed == sorted(p.name for p in pages if p.name.startswith("big"))
    assert [r is None for r in rules] == [p.name.startswith("small") for p in pages]
    assert all(r.texts for r in rules if r is not None)  # (the promo line recurs)


# -- page URLs: --urls lists and wget mirrors --------------------------------------------
CONTRIBUTOR = "The writer is a contributor to Coast News. The opinions expressed are theirs."
NAMES = ("alpha", "bravo", "charlie", "delta", "echo", "foxtrot")


def bare_page(name: str) -> str:
    """A story with no canonical link or og:url, ending in the site's recurring line."""
    return (
        f"<html><head><title>The {name} story</title></head><body><article>"
        f"<h1>The {name} story of the harbour</h1>"
        f"<p>The {name} paragraph: the harbour plan was debated at length by the {name} "
        "council on Tuesday evening, with residents and traders.</p>"
        f"<p>Then the {name} council agreed to publish the full report, with its costs "
        f"and its timetable, next week in {name} town.</p><p>{CONTRIBUTOR}</p>"
        "</article></body></html>"
    )


def test_a_url_list_gives_pages_their_site_and_its_template(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without URLs the pages belong to no site and the recurring line stays; with a
    JSON-lines list (paths relative to the list) they are one site's and it goes."""
    for name in NAMES:
        (tmp_path / f"{name}.html").write_text(bare_page(name))
    urls = tmp_path / "urls.jsonl"
    urls.write_text(
        "".join(
            json.dumps({"path": f"{n}.html", "url": f"https://coast.example/2024/{n}/"}) + "\n"
            for n in NAMES
        )
    )
    _, plain, _ = run(["extract", str(tmp_path), "-j", "1"], capsys)
    assert all(r["url"] is None and CONTRIBUTOR in r["text"] for r in plain)
    code, rows, err = run(["extract", str(tmp_path), "-j", "1", "--urls", str(urls)], capsys)
    assert code == 0, err
    assert [r["url"] for r in rows] == [f"https://coast.example/2024/{n}/" for n in sorted(NAMES)]
    assert all(CONTRIBUTOR not in r["text"] and "harbour plan" in r["text"] for r in rows)
    assert all(r["removed"].get("template:recurring-text") for r in rows)


def test_a_csv_url_list_with_paths_from_the_current_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    for name in NAMES[:2]:
        (pages / f"{name}.html").write_text(bare_page(name))
    listing = tmp_path / "lists" / "urls.csv"
    listing.parent.mkdir()
    listing.write_text(
        "url,path\n" + "".join(f"https://coast.example/{n}/,pages/{n}.html\n" for n in NAMES[:2])
    )
    monkeypatch.chdir(tmp_path)
    code, rows, _ = run(["extract", "pages", "--urls", str(listing)], capsys)
    assert code == 0
    assert [r["url"] for r in rows] == [f"https://coast.example/{n}/" for n in NAMES[:2]]


def test_a_wget_mirror_names_each_pages_url(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``HOST/path/index.html`` and ``HOST/path.html`` under the folder given are the
    pages' URLs, so the site's template is learned from the mirror alone."""
    mirror = tmp_path / "mirror"
    for n, name in enumerate(NAMES):
        page = (
            mirror / "coast.example" / "2024" / name / "index.html"
            if n % 2
            else mirror / "coast.example" / "news" / f"{name}.html"
        )
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(bare_page(name))
    code, rows, _ = run(["extract", str(mirror), "-j", "1"], capsys)
    assert code == 0
    urls = {Path(r["source"]).parent.name + "/" + Path(r["source"]).name: r["url"] for r in rows}
    assert urls["bravo/index.html"] == "https://coast.example/2024/bravo/"
    assert urls["news/alpha.html"] == "https://coast.example/news/alpha.html"
    assert all(CONTRIBUTOR not in r["text"] for r in rows)


@pytest.mark.parametrize(
    ("relative", "url"),
    [
        ("news.example/a/b.html", "https://news.example/a/b.html"),
        ("news.example/a/index.html", "https://news.example/a/"),
        ("News.Example:8080/index.htm", "https://news.example:8080/"),
        ("127.0.0.1+8080/x/y.html.gz", "https://127.0.0.1:8080/x/y.html"),
        ("news.example/a b.html", "https://news.example/a%20b.html"),
        ("pages/a.html", None),  # (no host-like first folder)
        ("v1.2/a.html", None),
        ("a.html", None),
    ],
)
def test_mirror_urls(relative: str, url: str | None) -> None:
    from newscrawl.pageurls import mirror_url

    assert mirror_url(Path("/m") / relative, Path("/m")) == url


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"path": "a.html", "url": "https://x.example/a"}\nnot json\n', "urls.txt:2: not JSON"),
        ('{"path": "a.html"}\n', 'urls.txt:1: needs "path" and "url"'),
        ('{"path": "a.html", "url": "ftp://x.example/a"}\n', "not an http(s) URL"),
        ("file,address\na.html,https://x.example/a\n", "needs a header with path and url"),
    ],
)
def test_a_bad_url_list_is_one_clear_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    (tmp_path / "a.html").write_text(bare_page("alpha"))
    (tmp_path / "urls.txt").write_text(content)
    code = main(["extract", str(tmp_path / "a.html"), "--urls", str(tmp_path / "urls.txt")])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_url_and_urls_together_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.html").write_text(bare_page("alpha"))
    (tmp_path / "u.jsonl").write_text("")
    args = ["extract", str(tmp_path / "a.html"), "--url", "https://x.example/", "--urls"]
    assert main([*args, str(tmp_path / "u.jsonl")]) == 2
    assert "not both" in capsys.readouterr().err


# -- the lines and their schema -------------------------------------------------------
SCHEMAS = Path(__file__).parent.parent / "newscrawl" / "schema"


def test_every_line_is_valid_against_the_shipped_schema(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Articles carry every item field of the crawl's output (plus source and
    input_truncated); failures carry the reason. A page cut at the size the extraction
    reads is flagged."""
    import jsonschema

    big = tmp_path / "big.html"
    big.write_text(
        (DATA / "story.html")
        .read_text(encoding="utf-8")
        .replace("</body>", "<!--" + "x" * 5_100_000 + "--></body>"),
        encoding="utf-8",
    )
    files = [DATA / "story.html", DATA / "garbage.html", DATA / "empty.html", big]
    code, rows, _ = run(["extract", *map(str, files), "-j", "1"], capsys)
    assert code == 1  # (two pages fail)
    schema = json.loads((SCHEMAS / "extract-line.schema.json").read_text())
    for row in rows:
        jsonschema.validate(row, schema)
    story, garbage, empty, cut = rows
    assert story["input_truncated"] is False and cut["input_truncated"] is True
    assert cut["text"] == story["text"]
    assert story["fingerprint"].startswith("simhash:") and story["revision"] == 1
    assert garbage["error"] and empty["error"] == "empty"


def test_the_extract_line_schema_keeps_to_the_item_schema() -> None:
    """Its article lines are the items: the same fields and rules, but for a URL that may
    be unknown and the two fields of a file's line."""
    item = json.loads((SCHEMAS / "item.schema.json").read_text())
    article = json.loads((SCHEMAS / "extract-line.schema.json").read_text())["oneOf"][0]
    extra = {"source", "input_truncated"}
    assert set(article["required"]) == set(item["required"]) | extra
    for name, rule in item["properties"].items():
        if name in ("url", "canonical_url"):
            assert article["properties"][name]["type"] == ["string", "null"]
        else:
            assert article["properties"][name] == rule, name
    assert set(article["properties"]) == set(item["properties"]) | extra
