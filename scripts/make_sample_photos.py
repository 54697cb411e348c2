#!/usr/bin/env python3
"""Generate the sample photos referenced by the example news items.

The example content in ``content/berita`` lists photos in its front-matter
but the repository should not carry real photographs (privacy, licensing,
repository size).  This script draws cheap, deterministic, *photo-like*
pictures instead, so that the publishing pipeline is exercised with files
that behave like what the Humas team actually uploads from their phones:

* big JPEGs (long side 3000-4000 px) with camera EXIF: Make/Model,
  DateTimeOriginal, BodySerialNumber, GPS position and an Orientation tag;
* some portrait shots stored as landscape pixels with Orientation 6 or 8,
  which only look right after the EXIF rotation is applied;
* exactly the formats named in the front-matter (``.jpg``/``.jpeg``,
  ``.png``, ``.heic``), so the pipeline's format conversion is covered.

Every picture is seeded from the item's folder name and the photo's index,
so re-running the script (or running it on another machine with the same
Pillow/libjpeg) produces the same pixels.  Python's random module is used
for all randomness, never ``Image.effect_noise``: that one draws from the C
library's global ``rand()``, so its output would depend on which other files
happened to be generated earlier in the same run.

Usage (from the repository root)::

    python scripts/make_sample_photos.py          # only missing files
    python scripts/make_sample_photos.py --force  # regenerate everything
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import random
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont, ImageOps
from PIL.ExifTags import IFD
from PIL.TiffImagePlugin import IFDRational

# ---------------------------------------------------------------------------
# Tunables.  The whole content/ folder has to stay around 20 MB, so these are
# the knobs that trade "looks like a phone photo" against bytes on disk.
# ---------------------------------------------------------------------------

JPEG_QUALITY = 80  # typical of phone/messenger re-saves; keeps files small
HEIC_QUALITY = 50  # x265 is far more efficient than JPEG at the same quality
SOFTEN_RADIUS = 2.2  # blur of the drawn scene, hides the vector-like edges
NOISE_AMPLITUDE = 2  # +/- levels of sensor-like grain; the main size driver
NOISE_CELL = 2  # grain is drawn at 1/NOISE_CELL resolution and upscaled

# Landscape pixel sizes of common phone sensors.  All long sides stay within
# 3000-4000 px, which is the range the pipeline is specified to expect.
SENSOR_SIZES = [
    (4000, 3000),  # 12 MP 4:3
    (3264, 2448),  # 8 MP 4:3
    (3648, 2736),  # 10 MP 4:3
    (3968, 2976),  # 12 MP 4:3 (another vendor's crop)
    (4000, 2250),  # 16:9 mode
    (3000, 2000),  # 3:2 mode
]

# Fictional phones used by the (fictional) Humas team.  The serial number is
# per device, so a photo's BodySerialNumber identifies the phone: exactly the
# kind of metadata the pipeline must strip before publishing.
PHONES = [
    {"make": "ContohPhone", "model": "ContohPhone C9 Pro",
     "serial": "CP9P-2026-004817", "software": "ContohOS 6.1"},
    {"make": "ContohPhone", "model": "ContohPhone C7 Lite",
     "serial": "CP7L-2025-019362", "software": "ContohOS 5.4"},
]

# Where the fictional DPRD building is: indoor items are photographed there;
# field visits and reses spread out over the (fictional) regency.
OFFICE_LAT, OFFICE_LON = -2.3012, 115.6034
FIELD_SPREAD = 0.08  # degrees, roughly +/- 9 km
WITA = dt.timezone(dt.timedelta(hours=8), "WITA")  # South Kalimantan time

OUTDOOR_CATEGORIES = {"reses", "kunjungan-kerja"}
PORTRAIT_SHARE = 0.3  # share of JPEG photos taken with the phone upright

# Sample data for the budget chart (the only PNG).  It matches the numbers
# quoted in the example APBD 2027 news item; values in billions of rupiah.
CHART_TITLE = "Struktur Rancangan APBD Kabupaten Contoh Tahun Anggaran 2027"
CHART_SUBTITLE = "dalam miliar rupiah - data contoh untuk demonstrasi portal"
CHART_DATA = [
    ("Pendapatan Daerah", 1842, (46, 125, 50)),
    ("Belanja Operasi", 1268, (21, 101, 192)),
    ("Belanja Modal", 472, (30, 136, 229)),
    ("Belanja Transfer", 150, (100, 181, 246)),
    ("Belanja Tidak Terduga", 15, (144, 202, 249)),
    ("Pembiayaan Netto", 63, (239, 108, 0)),
]

DAY_NAMES = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]
MONTH_NAMES = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli",
               "Agustus", "September", "Oktober", "November", "Desember"]

SKIN_TONES = [(198, 150, 112), (176, 128, 92), (214, 170, 130),
              (160, 112, 80), (190, 140, 100)]
CLOTHES = [
    (196, 176, 130),  # khaki civil-servant uniform
    (186, 166, 120),
    (235, 235, 230),  # white shirt
    (40, 40, 48),  # dark suit
    (30, 45, 90),  # navy suit
    (120, 60, 40),  # brown batik
    (140, 30, 40),  # maroon batik
    (70, 100, 60),  # green batik
]
HIJAB_COLOURS = [(30, 30, 35), (120, 40, 60), (200, 190, 170), (40, 70, 120),
                 (90, 110, 80), (220, 220, 215), (150, 90, 60)]


@dataclass
class Item:
    """One news item, as far as this script needs to know it."""

    folder: Path
    key: str  # folder name, e.g. 2026-11-20-rapat-paripurna-penetapan-apbd
    title: str
    date: dt.date
    category: str
    photos: list[dict]


# ---------------------------------------------------------------------------
# Content discovery
# ---------------------------------------------------------------------------

def read_front_matter(path: Path) -> dict:
    """Return the YAML block between the first two ``---`` lines."""
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines or lines[0].strip() != "---":
        raise ValueError(f"{path}: does not start with front-matter '---'")
    for end, line in enumerate(lines[1:], start=1):
        if line.strip() == "---":
            data = yaml.safe_load("\n".join(lines[1:end])) or {}
            if not isinstance(data, dict):
                raise ValueError(f"{path}: front-matter is not a mapping")
            return data
    raise ValueError(f"{path}: front-matter is not closed by '---'")


def load_items(content: Path) -> list[Item]:
    items = []
    for index_md in sorted((content / "berita").glob("**/index.md")):
        meta = read_front_matter(index_md)
        date = meta.get("date")
        if isinstance(date, str):  # quoted dates stay strings in YAML
            date = dt.date.fromisoformat(date)
        items.append(Item(
            folder=index_md.parent,
            key=index_md.parent.name,
            title=str(meta.get("title", "")),
            date=date,
            category=str(meta.get("category", "")),
            photos=list(meta.get("photos") or []),
        ))
    return items


def seed_for(*parts: object) -> int:
    """Stable seed; ``hash()`` is salted per process, so use SHA-256."""
    digest = hashlib.sha256(":".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:8], "big")


# ---------------------------------------------------------------------------
# Drawing helpers
# ---------------------------------------------------------------------------

def jitter(rng: random.Random, colour: tuple, amount: int = 12) -> tuple:
    return tuple(max(0, min(255, c + rng.randint(-amount, amount)))
                 for c in colour)


def vertical_gradient(size: tuple[int, int], top: tuple, bottom: tuple):
    """A smooth top-to-bottom gradient; built from a 256-step ramp, cheap."""
    ramp = Image.linear_gradient("L").resize(size, Image.Resampling.BILINEAR)
    return ImageOps.colorize(ramp, black=top, white=bottom)


def font(size: int) -> ImageFont.ImageFont:
    # Pillow ships a scalable default font when FreeType is available; this
    # keeps the script free of font files and system font lookups.
    return ImageFont.load_default(size=max(8, int(size)))


def draw_person(d: ImageDraw.ImageDraw, rng: random.Random, cx: float,
                shoulder_y: float, s: float, bottom: float) -> None:
    """A seated or standing person seen from the front, head height ``s``.

    Shoulders are a rounded rectangle reaching down to ``bottom`` (the table
    edge, the next row or the picture border hides the rest).
    """
    cloth = jitter(rng, rng.choice(CLOTHES))
    skin = jitter(rng, rng.choice(SKIN_TONES), 8)
    half = s * rng.uniform(1.1, 1.35)
    d.rounded_rectangle([cx - half, shoulder_y, cx + half, max(bottom, shoulder_y + s)],
                        radius=s * 0.45, fill=cloth)
    if cloth[0] > 180 and rng.random() < 0.6:  # white shirt: dark tie/jacket
        d.rectangle([cx - s * 0.08, shoulder_y, cx + s * 0.08, shoulder_y + s * 0.9],
                    fill=jitter(rng, (60, 30, 30)))
    head_w, head_h = s * 0.78, s
    top = shoulder_y - head_h * 0.92
    style = rng.random()
    if style < 0.35:  # hijab: a larger rounded shape framing the face
        d.ellipse([cx - head_w * 0.75, top - s * 0.1, cx + head_w * 0.75,
                   shoulder_y + s * 0.35], fill=jitter(rng, rng.choice(HIJAB_COLOURS)))
        d.ellipse([cx - head_w * 0.4, top + s * 0.15, cx + head_w * 0.4,
                   top + head_h * 0.9], fill=skin)
        return
    d.ellipse([cx - head_w / 2, top, cx + head_w / 2, top + head_h], fill=skin)
    hair = jitter(rng, (28, 24, 22), 6)
    if style < 0.6:  # peci (black cap) as many officials wear at sessions
        d.rectangle([cx - head_w * 0.52, top - s * 0.12, cx + head_w * 0.52,
                     top + s * 0.25], fill=(18, 18, 20))
    else:  # short hair
        d.chord([cx - head_w / 2, top - s * 0.05, cx + head_w / 2,
                 top + head_h * 0.7], 180, 360, fill=hair)


def draw_crowd(d: ImageDraw.ImageDraw, rng: random.Random, w: int, h: int,
               y_from: float, rows: int, s_back: float, s_front: float,
               chairs: tuple | None) -> None:
    """Rows of people from the back (small, high) to the front (big, low)."""
    for r in range(rows):
        t = r / max(1, rows - 1)
        s = s_back + (s_front - s_back) * t ** 1.3
        y = y_from + (h - y_from) * (0.05 + 0.85 * t ** 1.15)
        spacing = s * rng.uniform(2.6, 3.3)
        x = rng.uniform(-spacing, 0)
        while x < w + spacing:
            if rng.random() < 0.82:  # some seats stay empty
                if chairs:
                    d.rounded_rectangle([x - s * 1.2, y - s * 1.9, x + s * 1.2, y + s * 2],
                                        radius=s * 0.3, fill=jitter(rng, chairs, 6))
                draw_person(d, rng, x + rng.uniform(-s * 0.2, s * 0.2),
                            y - s * rng.uniform(0.0, 0.25), s, y + s * 3)
            elif chairs:
                d.rounded_rectangle([x - s * 1.2, y - s * 1.9, x + s * 1.2, y + s * 2],
                                    radius=s * 0.3, fill=jitter(rng, chairs, 6))
            x += spacing * rng.uniform(0.9, 1.1)


def wrap_two(text: str, f: ImageFont.ImageFont, width: float) -> list[str]:
    """Split a long heading into two balanced lines if it does not fit one."""
    if f.getlength(text) <= width:
        return [text]
    words = text.split()
    best = min(range(1, len(words)),
               key=lambda k: max(f.getlength(" ".join(words[:k])),
                                 f.getlength(" ".join(words[k:]))),
               default=None)
    if best is None:
        return [text]
    return [" ".join(words[:best]), " ".join(words[best:])]


def draw_banner(img: Image.Image, rng: random.Random, box: tuple,
                heading: str, sub_lines: list[str], colour: tuple) -> None:
    """The backdrop banner every DPRD session has, with centred text."""
    d = ImageDraw.Draw(img)
    x0, y0, x1, y1 = box
    bh = y1 - y0
    d.rectangle(box, fill=colour)
    d.rectangle([x0, y1 - bh * 0.08, x1, y1], fill=(212, 175, 55))  # gold trim
    emblem = bh * 0.55
    ex, ey = x0 + bh * 0.25, y0 + (bh - emblem) / 2
    d.ellipse([ex, ey, ex + emblem, ey + emblem], fill=(212, 175, 55))
    d.ellipse([ex + emblem * 0.2, ey + emblem * 0.2, ex + emblem * 0.8,
               ey + emblem * 0.8], fill=jitter(rng, (150, 30, 30)))
    text_left = ex + emblem * 1.3
    avail = x1 - text_left - bh * 0.2
    # Long agenda titles go on two lines, as on real printed backdrops,
    # instead of shrinking to an unreadable single line.
    heading_lines = wrap_two(heading, font(bh / 4.2), avail)
    lines = heading_lines + sub_lines
    size = bh / (len(lines) + 1.2)
    y = y0 + (bh - size * len(lines) * 1.15) / 2
    for i, line in enumerate(lines):
        fsize = size * (1.0 if i < len(heading_lines) else 0.72)
        f = font(fsize)
        while f.getlength(line) > avail and fsize > 8:
            fsize *= 0.92
            f = font(fsize)
        tx = text_left + (avail - f.getlength(line)) / 2
        d.text((tx, y), line, font=f, fill=(250, 245, 230))
        y += size * 1.15


def add_glow(img: Image.Image, rng: random.Random, spots: list[tuple]) -> Image.Image:
    """Blurred light sources (ceiling lamps, windows, sun) via screen blend."""
    w, h = img.size
    # Drawing the glow at a quarter of the size and upscaling is visually the
    # same (it is blurred anyway) and much faster than a huge-radius blur.
    small = Image.new("RGB", (w // 4, h // 4))
    d = ImageDraw.Draw(small)
    for x, y, r, colour in spots:
        d.ellipse([(x - r) / 4, (y - r) / 4, (x + r) / 4, (y + r) / 4], fill=colour)
    small = small.filter(ImageFilter.GaussianBlur(max(2, min(w, h) / 160)))
    return ImageChops.screen(img, small.resize((w, h), Image.Resampling.BILINEAR))


def banner_when(item: Item) -> str:
    """Indonesian long date, e.g. "Jumat, 20 November 2026"."""
    date = item.date
    return f"{DAY_NAMES[date.weekday()]}, {date.day} {MONTH_NAMES[date.month - 1]} {date.year}"


# ---------------------------------------------------------------------------
# Scenes
# ---------------------------------------------------------------------------

def hall_scene(size: tuple[int, int], rng: random.Random, item: Item) -> Image.Image:
    """Meeting hall: panelled wall, banner, long table, audience rows."""
    w, h = size
    u = min(w, h) / 100
    horizon = int(h * rng.uniform(0.42, 0.55))
    wall_top = jitter(rng, rng.choice([(150, 120, 90), (185, 170, 140), (120, 95, 70)]), 15)
    wall_bottom = tuple(min(255, c + 50) for c in wall_top)
    carpet = jitter(rng, rng.choice([(120, 30, 35), (40, 70, 55), (60, 60, 90)]), 10)
    img = vertical_gradient((w, horizon), wall_top, wall_bottom)
    floor = vertical_gradient((w, h - horizon), tuple(c // 2 for c in carpet), carpet)
    canvas = Image.new("RGB", (w, h))
    canvas.paste(img, (0, 0))
    canvas.paste(floor, (0, horizon))
    d = ImageDraw.Draw(canvas)

    # Wood panelling: slightly darker vertical strips.
    panel = u * rng.uniform(6, 10)
    x = rng.uniform(0, panel)
    while x < w:
        d.rectangle([x, 0, x + u * 0.4, horizon], fill=tuple(int(c * 0.8) for c in wall_top))
        x += panel

    # Backdrop banner centred above the table.
    bw = w * rng.uniform(0.55, 0.8)
    bh = min(horizon * 0.45, bw * 0.25)
    bx = (w - bw) / 2 + rng.uniform(-w * 0.05, w * 0.05)
    by = horizon * rng.uniform(0.12, 0.22)
    draw_banner(canvas, rng, (bx, by, bx + bw, by + bh), item.title.upper(),
                ["DPRD KABUPATEN CONTOH", banner_when(item)],
                jitter(rng, rng.choice([(150, 25, 30), (20, 60, 120), (20, 90, 60)]), 10))

    # Leadership table with people seated behind it.
    table_y = horizon + (h - horizon) * rng.uniform(0.02, 0.1)
    s_table = u * rng.uniform(3.4, 4.4)
    tx0, tx1 = w * rng.uniform(0.05, 0.2), w * rng.uniform(0.8, 0.95)
    x = tx0 + s_table * 2
    while x < tx1 - s_table:
        draw_person(d, rng, x, table_y - s_table * 1.1, s_table, table_y)
        x += s_table * rng.uniform(2.8, 3.6)
    cloth = jitter(rng, rng.choice([(235, 235, 230), (30, 90, 50), (120, 20, 30)]), 8)
    d.rectangle([tx0, table_y, tx1, table_y + s_table * 2.2], fill=cloth)
    d.rectangle([tx0, table_y, tx1, table_y + s_table * 0.25],
                fill=tuple(min(255, c + 20) for c in cloth))
    x = tx0 + s_table * 2
    while x < tx1 - s_table:  # gooseneck microphones
        d.line([x, table_y, x + s_table * 0.5, table_y - s_table * 1.0],
               fill=(20, 20, 20), width=max(2, int(u * 0.25)))
        x += s_table * rng.uniform(2.8, 3.6)

    # Audience / members' rows in the foreground.
    draw_crowd(d, rng, w, h, table_y + s_table * 2.5, rng.randint(3, 5),
               u * 3.2, u * rng.uniform(7, 10), chairs=jitter(rng, (25, 25, 30), 5))

    # Ceiling lamps along the top edge.
    spots = []
    for i in range(rng.randint(3, 6)):
        spots.append((w * rng.uniform(0.05, 0.95), h * rng.uniform(0.0, 0.08),
                      u * rng.uniform(3, 6), (255, 240, 200)))
    return add_glow(canvas, rng, spots)


def field_scene(size: tuple[int, int], rng: random.Random, item: Item) -> Image.Image:
    """Outdoors: sky, tree line, ground, a tent or structure, standing people."""
    w, h = size
    u = min(w, h) / 100
    horizon = int(h * rng.uniform(0.35, 0.5))
    sky = vertical_gradient((w, horizon), jitter(rng, (90, 150, 215), 15),
                            jitter(rng, (200, 220, 235), 10))
    ground_colour = jitter(rng, rng.choice([(95, 120, 60), (150, 120, 85), (110, 130, 70)]), 10)
    ground = vertical_gradient((w, h - horizon), tuple(int(c * 0.8) for c in ground_colour),
                               ground_colour)
    canvas = Image.new("RGB", (w, h))
    canvas.paste(sky, (0, 0))
    canvas.paste(ground, (0, horizon))
    d = ImageDraw.Draw(canvas)

    # Tree line: overlapping dark green blobs along the horizon.
    x = -u * 5
    while x < w + u * 5:
        r = u * rng.uniform(4, 9)
        d.ellipse([x - r, horizon - r * rng.uniform(1.2, 2.0), x + r, horizon + r * 0.3],
                  fill=jitter(rng, (40, 75, 40), 12))
        x += r * rng.uniform(0.9, 1.4)

    if item.category == "reses":
        # Reses are usually held under a rented tent in front of a village hall.
        ty = horizon + (h - horizon) * 0.05
        roof = jitter(rng, rng.choice([(235, 235, 235), (40, 90, 170), (200, 60, 50)]), 8)
        tx0, tx1 = -w * 0.05, w * 1.05
        d.polygon([(tx0, ty - u * 6), (w / 2, ty - u * 16), (tx1, ty - u * 6),
                   (tx1, ty), (tx0, ty)], fill=roof)
        for px in range(0, w, int(u * 25)):
            d.rectangle([px, ty, px + u * 0.8, h], fill=(170, 170, 175))
        draw_crowd(d, rng, w, h, ty + u * 6, rng.randint(3, 4), u * 3.5,
                   u * rng.uniform(8, 11), chairs=jitter(rng, (190, 40, 40), 10))
    else:
        # Field visit: a bridge or building under construction behind the group.
        sx0, sx1 = w * rng.uniform(0.0, 0.3), w * rng.uniform(0.6, 1.0)
        top = horizon - u * rng.uniform(10, 20)
        steel = jitter(rng, (120, 120, 125), 10)
        d.rectangle([sx0, horizon - u * 2, sx1, horizon + u * 1.5], fill=steel)
        step = u * 6
        x = sx0
        while x < sx1:
            d.line([x, horizon - u * 2, x + step / 2, top], fill=steel, width=int(u * 0.8))
            d.line([x + step / 2, top, x + step, horizon - u * 2], fill=steel, width=int(u * 0.8))
            x += step
        d.line([sx0, top, sx1, top], fill=steel, width=int(u))
        # A group standing on the ground, larger towards the camera.
        count = rng.randint(5, 9)
        sizes = sorted(rng.uniform(4.5, 8) for _ in range(count))
        slots = list(range(count))
        rng.shuffle(slots)
        for i, size in zip(slots, sizes):  # far (small) first, near last
            s = u * size
            cx = w * (i + 0.5) / count + rng.uniform(-u * 3, u * 3)
            # Nearer people stand lower in the frame (simple perspective).
            sy = horizon + (h - horizon) * (0.08 + 0.3 * (size - 4.5) / 3.5)
            trousers = jitter(rng, rng.choice([(35, 35, 40), (60, 55, 50), (25, 30, 55)]), 6)
            for x_in, x_out in ((cx - s * 0.75, cx - s * 0.08), (cx + s * 0.08, cx + s * 0.75)):
                d.rectangle([x_in, sy + s * 2.6, x_out, sy + s * 6.2], fill=trousers)
            draw_person(d, rng, cx, sy, s, sy + s * 3)
            if rng.random() < 0.4:  # safety helmet on a field visit
                d.chord([cx - s * 0.5, sy - s * 1.15, cx + s * 0.5, sy - s * 0.35],
                        180, 360, fill=(250, 200, 20))

    # Soft clouds and the sun's haze.
    spots = [(w * rng.uniform(0, 1), horizon * rng.uniform(0.05, 0.5),
              u * rng.uniform(6, 14), (110, 110, 110)) for _ in range(rng.randint(3, 6))]
    spots.append((w * rng.uniform(0.1, 0.9), 0, u * 20, (120, 110, 80)))
    return add_glow(canvas, rng, spots)


def chart_image(size: tuple[int, int]) -> Image.Image:
    """A flat budget chart, as exported from a presentation (the PNG case).

    A flat graphic is what people really send as PNG, and flat colours keep a
    3000+ px PNG small; a noisy photo saved as PNG would cost ~10 MB.
    """
    w, h = size
    u = min(w, h) / 100
    img = Image.new("RGB", size, (250, 250, 247))
    d = ImageDraw.Draw(img)
    d.rectangle([0, 0, w, u * 14], fill=(20, 60, 120))
    d.text((u * 5, u * 3), CHART_TITLE, font=font(u * 5), fill="white")
    d.text((u * 5, u * 16.5), CHART_SUBTITLE, font=font(u * 3), fill=(90, 90, 90))
    left, right, top, bottom = u * 46, w - u * 12, u * 26, h - u * 10
    slot = (bottom - top) / len(CHART_DATA)
    label_font, value_font = font(u * 3.4), font(u * 3.2)
    for i in range(0, 2001, 500):  # vertical grid lines every 500 billion
        gx = left + (right - left) * i / 2000
        d.line([gx, top - u, gx, bottom], fill=(215, 215, 215), width=max(1, int(u * 0.15)))
        d.text((gx - u * 2, bottom + u * 1.5), f"{i:,}".replace(",", "."),
               font=font(u * 2.6), fill=(110, 110, 110))
    for i, (label, value, colour) in enumerate(CHART_DATA):
        y0 = top + slot * i + slot * 0.18
        y1 = top + slot * (i + 1) - slot * 0.18
        x1 = left + (right - left) * value / 2000
        d.rectangle([left, y0, max(left + u * 0.5, x1), y1], fill=colour)
        d.text((u * 5, (y0 + y1) / 2 - u * 1.9), label, font=label_font, fill=(40, 40, 40))
        d.text((max(left + u * 0.5, x1) + u * 1.2, (y0 + y1) / 2 - u * 1.8),
               f"{value:,}".replace(",", "."), font=value_font, fill=(40, 40, 40))
    d.line([left, top - u, left, bottom], fill=(60, 60, 60), width=max(2, int(u * 0.3)))
    return img


# ---------------------------------------------------------------------------
# Photographic finishing and metadata
# ---------------------------------------------------------------------------

def photographic(img: Image.Image, rng: random.Random) -> Image.Image:
    """Soften, vignette and add grain so the drawing reads as a photo."""
    w, h = img.size
    img = img.filter(ImageFilter.GaussianBlur(SOFTEN_RADIUS))
    # Lens vignette: darken corners by multiplying with a radial falloff.
    radial = Image.radial_gradient("L").resize((w, h), Image.Resampling.BILINEAR)
    falloff = radial.point(lambda v: 255 - int(max(0, v - 110) * 0.45))
    img = ImageChops.multiply(img, Image.merge("RGB", [falloff] * 3))
    # Zero-mean grain: random bytes (seeded) mapped to 128 +/- amplitude and
    # added with offset -128, so the picture's brightness does not shift.
    nw, nh = w // NOISE_CELL, h // NOISE_CELL
    raw = Image.frombytes("L", (nw, nh), rng.randbytes(nw * nh))
    scale = NOISE_AMPLITUDE / 128
    grain = raw.point(lambda v: int(round(128 + (v - 128) * scale)))
    grain = grain.resize((w, h), Image.Resampling.BILINEAR)
    return ImageChops.add(img, Image.merge("RGB", [grain] * 3), scale=1.0, offset=-128)


def to_dms(value: float) -> tuple:
    """Decimal degrees to EXIF's (degrees, minutes, seconds) rationals."""
    # Work in integer hundredths of an arc-second so rounding can never
    # produce an invalid "60.00 seconds".
    hundredths = round(abs(value) * 3600 * 100)
    deg, rest = divmod(hundredths, 3600 * 100)
    minutes, seconds = divmod(rest, 60 * 100)
    return (IFDRational(deg, 1), IFDRational(minutes, 1), IFDRational(seconds, 100))


def build_exif(item: Item, index: int, stored_size: tuple[int, int],
               orientation: int, rng: random.Random, *, camera: bool = True) -> Image.Exif:
    """Phone-like EXIF, including the private bits (GPS, serial number)."""
    item_rng = random.Random(seed_for(item.key, "session"))
    phone = PHONES[item_rng.randrange(len(PHONES))]
    start = dt.datetime.combine(item.date, dt.time(8, 30), WITA)
    start += dt.timedelta(minutes=item_rng.randint(0, 90))
    # Photos are roughly ten minutes apart and in file order.
    taken = start + dt.timedelta(minutes=index * 10 + rng.randint(0, 8),
                                 seconds=rng.randint(0, 59))
    stamp = taken.strftime("%Y:%m:%d %H:%M:%S")

    if item.category in OUTDOOR_CATEGORIES:
        lat = OFFICE_LAT + item_rng.uniform(-FIELD_SPREAD, FIELD_SPREAD)
        lon = OFFICE_LON + item_rng.uniform(-FIELD_SPREAD, FIELD_SPREAD)
    else:
        lat, lon = OFFICE_LAT, OFFICE_LON
    lat += rng.uniform(-0.0004, 0.0004)  # GPS wander of a few tens of metres
    lon += rng.uniform(-0.0004, 0.0004)

    exif = Image.Exif()
    exif[0x0112] = orientation  # Orientation
    exif[0x0132] = stamp  # DateTime
    exif[0x0131] = phone["software"] if camera else "ContohOffice Presentasi 3.2"
    if camera:
        exif[0x010F] = phone["make"]  # Make
        exif[0x0110] = phone["model"]  # Model
    sub = exif.get_ifd(IFD.Exif)
    sub[0x9003] = stamp  # DateTimeOriginal
    sub[0x9004] = stamp  # DateTimeDigitized
    sub[0x9011] = "+08:00"  # OffsetTimeOriginal (WITA)
    sub[0xA002], sub[0xA003] = stored_size  # PixelXDimension, PixelYDimension
    if camera:
        outdoor = item.category in OUTDOOR_CATEGORIES
        sub[0xA431] = phone["serial"]  # BodySerialNumber
        sub[0x829D] = IFDRational(18, 10)  # FNumber
        sub[0x829A] = IFDRational(1, 500 if outdoor else 60)  # ExposureTime
        sub[0x8827] = rng.choice([50, 64, 80]) if outdoor else rng.choice([320, 400, 640])
        sub[0x920A] = IFDRational(54, 10)  # FocalLength, mm
        sub[0xA405] = 26  # FocalLengthIn35mmFilm
    gps = exif.get_ifd(IFD.GPSInfo)
    utc = taken.astimezone(dt.timezone.utc)
    gps[0x0000] = b"\x02\x02\x00\x00"  # GPSVersionID
    gps[0x0001] = "S" if lat < 0 else "N"
    gps[0x0002] = to_dms(lat)
    gps[0x0003] = "E" if lon >= 0 else "W"
    gps[0x0004] = to_dms(lon)
    gps[0x0005] = b"\x00"  # above sea level
    gps[0x0006] = IFDRational(rng.randint(800, 2500), 100)  # lowland: ~10-25 m
    gps[0x0007] = (IFDRational(utc.hour), IFDRational(utc.minute), IFDRational(utc.second))
    gps[0x001D] = utc.strftime("%Y:%m:%d")  # GPSDateStamp
    return exif


def render(item: Item, index: int, path: Path) -> None:
    """Draw, finish, tag and save one photo in the format its name asks for."""
    rng = random.Random(seed_for(item.key, index))
    ext = path.suffix.lower()
    base_w, base_h = rng.choice(SENSOR_SIZES)

    if ext == ".png":
        display = chart_image((3200, 1800))
        exif = build_exif(item, index, display.size, 1, rng, camera=False)
        display.save(path, format="PNG", optimize=True, exif=exif)
        return

    # Orientation: portrait shots are drawn upright, then stored rotated, the
    # way a phone's sensor records them.  HEIC stays at orientation 1 because
    # HEIF carries rotation in its own container (irot), not only in EXIF.
    orientation = 1
    if ext in (".jpg", ".jpeg") and rng.random() < PORTRAIT_SHARE:
        orientation = rng.choice([6, 6, 8])  # 6 = phone rotated clockwise, most common
    display_size = (base_h, base_w) if orientation in (6, 8) else (base_w, base_h)

    scene = field_scene if item.category in OUTDOOR_CATEGORIES else hall_scene
    display = photographic(scene(display_size, rng, item), rng)
    # Orientation 6 means "rotate 90 degrees clockwise to view", so the stored
    # pixels are the upright picture turned 90 degrees counter-clockwise;
    # orientation 8 is the mirror case.
    if orientation == 6:
        stored = display.transpose(Image.Transpose.ROTATE_90)
    elif orientation == 8:
        stored = display.transpose(Image.Transpose.ROTATE_270)
    else:
        stored = display
    exif = build_exif(item, index, stored.size, orientation, rng)

    if ext in (".jpg", ".jpeg"):
        stored.save(path, format="JPEG", quality=JPEG_QUALITY, subsampling=2,
                    optimize=True, exif=exif)
    elif ext == ".heic":
        import pillow_heif  # imported lazily: only one sample is HEIC

        pillow_heif.register_heif_opener()
        stored.save(path, format="HEIF", quality=HEIC_QUALITY, exif=exif.tobytes())
        with Image.open(path) as check:  # fail loudly if the encoder misbehaved
            check.load()
            if check.size != stored.size:
                raise RuntimeError(f"{path}: HEIC reads back as {check.size}")
    else:
        raise ValueError(f"{path}: unsupported photo extension {ext!r}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--content", type=Path, default=Path("content"),
                        help="content folder (default: ./content)")
    parser.add_argument("--force", action="store_true",
                        help="regenerate photos that already exist")
    args = parser.parse_args(argv)

    if not (args.content / "berita").is_dir():
        print(f"error: {args.content / 'berita'} not found; run from the repo root",
              file=sys.stderr)
        return 2

    written = skipped = total = 0
    for item in load_items(args.content):
        for index, photo in enumerate(item.photos, start=1):
            name = str(photo.get("file", ""))
            if not name or "/" in name or "\\" in name:
                print(f"error: {item.key}: bad photo file name {name!r}", file=sys.stderr)
                return 1
            path = item.folder / name
            if path.exists() and not args.force:
                skipped += 1
                continue
            render(item, index, path)
            size = path.stat().st_size
            written += 1
            total += size
            print(f"  {path}  {size / 1024:.0f} KB")

    print(f"{written} file(s) written ({total / 1_000_000:.1f} MB), "
          f"{skipped} existing file(s) skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
