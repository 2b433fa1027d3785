"""newscrawl: a news crawler for NLP.

Spiders discover and fetch (``newscrawl.spiders``), pipelines orchestrate
(``newscrawl.pipelines``), and the pure extraction library
(``newscrawl.extraction``) turns HTML into clean article text.
"""

from __future__ import annotations

__version__ = "0.1.0"

#: Version of the item layout written to JSONL (see ``schema/item.schema.json``).
SCHEMA_VERSION = 2
