"""The demo: serve the bundled GQN-like fixture site on 127.0.0.1 and crawl it.

Runs the real ``scrapy crawl gqn`` (a subprocess, so the crawl is exactly what
cron would run) against :class:`~newscrawl.devserver.SiteServer`, then says
where the JSONL is. Demo output and state live apart from real crawls
(``output/demo``, ``state/demo``); each demo starts fresh unless asked not to.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from newscrawl.devserver import SiteServer

#: The fixture site, beside the package in a source checkout.
DEFAULT_SITE = Path(__file__).resolve().parent.parent / "fixtures" / "gqn" / "site"

#: A fixed port keeps URLs (and so the crawl state) stable between demo runs.
DEFAULT_PORT = 8789


def find_site(site: Path | None) -> Path:
    for candidate in (site, DEFAULT_SITE, Path.cwd() / "fixtures" / "gqn" / "site"):
        if candidate is not None and (candidate / "robots.txt").is_file():
            return candidate
    raise FileNotFoundError(
        "fixture site not found: run from a newscrawl checkout or pass --site DIR"
    )


def start_server(site: Path, port: int) -> SiteServer:
    try:
        return SiteServer(site, port=port).start()
    except OSError:  # port taken: any free port will do
        return SiteServer(site, port=0).start()


def scrapy_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("SCRAPY_SETTINGS_MODULE", "newscrawl.settings")
    return env


def run_demo(
    site: Path | None = None,
    output_dir: Path = Path("output/demo"),
    state_dir: Path = Path("state/demo"),
    fresh: bool = True,
    port: int = DEFAULT_PORT,
) -> int:
    """Serve the fixture site, crawl it with ``gqn``, report. Returns the crawl's exit status."""
    site = find_site(site)
    if fresh and state_dir.exists():
        shutil.rmtree(state_dir)
    server = start_server(site, port)
    print(f"newscrawl demo: serving {site} at {server.base_url}", flush=True)
    try:
        cmd = [
            sys.executable, "-m", "scrapy", "crawl", "gqn",
            "-a", f"base_url={server.base_url}",
            "-s", f"NEWSCRAWL_OUTPUT_DIR={output_dir}",
            "-s", f"NEWSCRAWL_STATE_DIR={state_dir}",
            "-s", "AUTOTHROTTLE_ENABLED=False",
            "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16",
        ]  # fmt: skip
        status = subprocess.call(cmd, env=scrapy_env())
    finally:
        server.stop()
    runs = sorted((output_dir / "gqn").glob("*.stats.json"))
    if runs:
        summary = json.loads(runs[-1].read_text())["summary"]
        print(
            f"\nnewscrawl demo: {summary['status']}: {summary['new']} new, "
            f"{summary['changed']} changed, {summary['unchanged']} unchanged, "
            f"{summary['rejected']} rejected (see {summary['rejects']})\n"
            f"articles: {summary['output'] or 'none new in this run'}",
            flush=True,
        )
    return status
