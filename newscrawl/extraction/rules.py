"""Boilerplate rules as data: named groups, applied by ``prune.prune`` and ``textfilter``.

Element rules match an element's class and id *tokens*: each class value and
the id, lower-cased, whole (``names``) or split on ``-``/``_`` into parts
(``parts``), so ``social-share`` and ``post-share-count`` are share widgets
but ``shared-content`` is not. ``tags`` match element names. Site-specific
rules live in ``sites/`` (one module per site); the generic ones here hold
for any WordPress-style news site and the web at large.

Line rules are compiled patterns for short paragraphs that are boilerplate
whatever their markup ("Reading Time: < 1 minute", "Share this:").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: An element rule removes elements holding at most this share of the page's words.
MAX_SHARE = 0.3


@dataclass(frozen=True, eq=False)
class ElementRule:
    """A named group of element selectors (compared and hashed by identity: fast keys)."""

    kind: str
    names: frozenset[str] = frozenset()  # whole class values or ids
    parts: frozenset[str] = frozenset()  # parts of class values or ids
    tags: frozenset[str] = frozenset()  # element names
    #: The largest share of the page's words an element it removes may hold: a larger
    #: one is more likely the article with a stray class. (One holding the page's <h1>
    #: stays whatever its size.)
    max_share: float = MAX_SHARE
    #: Only elements holding at least this many words (0: any).
    min_words: int = 0


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


#: The site's own chrome, by tag and by ARIA role, outside any of ARTICLE_TAGS: its
#: banner (menus, promotions, tagline), its sidebar, and navigation written as a <div>
#: (a <nav> is the "chrome" rule's, anywhere); the kind each is counted as.
#: An article's own <header> or <aside> (headline and byline; a pull quote, a fact box)
#: is inside the article, and an element holding the page's <h1> stays too (prune's
#: guard). (A site's <footer> measured worse: it changes which block trafilatura picks
#: on service pages.)
SITE_CHROME_TAGS = {"header": "banner", "aside": "sidebar"}
SITE_CHROME_ROLES = {"banner": "banner", "complementary": "sidebar", "navigation": "chrome"}
ARTICLE_TAGS = frozenset(("article", "main"))
#: ARIA roles of windows over the page. One opened from the site's banner (a site
#: switcher, a search or account panel) is chrome; elsewhere a dialog may hold the
#: page's own text (a product's description in a drawer), so only there are they pruned.
DIALOG_ROLES = frozenset(("dialog", "alertdialog"))


#: Kinds of element whose own text may be prose: teasers, notices, bios, notes,
#: and the site's menus and banner (a mega menu describes each section). An element of
#: any other kind that holds paragraphs of prose (``prune.holds_prose``) is not what
#: its rule names (a share bar, an ad slot) but content with a stray class. (Hidden
#: elements: ``prune.hidden_article``.)
PROSE_KINDS = frozenset(
    ("related", "footnotes", "consent", "author-box", "hidden", "chrome", "banner")
)


ELEMENT_RULES: tuple[ElementRule, ...] = (
    ElementRule(
        "hidden",
        # (not the bare class "hidden": CSS frameworks show it again at other widths)
        names=_set("skip-link skip-to-content"),
    ),
    ElementRule(
        "hidden",
        # screen-reader text: a short label ("4.2 out of 5 stars", "Price:") completes
        # what the page shows and stays; a long hidden block (a variant table, a menu) goes
        names=_set("screen-reader-text sr-only visually-hidden visuallyhidden"),
        min_words=13,
    ),
    ElementRule(
        "share",
        names=_set(
            "sharedaddy sd-sharing-enabled ss-ic shr-txt a2a_kit addtoany_list "
            "heateor_sss_sharing_container essb_links"
        ),
        parts=_set(
            "share sharing sharebar shares social socials addthis sharethis shareaholic "
            "shariff sociable"
        ),
        tags=_set("amp-addthis amp-social-share"),
    ),
    ElementRule(
        "author-box",
        names=_set(
            "author-box authorbox about-author author-bio author-info author-card "
            "post-author-box sp-athr athr-tx saboxplugin-wrap abh_box author-description "
            "author-profile entry-author"
        ),
    ),
    ElementRule(
        "related",
        names=_set(
            "jp-relatedposts r-pf fsp recent-posts widget_recent_entries more-stories "
            "also-read read-also you-may-like you-might-like more-from post-navigation "
            "nav-links crp_related yarpp-related related-articles"
        ),
        parts=_set("related relatedposts yarpp"),
        max_share=1.0,
    ),
    # a page builder's post grid ("Latest News" beside the post): a listing page's own
    # grid holds more of the page (MAX_SHARE) and stays
    ElementRule("related", names=_set("elementor-posts-container wp-block-latest-posts")),
    # footnotes, and an "Article Sources" list of citations (Dotdash Meredith's Mantle
    # platform and others)
    ElementRule(
        "footnotes",
        names=_set(
            "footnotes footnote-list article-sources mntl-article-sources sources-and-citation "
            "citation-sources"
        ),
    ),
    ElementRule(
        "newsletter",
        names=_set("mc4wp-form widget_mc4wp_form_widget"),
        parts=_set("newsletter subscribe subscription signup mailchimp optin"),
    ),
    ElementRule(
        "ads",
        names=_set(
            "adsbygoogle ad-slot ad-unit ad-container ad-wrapper advert dfp-ad google-ad code-block"
        ),
        parts=_set(
            "ad ads adv advert adverts advertisement advertising adslot sponsored taboola outbrain"
        ),
        tags=_set("amp-ad amp-embed amp-sticky-ad"),
    ),
    ElementRule(
        "category-tags",
        names=_set(
            "amp-category amp-cat cat-links tags-links tag-links post-tags entry-tags "
            "post-categories entry-categories tagcloud amp-tags"
        ),
    ),
    # (a consent dialog may be longer than a short page's text: removed whatever its size)
    ElementRule("consent", parts=_set("cookie cookies consent gdpr onetrust"), max_share=1.0),
    ElementRule("breadcrumbs", parts=_set("breadcrumb breadcrumbs crumbs")),
    # a shop's site-wide strip of offers above the header ("Free shipping on orders $40+"),
    # often one slide per country, all in the markup
    ElementRule(
        "banner",
        names=_set("announcement-bar announcementbar announcement-bar-section promo-bar promobar"),
    ),
    # the site's banner written as a <div> (a <header> is SITE_CHROME_TAGS')
    ElementRule("banner", names=_set("site-header masthead site-masthead topbar top-bar")),
    # the page's navigation: gone before trafilatura runs, no pass after pays for it,
    # and a mega menu that outweighs a thin page's text (measured up to 3/4 of its
    # words) is not kept as its content. One holding nearly all of the page is its
    # content after all: a theme left it unclosed. (Every <footer> and <aside> the same
    # way measured worse: a post's footer, a product's side column sway the scorer's
    # choice; the site's own, outside the article, are SITE_CHROME_TAGS'.)
    ElementRule("chrome", tags=_set("nav"), max_share=0.9),
)


@dataclass(frozen=True)
class LineRule:
    """A named pattern for a whole paragraph that is boilerplate."""

    kind: str
    pattern: re.Pattern[str]
    max_words: int = 12
    #: A line of its own item: an article's byline or date, boilerplate once, but each
    #: item's when it recurs (a listing's teasers, a table's dated rows): kept then.
    per_item: bool = False


def _line(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


_MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATE = (
    rf"({_MONTH}\s+\d{{1,2}}(st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}(st|nd|rd|th)?\s+{_MONTH},?\s+\d{{4}}"
    r"|\d{4}-\d{2}-\d{2}|\d{1,2}[/.]\d{1,2}[/.]\d{2,4})"
)

# Vocabularies of the line rules, in the languages of the news they meet (a label in
# German or Norwegian is as much boilerplate as in English).
#: "Read also" labels.
_READ_ALSO = (
    "also read|read also|read more|see also|lesen sie auch|lesen sie mehr|weiterlesen"
    "|mehr zum thema|lire aussi|à lire aussi|a lire aussi|voir aussi|lee también|lea también"
    "|ver también|leia também|leia mais|veja também|leggi anche|lees ook|lees meer|les også"
    "|les mer|läs även|läs också|læs også|czytaj też|czytaj także|czytaj więcej|čtěte také"
)
#: The word before a byline's names ("By", "von", "par"...) and byline labels.
_BY = r"([Bb][Yy]|[Vv]on|[Pp]ar|[Pp]or|[Dd]oor|[Aa]v|[Aa]f|[Dd]i)"
_BY_LABEL = r"([Rr]edacci[oó]n|[Aa]utor(in)?|[Tt]exto?)"
#: A dateline's label ("Updated", "Stand", "Publié le"...) and its time ("17:23 Uhr").
_DATE_LABEL = (
    r"updated|published|posted|modified|last updated|date|stand|aktualisiert|veröffentlicht"
    r"|publié( le)?|mis à jour( le)?|actualizado|publicado|aggiornato|pubblicato|gepubliceerd"
    r"|bijgewerkt|oppdatert|publisert|uppdaterad|publicerad"
)
_TIME = r"(\s*,?\s*(um |à |a las )?\d{1,2}[:.h]\d{2}\s*(uhr|h|am|pm)?)?"
#: "Reading time" labels.
_READING_TIME = (
    r"reading\s+time|read\s+time|lesezeit|lesedauer|tiempo\s+de\s+lectura|temps\s+de\s+lecture"
    r"|tempo\s+di\s+lettura|leestijd|lesetid|lästid|czas\s+czytania"
)
#: An image's credit label.
_CREDIT_LABEL = r"credits?|foto|fotos|bild|fotografía|crédito|rechte|zdjęcie"

LINE_RULES: tuple[LineRule, ...] = (
    LineRule(
        "reading-time",
        _line(
            rf"^(estimated\s+)?({_READING_TIME})\s*:?.{{0,20}}$"
            r"|^[<~]?\s*\d+\s*(min|mins|minute|minutes|minuten|minutos|minuti)\.?\s+"
            r"(read|lesen|lesezeit|de\s+lectura|de\s+lecture|lettura)$"
        ),
    ),
    LineRule(
        "share",
        _line(
            r"^(share|share this|share this article|share this story|share on \w+|tweet|email|print"
            r"|like this|like this:|share this:|click to share.*|teilen|artikel teilen|compartir"
            r"|partager|condividi|delen|del|dela|udostępnij|sdílet)\s*:?$"
        ),
    ),
    LineRule("published-by", _line(r"^(published|posted|written)\s+by\b.{0,60}$"), max_words=10),
    LineRule(
        "ads",
        _line(
            r"^(advertisement|advertisements|sponsored|anzeige|werbung|publicidad|publicité"
            r"|pubblicità|advertentie|annonse|annons|reklame|reklama|annonce)$"
        ),
    ),
    LineRule(
        "also-read",
        _line(
            r"^(more from [\w@. ]+"
            r"|related( (articles|posts|stories|content|topics|reading|resources|links|news))?"
            r"( (&|and) resources)?"
            r"|you (may|might) (also )?like|you may be interested in( the following)?( topics)?"
            rf"( as well)?|recommended|{_READ_ALSO})\s*[:.]?\s*$"
            rf"|^(related|you (may|might) also like|{_READ_ALSO})\s*:\s*.{{0,160}}$"
        ),
        max_words=30,
    ),
    LineRule(
        "newsletter",
        _line(
            r"^(subscribe|sign up)\b.{0,80}\bnewsletter\b.{0,80}$|^.{0,60}\bnewsletter\b.{0,20}$"
            # "Get the best of X delivered to your inbox", "Subscribe to get access"...
            r"|^((get|receive) (the )?(best|latest)\b.{0,60}\b(inbox|delivered)\b.{0,20}"
            r"|subscribe to get\b.{0,80}|join .{0,30} to get (updates|access)\b.{0,60}"
            r"|this (story|article|work|journalism|site) is (funded|supported|made possible) by"
            r" readers.{0,60}|this (article|story|content) is (exclusive to|only available to)"
            r" .{0,30}subscribers)\s*[:.!?]*$"
        ),
        max_words=25,
    ),
    LineRule(
        "consent",  # "We use cookies...", "iFixit uses cookies...", "Manage cookie preferences"
        _line(
            r"^.{0,60}\b(use|uses|using)\b( \w+){0,3} cookies\b.{0,400}$"
            r"|^.{0,200}\b(manage|accept|allow|reject)\b( all)?.{0,30}\bcookies?\b.{0,200}$"
        ),
        max_words=80,
    ),
    LineRule(
        "relative-date",
        _line(
            r"^\d+\s+(seconds?|minutes?|hours?|days?|weeks?|months?|years?)\s+ago$"
            r"|^vor\s+\d+\s+(sekunden?|minuten?|stunden?|tagen?|wochen?|monaten?|jahren?)$"
            r"|^il y a\s+\d+\s+(secondes?|minutes?|heures?|jours?|semaines?|mois|ans?)$"
            r"|^hace\s+\d+\s+(segundos?|minutos?|horas?|días?|semanas?|meses?|años?)$"
        ),
        per_item=True,
    ),
    LineRule(
        "table-of-contents",
        _line(
            r"^(table of contents|contents|in this article|on this page|jump to( section)?:?"
            r"|inhaltsverzeichnis|inhalt|sommaire|índice|indice|inhoudsopgave|innhold|spis treści"
            r"|skip to (main )?content|back to (blog|top|news|articles)|about the author"
            r"|disclaimer:?|loading( \w+)?\.\.\.|skip advertisement)$"
        ),
    ),
    LineRule(
        "affiliate",
        _line(
            r"\b(earns? (us )?(a )?(small )?(commission|fee)|affiliate (links?|commissions?)"
            r"|as an amazon associate|products are (chosen|selected) independently"
            r"|we buy all the products we test|may receive compensation"
            r"|(is|are) (reader-supported|supported by (affiliate )?commissions))\b"
        ),
        max_words=60,
    ),
    LineRule(
        "dateline",
        _line(
            rf"^(({_DATE_LABEL})\s*(on)?\s*:?\s*)?{_DATE}{_TIME}"
            r"(\s*[·•|,-]\s*.{0,30})?$"
            r"|^this (post|article|page) was (last )?(updated|published)\b.{0,40}$"
        ),
        per_item=True,
    ),
    LineRule(
        "byline",
        re.compile(
            rf"^({_BY}:?|{_BY_LABEL}:)\s+[A-Z][\w.'’-]*(\s+(and\s+|&\s+)?[A-Z][\w.'’-]*){{0,6}}"
            r"(\s*[|⋅•·,]\s*.{0,80})?$"
        ),
        max_words=20,
        per_item=True,
    ),
    LineRule(
        "reviewed-by",  # an expert reviewer's line beside the byline
        re.compile(
            r"^(([Mm]edically|[Ee]xpert|[Cc]linically) )?([Rr]eviewed|[Ff]act[- ][Cc]hecked)"
            r" [Bb]y:?\s+[A-Z].{0,200}$"
        ),
        max_words=30,
        per_item=True,
    ),
    LineRule("copyright", _line(r"^(©|copyright\b|\(c\)\s).{0,200}$"), max_words=40),
    LineRule(
        "ui-label",  # a control's label left as a line of its own: never a sentence of text
        _line(
            r"^(log ?in|log ?out|sign ?in|sign ?up|sign out|register|my account|account"
            r"|(sign ?in|log ?in) or (join|register|sign ?up|create an account)"
            r"|privacy( policy)?|cookie (settings|policy|preferences)|terms (of (service|use)"
            r"|(&|and) conditions)|contact us|about us|careers|sitemap|site map|accessibility"
            r"|tags|categories|posts|menu|close|search|home|back|next|previous|reply|report"
            r"|learn more|read more|show more|load more|see more|view more|view all|see all"
            r"|show all|add to (cart|bag|basket|wishlist)|buy now|shop now|follow( us)?"
            r"|subscribe|subscribe now|all rights reserved\.?|copyright|customer reviews"
            r"|contact sales|talk to sales|tell me more|start building|open (the )?app"
            r"|(trending|popular|recent) searches|reaction score)\s*[:.!»›>]*$"
        ),
        max_words=5,
    ),
    LineRule(
        "ui-prompt",  # calls to action, shop and forum chrome, as lines of their own
        _line(
            r"^(book a demo|request a demo|get started( today| now| for free)?|sign up for free"
            r"|was this (article |page |answer )?helpful\??|(see|read|view) all reviews"
            r"|(sort (and|&) filter|filter (and|&) sort)|sort by:?|please fill (out|in) this field"
            r"|out of stock|free shipping\b.{0,40}"
            r"|you are not logged in\.?|(create an account|log ?in|sign ?in|register)"
            r"( or (sign ?in|log ?in|register|create (an|your)( free)? account))?"
            r" to (comment|reply|post).{0,40}"
            r"|sign up for a new account in our community\b.{0,40}"
            r"|(e-?mail|contact)( us| me)?:?\s*[\w.+-]+@[\w-]+(\.[\w-]+)+"
            r"|.{0,60}https?://(www\.)?(facebook|twitter|x|instagram|linkedin|youtube|tiktok"
            r"|pinterest)\.com/\S*"
            r"|you (need|must) (to )?be (a member|logged in|registered).{0,60}"
            r"|this topic was automatically closed.{0,80}|join date:?.{0,20}|posts: [\d,.]+"
            r"|advertiser disclosure|back to (blogs?|news|articles|home|results)"
            r"|expand description|submit (a )?correction|ajouter au panier|in den warenkorb"
            r"|añadir al carrito|stay connected( with (me|us))?|connect with us"
            r"|follow (the author|us on \w+( (and|&) \w+)?)|why trust us\??|pin (it )?for later"
            r"|(get|request) (a|your) free (quote|consultation|estimate)( today| now)?"
            r"|start (a|your) free trial( today| now)?"
            r"|(questions\?\s*)?chat with (an expert|us|our team)"
            r"|learn how to get started|.{0,50}\s[-–|:]\s*shop now"
            r"|book (a|your) (free )?(discovery |strategy )?(call|consultation)( today)?"
            r"|added to (your )?cart.{0,40}|(customers|people) who (viewed|bought) this item also"
            r" (viewed|bought)|(your )?browsing history"
            r"|returns (&|and) exchanges (accepted|not accepted)( within \d+ days)?"
            r"|ships from:? [\w ,.]{1,30}"
            # shop chrome: result counts, ratings, stock notices
            r"|showing \d+([–-]\d+)? of [\d,]+( results| products| items)?"
            r"|based on [\d,]+ reviews?|notify me( when (it'?s )?(back in stock|available))?"
            # account prompts and forum ranks
            r"|click here to (log ?-?in|sign ?-?in|register|sign ?-?up)"
            r"|already (have an account|a member|registered)\??\s*(log ?in|sign ?in)?"
            r"|(new|junior|senior|active|registered|well-known|\d+\+? years?) (member|user)"
            r"|jump to (navigation|search|content)( jump to (navigation|search|content))*"
            # links to the full review or an audio version, a pin prompt, sign-in asks
            r"|(sign|log) ?in to (save|add|view|see|access|continue|download|unlock|follow"
            r"|get)\b.{0,80}"
            r"|read (our|the) full .{1,60} review"
            r"|listen to (this|the) (article|story|post)\b.{0,40}"
            r"|enjoy(ed)? (the|this) (post|article)\?.{0,40}|add to goodreads\b.{0,30}"
            # trials and demos, a paywall's ask
            r"|(start|get|begin) (your |a )?free \d+[- ]days? trial|try (it )?for free"
            r"|free \d+[- ]days? trial\.? no credit card required"
            r"|schedule (your|a) (personalized |free )?demo"
            r"|(read|unlock) (more of )?(this|the full) (content|article|story) when you subscribe"
            r"\b.{0,20}|was this (newsletter|email) forwarded to you\?.{0,80}"
            # a pointing hand's link out ("👉 See more on X via Y"), "refer to our X Guide"
            r"|👉\s.{0,120}|(for (a|more) (detailed )?(overview|information|details) (of|on|about)"
            r" .{1,80}, )?(refer to|check out|see|read) our .{1,80}(guide|article|post))"
            r"\s*[:.!»›>]*$"
        ),
        max_words=20,
    ),
    LineRule(
        "reader-prompt",  # longer asks of the reader: sign up to post, rate the recipe
        _line(
            r"^(you'?re (browsing|viewing) .{0,60} as a guest\b"
            r"|did you (make|try) (this|one of (my|our)|my|our) recipes?\?).{0,300}$"
        ),
        max_words=50,
    ),
    LineRule(
        "price",  # a price with its label or action: a shop's chrome once, a grid's items' own
        _line(
            r"^(((regular|sale|original|list|unit) price\s*"
            r"([$€£¥]\s?[\d.,]+(\s*(usd|eur|gbp))?\s*)*)+"
            r"|([$€£¥]\s?[\d.,]+\s*)*"
            r"(add to (cart|bag|basket)|save (up to )?(\d+%|[$€£¥]\s?[\d.,]+)))\s*[:.!»›>]*$"
        ),
        per_item=True,
    ),
    LineRule(
        "credit",  # an image's credit line: "Photo courtesy of X", "Credit: Getty Images"
        _line(
            r"^((image|photo|picture|illustration)s?( provided)? (by|courtesy( of)?)\s*:?\s.{1,60}"
            rf"|(image|photo) credits?\s*:.{{0,60}}|({_CREDIT_LABEL}):\s.{{1,60}})$"
        ),
    ),
    LineRule(
        "category-tags",
        _line(r"^(categories|category|tags|tagged|filed under)\s*:.{0,120}$"),
        max_words=20,
    ),
)
