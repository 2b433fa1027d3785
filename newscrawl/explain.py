"""Why a page's text came out as it did: what was removed, by which rule, on what evidence.

``newscrawl explain FILE_OR_URL`` prints, for one page, the blocks the site's
learned template removed (with the rule and the evidence: "same text on
14/30 pages"), the counts of blocks removed by generic rules, and the kept
text. The template comes from a crawl's state (``--state-dir``/``--spider``)
or is learned on the spot from other pages of the site (``--learn-from``).
"""

from __future__ import annotations

import gzip
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from newscrawl.extraction import Article, extract_page
from newscrawl.extraction.templates import (
    Removal,
    SiteTemplate,
    TemplateRules,
    page_blocks,
)
from newscrawl.state import CrawlState


@dataclass
class Explanation:
    """The removals and result of extracting one page."""

    source: str
    url: str | None
    article: Article
    template_pages: int = 0
    template_removals: list[Removal] = field(default_factory=list)

    def render(self) -> str:
        lines = [f"page: {self.source}" + (f" ({self.url})" if self.url else "")]
        if self.template_pages:
            lines.append(
                f"site template (learned from {self.template_pages} pages): "
                f"{len(self.template_removals)} blocks removed"
            )
            for r in self.template_removals:
                lines.append(f"  - [{r.rule}] {r.text!r}")
                lines.append(f"      at {r.path}")
                lines.append(f"      because: {r.evidence}")
        else:
            lines.append("site template: none (no pages of this site learned)")
        generic = {k: n for k, n in self.article.removed.items() if not k.startswith("template:")}
        if generic:
            counts = ", ".join(f"{kind} x{n}" for kind, n in sorted(generic.items()))
            lines.append(f"generic boilerplate rules: {counts}")
        paragraphs = self.article.paragraphs
        lines.append(
            f"kept: {len(paragraphs)} paragraphs, {self.article.word_count} words; "
            f"page type: {self.article.page_type}; title: {self.article.title!r}"
        )
        lines += [f"  | {p[:100]}{'…' if len(p) > 100 else ''}" for p in paragraphs]
        return "\n".join(lines)


def read_page(source: str, timeout: float = 30.0) -> bytes:
    """A saved page (``.html``, ``.htm``, ``.html.gz``) or an http(s) URL."""
    if urlsplit(source).scheme in ("http", "https"):
        request = urllib.request.Request(source, headers={"User-Agent": "newscrawl explain"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return bytes(response.read())
    data = Path(source).read_bytes()
    return gzip.decompress(data) if source.endswith(".gz") else data


def learn(pages: list[tuple[bytes, str | None]], host: str) -> SiteTemplate:
    """A site template learned from saved pages of one site."""
    model = SiteTemplate(host)
    for html, url in pages:
        model.observe(page_blocks(html, url))
    return model


def stored_template(state_dir: Path, spider: str, host: str) -> SiteTemplate | None:
    path = state_dir / f"{spider}.sqlite"
    if not path.is_file():
        return None
    state = CrawlState(path)
    try:
        stored = state.get_template(host)
    finally:
        state.close()
    return SiteTemplate.from_json(stored) if stored else None


def explain(html: bytes, url: str | None, rules: TemplateRules | None, source: str) -> Explanation:
    """Extract a page as the crawl would with ``rules``, keeping every template removal."""
    done = extract_page(html, url, template=rules or None)
    return Explanation(source, url, done.article, rules.pages if rules else 0, done.removals)
