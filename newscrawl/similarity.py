"""Near-duplicate detection: 64-bit SimHash fingerprints and a banded index.

Wire stories are republished with small edits; two texts whose fingerprints
differ in at most ``max_bits`` bits are near-copies. The index splits the 64
bits into ``max_bits + 1`` bands: by the pigeonhole principle two fingerprints
within ``max_bits`` agree exactly on at least one band, so a lookup only
compares against candidates sharing a band.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict

_WORD = re.compile(r"\w+")
MASK = (1 << 64) - 1


def _hash64(token: str) -> int:
    return int.from_bytes(hashlib.blake2b(token.encode("utf-8"), digest_size=8).digest(), "big")


def simhash(text: str, shingle: int = 3) -> int:
    """SimHash of the text's word ``shingle``-grams (case-folded), as an unsigned 64-bit int."""
    words = _WORD.findall(text.casefold())
    if len(words) < shingle:
        grams = [" ".join(words)] if words else []
    else:
        grams = [" ".join(words[i : i + shingle]) for i in range(len(words) - shingle + 1)]
    weights = [0] * 64
    for gram in grams:
        h = _hash64(gram)
        for bit in range(64):
            weights[bit] += 1 if (h >> bit) & 1 else -1
    return sum(1 << bit for bit in range(64) if weights[bit] > 0)


def distance(a: int, b: int) -> int:
    return ((a ^ b) & MASK).bit_count()


def to_signed(value: int) -> int:
    """SQLite stores signed 64-bit integers."""
    return value - (1 << 64) if value >= 1 << 63 else value


def to_unsigned(value: int) -> int:
    return value & MASK


class SimHashIndex:
    """Find an already-seen text within ``max_bits`` of a fingerprint."""

    def __init__(self, max_bits: int = 3) -> None:
        self.max_bits = max_bits
        self.bands = max_bits + 1
        self.width = 64 // self.bands
        self._tables: list[defaultdict[int, list[tuple[int, str]]]] = [
            defaultdict(list) for _ in range(self.bands)
        ]

    def _keys(self, fp: int) -> list[int]:
        keys = []
        for band in range(self.bands):
            shift = band * self.width
            width = 64 - shift if band == self.bands - 1 else self.width
            keys.append((fp >> shift) & ((1 << width) - 1))
        return keys

    def add(self, fp: int, key: str) -> None:
        for table, band_key in zip(self._tables, self._keys(fp), strict=True):
            table[band_key].append((fp, key))

    def find(self, fp: int, exclude: str | None = None) -> str | None:
        """The key of the closest fingerprint within ``max_bits`` (not ``exclude``), or None."""
        best: tuple[int, str] | None = None
        for table, band_key in zip(self._tables, self._keys(fp), strict=True):
            for other, key in table.get(band_key, ()):
                if key == exclude:
                    continue
                d = distance(fp, other)
                if d <= self.max_bits and (best is None or d < best[0]):
                    best = (d, key)
        return best[1] if best else None
