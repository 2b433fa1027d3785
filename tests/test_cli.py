"""The `newscrawl` command: extract, eval, explain (in process and as a real subprocess)."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from newscrawl.cli import main
from tests.conftest import SITE, goldens

DATA = Path(__file__).parent / "data" / "cli"


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[dict]]:
    code = main(args)
    out = capsys.readouterr().out
    return code, [json.loads(line) for line in out.splitlines() if line.strip()]


def test_extract_files_in_order_with_errors_reported(capsys: pytest.CaptureFixture[str]) -> None:
    files = [DATA / "story.html", DATA / "garbage.html", DATA / "story.html.gz"]
    code, rows = run(["extract", *map(str, files), "-j", "2"], capsys)
    assert code == 1  # one input failed
    assert [r["source"] for r in rows] == [str(f) for f in files]
    ok, bad, gz = rows
    assert ok["title"] == "Harbour reopens after storm repairs"
    assert ok["canonical_url"] == "https://coast.example/harbour-reopens/"
    assert "sea wall" in ok["text"] and "Share this" not in ok["text"]
    assert bad["error"] and "text" not in bad
    assert gz["text"] == ok["text"]


def test_extract_a_folder_to_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    for name in ("story.html", "ferry.html"):
        (folder / name).write_bytes((DATA / name).read_bytes())
    out = tmp_path / "out.jsonl"
    assert main(["extract", str(folder), "-o", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [Path(r["source"]).name for r in rows] == ["ferry.html", "story.html"]  # sorted
    assert all(r["word_count"] > 40 for r in rows)


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["extract", "/nonexistent/page.html"]) == 2
    assert main(["extract", str(DATA), "--url", "https://x.example/"]) == 2
    assert main(["frobnicate"]) == 2
    assert "no such file" in capsys.readouterr().err


def test_console_script_runs_as_a_subprocess() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "newscrawl.cli", "extract", str(DATA / "story.html")],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["site_name"] == "Coast Times"


def test_site_templates_learned_from_the_inputs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pages = sorted(p for p in goldens() if not p.endswith("/amp/"))
    args = ["extract", *(str(SITE / p.strip("/") / "index.html") for p in pages)]
    code, rows = run(args, capsys)
    assert code == 0
    removed = [r["removed"] for r in rows]
    assert any(k.startswith("template:") for r in removed for k in r)
    for path, row in zip(pages, rows, strict=True):
        assert row["text"] == goldens()[path]["text"]  # templates never cost article text
    code, rows = run([*args, "--no-site-templates"], capsys)
    assert not any(k.startswith("template:") for r in rows for k in r["removed"])


def test_eval_scores_a_small_set(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    s = tmp_path / "mini"
    (s / "pages").mkdir(parents=True)
    story = (DATA / "story.html").read_bytes()
    (s / "pages" / "a.html.gz").write_bytes(gzip.compress(story))
    (s / "pages" / "b.html.gz").write_bytes(gzip.compress(b"<html><body></body></html>"))
    gold_a = (
        "The old harbour reopened to fishing boats on Saturday after six weeks of repairs to the "
        "sea wall, which was breached during the January storms that flooded the lower town."
    )
    rows = [
        {"id": "a", "text": gold_a, "title": "Harbour reopens after storm repairs",
         "with": ["six weeks of repairs"], "without": ["Share this:"], "page_type": "article",
         "published": "2024-03-02"},
        {"id": "b", "text": "Nothing here to find at all.", "page_type": "listing"},
    ]  # fmt: skip
    (s / "gold.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert main(["eval", str(s), "--json", "-j", "1"]) == 0
    report = {r["extractor"]: r for r in json.loads(capsys.readouterr().out)}
    ours = report["newscrawl"]
    assert ours["pages"] == 2 and ours["failures"] == 1
    assert ours["with_found"] == 1.0 and ours["without_leaked"] == 0.0
    assert ours["title_accuracy"] == 1.0 and ours["date_accuracy"] == 1.0
    assert ours["recall"] == pytest.approx(0.5, abs=0.01)  # page a found whole, b not at all
    assert set(ours["f1_by_type"]) == {"article", "listing"}
    assert "trafilatura" in report
    assert main(["eval", str(tmp_path)]) == 2  # not a set


def test_explain_shows_template_evidence(capsys: pytest.CaptureFixture[str]) -> None:
    pages = [str(SITE / p.strip("/") / "index.html") for p in goldens() if not p.endswith("/amp/")]
    assert main(["explain", pages[0], "--learn-from", *pages]) == 0
    out = capsys.readouterr().out
    assert "site template (learned from" in out
    assert "because: same text on" in out
    assert "kept:" in out


def test_explain_fetches_a_url_and_says_why_one_fails(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from newscrawl.devserver import SiteServer

    with SiteServer(SITE) as server:
        page = next(p for p in goldens() if not p.endswith("/amp/"))
        assert main(["explain", server.base_url.rstrip("/") + page]) == 0
        assert "kept:" in capsys.readouterr().out
        assert main(["explain", server.base_url + "no-such-page/"]) == 1
        err = capsys.readouterr().err
        assert "HTTP 404" in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("make", "code", "message"),
    [
        (lambda d: d / "missing.html", 2, "no such file"),
        (lambda d: d, 2, "is a folder"),
        (lambda d: _write(d / "bad.html.gz", b"not gzip at all"), 1, "cannot read it"),
        (lambda d: _write(d / "noise.html", bytes(range(256)) * 400), 1, "binary"),
    ],
)
def test_explain_user_mistakes_are_one_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], make: Any, code: int, message: str
) -> None:
    assert main(["explain", str(make(tmp_path))]) == code
    captured = capsys.readouterr()
    said = captured.err + captured.out
    assert message in said and "Traceback" not in said


def test_explain_of_an_unreachable_url_is_a_failure(capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    assert main(["explain", f"http://127.0.0.1:{port}/page.html"]) == 1
    assert "cannot fetch it" in capsys.readouterr().err


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path
