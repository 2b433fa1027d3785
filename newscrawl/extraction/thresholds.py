"""The numbers the extraction steps decide by, in one place, each with what it means.

(Most steps' older thresholds still sit beside their code; they move here as the
steps are reworked.)
"""

from __future__ import annotations

#: A paragraph is prose (``text.is_prose``) from this many words, ending a sentence.
PROSE_MIN_WORDS = 12
