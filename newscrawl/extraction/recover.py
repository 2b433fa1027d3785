"""Second pass over the page: align the scorer's output with the DOM, then fill its gaps.

trafilatura is good at finding *where* the article is, less so at keeping all
of it: it drops subheadings, short list items and table rows that sit between
paragraphs it kept. This pass maps its output back onto the page's leaf
blocks (by shared word shingles), and adds back the blocks that lie between
the first and last kept block, inside the same container, when they look like
article content (a heading, list item, paragraph, quote, code or table row;
few links; not in a boilerplate element; not a boilerplate line). Short runs go
back; longer ones when they are prose (subheadings and sentences, <div>s too), a
list its paragraph announces ("...:") or written in sentences, or any list when
the scorer kept none (its no-frame fallback drops them all). It also adds
the text of the kept container's namesakes nearby: the scorer keeps one
element, and a page that splits its article into sections (or a thread into
posts) of one class has the rest in the others.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from lxml.etree import _Element

from . import prune
from .dom import fold_space, text_of
from .rules import ARTICLE_TAGS, ELEMENT_RULES, LINE_RULES, ElementRule, LineRule
from .text import WORD
from .textfilter import line_rule
from .thresholds import (
    MAX_CONTENT_LIST_BLOCKS,
    MAX_CONTENT_LIST_WORDS,
    MAX_LIST_RUN_BLOCKS,
    MAX_LIST_RUN_WORDS,
    MAX_PROSE_RUN_BLOCKS,
    MAX_PROSE_RUN_WORDS,
    MAX_RUN_BLOCKS,
    MAX_RUN_WORDS,
    MAX_SAME_CLASS_DEPTH,
    MAX_SAME_CLASS_LINK_SHARE,
    MIN_REPEAT_TOKENS,
    MIN_SAME_CLASS_WORDS,
    PROSE_DIV_WORDS,
    PROSE_ITEM_WORDS,
    PROSE_LINK_SHARE,
    PROSE_WORDS,
    SAME_CLASS_SHARE,
    STANDFIRST_KEY_CHARS,
    STANDFIRST_MAX_RATIO,
    STANDFIRST_MIN_CHARS,
)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Elements that hold a paragraph of text.
LEAF_TAGS = _words(
    "p h1 h2 h3 h4 h5 h6 li blockquote pre td th dt dd figcaption div caption address"
)
HEADINGS = _words("h1 h2 h3 h4 h5 h6")
#: Content never comes from inside these.
NEVER = _words(
    "nav aside form footer header button select option label script style noscript "
    "template svg iframe menu"
)


def leaf_blocks(root: _Element) -> Iterator[_Element]:
    """Block elements that contain no other block element, in document order."""
    has_block: set[_Element] = set()  # elements with a block element below them
    nodes = [el for el in root.iter() if isinstance(el.tag, str)]
    for el in reversed(nodes):  # descendants before ancestors
        if el in has_block or el.tag in LEAF_TAGS:
            parent = el.getparent()
            if parent is not None:
                has_block.add(parent)
    for el in nodes:
        if el.tag in LEAF_TAGS and el not in has_block:
            yield el


def _lower_words(text: str) -> list[str]:
    return WORD.findall(text.lower())


def _shingles(tokens: list[str]) -> set[tuple[str, ...]]:
    """Three-word shingles (a shorter block: its words as one)."""
    if len(tokens) < 3:
        return {tuple(tokens)} if tokens else set()
    return set(zip(tokens, tokens[1:], tokens[2:], strict=False))


def _link_words(el: _Element) -> int:
    """Words in links, but not a heading's link to itself (its permalink anchor). Inside
    a link (a teaser card's headline and blurb, all one ``<a>``) every word is."""
    outer = next(el.iterancestors("a"), None)
    if outer is not None and not (outer.get("href") or "#").startswith("#"):
        return len(WORD.findall(el.xpath("string()")))
    links = el.iter("a")
    if el.tag in HEADINGS:
        links = (a for a in links if not (a.get("href") or "").startswith("#"))
    return sum(len(WORD.findall(a.xpath("string()"))) for a in links)


def _in_never(el: _Element, container: _Element, rules: Iterable[ElementRule]) -> bool:
    """Is ``el`` inside an element content never comes from (below ``container``)? (A
    heading inside a <button> is an accordion's: the label of a section of the text.)"""
    never = NEVER - {"button"} if el.tag in HEADINGS else NEVER
    node: _Element | None = el
    while node is not None and node is not container:
        if node.tag in never or prune.matching_rule(node, rules) is not None:
            return True
        node = node.getparent()
    return False


def _common_ancestor(elements: list[_Element]) -> _Element | None:
    if not elements:
        return None
    chains = [list(reversed([e, *e.iterancestors()])) for e in elements]
    common = None
    for nodes in zip(*chains, strict=False):
        if all(n is nodes[0] for n in nodes):
            common = nodes[0]
        else:
            break
    return common


#: Tags of the blocks put back. A gap is filled only when it is short (MAX_RUN_BLOCKS,
#: MAX_RUN_WORDS): longer runs of dropped blocks between kept paragraphs are widgets
#: more often than article (galleries, related cards).
GAP_TAGS = frozenset(("p", "li", "blockquote", "pre", *HEADINGS))
#: ... unless the run is only a subheading and list items without links (up to
#: MAX_LIST_RUN_BLOCKS), and longer still (MAX_CONTENT_LIST_BLOCKS) when the kept
#: paragraph before it announces it ("Here is a list of the principles:") or its items
#: are sentences: the scorer's fallback for pages it finds no frame in keeps paragraphs
#: and drops every list. So may a run of prose (MAX_PROSE_RUN_BLOCKS): subheadings and
#: blocks of sentences (a <div> too, a paragraph written without <p>) with few links.
LIST_RUN_TAGS = frozenset(("li", *HEADINGS))
_SENTENCE_END = re.compile(r"[.!?:][\"'”’)]*$")


_CREDIT = re.compile(r"\b(photo|image|picture|credit)s?\s*(:|by\b)|\|\s*photo", re.I)


def _is_quote_figure(node: _Element) -> bool:
    """A figure holding a quote (not an embedded post's)."""
    if node.tag != "figure" or "embed" in (node.get("class") or ""):
        return False
    return node.find(".//blockquote") is not None


def _is_caption(el: _Element) -> bool:
    """Inside a figure or an element whose class or id says caption or credit (but not
    in a quote: a figure holding a blockquote, whose caption names the speaker; an
    embedded post is a figure of its own)."""
    nodes = (el, *el.iterancestors())
    if any(_is_quote_figure(n) for n in nodes):
        return False
    for node in nodes:
        if node.tag in ("figure", "figcaption"):
            return True
        marks = f"{node.get('class') or ''} {node.get('id') or ''}".lower()
        if "caption" in marks or "credit" in marks:
            return True
    return False


def _content_list(
    run: list[int], leaves: list[tuple[_Element, str, int, bool]], line_rules: tuple[LineRule, ...]
) -> bool:
    """Is this run an announced list or a list of items written as sentences?"""
    items = [i for i in run if leaves[i][0].tag == "li"]
    if not items:
        return False
    if sum(leaves[i][2] for i in items) >= PROSE_ITEM_WORDS * len(items) and all(
        leaves[i][1].rstrip()[-1:] in ".!?" for i in items
    ):
        return True
    return _announced(run, leaves, line_rules)


def _announced(
    run: list[int], leaves: list[tuple[_Element, str, int, bool]], line_rules: tuple[LineRule, ...]
) -> bool:
    """Is this run a list (items only) right after a kept paragraph that announces it
    ("Top recommendations:"; not "Related posts:")? Its items may be links."""
    before = run[0] - 1
    if before < 0 or not leaves[before][3]:
        return False
    text = leaves[before][1].rstrip()
    if not text.endswith(":") or line_rule(text, line_rules) is not None:
        return False
    return all(leaves[i][0].tag == "li" for i in run)


def _is_prose(leaf: tuple[_Element, str, int, bool]) -> bool:
    """A block of sentences with few links."""
    el, text, words, _ = leaf
    if words < (PROSE_DIV_WORDS if el.tag == "div" else PROSE_WORDS):
        return False
    if not _SENTENCE_END.search(text.rstrip()):
        return False
    return _link_words(el) <= PROSE_LINK_SHARE * words


def _long_list(
    run: list[int],
    leaves: list[tuple[_Element, str, int, bool]],
    lists_dropped: bool,
    line_rules: tuple[LineRule, ...],
) -> bool:
    """May this run go back as a long list: a content list, or any list when the scorer
    kept none (its fallback for a page it finds no frame in drops every list)?"""
    if lists_dropped and any(leaves[i][0].tag == "li" for i in run):
        return all(leaves[i][0].tag in LIST_RUN_TAGS for i in run)
    return _content_list(run, leaves, line_rules)


def _fits(
    run: list[int],
    leaves: list[tuple[_Element, str, int, bool]],
    container: _Element,
    rules: tuple[ElementRule, ...],
    title_norm: str,
    lists_dropped: bool,
    line_rules: tuple[LineRule, ...],
) -> bool:
    """May this run of dropped blocks (between two kept ones) go back into the text?
    (``lists_dropped``: the scorer kept no list at all.)"""
    words = sum(leaves[i][2] for i in run)
    lists_only = all(leaves[i][0].tag in LIST_RUN_TAGS for i in run)
    announced = lists_only and _announced(run, leaves, line_rules)
    prose = not lists_only and all(
        leaves[i][0].tag in HEADINGS or _is_prose(leaves[i]) for i in run
    )
    if prose:
        if len(run) > MAX_PROSE_RUN_BLOCKS or words > MAX_PROSE_RUN_WORDS:
            return False
    elif lists_only:  # a subheading and its list: longer runs are fine, links are not
        if _long_list(run, leaves, lists_dropped, line_rules):  # (a link in a sentence is)
            if len(run) > MAX_CONTENT_LIST_BLOCKS or words > MAX_CONTENT_LIST_WORDS:
                return False
            link_words = sum(_link_words(leaves[i][0]) for i in run)
            if link_words > PROSE_LINK_SHARE * words and not announced:
                return False
        else:
            if len(run) > MAX_LIST_RUN_BLOCKS or words > MAX_LIST_RUN_WORDS:
                return False
            if any(_link_words(leaves[i][0]) for i in run):
                return False
    elif len(run) > MAX_RUN_BLOCKS or words > MAX_RUN_WORDS:
        return False
    for i in run:
        el, text, words, _ = leaves[i]
        quoted = el.tag == "figcaption" and any(map(_is_quote_figure, el.iterancestors()))
        if el.tag not in GAP_TAGS and not (prose and el.tag == "div") and not quoted:
            return False
        if container not in el.iterancestors():
            return False
        if _is_caption(el) or _CREDIT.search(text):
            return False
        if _in_never(el, container, rules) or line_rule(text, line_rules) is not None:
            return False
        if text.casefold() == title_norm:
            return False
        if _link_words(el) > 0.5 * words and not announced:
            return False
    return True


def recover(
    tree: _Element,
    paragraphs: list[str],
    rules: tuple[ElementRule, ...] = ELEMENT_RULES,
    title: str | None = None,
    lists_dropped: bool = False,
    line_rules: tuple[LineRule, ...] = LINE_RULES,
) -> list[str]:
    """The scorer's ``paragraphs`` with the article blocks it dropped put back in place
    (``lists_dropped``: the scorer's output holds no list).

    Returns ``paragraphs`` unchanged when the alignment is not clear enough.
    """
    para_tokens = [_lower_words(p) for p in paragraphs]
    total = sum(map(len, para_tokens))
    if total < 30:
        return paragraphs
    para_shingles = [_shingles(t) for t in para_tokens]
    out_shingles = set().union(*para_shingles)
    leaves: list[tuple[_Element, str, int, bool]] = []
    leaf_shingles: list[set[tuple[str, ...]]] = []
    for el in leaf_blocks(tree):
        text = text_of(el)
        tokens = _lower_words(text)
        if not tokens:
            continue
        sh = _shingles(tokens)
        kept = len(sh & out_shingles) >= 0.5 * len(sh)
        leaf_shingles.append(sh)
        leaves.append((el, text, len(tokens), kept))
    kept_idx = [i for i, leaf in enumerate(leaves) if leaf[3]]
    if sum(leaves[i][2] for i in kept_idx) < 0.6 * total:
        return paragraphs  # the output does not map onto the page's blocks well
    container = _common_ancestor([leaves[i][0] for i in kept_idx])
    if container is None:
        return paragraphs
    first, last = min(kept_idx), max(kept_idx)
    title_norm = fold_space(title or "").casefold()
    gaps: list[int] = []
    added = 0
    run: list[int] = []
    for i in range(first, last + 1):
        if not leaves[i][3]:
            run.append(i)
            continue
        if run and _fits(run, leaves, container, rules, title_norm, lists_dropped, line_rules):
            gaps += run
            if not _long_list(run, leaves, lists_dropped, line_rules):
                added += sum(leaves[j][2] for j in run)
        run = []
    if added > 0.5 * total:
        gaps = []  # too much: trust the scorer
    gaps = sorted(
        set(gaps + _repeats(leaves, kept_idx, para_tokens, container, rules, line_rules))
        | set(_same_class(tree, leaves, kept_idx, rules, title_norm, line_rules))
    )
    if not gaps:
        return paragraphs
    owner: dict[tuple[str, ...], int] = {}  # each shingle's first leaf
    for i in range(len(leaf_shingles) - 1, -1, -1):
        owner.update(dict.fromkeys(leaf_shingles[i], i))
    # anchor each output paragraph on the leaf most of its shingles come from
    anchors: list[int | None] = []
    for shingles in para_shingles:
        votes: dict[int, int] = {}
        for shingle in shingles:
            if (leaf := owner.get(shingle)) is not None:
                votes[leaf] = votes.get(leaf, 0) + 1
        # ties go to the earliest leaf (votes fill in set order, which varies by process)
        anchors.append(max(votes, key=lambda k: (votes[k], -k)) if votes else None)
    result: list[str] = []
    pending = iter(gaps)
    nxt: int | None = next(pending, None)
    for paragraph, anchor in zip(paragraphs, anchors, strict=True):
        while nxt is not None and anchor is not None and nxt < anchor:
            result.append(leaves[nxt][1])
            nxt = next(pending, None)
        result.append(paragraph)
    while nxt is not None:  # after the last paragraph the scorer kept
        result.append(leaves[nxt][1])
        nxt = next(pending, None)
    return result


#: A leaf <div> is a paragraph written without <p>, but repeated <div>s are more often
#: widgets (signatures, blurbs): one is put back only as the twin of its previous sibling.
TWIN_TAGS = frozenset(("div",))


def _repeats(
    leaves: list[tuple[_Element, str, int, bool]],
    kept_idx: list[int],
    para_tokens: list[list[str]],
    container: _Element,
    rules: tuple[ElementRule, ...],
    line_rules: tuple[LineRule, ...],
) -> list[int]:
    """Kept blocks the page repeats word for word more often than the output does.

    The scorer collapses identical paragraphs (its own duplicates come from
    overlapping candidates); a page that says the same thing twice in its
    article says it twice.
    """
    in_output: dict[tuple[str, ...], int] = {}
    for tokens in para_tokens:
        key = tuple(tokens)
        in_output[key] = in_output.get(key, 0) + 1
    seen: dict[tuple[str, ...], int] = {}
    first: dict[tuple[str, ...], int] = {}  # each text's first leaf
    repeats = []
    for i in kept_idx:
        el, text, words, _ = leaves[i]
        key = tuple(_lower_words(text))
        seen[key] = seen.get(key, 0) + 1
        first.setdefault(key, i)
        if seen[key] <= in_output.get(key, 0) or in_output.get(key, 0) == 0:
            continue
        if words < MIN_REPEAT_TOKENS:
            continue
        if el.tag not in GAP_TAGS and not (el.tag in TWIN_TAGS and _twin(leaves, i)):
            continue
        if _responsive(el, container) or _responsive(leaves[first[key]][0], container):
            continue  # one copy per layout: a reader sees it once
        if container not in el.iterancestors() or _in_never(el, container, rules):
            continue
        if _is_caption(el) or line_rule(text, line_rules) is not None:
            continue
        repeats.append(i)
    return repeats


#: Class tokens that show an element at some screen widths only: Bootstrap's hidden-md-up,
#: visible-xs and d-md-none, Foundation's show-for-small-only, Bulma's is-hidden-mobile,
#: Tailwind's md:hidden, "mobile-only", or a plain "desktop" / "mobile" copy. A page that
#: writes a block once per layout shows it once.
_RESPONSIVE = re.compile(
    r"(?:is-)?(?:hidden|visible|hide|show)-(?:for-|on-)?"
    r"(?:xs|sm|md|lg|xl|xxl|phone|mobile|tablet|desktop|small|medium|large|touch)"
    r"(?:-(?:up|down|only|block|inline|flex))?"
    r"|(?:hidden|visible)-(?:up|down|only)-(?:xs|sm|md|lg|xl|xxl)"
    r"|d-(?:xs|sm|md|lg|xl|xxl)-none|(?:xs|sm|md|lg|xl|2xl|max-[a-z0-9]+):hidden"
    r"|(?:mobile|desktop|tablet|phone)(?:-(?:only|hidden|visible|version|view))?"
)


def _responsive(el: _Element, container: _Element) -> bool:
    """Is ``el``, or an element around it below ``container``, shown at some widths only?"""
    for node in (el, *el.iterancestors()):
        if node is container:
            return False
        if any(_RESPONSIVE.fullmatch(t) for t in (node.get("class") or "").lower().split()):
            return True
    return False


def _twin(leaves: list[tuple[_Element, str, int, bool]], i: int) -> bool:
    """Is leaf ``i`` its previous sibling's copy (same text, nothing between them)?"""
    el, prev = leaves[i][0], leaves[i - 1][0] if i else None
    if prev is None or el.getprevious() is not prev or (prev.tail or "").strip():
        return False
    return leaves[i - 1][1] == leaves[i][1]


#: Class or id parts of page chrome: a namesake inside one (a sidebar's teaser posts,
#: which reuse the article's "entry-content") is not the article's other section. (Not
#: prepare's list: "widget" wraps every Elementor block, "comment" a forum's posts.)
_CHROME_PARTS = frozenset("aside footer header menu nav navigation related sidebar".split())


def _in_chrome(ancestors: list[_Element], near: set[_Element]) -> bool:
    """Does the way up from an element to the kept holder's neighbourhood pass through
    an element whose class or id names page chrome?"""
    for node in ancestors:
        if node in near:
            return False
        if prune.tokens(node)[1] & _CHROME_PARTS:  # (not a heading's slug: "menu-innovation-...")
            return True
    return False


def _same_class(
    tree: _Element,
    leaves: list[tuple[_Element, str, int, bool]],
    kept_idx: list[int],
    rules: tuple[ElementRule, ...],
    title_norm: str,
    line_rules: tuple[LineRule, ...],
) -> list[int]:
    """Dropped leaves in the other elements of the class that holds most of the output.

    The scorer keeps one container; the page's other elements of the same class near it
    (the article's other sections, a thread's other posts) are its text too, when the
    class holds most of the output (SAME_CLASS_SHARE), and an element is put back when it
    holds text, not a label or links, and sits within MAX_SAME_CLASS_DEPTH levels of a
    kept one (a related-posts block elsewhere on the page reuses the class too).
    """
    owners: dict[_Element, int] = {}  # the nearest classed ancestor of each kept leaf
    for i in kept_idx:
        holder = next((a for a in leaves[i][0].iterancestors() if a.get("class")), None)
        if holder is not None:
            owners[holder] = owners.get(holder, 0) + leaves[i][2]
    by_key: dict[tuple[str, str], int] = {}
    for holder, words in owners.items():
        key = (holder.tag, holder.get("class") or "")
        by_key[key] = by_key.get(key, 0) + words
    if not by_key:
        return []
    (tag, classes), words = max(by_key.items(), key=lambda kv: kv[1])
    if words < SAME_CLASS_SHARE * sum(leaves[i][2] for i in kept_idx):
        return []
    near: set[_Element] = set()
    for holder in owners:
        if holder.tag == tag and holder.get("class") == classes:
            near.update(list(holder.iterancestors())[:MAX_SAME_CLASS_DEPTH])
    index = {leaf[0]: i for i, leaf in enumerate(leaves)}
    added: list[int] = []
    for other in tree.iter(tag):
        if other.get("class") != classes or other in owners:
            continue
        ancestors = list(other.iterancestors())
        if any(a in owners for a in ancestors) or not near.intersection(
            ancestors[:MAX_SAME_CLASS_DEPTH]
        ):
            continue
        if _in_chrome(ancestors, near):
            continue
        found = [index[el] for el in other.iter() if el in index and not leaves[index[el]][3]]
        words = sum(leaves[i][2] for i in found)
        if words < MIN_SAME_CLASS_WORDS or _link_words(other) > MAX_SAME_CLASS_LINK_SHARE * words:
            continue
        if _in_never(other, tree, rules):
            continue
        for i in found:
            el, text, _, _ = leaves[i]
            boilerplate = line_rule(text, line_rules) is not None
            if _is_caption(el) or boilerplate or text.casefold() == title_norm:
                continue
            if not _in_never(el, other, rules):
                added.append(i)
    return added


#: A standfirst is never inside these (a teaser's blurb in a list or a link, a caption).
_NOT_STANDFIRST = _words(
    "nav aside footer form button figure figcaption label select option li td th a"
)


def _folded(text: str) -> str:
    return fold_space(text).casefold()


def standfirst(tree: _Element, paragraphs: list[str], description: str | None) -> str | None:
    """The article's standfirst (dek) when the scorer left it out: the visible block
    before the first kept paragraph whose text is the page's description (news sites
    write the dek as their ``og:description``), inside the ``<article>`` or ``<main>``
    that holds the body when there is one. None when the text has it already, or no
    such block is found."""
    wanted = _folded(description or "").removesuffix("...").rstrip(".… ")
    if len(wanted) < STANDFIRST_MIN_CHARS or not paragraphs:
        return None
    key = wanted[:STANDFIRST_KEY_CHARS]
    if key[:STANDFIRST_MIN_CHARS] in _folded(" ".join(paragraphs)):
        return None
    first = _folded(paragraphs[0])[:STANDFIRST_MIN_CHARS]
    found: _Element | None = None
    for el in leaf_blocks(tree):
        text = _folded(text_of(el))
        if text.startswith(first):  # (the body begins: a standfirst comes before it)
            region = next((a for a in el.iterancestors() if a.tag in ARTICLE_TAGS), None)
            if found is None or (region is not None and region not in found.iterancestors()):
                return None
            return text_of(found)
        if found is None and text.startswith(key) and _standfirst_block(el, text, wanted):
            found = el
    return None


def _standfirst_block(el: _Element, text: str, description: str) -> bool:
    """Could ``el`` (its folded ``text``) be the standfirst the description starts?"""
    if len(text) > STANDFIRST_MAX_RATIO * len(description):
        return False
    return not any(node.tag in _NOT_STANDFIRST for node in (el, *el.iterancestors()))
