"""Words and sentences: the one tokenizer of the extraction steps.

A word is a run of word characters, except in the scripts written without spaces
(Chinese, Japanese), where each character counts as a word. Prose is what an article
is written in: sentences, at some length. Steps that remove a run of paragraphs
(the tail after the article, a "Read next" box) remove only what is not prose.
"""

from __future__ import annotations

import re

from .thresholds import PROSE_MIN_WORDS

#: Scripts written without spaces between words (Chinese, Japanese kana and kanji).
CJK_CHARS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
WORD = re.compile(f"[{CJK_CHARS}]|[^\\W{CJK_CHARS}]+")
#: A sentence's end: its mark, then closing quotes or brackets.
_SENTENCE_END = re.compile("[.!?\u2026\u3002\uff01\uff1f][\"'\u201d\u2019\u00bb)\\]]*$")


def count_words(text: str) -> int:
    return len(WORD.findall(text))


def is_prose(paragraph: str) -> bool:
    """A paragraph of running text: ``PROSE_MIN_WORDS`` or more, ending a sentence.
    Headlines, labels and link lines are shorter or end without a stop."""
    text = paragraph.rstrip()
    return bool(_SENTENCE_END.search(text)) and count_words(text) >= PROSE_MIN_WORDS
