"""Bytes to text to tree: decode a page as a browser would, then parse it.

Declarations are trusted only as far as the bytes agree (pages and servers lie
about charsets), text that is mostly UTF-8 keeps its UTF-8 even around a few
stray legacy bytes, double-encoded UTF-8 is repaired, and the parser reads as
deep and as large as a real page needs, within fixed bounds.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer
from lxml import etree
from lxml.etree import _Element
from lxml.html import (
    HtmlComment,
    HtmlElement,
    HtmlEntity,
    HTMLParser,
    HtmlProcessingInstruction,
    fromstring,
)
from trafilatura.utils import load_html
from w3lib.encoding import (
    html_body_declared_encoding,
    html_to_unicode,
    http_content_type_encoding,
    resolve_encoding,
)

from .errors import ExtractionError
from .thresholds import MAX_CHARS, MAX_DEPTH, MAX_INVISIBLE_CHARS, MAX_PARSE_DEPTH

#: Is there an element below level MAX_DEPTH? (libxml2 walks it in C: no Python loop
#: over every node of every page.)
_TOO_DEEP = etree.XPath("boolean(" + "/".join(["*"] * MAX_DEPTH) + ")")
#: Elements that only wrap (collapsed when a tree is too deep).
_WRAPPERS = ("div", "span", "section", "font", "center")
#: The encoding of undeclared legacy text when detection cannot tell (WHATWG's default).
LEGACY_DEFAULT = "cp1252"

#: Characters XML (and so libxml2) refuses and no page shows: C0 controls but tab and
#: line breaks, DEL, and the noncharacters U+FFFE and U+FFFF.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
#: The C0 controls and DEL as bytes (the same in UTF-8 and the legacy encodings):
#: removed from undeclared bytes before decoding, at C speed.
_CONTROL_BYTES = bytes((*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F))
_NONCHARACTERS = ("\ufffe", "\uffff")
#: The start of a doctype that closes itself ("<!DOCTYPE html/>"), which libxml2 misreads.
_FAULTY_DOCTYPE = re.compile(r"^< ?! ?DOCTYPE[^>]*/[^<>]*>", re.IGNORECASE)
#: A self-closed <html/> start tag.
_FAULTY_HTML = re.compile(r"(<html.*?)\s*/>", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_END_OF_DOCUMENT = re.compile(r"</(?:body|html)\s*>", re.IGNORECASE)
_INVISIBLE_OPEN = re.compile(r"<(script|style)\b[^>]*>", re.IGNORECASE)
_INVISIBLE_CLOSE = {t: re.compile(rf"</{t}\s*>", re.IGNORECASE) for t in ("script", "style")}
#: A multi-byte UTF-8 sequence (lead byte and its continuation bytes).
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)

#: Trees as deep as libxml2 allows with XML_PARSE_HUGE (2,048 levels, not 255): real
#: pages nest past 255 (builders' wrappers), and the article is often at the bottom.
_PARSER = HTMLParser(
    collect_ids=False,
    default_doctype=False,
    encoding="utf-8",
    remove_comments=True,
    remove_pis=True,
    huge_tree=True,
)
# lxml.html picks each element's Python class in a Python callback, once per element
# proxy created (by us and by trafilatura, on this tree and its copies: thousands of
# times a page); the same classes are chosen in C. Only <form>, <input>, <select>,
# <textarea> and <label> lose their form helpers, which nothing here uses.
_PARSER.set_element_class_lookup(
    etree.ElementDefaultClassLookup(
        element=HtmlElement, comment=HtmlComment, pi=HtmlProcessingInstruction, entity=HtmlEntity
    )
)


def looks_binary(data: bytes) -> bool:
    """Many NUL or control bytes at the start: an image, archive or other binary."""
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False  # UTF-16 text has NULs by design
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return bool(head) and controls > 0.1 * len(head)


#: The start of a JSON document: an object or array of values (HTML never starts so).
_JSON_START = re.compile(r'\s*(?:\{\s*["}]|\[\s*[\[{"])')
#: An XML document's root element, after its declaration, comments and doctype.
_XML_ROOT = re.compile(
    r"\s*(<\?xml[^>]*\?>)?\s*(?:<!--.*?-->\s*|<!DOCTYPE[^>]*>\s*|<\?[^>]*\?>\s*)*<([\w:.-]+)",
    re.IGNORECASE | re.DOTALL,
)
#: Roots of XML that is never a web page, whatever the Content-Type said.
XML_ROOTS = frozenset(("rss", "feed", "rdf:rdf", "urlset", "sitemapindex", "opml", "kml", "svg"))


def not_html(text: str) -> str | None:
    """What a text that has markup is, when it is no HTML page: a JSON document (a REST
    API's answer with the post's HTML in a string) or an XML document whose root is not
    ``<html>`` (a feed, a sitemap), sniffed from the text whatever the Content-Type
    said; None for HTML."""
    start = text.lstrip("\ufeff")
    if _JSON_START.match(start):
        return "a JSON document"
    match = _XML_ROOT.match(start, 0)
    if match:
        root = match.group(2).lower()
        if root != "html" and (match.group(1) or root in XML_ROOTS):
            return f"an XML document (<{root}>)"
    return None


def declares_utf16(content_type: str | None) -> bool:
    """Does the HTTP header say UTF-16 (or UTF-32)? Such text is full of NULs, even
    without a byte-order mark, and is no binary."""
    charset = http_content_type_encoding(content_type) if content_type else None
    return charset is not None and charset.replace("-", "").startswith(("utf16", "utf32"))


def decode(html: str | bytes, content_type: str | None = None) -> str:
    """Text of a page's bytes, trusting declarations only as far as the bytes agree.

    A byte-order mark decides. Else bytes that are UTF-8 are UTF-8 (pages and
    servers often declare a legacy charset for UTF-8 content, while legacy text
    is almost never valid UTF-8), also when a few stray bytes from a legacy
    source are mixed in. Else the charset the HTTP header or the page declares,
    if the bytes decode cleanly in it; else detection (charset_normalizer),
    Windows-1252 where it cannot tell, with replacement characters.
    """
    if isinstance(html, str):
        text = _CONTROL.sub("", html)
    elif html.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        _, text = html_to_unicode(content_type, html)
        text = _CONTROL.sub("", text)
    else:
        try:
            text = html.decode("utf-8")
        except UnicodeDecodeError:
            text = _CONTROL.sub("", _decode_unmarked(html, content_type))
        else:  # (most pages: their control bytes found in C, not by a regex over the text)
            if len(html.translate(None, _CONTROL_BYTES)) < len(html):
                text = _CONTROL.sub("", text)
            for character in _NONCHARACTERS:
                if character in text:
                    text = text.replace(character, "")
    if len(text) > MAX_CHARS:
        text = empty_large_invisible(text)[:MAX_CHARS]
    return repair_mojibake(text)


def _decode_unmarked(data: bytes, content_type: str | None) -> str:
    """Bytes without a byte-order mark that are not valid UTF-8."""
    mixed = _mostly_utf8(data)
    if mixed is not None:
        return mixed
    declared = [
        http_content_type_encoding(content_type) if content_type else None,
        html_body_declared_encoding(data[:4096]),
    ]
    for encoding in dict.fromkeys(e for e in declared if e):
        try:
            return data.decode(resolve_encoding(encoding) or encoding)
        except (UnicodeDecodeError, LookupError):
            continue  # the declaration lies
    return data.decode(_detect(data), errors="replace")


#: The legacy encodings browsers decode pages in (the WHATWG Encoding Standard's, as
#: Python names them): a DOS code page (cp852, cp437) may fit the bytes as well as
#: Windows-1252 by charset_normalizer's measures, but no browser ever shows a page so.
WEB_ENCODINGS = (
    "cp866 iso8859_2 iso8859_3 iso8859_4 iso8859_5 iso8859_6 iso8859_7 iso8859_8 "
    "iso8859_10 iso8859_13 iso8859_14 iso8859_15 iso8859_16 koi8_r koi8_u mac_roman "
    "mac_cyrillic cp874 cp1250 cp1251 cp1252 cp1253 cp1254 cp1255 cp1256 cp1257 cp1258 "
    "gb18030 big5 euc_jp iso2022_jp shift_jis euc_kr"
).split()


def _detect(data: bytes) -> str:
    """charset_normalizer's guess among the web's encodings; Windows-1252 (the web's
    default) when it reads the bytes as cleanly as the guess: its single-byte rivals
    differ from it only in rare letters, and ``coherence`` (a language model over a
    few accented letters) prefers one that turns "King\x92s" into "Kingís"."""
    sample = data[:200_000]
    results = charset_normalizer.from_bytes(sample, cp_isolation=WEB_ENCODINGS)
    best = results.best()
    if best is None:
        return LEGACY_DEFAULT
    try:
        western: str | None = sample.decode(LEGACY_DEFAULT)
    except UnicodeDecodeError:
        western = None
    for match in results:
        if match.chaos <= best.chaos and (
            match.encoding == LEGACY_DEFAULT or (western is not None and str(match) == western)
        ):
            return LEGACY_DEFAULT
    return best.encoding


def _legacy_bytes(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: bytes that are not UTF-8 read as Windows-1252 (Latin-1
    for the five bytes it leaves undefined), as when a legacy paragraph is pasted in."""
    assert isinstance(error, UnicodeDecodeError)
    bad = error.object[error.start : error.end]
    return "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in bad), error.end


codecs.register_error("newscrawl-legacy", _legacy_bytes)


def _mostly_utf8(data: bytes) -> str | None:
    """``data`` decoded as UTF-8 with its few invalid bytes read as Windows-1252, if
    UTF-8 sequences outnumber invalid bytes three to one (legacy text has almost none)."""
    sequences = len(_UTF8_SEQUENCE.findall(data))
    if not sequences:
        return None
    text = data.decode("utf-8", errors="replace")
    invalid = text.count("\ufffd") - data.count(b"\xef\xbf\xbd")
    if invalid * 3 > sequences:
        return None
    return data.decode("utf-8", errors="newscrawl-legacy")


def empty_large_invisible(text: str) -> str:
    """``text`` with the content of scripts and styles longer than
    ``MAX_INVISIBLE_CHARS`` removed (their tags stay); one pass, linear."""
    out: list[str] = []
    pos = 0
    for match in _INVISIBLE_OPEN.finditer(text):
        if match.start() < pos:
            continue  # within content already removed
        close = _INVISIBLE_CLOSE[match.group(1).lower()].search(text, match.end())
        if close is None:
            break
        if close.start() - match.end() > MAX_INVISIBLE_CHARS:
            out.append(text[pos : match.end()])
            pos = close.start()
    out.append(text[pos:])
    return "".join(out)


#: UTF-8 text that was decoded as Latin-1 or Windows-1252 somewhere upstream and
#: re-encoded ("youâ€™re", "youâ\x80\x99re"): a lead byte as a character, then
#: continuation bytes as characters.
_MOJIBAKE = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u20ac\u201a\u0192\u201e\u2026\u2020\u2021\u02c6"
    "\u2030\u0160\u2039\u0152\u017d\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc"
    "\u2122\u0161\u203a\u0153\u017e\u0178]{1,3}"
)


#: Two character references in a row, the first not a space or markup character: how a
#: page writes double-encoded text as references (mojibake runs are two to four
#: characters, the first of them a letter of U+00C2 to U+00F4).
_REFERENCE_PAIR = re.compile(
    r"&(?!(?:nbsp|amp|lt|gt|quot|apos|#160|#xa0|#32|#x20|#10|#13);)(?:[A-Za-z]{4,6}|#\d{3}"
    r"|#x[0-9a-fA-F]{2});&(?:[A-Za-z]+|#\d+|#x[0-9a-fA-F]+);"
)


def repair_mojibake(text: str) -> str:
    """Undo double-encoded UTF-8 runs, each only where it decodes back cleanly and is
    plausible: a run that stands alone and decodes to a letter of another script is left
    as written. Correct text makes such runs too: Czech "těžké\u00a0– s" (é, a no-break
    space and a dash read as one UTF-8 sequence: "頖"), French "à\u00a0«". A page written
    double-encoded has its runs side by side, as many as its characters."""
    if text.isascii() or not _MOJIBAKE.search(text):
        return text
    pieces: list[str] = []
    done = 0  # (where the text copied so far ends)
    previous_end = -1
    for match in _MOJIBAKE.finditer(text):
        run = match.group(0)
        repaired = _redecode(run)
        if repaired is not None and _foreign_letter(repaired):
            next_run = _MOJIBAKE.match(text, match.end())
            if match.start() != previous_end and next_run is None:
                repaired = None  # alone: correct text that happens to look like a run
        previous_end = match.end()
        if repaired is not None:
            pieces += (text[done : match.start()], repaired)
            done = match.end()
    return "".join(pieces) + text[done:] if pieces else text


def _redecode(run: str) -> str | None:
    """The run's characters as the bytes Windows-1252 writes them (Latin-1 for the five
    it leaves undefined, which survive as C1 controls: "â€\x9d" is "”"), read as UTF-8."""
    data = bytearray()
    for char in run:
        try:
            data += char.encode("cp1252")
        except UnicodeEncodeError:
            if ord(char) > 0xFF:
                return None
            data.append(ord(char))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _foreign_letter(char: str) -> bool:
    """A character of a three-byte UTF-8 sequence that is not punctuation or a symbol
    (which Western text double-encodes alone: "donâ€™t", "â‚¬5", a byte-order mark)."""
    code = ord(char[0])
    return 0x800 <= code < 0x10000 and not (0x2000 <= code < 0x2C00 or code >= 0xFE00)


def repair_tree_mojibake(tree: _Element) -> None:
    """:func:`repair_mojibake` over the tree's text, for pages that write their
    double-encoded text as character references ("isn&acirc;&euro;&trade;t"): the text
    :func:`decode` returns does not show it."""
    for el in tree.iter():
        if el.text and _MOJIBAKE.search(el.text):
            el.text = repair_mojibake(el.text)
        if el.tail and _MOJIBAKE.search(el.tail):
            el.tail = repair_mojibake(el.tail)


def parse(text: str) -> HtmlElement:
    """The tree (lxml) of a page's text as :func:`decode` returns it (without the
    characters XML refuses), or :class:`ExtractionError` ``unparsable``."""
    # lxml refuses a str with an XML encoding declaration, and trafilatura then
    # re-parses the bytes without knowing their encoding (mojibake): drop it
    text = _XML_DECLARATION.sub("", text, count=1)
    # browsers ignore </body> and </html> (content after them still goes into the body);
    # lxml stops parsing there, losing whatever a broken template put after them
    text = _END_OF_DOCUMENT.sub("", text)
    try:
        tree = fromstring(_repair_start(text), parser=_PARSER)
        if _too_deep_to_parse():
            tree = fromstring(_repair_start(flatten_deep(text)), parser=_PARSER)
        if tree is None or len(tree) < 1:
            tree = load_html(text)  # trafilatura's fallbacks (bytes, dubious documents)
    except Exception as exc:  # lxml raises a zoo of errors on hostile input
        raise ExtractionError("unparsable", f"{type(exc).__name__}: {exc}") from exc
    if not isinstance(tree, HtmlElement):
        raise ExtractionError("unparsable", "not an HTML document")
    if _TOO_DEEP(tree):
        unwrap_chains(tree)
    if _REFERENCE_PAIR.search(text):
        repair_tree_mojibake(tree)
    return tree


def _too_deep_to_parse() -> bool:
    """Did the last parse stop at libxml2's depth limit (losing what lies below)?"""
    return any(
        e.type_name == "ERR_RESOURCE_LIMIT" and "depth" in e.message for e in _PARSER.error_log
    )


#: A tag of the markup (a comment or doctype does not nest).
_MARKUP_TAG = re.compile(r"<(/?)([a-zA-Z][^\s/>]*)[^>]*?(/?)>")
#: Elements that never hold others (no end tag).
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
#: The end tags of the elements whose text is no markup.
_RAW_TEXT_END = {name: re.compile(f"</{name}", re.IGNORECASE) for name in ("script", "style")}
#: Elements a new one of the same kind ends (``<p>a<p>b``: two paragraphs, not nested).
_SELF_ENDING = frozenset("p li dt dd option tr td th".split())


def flatten_deep(text: str, limit: int = MAX_PARSE_DEPTH) -> str:
    """``text`` with the tags opened below nesting level ``limit`` taken out (and their
    end tags), their content kept, so that libxml2 parses the whole page."""
    stack: list[tuple[str, bool]] = []  # (tag, taken out)
    pieces: list[str] = []
    done = 0  # (where the text copied so far ends)
    position = 0
    while (match := _MARKUP_TAG.search(text, position)) is not None:
        position = match.end()
        closing, name, self_closed = match.group(1), match.group(2).lower(), match.group(3)
        drop_it = False
        if closing:
            at = next((i for i in range(len(stack) - 1, -1, -1) if stack[i][0] == name), None)
            if at is not None:
                drop_it = stack[at][1]
                del stack[at:]
        elif name not in _VOID and not self_closed:
            if stack and name in _SELF_ENDING and stack[-1][0] == name:
                stack.pop()
            drop_it = len(stack) >= limit
            stack.append((name, drop_it))
            if name in _RAW_TEXT_END:  # (their text is no markup)
                end = _RAW_TEXT_END[name].search(text, position)
                position = len(text) if end is None else end.start()
        if drop_it:
            pieces.append(text[done : match.start()])
            done = match.end()
    return "".join(pieces) + text[done:] if pieces else text


def _repair_start(text: str) -> str:
    """A self-closing doctype or <html/> tag at the start of ``text`` opened instead
    (libxml2 bug 1955915), as trafilatura's ``repair_faulty_html`` does."""
    if "doctype" in text[:50].lower():
        first, newline, rest = text.partition("\n")
        text = _FAULTY_DOCTYPE.sub("", first, count=1) + newline + rest
    for line in text[:4096].splitlines()[:4]:
        if "<html" in line and line.endswith("/>"):
            return _FAULTY_HTML.sub(r"\1>", text, count=1)
    return text


def unwrap_chains(tree: HtmlElement) -> int:
    """Replace each bare wrapper (no text of its own, one child) by its child; return how
    many. Page builders nest wrappers hundreds deep, and parts of trafilatura's
    pipeline (jusText) take time in the square of the depth."""
    bare = [
        el
        for el in tree.iter(*_WRAPPERS)
        if len(el) == 1
        and not (el.text or "").strip()
        and not (el[0].tail or "").strip()
        and el.getparent() is not None
    ]
    for el in bare:
        parent = el.getparent()
        if parent is None:
            continue
        child = el[0]
        child.tail = el.tail
        parent.replace(el, child)
    return len(bare)
