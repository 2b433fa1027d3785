"""The numbers the extraction steps decide by, in one place, each with what it means.

Grouped by the step that uses them, in the order of ``core.STEPS``; each step's module
imports its own from here. Not here: the boilerplate rules' shares (``rules.MAX_SHARE``
and each rule's ``max_share``, data beside the rules in ``rules.py``), the site-template
learner's settings (parameters of ``templates.TemplateRules`` and its learner), and
numbers still written inline in the code (e.g. the Readability port's scoring in
``secondopinion.py``, the listing test of ``pagetype.py``, recover's alignment checks,
the in-page link shares of prune's tables of contents). This module imports nothing of
the package, so that any step may import it.
"""

from __future__ import annotations

# -- words and sentences (text.py): used by several steps

#: A paragraph is prose (``text.is_prose``) from this many words, ending a sentence.
PROSE_MIN_WORDS = 12

# -- decode and parse (decode.py): bytes to text to tree

#: Larger documents are cut to this many characters before parsing (no news page is near it).
MAX_CHARS = 5_000_000
#: Scripts and styles longer than this are emptied before a large document is cut,
#: so that an inline data blob does not push the article past the cut.
MAX_INVISIBLE_CHARS = 100_000
#: Deeper trees have their bare wrapper chains collapsed (libxml2's own limit is 255
#: levels, 2,048 as parsed here).
MAX_DEPTH = 255
#: A page nested deeper than libxml2 parses (2,048 levels) is parsed again with the tags
#: opened below this level taken out (their text kept): a browser shows it whole.
MAX_PARSE_DEPTH = 1000

# -- template (templates.py): the site's recurring blocks

#: Blocks longer than this (words) are never recurring text (their text is not keyed).
KEY_MAX_WORDS = 400
#: A block is template when it recurs on at least this many of a site's pages: a site
#: with fewer pages is not learned at all.
MIN_TEMPLATE_PAGES = 5
#: A recurring label ("Tonight on our radio show:", a leading <strong>) is this many words
#: at most; what follows it changes from page to page: links, or a number of at most
#: ``LABEL_MAX_REST_WORDS`` words ("file 2024-117").
LABEL_MAX_WORDS = 8
LABEL_MAX_REST_WORDS = 12
#: Longer blocks are never "label plus changing part" (a paragraph that starts "Update:").
LABEL_MAX_BLOCK_WORDS = 40
#: A line of the article that is only a part of a template block ("Sports" of a menu) is
#: dropped when it has this many words, or stands next to another such line: a short
#: part alone may be the article's own ("error" as a heading and as a sidebar link).
TEMPLATE_PART_MIN_WORDS = 4
#: Lines up to this many characters (spaces folded) may be found pieced together of
#: template parts ("Luxury Link" + "more >"); longer ones only whole.
TEMPLATE_PIECED_MAX_CHARS = 200

# -- prepare (prepare.py): browser-like repairs

#: A streamed boundary's fallback ("Loading…", a spinner) is this short (words); it is
#: dropped when its segment arrives.
FALLBACK_MAX_WORDS = 12
#: Share of the page's words from which a wrapper holding the headline is the page itself.
WRAPPER_SHARE = 0.5

# -- prune (prune.py): boilerplate elements out

#: An element holds prose (and is not a share bar or an ad slot) with this many words in
#: paragraphs of prose (``text.is_prose``, under PROSE_MAX_LINK_SHARE of them in links).
PRUNE_MIN_PROSE_WORDS = 80
PROSE_MAX_LINK_SHARE = 0.2
#: Hidden elements may be larger (a page does not show them), but not most of the page.
HIDDEN_MAX_SHARE = 0.6
#: A hidden element holding this share of the page's prose (and PRUNE_MIN_PROSE_WORDS)
#: is the article shipped hidden behind a paywall's script: kept.
HIDDEN_ARTICLE_SHARE = 0.8
#: An element a rule of a prose kind (related, footnotes...) names, holding more than
#: this share of the prose of the <article> or <main> it is in, is that article: kept.
RULE_ARTICLE_SHARE = 0.5
#: Class values or ids of more parts than this are slugs of headings, not widget names
#: ("sharing-with-a-single-developer"): only whole-value rules apply to them.
MAX_PARTS = 3
#: A table of contents is a list of at least this many in-page links (``href="#..."``).
TOC_MIN_LINKS = 3
#: A table of contents' wrapper ("Table of contents", a toggle) goes with it while it
#: adds at most this many words.
TOC_MAX_EXTRA_WORDS = 8
#: At least this share of a table of contents' words is its links' (else it is a summary:
#: each heading followed by what its section says).
TOC_LINK_SHARE = 0.8

# -- score (scorer.py): trafilatura's main text

#: Readability's text may exceed the page body's by the spaces its markup adds (at most
#: 1.4% on the dev sets): trafilatura's own text must be half of the body's times this
#: before Readability is known not to win and is skipped.
READABILITY_BOUND_MARGIN = 1.1

# -- blocks without chrome (fallback.py): Readability's wider article read block by block

#: Chrome holding more than this share of the page is its content after all (a form
#: around a whole ASP.NET page, a header that swallowed the body).
MAX_CHROME_SHARE = 0.6

# -- recover (recover.py): blocks the scorer dropped mid-article put back

#: A gap is filled only when it is this short (blocks): longer runs of dropped blocks
#: between kept paragraphs are widgets more often than article (galleries, related cards).
MAX_RUN_BLOCKS = 3
#: ... and this short (words).
MAX_RUN_WORDS = 80
#: A run of only a subheading and list items without links may be this long (blocks) ...
MAX_LIST_RUN_BLOCKS = 12
#: ... and this long (words).
MAX_LIST_RUN_WORDS = 250
#: A list run may be longer still (blocks) when the kept paragraph before it announces it
#: ("Here is a list of the principles:") or its items are sentences, or when the scorer
#: kept no list (its fallback for pages it finds no frame in drops every list) ...
MAX_CONTENT_LIST_BLOCKS = 40
#: ... and this long (words).
MAX_CONTENT_LIST_WORDS = 1500
#: List items are sentences when they hold this many words on average, each ending one.
PROSE_ITEM_WORDS = 15
#: A block of a run of prose (subheadings and blocks of sentences with few links) holds
#: at least this many words ...
PROSE_WORDS = 20
#: ... with at most this share of them in links (also the most a long list may have,
#: unless announced).
PROSE_LINK_SHARE = 0.3
#: ... and a leaf <div> (a paragraph written without <p>) at least this many (a short one
#: is more often a blurb: author, promo).
PROSE_DIV_WORDS = 40
#: A run of prose may be this long (blocks) ...
MAX_PROSE_RUN_BLOCKS = 12
#: ... and this long (words).
MAX_PROSE_RUN_WORDS = 800
#: A repeated paragraph is put back only if it is this long (words; short repeats are labels).
MIN_REPEAT_TOKENS = 8
#: The kept container's namesakes (same tag and class) nearby are put back when the class
#: holds this share of the output's words.
SAME_CLASS_SHARE = 0.6
#: ... and a namesake has at most this share of its words in links ...
MAX_SAME_CLASS_LINK_SHARE = 0.3
#: ... sits within this many levels of a kept one (a related-posts block elsewhere on the
#: page reuses the class too) ...
MAX_SAME_CLASS_DEPTH = 4
#: ... and holds at least this many words (not a label).
MIN_SAME_CLASS_WORDS = 25

# -- second opinion (secondopinion.py): Readability's article, the tail after it, and
# -- (in the widen step) its wider article

#: Paragraphs shorter than this (characters) are not scored.
MIN_PARAGRAPH_CHARS = 25
#: Ancestors a paragraph's points go to.
ANCESTOR_LEVELS = 5
#: Candidates (best scored first) Readability's choice of the article looks at.
TOP_CANDIDATES = 5
#: An article shorter than this (characters) is tried again with fewer rules on.
MIN_ARTICLE_CHARS = 500
#: The tail is trimmed only when Readability's article holds this share of the words kept.
MIN_AGREEMENT = 0.6
#: Readability's article replaces the paragraphs kept (on pages of many like blocks) when
#: it holds this share of their words ...
MIN_HELD = 0.9
#: ... and is this many times as long.
MIN_WIDER = 2
#: A paragraph of prose after Readability's article is the article's own (the tail is
#: not trimmed past it) when fewer than this share of its words are in links: a sentence
#: with a link in it is; a teaser, its headline and blurb linked whole, is not.
TAIL_MAX_LINK_SHARE = 0.5
#: Paragraphs of Readability's article this long (words) say how its blocks are written.
MIN_KIND_WORDS = 12
#: A paragraph is inside Readability's article when this share of its shingles is.
MIN_INSIDE = 0.5
#: Words in a shingle, for "is this paragraph inside Readability's article?".
SHINGLE = 4

# -- filter (textfilter.py): boilerplate lines, repeated copies

#: If the line rules would drop more than this share of the words, the paragraphs are
#: kept as they were.
MAX_DROPPED_SHARE = 0.4
#: Lines of a per-item kind (bylines, dates) this many times over are the items' own.
MIN_ITEM_LINES = 4
#: A run of paragraphs repeated word for word is a copy of the page's content (the
#: mobile and desktop versions of a layout, a tab's panel) when it is this many
#: paragraphs long ...
MIN_COPY_PARAGRAPHS = 3
#: ... and this many words.
MIN_COPY_WORDS = 100
#: Earlier places of a paragraph compared with (a page of thousands of identical lines
#: stays linear).
MAX_COPY_CANDIDATES = 4

# -- standfirst (recover.standfirst): the dek the scorer left above the body

#: A page description this long (characters) can name the standfirst ...
STANDFIRST_MIN_CHARS = 40
#: ... found as the block whose text starts with its first this many characters ...
STANDFIRST_KEY_CHARS = 60
#: ... and is at most this many times as long (a description is the dek, or its start).
STANDFIRST_MAX_RATIO = 3

# -- date in text (metadata.py): an article's date from its text

#: How far from the headline (characters) a free-text date is looked for.
NEAR = 1500
