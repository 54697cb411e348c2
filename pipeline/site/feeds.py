"""Feeds and discovery files: RSS 2.0, JSON Feed 1.1 and robots.txt.

Written into the stage as static files; MkDocs copies them to the site
root and writes ``sitemap.xml`` itself (every page, archives included).
"""

from __future__ import annotations

import datetime as dt
import json
from email.utils import format_datetime
from xml.etree import ElementTree as ET

from pipeline.config import Config
from pipeline.content import urls
from pipeline.site.entries import Entry

FEED_ITEMS = 20
MEDIA_NS = "http://search.yahoo.com/mrss/"
ATOM_NS = "http://www.w3.org/2005/Atom"


def _published(config: Config, date: dt.date) -> dt.datetime:
    # Items carry a day (H), not a time: publish them at 00:00 in the site's zone.
    return dt.datetime.combine(date, dt.time(0), tzinfo=config.tz)


def render(config: Config, entries: list[Entry]) -> dict[str, str]:
    """``feed.xml``, ``feed.json`` and ``robots.txt`` for the latest ``entries``."""
    latest = entries[:FEED_ITEMS]
    return {urls.RSS_FEED: rss(config, latest), urls.JSON_FEED: json_feed(config, latest),
            urls.ROBOTS: f"User-agent: *\nAllow: /\n\nSitemap: {urls.absolute(config, urls.SITEMAP)}\n"}


def rss(config: Config, entries: list[Entry]) -> str:
    """RSS 2.0 with an enclosure (the first video, else the lead photo) and Media RSS content.

    RSS 2.0 allows one ``<enclosure>`` an item: a video is what a podcast-style
    reader can fetch and play, so it takes the place of the photo there; the
    photo stays as ``media:content``.
    """
    ET.register_namespace("media", MEDIA_NS)
    ET.register_namespace("atom", ATOM_NS)
    root = ET.Element("rss", {"version": "2.0"})
    channel = ET.SubElement(root, "channel")
    for tag, text in (("title", config.site_name), ("link", urls.absolute(config, urls.HOME)),
                      ("description", f"Berita terbaru {config.site_name}"), ("language", "id")):
        ET.SubElement(channel, tag).text = text
    ET.SubElement(channel, f"{{{ATOM_NS}}}link", {"href": urls.absolute(config, urls.RSS_FEED), "rel": "self",
                                                  "type": "application/rss+xml"})
    if entries:
        ET.SubElement(channel, "lastBuildDate").text = format_datetime(_published(config, entries[0].date))
    for entry in entries:
        node = ET.SubElement(channel, "item")
        url = urls.absolute(config, entry.url)
        ET.SubElement(node, "title").text = entry.title
        ET.SubElement(node, "link").text = url
        ET.SubElement(node, "guid", {"isPermaLink": "true"}).text = url
        ET.SubElement(node, "description").text = entry.caption
        ET.SubElement(node, "category").text = entry.category
        ET.SubElement(node, "pubDate").text = format_datetime(_published(config, entry.date))
        if entry.videos:
            video = entry.videos[0]
            ET.SubElement(node, "enclosure", {"url": urls.absolute(config, video.src), "type": "video/mp4",
                                              "length": str(video.bytes)})
        if entry.photo:
            image = urls.absolute(config, entry.photo.og)
            if not entry.videos:
                ET.SubElement(node, "enclosure", {"url": image, "type": "image/jpeg",
                                                  "length": str(entry.photo.og_bytes)})
            media = ET.SubElement(node, f"{{{MEDIA_NS}}}content", {"url": image, "medium": "image",
                                                                   "type": "image/jpeg", "width": "1200",
                                                                   "height": "630"})
            ET.SubElement(media, f"{{{MEDIA_NS}}}description").text = entry.photo.alt
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def json_feed(config: Config, entries: list[Entry]) -> str:
    """JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/)."""
    items = []
    for entry in entries:
        item = {"id": urls.absolute(config, entry.url), "url": urls.absolute(config, entry.url), "title": entry.title,
                "summary": entry.caption, "content_text": entry.caption,
                "date_published": _published(config, entry.date).isoformat(),
                "tags": list(entry.item.meta.get("tags") or [])}
        if entry.item.updated:  # a major correction (`updates`); RSS 2.0 has no such field, pubDate stays
            item["date_modified"] = _published(config, entry.item.updated).isoformat()
        if entry.photo:
            item["image"] = urls.absolute(config, entry.photo.og)
        if entry.videos:
            item["attachments"] = [{"url": urls.absolute(config, video.src), "mime_type": "video/mp4",
                                    "title": video.title, "size_in_bytes": video.bytes,
                                    "duration_in_seconds": round(video.duration, 3)} for video in entry.videos]
        items.append(item)
    feed = {"version": "https://jsonfeed.org/version/1.1", "title": config.site_name,
            "home_page_url": urls.absolute(config, urls.HOME), "feed_url": urls.absolute(config, urls.JSON_FEED),
            "language": "id", "items": items}
    return json.dumps(feed, ensure_ascii=False, indent=2) + "\n"
