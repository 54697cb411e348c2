"""Photos: phone originals in, light, safe, cached web variants out.

Every output is decoded from an allowlisted format, auto-oriented from EXIF,
converted to sRGB through its embedded ICC profile, flattened onto white
and saved with *no* metadata at all (no EXIF, GPS, XMP, IPTC, thumbnails,
ICC). Outputs are cached by a hash of the source bytes and the variant's
settings, so a rebuild with nothing changed encodes nothing.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import math
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

from PIL import Image, ImageCms, ImageFile, ImageOps

try:  # HEIC/HEIF: what iPhones and many Android phones save by default.
    import pillow_heif

    pillow_heif.register_heif_opener()
    HEIF_VERSION = pillow_heif.__version__
except ImportError:  # pragma: no cover - pillow-heif is a pinned dependency
    HEIF_VERSION = "none"

FORMATS = ["JPEG", "PNG", "WEBP", "HEIF", "AVIF"]
PIXEL_CAP = 100_000_000  # 100 MP: above any phone's default mode, far below a bomb
ImageFile.LOAD_TRUNCATED_IMAGES = False  # a truncated photo is an error, never half a picture
Image.MAX_IMAGE_PIXELS = None  # we enforce PIXEL_CAP ourselves, as an error (Pillow only warns)
_SRGB = ImageCms.createProfile("sRGB")


# Bump when render()/decode() change what pixels a variant gets: old cache entries then miss.
GEOMETRY = 3


@dataclass(frozen=True)
class Variant:
    """One output of every photo: how to size it and how to encode it."""

    name: str
    fmt: str  # "WEBP" or "JPEG"
    width: int
    height: int = 0  # 0: keep aspect ratio; else crop to width x height
    quality: int = 80
    social: bool = False  # clamp aspect to Instagram's 4:5 .. 1.91:1, JPEG size caps

    @property
    def ext(self) -> str:
        return "webp" if self.fmt == "WEBP" else "jpg"

    def fingerprint(self) -> str:
        return _fingerprint(self)


@functools.cache  # asked once per photo and variant: 28,000 times at 1,000 items
def _fingerprint(variant: Variant) -> str:
    # Encoder versions are part of the key: a new libwebp may change bytes.
    return json.dumps([asdict(variant), Image.__version__, HEIF_VERSION, GEOMETRY], sort_keys=True)


RESPONSIVE_WIDTHS = (480, 960, 1600)
THUMB_WIDTHS = (160, 320)  # plus the 480 px "thumb" itself
VARIANTS: tuple[Variant, ...] = (
    *(Variant(f"w{w}", "WEBP", w, quality=72) for w in RESPONSIVE_WIDTHS),
    Variant("fallback", "JPEG", 960, quality=78),
    Variant("thumb", "WEBP", 480, 320, quality=70),
    # Lists and the gallery show thumbnails at ~144-240 CSS px: a phone picks one of these
    # from the srcset (stage.thumb_srcset) instead of the 480 px one (issue 18).
    *(Variant(f"thumb{w}", "WEBP", w, round(w * 320 / 480), quality=70) for w in THUMB_WIDTHS),
    Variant("og", "JPEG", 1200, 630, quality=80),
    Variant("social", "JPEG", 1440, quality=85, social=True),
)
SOCIAL_MAX_BYTES = 5 * 1000 * 1000  # X and Telegram: 5 MB (Instagram allows 8 MiB)


class PhotoError(Exception):
    """A photo that cannot be published; ``rule`` and ``message`` are shown to the editor."""

    def __init__(self, rule: str, message: str):
        super().__init__(message)
        self.rule = rule
        self.message = message


# --------------------------------------------------------------------------- decoding

def open_photo(path: Path) -> Image.Image:
    """Open ``path`` with the format allowlist and the pixel cap (header only)."""
    try:
        image = Image.open(path, formats=FORMATS)
    except Image.UnidentifiedImageError:
        raise PhotoError("photo-corrupt", f"Berkas `{path.name}` tidak dapat dibaca sebagai foto "
                                          "(rusak atau bukan JPEG/PNG/WebP/HEIC/AVIF). Ekspor ulang fotonya.") \
            from None
    except (OSError, ValueError, SyntaxError) as exc:
        raise PhotoError("photo-corrupt", f"Berkas `{path.name}` rusak: kepala berkasnya tidak dapat dibaca. "
                                          "Salin ulang foto aslinya.") from exc
    width, height = image.size
    if width * height > PIXEL_CAP or width <= 0 or height <= 0:
        image.close()
        raise PhotoError("photo-pixels",
                         f"Foto `{path.name}` berukuran {width}×{height} piksel ({width * height / 1e6:.0f} MP), "
                         f"melebihi batas {PIXEL_CAP // 1_000_000} MP. Perkecil fotonya sebelum diunggah.")
    return image


def decode(path: Path, need_width: int | None = None,
           variants: tuple[Variant, ...] | None = None) -> tuple[Image.Image, list[str]]:
    """Decode ``path`` into an upright 8-bit sRGB RGB image; return it with warnings.

    ``need_width`` (or the ``variants`` to be made from it) lets JPEG decode at
    a reduced DCT scale (draft mode) when every output is much smaller than
    the original: 2-4x faster, and no output is upscaled because of it.
    """
    notes: list[str] = []
    image = open_photo(path)
    try:
        if getattr(image, "is_animated", False):
            notes.append(f"Foto `{path.name}` beranimasi; hanya bingkai pertama yang dipakai.")
            image.seek(0)
        orientation = image.getexif().get(0x0112, 1) if image.format in ("JPEG", "WEBP", "PNG") else 1
        w, h = image.size
        sideways = orientation in (5, 6, 7, 8)
        if variants:
            shown_w, shown_h = (h, w) if sideways else (w, h)
            scale = max(min_scale(shown_w, shown_h, v) for v in variants)
            need_width = math.ceil(scale * shown_w)
        if need_width and image.format == "JPEG" and image.mode in ("RGB", "L", "CMYK"):
            # Draft picks the smallest DCT scale still >= the requested box.
            box = (math.ceil(need_width * w / h), need_width) if sideways else (need_width, math.ceil(need_width * h / w))
            image.draft(image.mode, box)
        image.load()
        icc = image.info.get("icc_profile")
        image = ImageOps.exif_transpose(image)
        image = _to_srgb(image, icc)
    except PhotoError:
        raise
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise PhotoError("photo-corrupt", f"Foto `{path.name}` rusak atau terpotong: isinya tidak dapat dibaca "
                                          "sampai akhir. Salin ulang foto aslinya dari ponsel/kamera.") from exc
    image.info = {}  # nothing of the original's metadata travels further
    return image, notes


def _to_srgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        # 16-bit grey: scale to 8 bits instead of clipping everything above 255.
        image = image.point(lambda v: v * (1 / 256)).convert("L")
    if image.mode in ("P", "L", "RGB") and "transparency" in image.info:
        image = image.convert("RGBA")  # palette or colour-key (tRNS) transparency
    elif image.mode == "P":
        image = image.convert("RGB")
    if image.mode in ("LA", "PA", "RGBa", "La"):
        image = image.convert("RGBA")
    if image.mode == "RGBA":
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        image = background
    if icc:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            if image.mode not in ("RGB", "CMYK", "L"):
                image = image.convert("RGB")
            converted = ImageCms.profileToProfile(image, source, _SRGB, outputMode="RGB",
                                                  renderingIntent=ImageCms.Intent.PERCEPTUAL)
            assert converted is not None  # None only with inPlace=True
            return converted
        except (ImageCms.PyCMSError, OSError):
            pass  # a broken profile: fall back to the plain conversion below
    return image.convert("RGB") if image.mode != "RGB" else image


# --------------------------------------------------------------------------- variants

def _social_box(w: int, h: int) -> tuple[int, int]:
    """Crop box size clamping the aspect ratio to Instagram's 4:5 .. 1.91:1."""
    ratio = w / h
    if ratio < 0.8:
        return w, round(w / 0.8)
    if ratio > 1.91:
        return round(h * 1.91), h
    return w, h


def _long_edge_size(w: int, h: int, variant: Variant) -> tuple[int, int]:
    # Responsive widths bound the *long* edge: a portrait "w1600" is 1200×1600,
    # not 1600×2133 (twice the bytes, and taller than any phone screen). Never upscaled.
    edge = variant.width
    if max(w, h) <= edge:
        return w, h
    if w >= h:
        return edge, max(1, round(h * edge / w))
    return max(1, round(w * edge / h)), edge


def needed_scale(w: int, h: int, variant: Variant) -> float:
    """The scale ``variant`` applies to a ``w``×``h`` image (above 1: it would upscale)."""
    if variant.height:
        return max(variant.width / w, variant.height / h)  # ImageOps.fit's scale
    if variant.social:
        cw, _ = _social_box(w, h)
        return min(max(cw, 320), variant.width) / cw
    return _long_edge_size(w, h, variant)[0] / w


def output_size(w: int, h: int, variant: Variant) -> tuple[int, int]:
    """The size ``render`` gives ``variant`` from a ``w``×``h`` image."""
    if variant.height:
        return variant.width, variant.height
    if not variant.social:
        return _long_edge_size(w, h, variant)
    w, h = _social_box(w, h)
    target = min(max(w, 320), variant.width)
    return (w, h) if target == w else (target, round(h * target / w))


def min_scale(w: int, h: int, variant: Variant) -> float:
    """The smallest scale of a ``w``×``h`` image from which ``variant`` needs no upscaling."""
    return min(1.0, needed_scale(w, h, variant))


def render(image: Image.Image, variant: Variant) -> Image.Image:
    """The pixels of ``variant`` from an upright sRGB ``image`` (never upscaled, except OG/social minima)."""
    w, h = image.size
    if variant.height:
        return ImageOps.fit(image, (variant.width, variant.height), Image.Resampling.LANCZOS)
    if variant.social:
        cw, ch = _social_box(w, h)
        if (cw, ch) != (w, h):
            image = ImageOps.fit(image, (cw, ch), Image.Resampling.LANCZOS)
    size = output_size(*image.size, variant)
    if size == image.size:
        return image
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def encode(image: Image.Image, variant: Variant) -> bytes:
    """Encode without any metadata block."""
    out = io.BytesIO()
    if variant.fmt == "WEBP":
        image.save(out, "WEBP", quality=variant.quality, method=4)
    else:
        quality = variant.quality
        while True:
            out = io.BytesIO()
            image.save(out, "JPEG", quality=quality, optimize=True, progressive=True, subsampling="4:2:0")
            if not variant.social or out.tell() <= SOCIAL_MAX_BYTES or quality == 50:
                break
            quality = max(50, quality - 10)
    return out.getvalue()


# --------------------------------------------------------------------------- cache + pool

@dataclass
class Output:
    """One encoded variant in the cache."""

    name: str
    file: str  # cache file name
    width: int
    height: int
    bytes: int


@dataclass
class Processed:
    """The variants of one source photo."""

    source: Path
    outputs: dict[str, Output] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


@dataclass
class Stats:
    processed: int = 0
    cached: int = 0
    bytes_in: int = 0
    bytes_out: int = 0
    seconds: float = 0.0

    def line(self) -> str:
        """The summary line: processed / from cache, bytes in -> out, seconds (Indonesian decimals)."""
        def num(value: float) -> str:
            return f"{value:.1f}".replace(".", ",")

        return (f"Foto: {self.processed} diproses, {self.cached} dari cache; {num(self.bytes_in / 1e6)} MB → "
                f"{num(self.bytes_out / 1e6)} MB; {num(self.seconds)} detik.")


class ContentHashes:
    """sha256 of files' bytes, remembered by (size, mtime): a warm run reads no photo twice.

    The one stat memo of the package: the variant cache and the check's
    integrity memo each keep one (``known`` is what their file held). Only
    the hash is trusted across checkouts; the stats just spare re-reading.
    """

    def __init__(self, known: dict[str, list] | None = None):
        self.known: dict[str, list] = known if isinstance(known, dict) else {}
        self.used: dict[str, list] = {}

    def __call__(self, path: Path) -> str:
        st = path.stat()
        key = str(path)
        hit = self.used.get(key) or self.known.get(key)
        if not (hit and hit[0] == st.st_size and hit[1] == st.st_mtime_ns):
            digest = hashlib.sha256()
            with path.open("rb") as handle:
                for chunk in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(chunk)
            hit = [st.st_size, st.st_mtime_ns, digest.hexdigest()]
        self.used[key] = hit
        return hit[2]

    def kept(self, partial: bool) -> dict[str, list]:
        """What to save: this run's files, plus the earlier ones when the run saw only ``partial``ly."""
        return {**self.known, **self.used} if partial else dict(self.used)


def variant_key(digest: str, variant: Variant) -> str:
    return hashlib.sha256((digest + variant.fingerprint()).encode()).hexdigest()[:32]


def _work(job: tuple[str, str, list[tuple[Variant, str]]]) -> tuple[str, dict, list[str], str | None]:
    """Worker: decode once, write the missing variants into the cache."""
    source, cache_dir, wanted = job
    try:
        image, notes = decode(Path(source), variants=tuple(v for v, _ in wanted))
    except PhotoError as exc:
        return source, {}, [], exc.message
    results = {}
    # Largest first, each smaller one resized from the previous: fewer pixels
    # to filter. A crop (og, social) may need more pixels than the previous
    # width variant holds (a panorama): then it starts from the decoded image.
    current = image
    for variant, key in sorted(wanted, key=lambda vk: -vk[0].width):
        enough = (needed_scale(current.width, current.height, variant) <= 1
                  and output_size(*current.size, variant) == output_size(*image.size, variant))
        pixels = render(current if enough else image, variant)
        if not (variant.height or variant.social):
            current = pixels
        data = encode(pixels, variant)
        name = f"{key}.{variant.ext}"
        tmp = Path(cache_dir) / f".{name}.{os.getpid()}.tmp"
        tmp.write_bytes(data)
        os.replace(tmp, Path(cache_dir) / name)
        results[key] = [name, pixels.width, pixels.height, len(data)]
    return source, results, notes, None


def read_index(path: Path) -> dict:
    """A cache's ``index.json`` (outputs and source hashes); empty when missing, unreadable or not an object."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_index(path: Path, data: dict, *, quiet: bool = False) -> None:
    """Replace the JSON file ``path`` atomically (a reader never sees half of it).

    ``quiet``: an ``OSError`` is ignored (a memo in a read-only checkout: the
    run was complete, only the next one is slower).
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        if not quiet:
            raise


class ImageCache:
    """Content-addressed store of variants under ``.portal/cache/images``."""

    def __init__(self, directory: Path):
        self.dir = directory
        self.dir.mkdir(parents=True, exist_ok=True)
        self.index_path = directory / "index.json"
        data = read_index(self.index_path)
        self.outputs: dict[str, list] = data.get("outputs", {})
        self.hashes = ContentHashes(data.get("sources"))
        self._pruned = False
        self._present: set[str] | None = None

    def save(self) -> None:
        write_index(self.index_path, {"outputs": self.outputs, "sources": self.hashes.kept(partial=not self._pruned)})

    def prune(self, keep: set[str]) -> None:
        """Forget and delete every output not in ``keep``, and every source this run did not hash."""
        for key in [k for k in self.outputs if k not in keep]:
            (self.dir / self.outputs.pop(key)[0]).unlink(missing_ok=True)
        self._pruned = True

    def has(self, key: str) -> bool:
        entry = self.outputs.get(key)
        if not entry:
            return False
        if self._present is None:  # one directory listing instead of a stat per variant (28,000 at 1,000 items)
            self._present = set(os.listdir(self.dir))
        return entry[0] in self._present


def process(paths: list[Path], cache_dir: Path, variants: tuple[Variant, ...] = VARIANTS,
            workers: int | None = None, progress: bool | None = None,
            prune: bool = False) -> tuple[dict[Path, Processed], Stats, list]:
    """Make every variant of every photo in ``paths``; return results, stats and failures.

    Failures are ``(path, message)`` pairs; nothing is raised for a bad photo.
    ``prune`` deletes cached outputs that no photo in ``paths`` uses any more
    (a full build knows every photo; a partial preview does not).
    """
    started = time.perf_counter()
    cache = ImageCache(cache_dir)
    stats = Stats()
    jobs = []
    keys: dict[Path, list[tuple[Variant, str]]] = {}
    for path in paths:
        digest = cache.hashes(path)
        keys[path] = [(v, variant_key(digest, v)) for v in variants]
        missing = [(v, k) for v, k in keys[path] if not cache.has(k)]
        if missing:
            jobs.append((str(path), str(cache_dir), missing))
            stats.processed += 1
            stats.bytes_in += path.stat().st_size
        else:
            stats.cached += 1
    failures = []
    notes: dict[str, list[str]] = {}
    if jobs:
        workers = workers or min(len(jobs), os.cpu_count() or 1)
        show = sys.stderr.isatty() and not os.environ.get("CI") if progress is None else progress
        pool = ProcessPoolExecutor(workers) if workers > 1 else None
        try:
            results = pool.map(_work, jobs, chunksize=1) if pool else map(_work, jobs)
            for done, (source, outputs, job_notes, error) in enumerate(results, start=1):
                if error:
                    failures.append((Path(source), error))
                cache.outputs.update(outputs)
                notes[source] = job_notes
                if show:
                    bar = "#" * (30 * done // len(jobs))
                    print(f"\rFoto [{bar:<30}] {done}/{len(jobs)}", end="", file=sys.stderr, flush=True)
        finally:
            if pool:
                pool.shutdown(cancel_futures=True)
        if show:
            print(file=sys.stderr)
    if prune:
        cache.prune({key for pairs in keys.values() for _, key in pairs})
    cache.save()
    processed: dict[Path, Processed] = {}
    for path, pairs in keys.items():
        result = Processed(path, notes=notes.get(str(path), []))
        for variant, key in pairs:
            entry = cache.outputs.get(key)
            if entry:
                result.outputs[variant.name] = Output(variant.name, entry[0], entry[1], entry[2], entry[3])
                if str(path) in notes:  # encoded in this run: bytes in -> out of the same photos
                    stats.bytes_out += entry[3]
        processed[path] = result
    stats.seconds = time.perf_counter() - started
    return processed, stats, failures


def inspect(path: Path) -> list[tuple[str, str, str]]:
    """Integrity problems of one photo for ``portal check``: ``(rule, severity, message)``.

    JPEGs decode in draft mode at 1/8 scale: every byte is still read and
    entropy-decoded, so truncation and corruption show, at a fraction of the cost.
    """
    try:
        _, notes = decode(path, need_width=64)
    except PhotoError as exc:
        return [(exc.rule, "error", exc.message)]
    return [("photo-animated", "warning", note) for note in notes]


class InspectMemo:
    """``inspect`` remembered by the photo's content: an unchanged photo is decoded once.

    Callable like ``inspect``. A result is keyed by the sha256 of the photo's
    bytes, its file name (messages name it) and the decoder versions (an
    upgraded Pillow or pillow-heif may judge a file differently, so it
    inspects again). File stats only spare rehashing within one checkout
    (``ContentHashes``): a fresh clone, whose files all have new mtimes, with a
    restored ``.portal/cache`` rehashes its photos and decodes none (the 45
    samples, 18 MB: a whole check in 0.03 s instead of 0.7 s). The file is a
    cache: unreadable or of another layout means empty.
    """

    VERSION = 2
    DECODERS = f"Pillow {Image.__version__}, pillow-heif {HEIF_VERSION}"

    def __init__(self, path: Path):
        self.path = path
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = None
        if not isinstance(data, dict) or data.get("version") != self.VERSION:
            data = {}  # the stat-keyed layout of before, or garbage: start again
        self.hashes = ContentHashes(data.get("hashes"))
        self.results: dict[str, list] = data.get("results") or {}
        self.used_results: dict[str, list] = {}

    def key(self, digest: str, name: str) -> str:
        """The memo key of a photo named ``name`` whose bytes hash to ``digest``."""
        return f"{digest}|{self.DECODERS}|{name}"

    def __call__(self, photo: Path) -> list[tuple[str, str, str]]:
        key = self.key(self.hashes(photo), photo.name)
        known = self.results.get(key)
        findings = [tuple(f) for f in known] if known is not None else inspect(photo)
        self.used_results[key] = [list(f) for f in findings]
        return findings

    def save(self, partial: bool = False) -> None:
        """Write what this run used; a full run (not ``partial``) also forgets deleted photos."""
        hashes = self.hashes.kept(partial)
        results = {**self.results, **self.used_results} if partial else self.used_results
        if hashes == self.hashes.known and results == self.results:
            return
        write_index(self.path, {"version": self.VERSION, "hashes": hashes, "results": results}, quiet=True)
