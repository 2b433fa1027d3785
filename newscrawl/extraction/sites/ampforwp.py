"""GQN: WordPress with "AMP for WP – Accelerated Mobile Pages" (Swift design).

See ``../shared/docs/gqn-markup.md``. Recognised by the plugin's markup on any
host: the post body is ``div.cntn-wrp.artl-cnt``; around and inside it the
plugin adds the category line, the "Reading Time WP" badge, AddThis, the
share block, the "Published by" author box and the "Recent Posts" cards.
"""

from __future__ import annotations

from lxml.etree import XPath, _Element

from ..rules import ElementRule
from . import SiteRules

_BODY = XPath(
    "//div[contains(concat(' ', normalize-space(@class), ' '), ' cntn-wrp ')"
    " and contains(concat(' ', normalize-space(@class), ' '), ' artl-cnt ')]"
)


def _signature(tree: _Element) -> bool:
    return bool(_BODY(tree))


SITE = SiteRules(
    name="ampforwp-swift",
    signature=_signature,
    rules=(
        ElementRule(
            "ampforwp",
            names=frozenset(
                [
                    "amp-category",
                    "amp-cat",
                    "rt-reading-time",
                    "ss-ic",
                    "shr-txt",
                    "sp-athr",
                    "athr-tx",
                    "r-pf",
                    "fsp",
                    "loop-excerpt",
                    "loop-date",
                    "amp-author",
                    "amp-post-tags",
                    "amp-tags",
                    "amp-comment-button",
                    "amp-social-share",
                    "amp-addthis",
                ]
            ),
            tags=frozenset(("amp-addthis", "amp-social-share")),
        ),
    ),
    body_xpath=(
        "//div[contains(concat(' ', normalize-space(@class), ' '), ' cntn-wrp ')"
        " and contains(concat(' ', normalize-space(@class), ' '), ' artl-cnt ')]"
    ),
)
