"""What each social platform receives for an item: text fitted to its limit, photos, alt texts.

One place builds the posts, so the reviewer summary (``portal preview``),
``portal publish --dry-run`` and ``portal publish`` show and send the same
text. Texts are built from the title, the caption and the article's URL;
when a platform's limit is too small, words are dropped from the end of the
caption, then of the title (an ellipsis marks the cut), never half a word.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import unicodedata
from dataclasses import dataclass

from pipeline.config import Config
from pipeline.content import urls
from pipeline.content.model import Item
from pipeline.site.entries import MONTHS
from pipeline.site.record import RecordedVideo, platforms_of

NAMES = {"facebook": "Facebook", "instagram": "Instagram", "x": "X", "telegram": "Telegram"}
# Characters as each platform counts them: Facebook's message limit, Instagram's
# caption, X's weighted 280, Telegram's media caption (visible text, tags excluded).
LIMITS = {"facebook": 63206, "instagram": 2200, "x": 280, "telegram": 1024}
# Photos per post: Instagram carousels and Telegram albums hold 10, X 4.
MAX_PHOTOS = {"facebook": 20, "instagram": 10, "x": 4, "telegram": 10}
INSTAGRAM_HASHTAGS_MAX = 30
# X's pay-per-use price of creating a post, in US dollars (issue 12): a post with
# a URL costs 13x one without, so `x_link` (mkdocs.yml) chooses where the link goes.
X_COST_WITH_URL = 0.200
X_COST_WITHOUT_URL = 0.015
ELLIPSIS = "…"
URL = re.compile(r"https?://\S+")


@dataclass(frozen=True)
class Photo:
    """A photo as a platform gets it: the public URL of its social JPEG and its alt text."""

    url: str
    alt: str


@dataclass(frozen=True)
class Video:
    """The video a platform uploads instead of the photos (issue 16): its public URLs and what it is."""

    url: str  # the platform's rendition (build record), fetched from the site
    poster: str  # the JPEG poster frame
    title: str
    bytes: int
    duration: float  # seconds
    width: int
    height: int


@dataclass(frozen=True)
class Post:
    """Exactly what one platform receives for one item."""

    platform: str
    text: str  # as sent; Telegram's is HTML (parse_mode HTML)
    photos: tuple[Photo, ...]
    url: str  # the article's public URL
    length: int  # counted the platform's way
    limit: int
    shortened: bool  # words were dropped to fit the limit
    reply: str = ""  # X with `x_link: reply`: the text of a reply to the post (the article's URL)
    video: Video | None = None  # issue 16: the item's first video, uploaded instead of the photos

    @property
    def name(self) -> str:
        return NAMES[self.platform]


def article_url(item: Item, site_url: str) -> str:
    """The public URL of ``item``'s article on the site at ``site_url``."""
    return urls.absolute(site_url, item.url)


def build_posts(item: Item, config: Config, site_url: str | None = None,
                video: RecordedVideo | None = None) -> list[Post]:
    """The post for each platform ``item`` goes to (``video``: what the build will record of its first video)."""
    site = (site_url or config.site_url or "").rstrip("/")
    return [build_post(item, platform, site, config.x_link, video) for platform in platforms_of(item, config)]


def build_post(item: Item, platform: str, site_url: str, x_link: str = "post",
               video: RecordedVideo | None = None) -> Post:
    """What ``platform`` receives for ``item`` (photos in their order, at most the platform's count)."""
    photos = [(urls.social_photo(item.url, name), photo.alt)
              for photo, name in zip(item.photos, urls.photo_names(item.photos), strict=True)]
    tags = [t for t in item.meta.get("tags") or [] if isinstance(t, str)]
    return compose_post(platform, site_url, item.url, item.title, str(item.meta.get("caption") or ""), tags, photos,
                        x_link, video)


def compose_post(platform: str, site_url: str, path: str, title: str, caption: str, tags: list[str],
                 photos: list[tuple[str, str]], x_link: str = "post", video: RecordedVideo | None = None) -> Post:
    """The post from its parts: ``path`` the article's site path, ``photos`` (site path of the social JPEG, alt).

    ``portal publish`` calls it with what the build recorded, ``build_post`` with a checked item.
    On X, ``x_link`` (``Config.x_link``) puts the article's URL in the post (``post``), in a reply
    to it (``reply``: ``Post.reply``) or nowhere (``none``).
    """
    url = urls.absolute(site_url, path)
    chosen = tuple(Photo(urls.absolute(site_url, photo), alt) for photo, alt in photos)[:MAX_PHOTOS[platform]]
    title, caption = _clean(title), _clean(caption)
    compose, measure = _FORMATS[platform]
    in_text = url if platform != "x" or x_link == "post" else ""
    text, shortened = fit(lambda t, c: compose(t, c, in_text, tags), measure, LIMITS[platform], title, caption)
    reply = url if platform == "x" and x_link == "reply" else ""
    return Post(platform, text, chosen, url, measure(text), LIMITS[platform], shortened, reply,
                _video(site_url, platform, video))


def _video(site_url: str, platform: str, video: RecordedVideo | None) -> Video | None:
    """The platform's copy of the recorded video, None when there is none or it does not fit the platform."""
    copy = video.for_platform(platform) if video else None
    if video is None or copy is None:
        return None
    return Video(urls.absolute(site_url, copy.path), urls.absolute(site_url, video.poster), video.title,
                 copy.bytes, copy.duration, copy.width, copy.height)


def correction_text(platform: str, site_url: str, path: str, date: str, note: str) -> str:
    """The reply under an item's post for a correction (``updates[]`` with ``social: true``).

    ``Koreksi 5 Desember 2026: <note>`` and the article's URL, as plain text on
    every platform (Telegram's is sent without parse_mode); the note loses whole
    words at the end when the platform's limit is too small.
    """
    day = dt.date.fromisoformat(date)
    head = f"Koreksi {day.day} {MONTHS[day.month - 1]} {day.year}"
    url = urls.absolute(site_url, path)
    measure = x_length if platform == "x" else len
    text, _ = fit(lambda h, n: f"{h}: {n}\n\n{url}" if n else f"{h}\n\n{url}", measure, LIMITS[platform],
                  head, _clean(note))
    return text


def fit(compose, measure, limit: int, title: str, caption: str) -> tuple[str, bool]:
    """``compose(title, caption)`` within ``limit``, dropping whole words from the caption, then the title."""
    text = compose(title, caption)
    if measure(text) <= limit:
        return text, False
    words = caption.split(" ")
    while words:
        words.pop()
        caption = _cut(words)
        text = compose(title, caption)
        if measure(text) <= limit:
            return text, True
    words = title.split(" ")
    while len(words) > 1:
        words.pop()
        text = compose(_cut(words), "")
        if measure(text) <= limit:
            return text, True
    return text, True  # one word and the URL: every limit above allows that


def _cut(words: list[str]) -> str:
    return (" ".join(words).rstrip(",.;:-–— ") + ELLIPSIS) if words else ""


def _clean(text: str) -> str:
    # One line, single spaces: front-matter text may hold newlines.
    return " ".join(unicodedata.normalize("NFC", text).split())


def _paragraphs(*parts: str) -> str:
    return "\n\n".join(p for p in parts if p)


def hashtag(tag: str) -> str:
    """A tag as a hashtag: ``apbd-2027`` -> ``#apbd2027`` (hashtags stop at a hyphen)."""
    return "#" + tag.replace("-", "")


def x_length(text: str) -> int:
    """Length of ``text`` the way X counts it (twitter-text 3): URLs 23, CJK and emoji 2."""
    text = unicodedata.normalize("NFC", text)
    length = 0
    for part in URL.split(text):
        for char in part:
            code = ord(char)
            light = code <= 4351 or 8192 <= code <= 8205 or 8208 <= code <= 8223 or 8242 <= code <= 8247
            length += 1 if light else 2
    return length + 23 * len(URL.findall(text))


def telegram_length(text: str) -> int:
    """Visible length of an HTML caption: tags removed, entities as one character (UTF-16 units)."""
    visible = html.unescape(re.sub(r"<[^>]*>", "", text))
    return len(visible.encode("utf-16-le")) // 2


_FORMATS = {
    "facebook": (lambda t, c, url, tags: _paragraphs(t, c, f"Selengkapnya: {url}"), len),
    "instagram": (lambda t, c, url, tags: _paragraphs(
        t, c, f"Berita lengkap: {url}", " ".join(hashtag(x) for x in tags[:INSTAGRAM_HASHTAGS_MAX])), len),
    "x": (lambda t, c, url, tags: _paragraphs(t, c, url), x_length),
    "telegram": (lambda t, c, url, tags: _paragraphs(
        f"<b>{html.escape(t, quote=False)}</b>" if t else "", html.escape(c, quote=False),
        f'<a href="{html.escape(url)}">Baca selengkapnya</a>'), telegram_length),
}
