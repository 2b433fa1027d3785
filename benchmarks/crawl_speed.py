"""Crawl throughput against pure extraction throughput, and memory at two crawl sizes.

Generates N WordPress-like article pages (sitemap index with child sitemaps of
1,000 posts, boilerplate inside and around the content), serves them on
127.0.0.1, and reports, in the same run:

- pure extraction pages/s of those pages with W worker processes
  (``newscrawl.workers.ExtractorPool``, what the crawl uses);
- crawl pages/s of the real ``scrapy crawl gqn`` with ``NEWSCRAWL_EXTRACT_WORKERS=W``
  (articles emitted / Scrapy's elapsed time), and the ratio of the two;
- peak memory (RSS) of the crawl process, and of its extraction workers, at each size.

Usage: python benchmarks/crawl_speed.py [--pages 2000 10000] [--workers W]
Figures are ratios within one run on one (noisy) machine; nothing here is a test.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from newscrawl.devserver import FIXTURE_ORIGIN, SiteServer  # noqa: E402
from newscrawl.extraction.templates import SiteTemplate  # noqa: E402
from newscrawl.workers import ExtractorPool  # noqa: E402

WORDS = [
    "government",
    "council",
    "minister",
    "officials",
    "said",
    "on",
    "Tuesday",
    "that",
    "the",
    "new",
    "plan",
    "would",
    "change",
    "how",
    "schools",
    "hospitals",
    "and",
    "roads",
    "are",
    "funded",
    "across",
    "the",
    "region",
    "after",
    "months",
    "of",
    "debate",
    "critics",
    "argued",
    "budget",
    "forecasts",
    "were",
    "optimistic",
    "while",
    "supporters",
    "pointed",
    "to",
    "rising",
    "revenue",
    "from",
    "tourism",
    "trade",
    "and",
    "energy",
    "exports",
    "the",
    "report",
    "also",
    "found",
    "that",
    "prices",
    "rose",
    "faster",
    "than",
    "wages",
    "in",
    "most",
    "cities",
    "where",
    "families",
    "struggled",
    "to",
    "pay",
    "rent",
    "and",
    "bills",
    "during",
    "a",
    "winter",
    "of",
    "storms",
    "floods",
    "and",
    "power",
    "cuts",
    "that",
    "left",
    "thousands",
    "without",
    "heating",
    "for",
    "days",
]
SITEMAP_SIZE = 1000


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(12, 28))]
    return " ".join(words).capitalize() + "."


def page_html(i: int) -> str:
    """One article page, deterministic in ``i``, sized like a real news page (~80 KB).

    Real pages carry far more template than text: mega-menus, sidebars, related
    posts, comments, scripts. Extraction cost grows with all of it.
    """
    rng = random.Random(i)
    origin = FIXTURE_ORIGIN
    title = sentence(rng)[:70].rstrip(".")
    paragraphs = "".join(
        f"<p>{' '.join(sentence(rng) for _ in range(rng.randint(2, 5)))}</p>"
        for _ in range(rng.randint(6, 14))
    )

    def links(n: int, path: str) -> str:
        return "".join(
            f'<li class="menu-item"><a href="{origin}/{path}-{rng.randrange(10**6)}/">'
            f"{sentence(rng)[:40]}</a></li>"
            for _ in range(n)
        )

    comments = "".join(
        f'<li class="comment"><div class="comment-author">Reader {k}</div>'
        f'<p>{sentence(rng)} {sentence(rng)}</p><a class="reply">Reply</a></li>'
        for k in range(rng.randint(3, 12))
    )
    script = "var config = " + json.dumps({f"k{k}": sentence(rng) for k in range(120)}) + ";"
    cards = "".join(
        f'<div class="card"><a href="{origin}/post-{rng.randrange(10**6)}/">'
        f'<img src="{origin}/img/{k}.jpg" alt="{sentence(rng)[:30]}"></a>'
        f'<div class="card-body"><span class="cat">News</span><h4><a href="{origin}/post-{k}/">'
        f"{sentence(rng)[:60]}</a></h4><p>{sentence(rng)}</p><time>{k} hours ago</time></div></div>"
        for k in range(30)
    )
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>{title} | Bench News</title><link rel="canonical" href="{origin}/post-{i}/">
<meta property="og:title" content="{title}"><meta property="og:site_name" content="Bench News">
<meta property="article:published_time" content="2024-0{1 + i % 9}-1{i % 10}T08:00:00+00:00">
<script type="application/ld+json">{{"@context": "https://schema.org", "@type": "NewsArticle",
"headline": "{title}", "datePublished": "2024-01-01T08:00:00+00:00",
"author": {{"@type": "Person", "name": "Reporter {i % 17}"}}}}</script>
<style>{"".join(f".c{k}{{margin:{k}px;padding:{k % 7}px}}" for k in range(300))}</style>
<script>{script}</script></head>
<body class="post-template"><div class="cookie-banner">We use cookies. <a>Accept</a></div>
<header class="site-header"><nav class="main-menu"><ul>{links(150, "category")}</ul>
<ul class="mega">{"".join(f"<li><ul>{links(15, 'topic')}</ul></li>" for _ in range(12))}</ul></nav></header>
<section class="trending">{cards}</section>
<div class="breadcrumbs"><a href="{origin}/">Home</a> / <a href="{origin}/category/world/">World</a></div>
<main><article class="post"><h1 class="entry-title">{title}</h1>
<div class="byline">By Reporter {i % 17}</div><div class="entry-content">
<span class="rt-reading-time">Reading Time: 2 minutes</span>{paragraphs}
<div class="sharedaddy sd-sharing-enabled"><h3 class="sd-title">Share this:</h3>
<ul><li>Twitter</li><li>Facebook</li></ul></div>
<div id="jp-relatedposts" class="jp-relatedposts"><h3>Related</h3><ul>{links(6, "post")}</ul></div>
</div></article>
<section id="comments"><h2>Comments</h2><ol>{comments}</ol></section></main>
<aside class="sidebar"><div class="widget"><h3>Recent Posts</h3><ul>{links(10, "post")}</ul></div>
<div class="widget"><h3>Popular</h3><ul>{links(10, "post")}</ul></div>
<div class="widget newsletter"><h3>Newsletter</h3><p>Subscribe to our newsletter.</p></div></aside>
<footer class="site-footer"><ul>{links(60, "page")}</ul><p>Copyright Bench News.</p></footer>
</body></html>"""


def build_site(root: Path, n: int) -> None:
    root.mkdir(parents=True, exist_ok=True)
    (root / "robots.txt").write_text(f"User-agent: *\nSitemap: {FIXTURE_ORIGIN}/wp-sitemap.xml\n")
    children = []
    for k, start in enumerate(range(0, n, SITEMAP_SIZE), start=1):
        urls = "".join(
            f"<url><loc>{FIXTURE_ORIGIN}/post-{i}/</loc><lastmod>2024-01-01T00:00:00+00:00</lastmod></url>"
            for i in range(start, min(n, start + SITEMAP_SIZE))
        )
        name = f"wp-sitemap-posts-post-{k}.xml"
        (root / name).write_text(
            f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
        )
        children.append(f"<sitemap><loc>{FIXTURE_ORIGIN}/{name}</loc></sitemap>")
    (root / "wp-sitemap.xml").write_text(
        '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        + "".join(children)
        + "</sitemapindex>"
    )
    for i in range(n):
        post = root / f"post-{i}"
        post.mkdir(exist_ok=True)
        (post / "index.html").write_text(page_html(i), encoding="utf-8")


def pure_extraction(n: int, workers: int) -> float:
    """Pages/s of the extraction pool alone on the same pages, doing what the crawl does
    per page in its steady state: observe the page's blocks for the site's template
    model and extract with the template rules learned so far."""
    pages = [(page_html(i).encode(), f"{FIXTURE_ORIGIN}/post-{i}/") for i in range(n)]
    pool = ExtractorPool(workers=workers)
    ctype = "text/html; charset=utf-8"
    model = SiteTemplate("gqn.example")

    async def run() -> float:
        for body, url in pages[:10]:  # the crawl's warm-up
            first = await pool.extract(body, ctype, url, observe=True, extract_text=False)
            model.observe(first.blocks or [])
        rules = model.rules()
        start = time.perf_counter()
        await asyncio.gather(*(pool.extract(b, ctype, u, rules, observe=True) for b, u in pages))
        return time.perf_counter() - start

    try:
        elapsed = asyncio.run(run())
    finally:
        pool.close()
    return n / elapsed


def crawl(site: Path, workdir: Path, workers: int) -> dict[str, float]:
    """Run the real crawl of ``site``; its articles/s and peak memory."""
    env = dict(os.environ, SCRAPY_SETTINGS_MODULE="newscrawl.settings", PYTHONPATH=str(REPO))
    cpu_before = time.process_time()
    with SiteServer(site) as server:
        cmd = [
            sys.executable, "-m", "scrapy", "crawl", "gqn",
            "-a", f"base_url={server.base_url}",
            "-s", f"NEWSCRAWL_OUTPUT_DIR={workdir / 'output'}",
            "-s", f"NEWSCRAWL_STATE_DIR={workdir / 'state'}",
            "-s", f"NEWSCRAWL_EXTRACT_WORKERS={workers}",
            "-s", "AUTOTHROTTLE_ENABLED=False",
            "-s", "CONCURRENT_REQUESTS=32", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=32",
            "-s", "LOG_LEVEL=WARNING",
        ]  # fmt: skip
        proc = subprocess.run(cmd, env=env, cwd=workdir, capture_output=True, text=True)
    server_cpu = time.process_time() - cpu_before
    stats_files = sorted((workdir / "output" / "gqn").glob("*.stats.json"))
    if proc.returncode != 0 or not stats_files:
        raise SystemExit(f"crawl failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    stats = json.loads(stats_files[-1].read_text())["stats"]
    return {
        "items": stats.get("newscrawl/items", 0),
        "seconds": stats["elapsed_time_seconds"],
        "pages_per_s": stats.get("newscrawl/items", 0) / stats["elapsed_time_seconds"],
        "peak_rss_mb": stats.get("newscrawl/peak_rss", 0) / 2**20,
        "worker_peak_rss_mb": stats.get("newscrawl/extract_workers_peak_rss", 0) / 2**20,
        "crawl_cpu_s": stats.get("newscrawl/cpu_seconds", 0),
        "server_cpu_s": server_cpu,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, nargs="+", default=[2000, 10000])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    print(f"workers: {args.workers}, cores: {os.cpu_count()}")
    results = {}
    with tempfile.TemporaryDirectory(prefix="newscrawl-bench-") as tmp:
        for n in args.pages:
            site = Path(tmp) / f"site-{n}"
            build_site(site, n)
            extract_rate = pure_extraction(n, args.workers)
            work = Path(tmp) / f"work-{n}"
            work.mkdir()
            result = crawl(site, work, args.workers)
            result["extract_pages_per_s"] = extract_rate
            results[n] = result
            print(
                f"{n:>6} pages: crawl {result['pages_per_s']:.1f} pages/s "
                f"({result['items']:.0f} items in {result['seconds']:.1f}s), "
                f"pure extraction {extract_rate:.1f} pages/s, "
                f"ratio {result['pages_per_s'] / extract_rate:.2f}; "
                f"peak RSS crawl {result['peak_rss_mb']:.0f} MB, "
                f"workers {result['worker_peak_rss_mb']:.0f} MB; CPU: crawl process "
                f"{result['crawl_cpu_s']:.1f}s, test server {result['server_cpu_s']:.1f}s",
                flush=True,
            )
    sizes = sorted(results)
    if len(sizes) >= 2:
        small, large = results[sizes[0]], results[sizes[-1]]
        print(
            f"memory {sizes[-1]} vs {sizes[0]} pages: crawl process "
            f"{large['peak_rss_mb'] / small['peak_rss_mb']:.2f}x"
        )


if __name__ == "__main__":
    main()
