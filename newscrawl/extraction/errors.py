"""Errors raised by the extraction library."""

from __future__ import annotations


class ExtractionError(Exception):
    """A page could not be turned into an article; ``reason`` is a short machine-readable code."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail
