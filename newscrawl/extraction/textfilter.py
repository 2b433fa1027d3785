"""Drop boilerplate paragraphs by their words (``rules.LINE_RULES``), with a safety backup.

Markup rules miss boilerplate that is plain text ("Share this:", "Reading
Time: < 1 minute"); these patterns catch short paragraphs that are such
lines whatever their markup. The backup: if the rules would drop more than
``MAX_DROPPED_SHARE`` of the words, the paragraphs are kept as they were.
"""

from __future__ import annotations

import re
from collections import Counter

from .rules import LINE_RULES, LineRule

MAX_DROPPED_SHARE = 0.4
_WORD = re.compile(r"\w+")


def line_rule(paragraph: str, rules: tuple[LineRule, ...] = LINE_RULES) -> LineRule | None:
    words = len(_WORD.findall(paragraph))
    for rule in rules:
        if words <= rule.max_words and rule.pattern.search(paragraph.strip()):
            return rule
    return None


def filter_paragraphs(paragraphs: list[str]) -> tuple[list[str], Counter[str]]:
    """Paragraphs without boilerplate lines, and the counts of dropped lines by kind."""
    kept: list[str] = []
    dropped: Counter[str] = Counter()
    dropped_words = 0
    for paragraph in paragraphs:
        rule = line_rule(paragraph)
        if rule is None:
            kept.append(paragraph)
        else:
            dropped[rule.kind] += 1
            dropped_words += len(_WORD.findall(paragraph))
    total = sum(len(_WORD.findall(p)) for p in paragraphs)
    if total and dropped_words > MAX_DROPPED_SHARE * total:
        return paragraphs, Counter()
    return kept, dropped
