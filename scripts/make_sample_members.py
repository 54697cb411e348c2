#!/usr/bin/env python3
"""Draw the placeholder portraits of the sample council members (``content/anggota/``).

The sample members are fictional and the repository carries no real faces:
each ``index.md`` under ``content/anggota/<term>/<slug>/`` names its portrait
in ``photo.file``, and this script draws one there: a plain silhouette on a
studio-like background with the member's initials, deterministic (seeded by
the term and the folder name), small (~20-40 KB: CI clones the repository)
and carrying camera EXIF (Make, Model, Software, date), which the photo
pipeline must strip before the portrait is published. No GPS position and no
serial number: the repository is public (``photo-location``).

Usage (from the repository root)::

    python scripts/make_sample_members.py          # only missing portraits
    python scripts/make_sample_members.py --force  # redraw every portrait
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
from pathlib import Path

import yaml
from PIL import Image, ImageDraw, ImageFilter, ImageFont
from PIL.ExifTags import IFD

SIZE = (480, 600)  # 4:5, the long side well above the site's 480 px thumbnail
JPEG_QUALITY = 82
NOISE_AMPLITUDE = 3  # a little grain: the size of a real portrait, not of a flat drawing
BACKDROPS = [(38, 70, 120), (120, 30, 40), (60, 90, 70), (90, 90, 100), (150, 110, 50)]
SKIN_TONES = [(198, 150, 112), (176, 128, 92), (214, 170, 130), (160, 112, 80), (190, 140, 100)]
SUITS = [(40, 40, 48), (30, 45, 90), (120, 60, 40), (196, 176, 130)]
STUDIO = {"make": "ContohCam", "model": "ContohCam S2 Studio", "software": "ContohCam Firmware 2.1"}


def front_matter(path: Path) -> dict:
    """The YAML between the first two ``---`` lines of ``path``."""
    text = path.read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---", 2)[1]) or {}


def initials(name: str) -> str:
    """``H. Ahmad Fauzi, S.H.`` -> ``AF``: the name's words, without titles."""
    words = [w for w in name.split(",")[0].split() if not w.endswith(".")]
    return "".join(w[0] for w in words[:2]).upper() or "?"


def draw(seed: str, name: str) -> Image.Image:
    """A portrait-like placeholder: backdrop, shoulders, head, initials."""
    rng = random.Random(hashlib.sha256(seed.encode()).hexdigest())
    w, h = SIZE
    back = rng.choice(BACKDROPS)
    image = Image.new("RGB", SIZE, back)
    pen = ImageDraw.Draw(image)
    for y in range(h):  # a studio backdrop: lighter in the middle
        shade = int(40 * (1 - abs(y - h * 0.4) / h))
        pen.line([(0, y), (w, y)], fill=tuple(min(255, c + shade) for c in back))
    skin, suit = rng.choice(SKIN_TONES), rng.choice(SUITS)
    pen.ellipse([w * 0.12, h * 0.62, w * 0.88, h * 1.25], fill=suit)  # shoulders
    pen.polygon([(w * 0.44, h * 0.62), (w * 0.5, h * 0.78), (w * 0.56, h * 0.62)], fill=(235, 235, 230))
    pen.ellipse([w * 0.34, h * 0.2, w * 0.66, h * 0.6], fill=skin)  # head
    pen.chord([w * 0.33, h * 0.17, w * 0.67, h * 0.42], 180, 360, fill=(25, 22, 20))  # hair
    font = ImageFont.load_default(size=44)
    pen.text((w * 0.5, h * 0.9), initials(name), fill=(250, 250, 250), font=font, anchor="mm")
    image = image.filter(ImageFilter.GaussianBlur(1.2))
    grain = _grain(rng, w // 2, h // 2)
    return Image.blend(image, Image.merge("RGB", [grain.resize(SIZE)] * 3), 0.04)


def _grain(rng: random.Random, w: int, h: int) -> Image.Image:
    # Python's random, not Image.effect_noise: that one draws from the C library's global rand().
    data = bytes(128 + rng.randint(-NOISE_AMPLITUDE * 8, NOISE_AMPLITUDE * 8) for _ in range(w * h))
    return Image.frombytes("L", (w, h), data)


def exif() -> Image.Exif:
    """Camera EXIF the site must not carry (make, model, date, software); no GPS position and no serial
    number: those are private even in the repository (``portal check`` refuses them, ``photo-location``)."""
    data = Image.Exif()
    data[0x010F], data[0x0110] = STUDIO["make"], STUDIO["model"]  # Make, Model
    data[0x0131] = STUDIO["software"]  # Software
    data.get_ifd(IFD.Exif)[0x9003] = "2024:08:20 10:00:00"  # DateTimeOriginal
    return data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--force", action="store_true", help="redraw portraits that exist")
    parser.add_argument("--root", type=Path, default=Path("content/anggota"), help="the council folder")
    args = parser.parse_args(argv)
    made = 0
    for source in sorted(args.root.glob("*/*/index.md")):
        meta = front_matter(source)
        photo = meta.get("photo") or {}
        file = photo.get("file") if isinstance(photo, dict) else None
        if not isinstance(file, str) or not file.lower().endswith((".jpg", ".jpeg")):
            continue
        target = source.parent / file
        if target.exists() and not args.force:
            continue
        name = str(meta.get("name") or source.parent.name)
        image = draw(f"{source.parent.parent.name}/{source.parent.name}", name)
        image.save(target, "JPEG", quality=JPEG_QUALITY, optimize=True, exif=exif())
        made += 1
        print(f"{target} ({target.stat().st_size // 1024} KB)")
    print(f"{made} potret dibuat.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
