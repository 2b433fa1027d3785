"""Build variants of the GQN fixture site (for tests of runs on a changing site)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

from tests.conftest import REPO

FIXTURE = REPO / "fixtures" / "gqn"


def _module() -> Any:
    spec = importlib.util.spec_from_file_location("gqn_build_site", FIXTURE / "build_site.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_posts() -> list[dict[str, Any]]:
    return list(json.loads((FIXTURE / "posts.json").read_text(encoding="utf-8")))


def rebuild(out: Path, posts: list[dict[str, Any]]) -> None:
    """Regenerate the whole site into ``out`` from ``posts`` (as a site changes over time)."""
    seed = json.loads((FIXTURE / "seed.json").read_text(encoding="utf-8"))
    _module().build(posts, out, seed)


def site_pages() -> dict[str, str]:
    """The fixture site's own pages and attachment pages: slug -> kind."""
    return {slug: kind for slug, (_, kind, _) in _module().SITE_PAGES.items()}
