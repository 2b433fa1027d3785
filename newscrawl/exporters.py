"""Feed exporters: CSV with list and dict fields written as JSON.

Scrapy's CSV exporter joins a list with commas (an author "Smith, Jr." becomes two) and
writes a dict as Python's repr (``{'share': 2}``); a CSV cell holding JSON reads back
exactly. Registered for ``-o FILE.csv`` in ``FEED_EXPORTERS``.
"""

from __future__ import annotations

import json
from typing import Any

from scrapy.exporters import CsvItemExporter


class JsonCellsCsvItemExporter(CsvItemExporter):
    """Scrapy's CSV exporter, each list or dict field a JSON cell."""

    def serialize_field(self, field: Any, name: str, value: Any) -> Any:
        if isinstance(value, list | tuple | dict):
            return json.dumps(value, ensure_ascii=False)
        return super().serialize_field(field, name, value)
