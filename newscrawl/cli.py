"""The ``newscrawl`` command: demo, extract, eval, explain.

- ``newscrawl demo``: serve the bundled fixture site on 127.0.0.1 and crawl it;
- ``newscrawl extract PATH...``: the crawl's extraction on saved pages, as JSONL;
- ``newscrawl eval SET_DIR...``: newscrawl and plain trafilatura side by side on
  evaluation sets (``../shared/eval/`` format);
- ``newscrawl explain FILE_OR_URL``: what was removed from a page, and why.

Crawls themselves run with ``scrapy crawl <spider>`` (see README.md).
Exit status: 0 success, 1 some inputs failed, 2 usage errors.

A subcommand is one ``_args_<name>(parser)`` that declares its options, one
``_cmd_<name>(args) -> int`` that runs it, and a row in :data:`COMMANDS`.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import sys
import time
import urllib.error
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from newscrawl.evaluation.pool import run_ordered
from newscrawl.evaluation.runner import EXTRACTORS, evaluate_set, is_set, load_set, truncated
from newscrawl.pageurls import UrlListError, mirror_url, read_url_list
from newscrawl.warcread import SEPARATOR, html_responses, is_warc, read_response

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
PAGE_SUFFIXES = (".html", ".htm", ".html.gz", ".htm.gz")
_CANONICAL = re.compile(
    rb"<link[^>]+rel=[\"']?canonical[\"']?[^>]*href=[\"']([^\"']+)|"
    rb"<meta[^>]+property=[\"']og:url[\"'][^>]*content=[\"']([^\"']+)",
    re.I,
)


class UsageError(Exception):
    """A mistake in the command line (exit status 2)."""


def _positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return number


def _positive_float(value: str) -> float:
    number = float(value)
    if not number > 0:
        raise argparse.ArgumentTypeError(f"must be above 0, not {value}")
    return number


class Progress:
    """A one-line progress bar on a terminal; silent when the stream is not a TTY."""

    def __init__(self, stream: IO[str] | None = None, width: int = 30) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = _isatty(self.stream)
        self.width = width
        self._last = 0.0

    def __call__(self, label: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if done < total and now - self._last < 0.1:
            return
        self._last = now
        filled = self.width * done // max(total, 1)
        bar = "#" * filled + "." * (self.width - filled)
        self.stream.write(f"\r{label[:40]:<20} [{bar}] {done}/{total}")
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()


def _isatty(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


# -- extract ---------------------------------------------------------------
def _is_page(path: Path) -> bool:
    return path.name.lower().endswith(PAGE_SUFFIXES) or is_warc(path)


def find_pages(paths: list[str]) -> list[Path]:
    """The page files named, or found in named folders (recursively, sorted), in order."""
    found: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.is_file() and _is_page(p))
        elif path.is_file():
            if not _is_page(path):
                raise UsageError(f"not an .html, .htm, .html.gz or .warc(.gz) file: {name}")
            found.append(path)
        else:
            raise UsageError(f"no such file or directory: {name}")
    if not found:
        raise UsageError("no .html, .htm, .html.gz or .warc(.gz) files found")
    return found


@dataclass
class WarcSources:
    """The pages of WARC inputs, each a ``FILE#OFFSET`` source: its URL and date."""

    url: dict[str, str]
    date: dict[str, str | None]


def expand_warcs(pages: list[Path]) -> tuple[list[Path], WarcSources]:
    """``pages`` with each WARC file replaced by its HTML responses (``FILE#OFFSET``),
    read as a stream; what each file skips is said on stderr."""
    out: list[Path] = []
    known = WarcSources({}, {})
    for page in pages:
        if not is_warc(page):
            out.append(page)
            continue
        skipped: Counter[str] = Counter()
        found = 0
        try:
            for record in html_responses(page, skipped):
                source = f"{page}{SEPARATOR}{record.offset}"
                known.url[source], known.date[source] = record.url, record.date
                out.append(Path(source))
                found += 1
        except Exception as exc:  # (a corrupt archive: what was read stays)
            skipped[f"unreadable ({type(exc).__name__})"] += 1
        said = ", ".join(f"{n} {why}" for why, n in sorted(skipped.items()))
        print(f"newscrawl extract: {page}: {found} HTML pages; skipped {said or 'none'}",
              file=sys.stderr)  # fmt: skip
    return out, known


def _warc_source(path: Path) -> tuple[Path, int] | None:
    """The WARC file and offset of a ``FILE#OFFSET`` source, else None."""
    name, _, offset = str(path).rpartition(SEPARATOR)
    if name and offset.isdigit() and is_warc(name):
        return Path(name), int(offset)
    return None


def read_bytes(path: Path) -> bytes:
    """A page's raw bytes (gunzipped for ``.gz``; a WARC record's payload)."""
    return read_source(path)[0]


def read_source(path: Path) -> tuple[bytes, str | None]:
    """A page's raw bytes, and its Content-Type when its source says one (a WARC record)."""
    if (warc := _warc_source(path)) is not None:
        return read_response(*warc)
    data = path.read_bytes()
    return (gzip.decompress(data) if path.name.lower().endswith(".gz") else data), None


def page_url(html: bytes, given: str | None) -> str | None:
    """The page's URL: given, else its canonical link or og:url (http(s) only)."""
    if given:
        return given
    match = _CANONICAL.search(html[:200_000])
    if not match:
        return None
    raw = (match.group(1) or match.group(2)).decode("utf-8", "replace").strip()
    return raw if urlsplit(raw).scheme in ("http", "https") else None


def _observe(job: tuple[str, str | None]) -> Any:
    """Worker side of the template pass: a page's blocks (None when unreadable)."""
    from newscrawl.extraction.templates import page_blocks

    path, url = job
    try:
        return page_blocks(read_bytes(Path(path)), url)
    except Exception:  # an unreadable page teaches nothing; extraction reports it
        return None


def _host(path: Path, url: str | None) -> str | None:
    """The host of a page file's URL (given, or its canonical link): no parse needed."""
    if url:
        return urlsplit(url).hostname
    try:
        found = page_url(read_bytes(path), url)
    except (OSError, EOFError):
        return None
    return urlsplit(found).hostname if found else None


def _given_urls(
    paths: list[str], pages: list[Path], url: str | None, url_list: str | None
) -> list[str | None]:
    """Each page's URL from the command line: ``--url``, the ``--urls`` list, or a wget
    mirror's layout under a folder named; None where the page's own markup must say it."""
    if url:
        return [url] * len(pages)
    listed: dict[Path, str] = {}
    if url_list:
        try:
            listed = read_url_list(Path(url_list))
        except UrlListError as exc:
            raise UsageError(str(exc)) from exc
    folders = [Path(p) for p in paths if Path(p).is_dir()]
    urls: list[str | None] = []
    for page in pages:
        found = listed.get(page.resolve())
        for folder in folders if found is None else ():
            if (found := mirror_url(page, folder)) is not None:
                break
        urls.append(found)
    return urls


#: A page to extract: its source, URL, site-template rules and WARC-Date.
Job = tuple[str, str | None, Any, str | None]


def _extract_file(job: Job) -> dict[str, Any]:
    """Worker side: one page file to its JSON row (an article or an error)."""
    from newscrawl.extraction import ExtractionError, extract_page

    path, url, rules, fetched_at = job
    try:
        html, content_type = read_source(Path(path))
    except (OSError, EOFError, zlib.error) as exc:
        return {"source": path, "url": url, "error": "unreadable", "detail": str(exc)}
    url = page_url(html, url)
    try:
        done = extract_page(html, url, content_type=content_type, template=rules or None)
    except ExtractionError as exc:
        return {"source": path, "url": url, "error": exc.reason, "detail": exc.detail}
    except Exception as exc:  # a bug in extraction must not lose the other pages
        return {"source": path, "url": url, "error": "crash", "detail": repr(exc)[:300]}
    return extract_line(path, done, fetched_at)


def extract_line(path: str, done: Any, fetched_at: str | None = None) -> dict[str, Any]:
    """A page's line (``schema/extract-line.schema.json``): the crawl's item fields (the
    WARC-Date, else the file's time, as ``fetched_at``), its ``source`` and whether it
    was cut."""
    from newscrawl import SCHEMA_VERSION
    from newscrawl.similarity import simhash

    article = done.article
    saved = (
        datetime.fromisoformat(fetched_at.replace("Z", "+00:00"))
        if fetched_at
        else datetime.fromtimestamp(Path(path).stat().st_mtime, timezone.utc)
    )
    return {
        "source": path,
        **article.to_dict(),
        "removed": dict(sorted(article.removed.items())),
        "fetched_at": saved.isoformat(timespec="seconds"),
        "fingerprint": f"simhash:{simhash(article.text):016x}",
        "duplicate_of": None,
        "revision": 1,
        "schema_version": SCHEMA_VERSION,
        "warc_file": None,
        "warc_offset": None,
        "input_truncated": done.input_truncated,
    }


def _extract_failed(job: Job, reason: str, detail: str) -> dict[str, Any]:
    return {"source": job[0], "url": job[1], "error": reason, "detail": detail}


def _learn_templates(
    pages: list[Path], urls: list[str | None], workers: int, progress: Progress
) -> list[Any]:
    """Each page's site-template rules, learned from all the inputs of its host. Hosts
    with fewer pages than a template block must recur on are decided first, from the
    pages' URLs alone, and never parsed for learning."""
    from newscrawl.extraction.templates import MIN_TEMPLATE_PAGES, SiteTemplate

    hosts = [_host(page, url) for page, url in zip(pages, urls, strict=True)]
    counts = Counter(h for h in hosts if h)
    learn = [i for i, h in enumerate(hosts) if h and counts[h] >= MIN_TEMPLATE_PAGES]
    jobs = [(str(pages[i]), urls[i]) for i in learn]
    models: dict[str, SiteTemplate] = {}
    observed = run_ordered(_observe, jobs, lambda *_: None, workers)
    for done, (i, blocks) in enumerate(zip(learn, observed, strict=True), 1):
        host = hosts[i]
        if host and blocks is not None:
            models.setdefault(host, SiteTemplate(host)).observe(blocks)
        progress("learning", done, len(jobs))
    rules = {host: model.rules() for host, model in models.items()}
    return [rules.get(host) if host else None for host in hosts]


def _args_extract(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths", nargs="+", metavar="PATH", help=".html, .htm, .html.gz files or folders"
    )
    parser.add_argument("-o", "--output", help="write JSONL here (default: stdout)")
    parser.add_argument("--url", help="the page's URL (a single page only)")
    parser.add_argument(
        "--urls",
        metavar="FILE",
        help='the pages\' URLs: JSON lines of {"path", "url"}, or a CSV with path and url'
        " columns (else a wget mirror's HOST/path layout, else each page's canonical link)",
    )
    parser.add_argument(
        "-j", "--jobs", type=_positive_int, help="worker processes (default: all cores)"
    )
    parser.add_argument(
        "--timeout", type=_positive_float, default=60.0, help="seconds per page (default: 60)"
    )
    parser.add_argument(
        "--site-templates",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="learn each site's template from the inputs first (default: on)",
    )


def _cmd_extract(args: argparse.Namespace) -> int:
    """One JSON line per input page, in input order: the article, or the error."""
    pages, warcs = expand_warcs(find_pages(args.paths))
    if not pages:
        raise UsageError("no HTML pages in the WARC files given")
    if args.url and len(pages) > 1:
        raise UsageError(f"--url applies to a single page ({len(pages)} given)")
    if args.url and args.urls:
        raise UsageError("give --url (one page) or --urls (a list), not both")
    urls = [
        warcs.url.get(str(p), u)
        for p, u in zip(pages, _given_urls(args.paths, pages, args.url, args.urls), strict=True)
    ]
    workers = args.jobs or os.cpu_count() or 1
    progress = Progress()
    rules: list[Any] = [None] * len(pages)
    if args.site_templates and len(pages) > 1:
        rules = _learn_templates(pages, urls, workers, progress)
    try:
        out = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout  # noqa: SIM115
    except OSError as exc:
        raise UsageError(f"cannot write {args.output}: {exc.strerror}") from exc
    jobs = [
        (str(page), u, r, warcs.date.get(str(page)))
        for page, u, r in zip(pages, urls, rules, strict=True)
    ]
    failed = done = 0
    try:
        for row in run_ordered(_extract_file, jobs, _extract_failed, workers, args.timeout):
            failed += "error" in row
            done += 1
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            progress("extracting", done, len(jobs))
        out.flush()
    finally:
        if out is not sys.stdout:
            out.close()
    return EXIT_FAILED if failed else EXIT_OK


# -- eval ------------------------------------------------------------------
def _args_eval(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("sets", nargs="+", metavar="SET_DIR", help="folders with gold.jsonl")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument(
        "--extractors",
        default="newscrawl,trafilatura",
        help=f"comma-separated, of: {', '.join(EXTRACTORS)} (default: newscrawl,trafilatura)",
    )
    parser.add_argument(
        "-j", "--jobs", type=_positive_int, help="worker processes (default: all cores)"
    )
    parser.add_argument("--limit", type=_positive_int, help="only the first N pages of each set")
    parser.add_argument("--ids-file", help="only the page ids listed in this file, one a line")
    parser.add_argument(
        "--timeout", type=_positive_float, default=60.0, help="seconds per page (default: 60)"
    )
    parser.add_argument(
        "--dump",
        metavar="DIR",
        help="write per-page predictions and F1 here as JSONL (and the truncated pages)",
    )
    parser.add_argument(
        "--worst",
        type=int,
        default=0,
        metavar="N",
        help="also list the N lowest-F1 pages, and the truncated ones",
    )


def read_ids(path: str) -> list[str]:
    """Page ids from a file: one a line; blank lines and ``#`` comments skipped."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise UsageError(f"cannot read --ids-file {path}: {exc.strerror}") from exc
    return [s for line in lines if (s := line.split("#", 1)[0].strip())]


def _cmd_eval(args: argparse.Namespace) -> int:
    """Score the extractors on each set; print a table (or JSON)."""
    names = [n.strip() for n in args.extractors.split(",") if n.strip()]
    unknown = [n for n in names if n not in EXTRACTORS]
    if unknown or not names:
        raise UsageError(
            f"unknown extractor(s): {', '.join(unknown) or '(none)'} "
            f"(known: {', '.join(EXTRACTORS)})"
        )
    for directory in args.sets:
        if not is_set(Path(directory)):
            raise UsageError(f"{directory} is not an evaluation set (no gold.jsonl)")
    ids = read_ids(args.ids_file) if args.ids_file else None
    sets = [load_set(Path(d), args.limit, ids) for d in args.sets]
    if not any(s.golds for s in sets):
        raise UsageError("no pages to evaluate (check --ids-file)")
    progress = Progress()
    dump = Path(args.dump) if args.dump else None
    results = []
    for evalset in sets:
        if not evalset.golds:
            print(f"newscrawl eval: {evalset.path}: no pages selected", file=sys.stderr)
            continue
        reports = evaluate_set(evalset, names, args.jobs, args.timeout, dump, progress)
        baseline = next((r for r in reports if r.extractor == TRUNCATION_BASELINE), None)
        for report in reports:
            figures = report.as_dict()
            if baseline is not None and report is not baseline:
                cut = truncated(report, baseline)
                figures["truncated"] = len(cut)
                if args.worst:
                    figures["truncated_pages"] = cut
                if dump is not None:
                    _write_jsonl(dump / f"{evalset.name}.{report.extractor}.truncated.jsonl", cut)
            if args.worst:
                figures["worst"] = report.worst(args.worst)
            results.append(figures)
    print(json.dumps(results, indent=2) if args.json else render_table(results))
    return EXIT_OK


def _write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


#: The extractor others' truncations are counted against (when it runs too).
TRUNCATION_BASELINE = "trafilatura"

_TABLE_ROWS = [
    ("pages", "pages"),
    ("failures", "failures"),
    ("precision", "precision"),
    ("recall", "recall"),
    ("f1", "F1"),
    ("accuracy", "accuracy"),
    ("with_found", "`with` found"),
    ("without_leaked", "`without` leaked"),
    ("truncated", f"truncated (vs {TRUNCATION_BASELINE})"),
]
_META_ROWS = [
    ("title_accuracy", "title exact"),
    ("author_accuracy", "author"),
    ("date_accuracy", "date"),
    ("pages_per_second", "pages/s"),
    ("pages_per_cpu_second", "pages/s per core"),
]


def render_table(results: list[dict[str, Any]]) -> str:
    """One block per set, one column per extractor."""
    lines: list[str] = []
    for set_name in dict.fromkeys(r["set"] for r in results):
        group = [r for r in results if r["set"] == set_name]

        def row(label: str, values: list[Any]) -> None:
            lines.append(f"  {label:<24}" + "".join(f"{_fmt(v):>14}" for v in values))

        lines.append(f"{set_name}")
        row("", [r["extractor"] for r in group])
        for key, label in _TABLE_ROWS:
            row(label, [r.get(key) for r in group])
        kinds = list(dict.fromkeys(k for r in group for k in r["by_type"]))
        for kind in kinds:
            count = max(r["by_type"].get(kind, {}).get("pages", 0) for r in group)
            row(f"F1 {kind} ({count})", [r["by_type"].get(kind, {}).get("f1") for r in group])
        for key, label in _META_ROWS:
            if key == "pages_per_second":
                label = f"pages/s ({group[0]['workers']} workers)"
            elif key.endswith("_accuracy"):
                label = f"{label} ({group[0][key.replace('_accuracy', '_pages')]})"
            row(label, [r[key] for r in group])
        for r in group:
            if r.get("failure_reasons"):
                reasons = ", ".join(f"{k} {v}" for k, v in r["failure_reasons"].items())
                lines.append(f"  {r['extractor']} failures: {reasons}")
            if r.get("worst"):
                worst = ", ".join(f"{w['id']} ({w['f1']:.2f})" for w in r["worst"])
                lines.append(f"  {r['extractor']} worst: {worst}")
            if r.get("truncated_pages"):
                cut = ", ".join(
                    f"{t['id']} ({t['recall']:.2f} < {t['baseline_recall']:.2f})"
                    for t in r["truncated_pages"]
                )
                lines.append(f"  {r['extractor']} truncated: {cut}")
        lines.append("")
    return "\n".join(lines).rstrip("\n")


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


# -- explain ---------------------------------------------------------------
def _args_explain(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("page", metavar="FILE_OR_URL")
    parser.add_argument("--url", help="the page's URL (when FILE has no canonical link)")
    parser.add_argument("--state-dir", default="state", help="crawl state with learned templates")
    parser.add_argument("--spider", default="gqn")
    parser.add_argument(
        "--learn-from", nargs="+", metavar="PATH", help="learn the template from these pages"
    )


def _cmd_explain(args: argparse.Namespace) -> int:
    from newscrawl.explain import explain, learn, read_page, stored_template
    from newscrawl.extraction import ExtractionError

    try:
        html = read_page(args.page)
    except FileNotFoundError as exc:
        raise UsageError(f"no such file: {args.page}") from exc
    except IsADirectoryError as exc:
        raise UsageError(
            f"{args.page} is a folder: explain takes one page (extract reads folders)"
        ) from exc
    except urllib.error.HTTPError as exc:
        return _explain_failed(args.page, f"HTTP {exc.code} {exc.reason}")
    except urllib.error.URLError as exc:
        return _explain_failed(args.page, f"cannot fetch it ({exc.reason})")
    except (OSError, EOFError, zlib.error) as exc:
        return _explain_failed(args.page, f"cannot read it ({exc})")
    url = page_url(html, args.url or (args.page if "://" in args.page else None))
    host = urlsplit(url).hostname if url else None
    model = None
    if args.learn_from:
        pages: list[tuple[bytes, str | None]] = []
        for path in find_pages(args.learn_from):
            try:
                pages.append((read_bytes(path), None))
            except (OSError, EOFError, zlib.error) as exc:
                return _explain_failed(str(path), f"cannot read it ({exc})")
        model = learn(pages, host or "site")
    elif host:
        model = stored_template(Path(args.state_dir), args.spider, host)
    rules = model.rules() if model is not None else None
    try:
        print(explain(html, url, rules, args.page).render())
    except ExtractionError as exc:
        print(f"page: {args.page}\nnot extracted: {exc.reason} ({exc.detail})")
        return EXIT_FAILED
    return EXIT_OK


def _explain_failed(page: str, reason: str) -> int:
    print(f"newscrawl explain: {page}: {reason}", file=sys.stderr)
    return EXIT_FAILED


# -- demo ------------------------------------------------------------------
def _args_demo(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--keep-state", action="store_true", help="incremental: keep the last demo's state"
    )


def _cmd_demo(args: argparse.Namespace) -> int:
    from newscrawl.demo import run_demo

    return run_demo(fresh=not args.keep_state)


# -- wiring ----------------------------------------------------------------
@dataclass(frozen=True)
class Command:
    """A subcommand: its one-line help, its options, and what runs it."""

    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


COMMANDS: dict[str, Command] = {
    "demo": Command("crawl the bundled fixture site on 127.0.0.1", _args_demo, _cmd_demo),
    "extract": Command("extract saved pages to JSONL", _args_extract, _cmd_extract),
    "eval": Command("score extractors on evaluation sets", _args_eval, _cmd_eval),
    "explain": Command("show what was removed from a page and why", _args_explain, _cmd_explain),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newscrawl", description=(__doc__ or "").splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, command in COMMANDS.items():
        command.configure(sub.add_parser(name, help=command.help, description=command.help))
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line ``argv`` (default: ``sys.argv[1:]``); returns the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help (0) or a usage error (2)
        return EXIT_USAGE if exc.code else EXIT_OK
    try:
        return COMMANDS[args.command].run(args)
    except UsageError as exc:
        print(f"newscrawl {args.command}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # output piped into e.g. `head`, which stopped reading
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_FAILED


if __name__ == "__main__":
    raise SystemExit(main())
