"""Site-specific rules: one module per site (or markup family), registered here.

Each module defines a :class:`SiteRules`: how to recognise its pages (host
names and/or a markup signature), extra element rules, and, where the site's
markup says so plainly, the element that holds the article body.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from lxml.etree import _Element

from ..rules import ElementRule


@dataclass(frozen=True)
class SiteRules:
    name: str
    hosts: frozenset[str] = frozenset()
    #: Recognises the site's markup whatever the host (e.g. a WordPress plugin's classes).
    signature: Callable[[_Element], bool] | None = None
    rules: tuple[ElementRule, ...] = ()
    #: XPath of the article body container, when the markup has one for sure.
    body_xpath: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    def matches(self, tree: _Element, url: str | None) -> bool:
        host = (urlsplit(url).hostname or "").removeprefix("www.") if url else ""
        if host and host in self.hosts:
            return True
        return self.signature is not None and self.signature(tree)


def _registry() -> tuple[SiteRules, ...]:
    from . import ampforwp

    return (ampforwp.SITE,)


SITES: tuple[SiteRules, ...] = _registry()


def site_for(tree: _Element, url: str | None) -> SiteRules | None:
    """The site rules that apply to a page, if any."""
    return next((site for site in SITES if site.matches(tree, url)), None)
