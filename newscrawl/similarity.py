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

_WORD = re.compile(r"\w+")
MASK = (1 << 64) - 1


#: Bits per counter lane: each of the 64 SimHash counters lives in its own lane of a
#: big integer, so one addition updates 8 counters at once (up to 2**20 shingles).
_LANE = 20
_LANE_MASK = (1 << _LANE) - 1
#: For each byte value, its 8 bits spread out one per lane.
_SPREAD = [sum(((value >> k) & 1) << (_LANE * k) for k in range(8)) for value in range(256)]


def simhash(text: str, shingle: int = 3) -> int:
    """SimHash of the text's word ``shingle``-grams (case-folded), as an unsigned 64-bit int.

    Bit ``8*j + k`` is set when bit ``k`` of byte ``j`` of the shingles' BLAKE2b
    hashes is set for more than half of the shingles.
    """
    words = _WORD.findall(text.casefold())
    if len(words) < shingle:
        grams = [" ".join(words)] if words else []
    else:
        grams = [" ".join(words[i : i + shingle]) for i in range(len(words) - shingle + 1)]
    acc = [0] * 8
    spread = _SPREAD
    for gram in grams:
        digest = hashlib.blake2b(gram.encode("utf-8"), digest_size=8).digest()
        acc = [a + spread[b] for a, b in zip(acc, digest, strict=True)]
    fp = 0
    half = len(grams)
    for j, lanes in enumerate(acc):
        for k in range(8):
            if 2 * ((lanes >> (_LANE * k)) & _LANE_MASK) > half:
                fp |= 1 << (8 * j + k)
    return fp


def distance(a: int, b: int) -> int:
    return ((a ^ b) & MASK).bit_count()


def to_signed(value: int) -> int:
    """SQLite stores signed 64-bit integers."""
    return value - (1 << 64) if value >= 1 << 63 else value


def to_unsigned(value: int) -> int:
    return value & MASK


class SimHashIndex:
    """Find an already-seen text within ``max_bits`` of a fingerprint.

    Memory: each entry costs one slot per band plus its fingerprint and key.
    """

    def __init__(self, max_bits: int = 3) -> None:
        self.max_bits = max_bits
        self.bands = max_bits + 1
        self.width = 64 // self.bands
        self._fps: list[int] = []
        self._keys: list[str] = []
        self._tables: list[dict[int, list[int]]] = [{} for _ in range(self.bands)]

    def __len__(self) -> int:
        return len(self._fps)

    def _band_keys(self, fp: int) -> list[int]:
        keys = []
        for band in range(self.bands):
            shift = band * self.width
            width = 64 - shift if band == self.bands - 1 else self.width
            keys.append((fp >> shift) & ((1 << width) - 1))
        return keys

    def add(self, fp: int, key: str) -> None:
        index = len(self._fps)
        self._fps.append(fp)
        self._keys.append(key)
        for table, band_key in zip(self._tables, self._band_keys(fp), strict=True):
            table.setdefault(band_key, []).append(index)

    def find(self, fp: int, exclude: str | None = None) -> str | None:
        """The key of the closest fingerprint within ``max_bits`` (not ``exclude``), or None."""
        best: tuple[int, str] | None = None
        for table, band_key in zip(self._tables, self._band_keys(fp), strict=True):
            for index in table.get(band_key, ()):
                key = self._keys[index]
                if key == exclude:
                    continue
                d = distance(fp, self._fps[index])
                if d <= self.max_bits and (best is None or d < best[0]):
                    best = (d, key)
        return best[1] if best else None
