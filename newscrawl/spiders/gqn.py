"""GQN: a WordPress news site republishing wire stories (AMP for WP, Swift design).

Its address is not fixed here: pass ``-a base_url=URL`` or set
``NEWSCRAWL_BASE_URLS = {"gqn": URL}``. Job ads are posts of the site too
(category "Jobs"); ``NEWSCRAWL_SKIP_CATEGORIES`` keeps them out.
"""

from __future__ import annotations

from newscrawl.spiders.newssite import NewsSiteSpider


class GqnSpider(NewsSiteSpider):
    name = "gqn"
