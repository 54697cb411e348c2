"""Rules on what an item's public text says: links to other sites, hashtags, @mentions.

The caption goes out under the office's name on four platforms, and the
narrative on the office's site: a link in either is the office sending its
readers somewhere. A link to a look-alike domain (``dprd-kab.go.id.example.com``,
``xn--`` punycode, a host hidden behind ``user@``) reads as official and is
not, so every host named in the title, caption or narrative must be on an
allowlist (``extra.portal.link_domains`` in ``mkdocs.yml``; see
``link_domains``). Bare domains count too: X, Facebook and Telegram turn
``contoh.com`` into a link on their own.

Bare domains are told apart from Indonesian abbreviations by their last
label: it must be a top-level domain from ``TLDS`` (academic titles such as
``M.Si`` or ``S.Pt`` end in a country code, so a one-letter label before a
country code is not a domain; before ``com``, ``net``, ``org``, ``co``, ``io``,
``ly`` or ``me`` it is: ``x.com``, ``t.co``), or a top-level domain in
another script or in punycode. A URL with a scheme or ``//`` or ``www.``
counts whatever its top-level domain.

Instagram refuses a caption with more than 30 hashtags: counted here, before
the merge, rather than found as a FAILED post after it.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from pipeline.config import Config
from pipeline.content.model import ERROR, Document, Item, Problem

HASHTAGS_MAX = 30  # Instagram's limit per caption
# Allowed without configuration besides the site's own host: go.id is the
# Indonesian government's second-level domain, registered only for government
# bodies (PANDI), so a link to a ministry, a regency or a court is to an official site.
DEFAULT_LINK_DOMAINS = ("go.id",)

# Top-level domains a bare ``name.tld`` is taken as a domain with (the common
# generic ones, those of link shorteners and of frequent look-alike campaigns).
GENERIC_TLDS = frozenset("com net org co io ly me".split())
TLDS = GENERIC_TLDS | frozenset(
    "id info biz tv cc ws to gl gg app dev xyz site online top link click news live store shop blog page web "
    "website space club icu vip buzz fun asia tk ml ga cf gq pw su ru cn uk us au sg my ph th vn in jp kr de nl "
    "fr eu ch ai so gov edu int mil pro mobi name tel travel tech cloud one world today zone email bit".split())

_SCHEME_URL = re.compile(r"(?:\b[a-z][a-z0-9+.-]*:)?//([^\s/?#\\()<>\"'`]+)", re.IGNORECASE)
_WWW = re.compile(r"(?<![\w.@/-])(www\.[^\s/?#\\()<>\"'`,;]+)", re.IGNORECASE)
_BARE = re.compile(r"(?<![\w@.\-/:#])((?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+(?:[^\W\d_]{2,63}|xn--[a-z0-9-]+))"
                   r"(?![\w-]|\.[^\W_])", re.IGNORECASE)
_DOTS = str.maketrans({"\u3002": ".", "\uff0e": ".", "\uff61": "."})  # dots IDNA treats as "."
# What every match of the three patterns above contains: "//", "www.", or a dot
# followed by a letter (the start of the top-level domain, "xn--" included). A
# text without any of them names no host: most narrative lines, which end in ". ".
_MAYBE_HOST = re.compile(r"//|www\.|\.[^\W\d_]", re.IGNORECASE)
_HASHTAG = re.compile(r"(?<![\w#&/])#(\w+)")
_MENTION = re.compile(r"(?<![\w@.])@([A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?)")


@dataclass(frozen=True)
class Text:
    """One piece of an item's public text: where it is and what it says."""

    label: str  # as messages name it: "Caption", "Judul", "Narasi"
    line: int
    text: str


def texts(item: Item, doc: Document) -> Iterator[Text]:
    """The title, caption and each narrative line of ``item`` with their lines in ``index.md``."""
    for key, label in (("title", "Judul"), ("caption", "Caption")):
        value = doc.meta.get(key)
        if isinstance(value, str):
            yield Text(label, doc.line_of(key), value)
    for number, line in enumerate(doc.body.split("\n")):
        yield Text("Narasi", doc.body_line + number, line)


def link_domains(config: Config) -> tuple[str, ...]:
    """Domains links may go to: the site's own host, then ``extra.portal.link_domains`` (default: go.id)."""
    own = urlsplit(config.site_url).hostname or ""
    listed = tuple(config.link_domains) if config.link_domains is not None else DEFAULT_LINK_DOMAINS
    return tuple(dict.fromkeys(d for d in ((own.lower(),) if own else ()) + listed))


def allowed(host: str, domains: tuple[str, ...]) -> bool:
    """Whether ``host`` is one of ``domains`` or under one (``a.go.id`` under ``go.id``; not ``go.id.evil.com``)."""
    return any(host == d or host.endswith("." + d) for d in domains)


def hosts(text: str) -> list[str]:
    """Every host ``text`` links to or names as a bare domain, lowercase, in order, each once."""
    text = unicodedata.normalize("NFKC", html.unescape(text)).translate(_DOTS)
    if not _MAYBE_HOST.search(text):  # spares _BARE's backtracking over every word
        return []
    found: list[str] = []
    for match in _SCHEME_URL.finditer(text):
        authority = unquote(match.group(1)).rsplit("@", 1)[-1]  # user@host: the host is after the last @
        found.append(re.sub(r":\d*$", "", authority.strip("[]")))
    rest = _SCHEME_URL.sub(" ", text)
    found += [m.group(1) for m in _WWW.finditer(rest)]
    rest = _WWW.sub(" ", rest)
    for match in _BARE.finditer(rest):
        labels = match.group(1).lower().split(".")
        tld = labels[-1]
        # A top-level domain in another script (``cοm`` with a Greek omicron) is a look-alike by itself.
        if tld.startswith("xn--") or not tld.isascii() or (tld in TLDS and (len(labels[-2]) > 1
                                                                             or tld in GENERIC_TLDS)):
            found.append(match.group(1))
    return list(dict.fromkeys(h.lower().rstrip(".") for h in found if h.strip(".")))


def ascii_host(host: str) -> str:
    """``host`` as it travels (IDNA punycode), or as written when it cannot be encoded."""
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


def caption_findings(item: Item, doc: Document, config: Config) -> Iterator[Problem]:
    """``link-domain`` and ``hashtags-too-many`` problems of one parsed item."""
    yield from link_findings(item, doc, config)
    yield from hashtag_findings(item, doc)


def link_findings(item: Item, doc: Document, config: Config) -> Iterator[Problem]:
    """Every link or bare domain in the title, caption or narrative whose host is not allowed."""
    domains = link_domains(config)
    listed = ", ".join(f"`{d}`" for d in domains)
    for text in texts(item, doc):
        for host in hosts(text.text):
            shown = ascii_host(host)
            if allowed(shown, domains):
                continue
            lookalike = ""
            if shown != host or "xn--" in shown:
                lookalike = (f" Alamat ini memakai huruf dari abjad lain (`{shown}`), sehingga dapat tampak seperti "
                             "alamat resmi padahal bukan.")
            elif any(f"{d}." in f"{shown}." and not shown.endswith(d) for d in domains):
                # `dprd-kab.go.id.example.com`: an allowed name in front, someone else's domain at the end.
                owner = ".".join(shown.split(".")[-2:])
                lookalike = (f" Alamat ini hanya meniru alamat resmi: bagian akhirnya, `{owner}`, yang menentukan "
                             "pemilik situsnya.")
            yield Problem(item.rel, text.line, "link-domain", ERROR,
                          f"{text.label} menautkan ke situs lain: `{host}`.{lookalike} Tautan hanya boleh ke "
                          f"situs di `extra.portal.link_domains` (mkdocs.yml): {listed}; pembaca bisa dibawa ke "
                          "situs tiruan. Hapus tautan atau alamat itu, atau minta admin menambahkan domainnya ke "
                          "`link_domains` bila memang situs resmi.")


def hashtags(text: str) -> list[str]:
    """The hashtags in ``text`` as Instagram finds them (``#`` then a word with a letter)."""
    words = _HASHTAG.findall(unicodedata.normalize("NFC", text))
    return ["#" + w for w in words if not w.replace("_", "").isdigit()]  # "#1" is a number, not a tag


def hashtag_findings(item: Item, doc: Document) -> Iterator[Problem]:
    """More hashtags than Instagram takes: those in the title and caption plus one per tag."""
    in_text = sum(len(hashtags(str(doc.meta.get(key) or ""))) for key in ("title", "caption"))
    tags = [t for t in doc.meta.get("tags") or [] if isinstance(t, str)] \
        if isinstance(doc.meta.get("tags"), list) else []
    total = in_text + len(tags)
    if total > HASHTAGS_MAX:
        yield Problem(item.rel, doc.line_of("caption"), "hashtags-too-many", ERROR,
                      f"Unggahan Instagram akan berisi {total} tagar ({in_text} di judul dan caption, {len(tags)} "
                      f"dari `tags:`); Instagram menolak lebih dari {HASHTAGS_MAX} tagar. Kurangi tagar (#...) di "
                      "caption atau isi `tags:`.")


def mentions(item: Item) -> list[str]:
    """Every ``@account`` in the title, caption and narrative, each once, for the reviewer to check."""
    if item.doc is None:
        return []
    found = [f"@{m.rstrip('.')}" for text in texts(item, item.doc) for m in _MENTION.findall(text.text)]
    return list(dict.fromkeys(found))
