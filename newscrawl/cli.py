"""The ``newscrawl`` command: demo, extract, eval, explain.

- ``newscrawl demo``: serve the bundled fixture site on 127.0.0.1 and crawl it;
- ``newscrawl extract PATH...``: the crawl's extraction on saved pages, as JSONL;
- ``newscrawl eval SET_DIR...``: newscrawl and plain trafilatura side by side on
  evaluation sets (``../shared/eval/`` format);
- ``newscrawl explain FILE_OR_URL``: what was removed from a page, and why.

Crawls themselves run with ``scrapy crawl <spider>`` (see README.md).
Exit status: 0 success, 1 some inputs failed, 2 usage errors.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from newscrawl.evaluation.runner import EXTRACTORS, evaluate
from newscrawl.extraction import ExtractionError
from newscrawl.extraction.core import decode
from newscrawl.extraction.templates import (
    SiteTemplate,
    TemplateRules,
    extract_with_template,
    page_blocks,
)

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
PAGE_SUFFIXES = (".html", ".htm", ".html.gz", ".htm.gz")
_CANONICAL = re.compile(
    rb"<link[^>]+rel=[\"']?canonical[\"']?[^>]*href=[\"']([^\"']+)|"
    rb"<meta[^>]+property=[\"']og:url[\"'][^>]*content=[\"']([^\"']+)",
    re.I,
)


class UsageError(Exception):
    pass


# -- extract ---------------------------------------------------------------
def find_pages(paths: list[str]) -> list[Path]:
    """The page files named or contained (recursively, sorted) in ``paths``."""
    found: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found += sorted(
                p for p in path.rglob("*") if p.is_file() and p.name.endswith(PAGE_SUFFIXES)
            )
        elif path.is_file():
            found.append(path)
        else:
            raise UsageError(f"no such file or directory: {name}")
    if not found:
        raise UsageError("no .html, .htm or .html.gz pages found")
    return found


def read_bytes(path: Path) -> bytes:
    import gzip

    data = path.read_bytes()
    return gzip.decompress(data) if path.name.endswith(".gz") else data


def page_url(html: bytes, given: str | None) -> str | None:
    """The page's URL: given, else its canonical link or og:url."""
    if given:
        return given
    match = _CANONICAL.search(html[:200_000])
    if not match:
        return None
    raw = (match.group(1) or match.group(2)).decode("utf-8", "replace")
    return raw if urlsplit(raw).scheme in ("http", "https") else None


def _observe(job: tuple[str, str | None]) -> tuple[str | None, Any]:
    path, url = job
    try:
        html = read_bytes(Path(path))
        url = page_url(html, url)
        return url, page_blocks(html, url)
    except Exception:  # an unreadable page teaches nothing; extraction reports it
        return url, None


def _extract(job: tuple[str, str | None, TemplateRules | None]) -> dict[str, Any]:
    path, url, rules = job
    try:
        html = read_bytes(Path(path))
    except OSError as exc:
        return {"source": path, "url": url, "error": "unreadable", "detail": str(exc)}
    url = page_url(html, url)
    try:
        article, _, _ = extract_with_template(decode(html), url, rules)
    except ExtractionError as exc:
        return {"source": path, "url": url, "error": exc.reason, "detail": exc.detail}
    except Exception as exc:  # a bug in extraction must not lose the other pages
        return {"source": path, "url": url, "error": "crash", "detail": repr(exc)[:300]}
    return {"source": path, **article.to_dict()}


def progress(done: int, total: int, stream: IO[str]) -> None:
    width = 30
    filled = width * done // max(total, 1)
    stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
    if done == total:
        stream.write("\n")
    stream.flush()


def _cmd_extract(args: argparse.Namespace) -> int:
    pages = find_pages(args.paths)
    if args.url and len(pages) > 1:
        raise UsageError("--url applies to a single page")
    workers = args.jobs or os.cpu_count() or 1
    show = sys.stderr.isatty()
    rules: dict[str, TemplateRules] = {}
    with ProcessPoolExecutor(max_workers=workers) as pool:
        if args.site_templates and len(pages) > 1:
            models: dict[str, SiteTemplate] = {}
            observed = pool.map(_observe, [(str(p), args.url) for p in pages], chunksize=4)
            for url, blocks in observed:
                host = urlsplit(url).hostname if url else None
                if host and blocks is not None:
                    models.setdefault(host, SiteTemplate(host)).observe(blocks)
            rules = {host: model.rules() for host, model in models.items()}
        jobs = []
        for page in pages:
            url = args.url
            host_rules = None
            if rules:
                host = urlsplit(page_url(read_bytes(page), url) or "").hostname
                host_rules = rules.get(host or "")
            jobs.append((str(page), url, host_rules))
        out = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout  # noqa: SIM115
        failed = 0
        try:
            for done, row in enumerate(pool.map(_extract, jobs, chunksize=2), start=1):
                failed += "error" in row
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
                if show:
                    progress(done, len(jobs), sys.stderr)
        finally:
            if out is not sys.stdout:
                out.close()
    return EXIT_FAILED if failed else EXIT_OK


# -- eval ------------------------------------------------------------------
def _cmd_eval(args: argparse.Namespace) -> int:
    names = [n.strip() for n in args.extractors.split(",") if n.strip()]
    unknown = [n for n in names if n not in EXTRACTORS]
    if unknown:
        raise UsageError(f"unknown extractor(s): {', '.join(unknown)}")
    results = []
    for directory in args.sets:
        path = Path(directory)
        if not (path / "gold.jsonl").is_file():
            raise UsageError(f"{directory} is not an evaluation set (no gold.jsonl)")
        reports = evaluate(
            path, names, args.jobs, args.limit, Path(args.dump) if args.dump else None
        )
        results += [r.as_dict() for r in reports]
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print(render_table(results))
    return EXIT_OK


def render_table(results: list[dict[str, Any]]) -> str:
    rows = [
        ("pages", "pages"), ("failures", "failures"), ("precision", "precision"),
        ("recall", "recall"), ("f1", "F1"), ("accuracy", "accuracy"),
        ("with_found", "`with` found"), ("without_leaked", "`without` leaked"),
        ("title_accuracy", "title exact"), ("author_accuracy", "author"),
        ("date_accuracy", "date"), ("pages_per_second", "pages/s (1 core)"),
    ]  # fmt: skip
    lines = []
    for set_name in dict.fromkeys(r["set"] for r in results):
        group = [r for r in results if r["set"] == set_name]
        lines.append(f"\n{set_name}")
        lines.append(f"  {'':<20}" + "".join(f"{r['extractor']:>14}" for r in group))
        for key, label in rows:
            lines.append(f"  {label:<20}" + "".join(f"{_fmt(r[key]):>14}" for r in group))
        kinds = sorted({k for r in group for k in r["f1_by_type"]})
        for kind in kinds:
            lines.append(
                f"  {'F1 ' + kind:<20}"
                + "".join(f"{_fmt(r['f1_by_type'].get(kind)):>14}" for r in group)
            )
    return "\n".join(lines)


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


# -- explain ---------------------------------------------------------------
def _cmd_explain(args: argparse.Namespace) -> int:
    from newscrawl.explain import explain, learn, read_page, stored_template

    html = read_page(args.page)
    url = page_url(html, args.url or (args.page if "://" in args.page else None))
    host = urlsplit(url).hostname if url else None
    model = None
    if args.learn_from:
        pages: list[tuple[bytes, str | None]] = [
            (read_bytes(p), None) for p in find_pages(args.learn_from)
        ]
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


# -- demo ------------------------------------------------------------------
def _cmd_demo(args: argparse.Namespace) -> int:
    from newscrawl.demo import run_demo

    return run_demo(fresh=not args.keep_state)


# -- wiring ----------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newscrawl", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="crawl the bundled fixture site on 127.0.0.1")
    demo.add_argument(
        "--keep-state", action="store_true", help="incremental: keep the last demo's state"
    )

    ext = sub.add_parser("extract", help="extract saved pages to JSONL")
    ext.add_argument(
        "paths", nargs="+", metavar="PATH", help=".html, .htm, .html.gz files or folders"
    )
    ext.add_argument("-o", "--output", help="write JSONL here (default: stdout)")
    ext.add_argument("--url", help="the page's URL (a single page only)")
    ext.add_argument("-j", "--jobs", type=int, help="worker processes (default: all cores)")
    ext.add_argument(
        "--site-templates",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="learn each site's template from the inputs first (default: on)",
    )

    ev = sub.add_parser("eval", help="score newscrawl and trafilatura on evaluation sets")
    ev.add_argument("sets", nargs="+", metavar="SET_DIR")
    ev.add_argument("--json", action="store_true", help="print JSON instead of a table")
    ev.add_argument("--extractors", default="newscrawl,trafilatura")
    ev.add_argument("-j", "--jobs", type=int)
    ev.add_argument("--limit", type=int, help="only the first N pages of each set")
    ev.add_argument("--dump", help="write per-page predictions and F1 to this folder")

    exp = sub.add_parser("explain", help="show what was removed from a page and why")
    exp.add_argument("page", metavar="FILE_OR_URL")
    exp.add_argument("--url", help="the page's URL (when FILE has no canonical link)")
    exp.add_argument("--state-dir", default="state", help="crawl state with learned templates")
    exp.add_argument("--spider", default="gqn")
    exp.add_argument(
        "--learn-from", nargs="+", metavar="PATH", help="learn the template from these pages"
    )
    return parser


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "demo": _cmd_demo,
    "extract": _cmd_extract,
    "eval": _cmd_eval,
    "explain": _cmd_explain,
}


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return EXIT_USAGE if exc.code else EXIT_OK
    try:
        return COMMANDS[args.command](args)
    except UsageError as exc:
        print(f"newscrawl {args.command}: {exc}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    raise SystemExit(main())
