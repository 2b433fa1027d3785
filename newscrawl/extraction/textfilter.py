"""Text-level filters: boilerplate lines by their words (``rules.LINE_RULES``), with a
safety backup, and repeated copies of the content (:func:`drop_repeated_runs`).

Markup rules miss boilerplate that is plain text ("Share this:", "Reading
Time: < 1 minute"); these patterns catch short paragraphs that are such
lines whatever their markup. The backup: if the rules would drop more than
``MAX_DROPPED_SHARE`` of the words, the paragraphs are kept as they were. Bylines
and dates that recur (``MIN_ITEM_LINES``) belong to a listing's items and stay.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

from .rules import LINE_RULES, LineRule
from .text import WORD, is_prose
from .thresholds import (
    MAX_COPY_CANDIDATES,
    MAX_DROPPED_SHARE,
    MIN_COPY_PARAGRAPHS,
    MIN_COPY_WORDS,
    MIN_ITEM_LINES,
)


def line_rule(paragraph: str, rules: tuple[LineRule, ...] = LINE_RULES) -> LineRule | None:
    words = len(WORD.findall(paragraph))
    for rule in rules:
        if words <= rule.max_words and rule.pattern.search(paragraph.strip()):
            return rule
    return None


def filter_paragraphs(
    paragraphs: list[str], line_rules: tuple[LineRule, ...] = LINE_RULES
) -> tuple[list[str], Counter[str]]:
    """Paragraphs without boilerplate lines, and the counts of dropped lines by kind."""
    kept: list[str] = []
    dropped: Counter[str] = Counter()
    dropped_words = 0
    rules = [line_rule(p, line_rules) for p in paragraphs]
    recurring = Counter(rule.kind for rule in rules if rule is not None and rule.per_item)
    for paragraph, rule in zip(paragraphs, rules, strict=True):
        if rule is None or recurring[rule.kind] >= MIN_ITEM_LINES:
            kept.append(paragraph)
        else:
            dropped[rule.kind] += 1
            dropped_words += len(WORD.findall(paragraph))
    total = sum(len(WORD.findall(p)) for p in paragraphs)
    if total and dropped_words > MAX_DROPPED_SHARE * total:
        return paragraphs, Counter()
    return kept, dropped


def drop_repeated_runs(paragraphs: list[str]) -> list[str]:
    """``paragraphs`` without later copies of a long run of paragraphs.

    Single repeated paragraphs stay (a chorus, a quoted post, test pages that repeat
    a Lorem paragraph); a run of ``MIN_COPY_PARAGRAPHS`` and ``MIN_COPY_WORDS`` that
    recurs in the same order is the same content served twice.
    """
    keys = [" ".join(WORD.findall(p)).lower() for p in paragraphs]
    seen: dict[str, list[int]] = {}
    copies: set[int] = set()
    j = 0
    while j < len(keys):
        longest = 0
        for i in seen.get(keys[j], [])[-MAX_COPY_CANDIDATES:]:
            n = 0
            while j + n < len(keys) and i + n < j and keys[i + n] == keys[j + n]:
                n += 1
            longest = max(longest, n)
        run = range(j, j + longest)
        if (
            longest >= MIN_COPY_PARAGRAPHS
            and sum(len(keys[k].split()) for k in run) >= MIN_COPY_WORDS
        ):
            copies.update(run)
        else:
            run = range(j, j + 1)
        for k in run:
            seen.setdefault(keys[k], []).append(k)
        j = run.stop
    return [p for k, p in enumerate(paragraphs) if k not in copies]


#: The heading of what to read next or of related stories: what follows it up to the
#: next prose paragraph is other articles' titles and teasers.
_READ_NEXT = re.compile(
    r"^(read (this )?next|what to read next|up next|keep reading"
    r"|more (stories|articles|posts)( like this)?|you (may|might) (also )?(like|enjoy)"
    r"|related (articles|posts|stories|reading)|recommended (for you|reading|articles|stories))"
    r"\s*[:.]?$",
    re.IGNORECASE,
)


def cut_read_next(
    paragraphs: list[str], articles_own: Callable[[str], bool] = is_prose
) -> list[str] | None:
    """``paragraphs`` without each "Read this next" / "Related articles" heading and the
    titles and teasers after it (up to the next paragraph of the article's own prose,
    ``articles_own``), or None when there is none. A box in mid-text goes alone; the
    article's prose after it stays."""
    kept: list[str] = []
    in_box = False
    for paragraph in paragraphs:
        if _READ_NEXT.match(paragraph.strip()):
            in_box = True
        elif in_box and articles_own(paragraph):
            in_box = False
        if not in_box:
            kept.append(paragraph)
    return kept if len(kept) < len(paragraphs) else None
