"""Private metadata of original photos: find it cheaply, remove it without re-encoding.

The site's copies carry no metadata (``images.encode``), but the originals are
committed to the repository as they came from the camera: an EXIF GPS position
or the owner's name and the serial numbers of the body and lens tell anyone
where the staff were and which camera is theirs. ``portal check`` reports them
(``photo-location``) and ``portal clean-photos`` removes them.

Both work on the bytes of the metadata structures only, never on the image
data: a JPEG's APP1 segments, PNG's ``eXIf``/``iTXt`` chunks, WebP's ``EXIF``/
``XMP `` chunks and HEIF's ``Exif``/XMP items (found through ``meta``/``iinf``/
``iloc``). Removal is *in place and size-preserving*: an EXIF entry is cut out
of its IFD (the IFD is compacted, the freed bytes and the entry's value are
zeroed), the GPS IFD is zeroed and unlinked, an XMP property is overwritten
with spaces (XML whitespace). Nothing moves, so every offset in the file stays
right and a JPEG's entropy-coded scan is byte-identical; PNG chunk CRCs are
recomputed. Nothing here decodes pixels.
"""

from __future__ import annotations

import os
import re
import struct
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path

GPS = "posisi GPS"
OWNER = "nama pemilik kamera"
BODY_SERIAL = "nomor seri kamera"
LENS_SERIAL = "nomor seri lensa"
ORDER = (GPS, OWNER, BODY_SERIAL, LENS_SERIAL)

_GPS_POINTER = 0x8825
_EXIF_POINTER = 0x8769
# EXIF 2.3 tags (Exif IFD) and DNG's CameraSerialNumber (IFD0) that identify a person's camera.
_PRIVATE_TAGS = {0xA430: OWNER, 0xA431: BODY_SERIAL, 0xA435: LENS_SERIAL, 0xC62F: BODY_SERIAL}
_TYPE_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4, 16: 8, 17: 8, 18: 8}
_XMP_NAMES = {"CameraOwnerName": OWNER, "OwnerName": OWNER, "BodySerialNumber": BODY_SERIAL,
              "SerialNumber": BODY_SERIAL, "LensSerialNumber": LENS_SERIAL}
_XMP_PREFIX = rb"(?:exif|exifEX|aux)"
_XMP_PROPERTY = rb"(GPS[A-Za-z]*|CameraOwnerName|OwnerName|BodySerialNumber|SerialNumber|LensSerialNumber)"
_XMP_ATTRIBUTE = re.compile(rb"\s" + _XMP_PREFIX + rb":" + _XMP_PROPERTY + rb"\s*=\s*(?:\"[^\"]*\"|'[^']*')")
_XMP_ELEMENT = re.compile(rb"<(" + _XMP_PREFIX + rb"):" + _XMP_PROPERTY + rb"\b[^>]*?(?:/>|>.*?</\1:\2\s*>)",
                          re.DOTALL)
_JPEG_EXIF = b"Exif\0\0"
_JPEG_XMP = (b"http://ns.adobe.com/xap/1.0/\0", b"http://ns.adobe.com/xmp/extension/\0")
_PNG_XMP_KEYWORD = b"XML:com.adobe.xmp"


class MetadataError(Exception):
    """The file is not an image we can read the structures of (truncated, damaged or another format)."""


@dataclass(frozen=True)
class Region:
    """A metadata block of a file: an EXIF TIFF structure or an XMP packet."""

    kind: str  # "exif" or "xmp"
    start: int
    end: int
    crc: tuple[int, int] | None = None  # PNG: (start of the chunk type, offset of its CRC)


# --------------------------------------------------------------------------- public API

# A JPEG's metadata segments come before its scan: 64 KB hold them in most photos, 512 KB all in practice.
# Read in those steps (a phone photo is 3-5 MB; the check scans every photo of every build).
_JPEG_HEADS = (1 << 16, 1 << 19)


def scan(path: Path) -> list[str]:
    """What private metadata ``path`` holds (labels in ``ORDER``); raises MetadataError.

    Cheap: nothing is decoded, and of a JPEG only the head up to its scan is read.
    """
    for limit in _JPEG_HEADS:
        head = _read(path, limit)
        if len(head) < limit:  # the whole file
            return strip(head)[1]
        if not head.startswith(b"\xff\xd8\xff"):
            break
        try:  # the walk stops at the scan, so a head that holds it gives the whole file's answer
            return strip(head)[1]
        except MetadataError:
            pass  # metadata running past the head: read more
    return strip(_read(path))[1]


def strip(data: bytes) -> tuple[bytes, list[str]]:
    """``data`` with its private metadata removed in place (same length) and the labels of what was removed."""
    buf = bytearray(data)
    found: set[str] = set()
    for region in regions(data):
        before = bytes(buf[region.start:region.end])
        if region.kind == "exif":
            found |= _strip_tiff(buf, region.start, region.end)
        else:
            found |= _strip_xmp(buf, region.start, region.end)
        if region.crc and bytes(buf[region.start:region.end]) != before:
            type_at, crc_at = region.crc
            buf[crc_at:crc_at + 4] = struct.pack(">I", zlib.crc32(bytes(buf[type_at:crc_at])))
    return bytes(buf), [label for label in ORDER if label in found]


def clean(path: Path) -> list[str]:
    """Remove the private metadata of the photo at ``path`` in place; return what was removed.

    A file with nothing to remove is not written (same bytes, same mtime). Otherwise
    the new bytes go to a temporary file in the same folder that replaces the photo
    in one rename, so a crash never leaves a half-written photo.
    """
    data = _read(path)
    cleaned, removed = strip(data)
    if cleaned == data:
        return []
    if strip(cleaned)[1]:  # pragma: no cover - a parser bug must never write a half-cleaned photo
        raise MetadataError("metadatanya tidak dapat dihapus seluruhnya")
    mode = path.stat().st_mode & 0o777
    fd, tmp = tempfile.mkstemp(prefix=".clean-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(cleaned)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return removed


PHOTO_SUFFIXES = frozenset((".jpg", ".jpeg", ".png", ".webp", ".heic", ".heif", ".avif"))


def photo_files(paths: list[Path]) -> list[Path]:
    """The photos (by extension, any case) in ``paths``: files as given, folders walked; never through a link."""
    found: list[Path] = []
    for path in paths:
        if path.is_symlink():
            continue
        if path.is_file():
            found.append(path)
            continue
        for folder, dirs, files in os.walk(path):  # os.walk does not follow links by default
            dirs.sort()
            found.extend(Path(folder) / name for name in sorted(files)
                         if os.path.splitext(name)[1].lower() in PHOTO_SUFFIXES
                         and not (Path(folder) / name).is_symlink())
    return found


def describe(labels: list[str]) -> str:
    """``["posisi GPS", "nomor seri kamera"]`` -> ``"posisi GPS dan nomor seri kamera"``."""
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " dan " + labels[-1]


# --------------------------------------------------------------------------- containers

def regions(data: bytes) -> list[Region]:
    """The EXIF and XMP blocks of ``data``, by its container format."""
    if data.startswith(b"\xff\xd8\xff"):
        return _jpeg(data)
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return _png(data)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return _webp(data)
    if data[4:8] == b"ftyp":
        return _heif(data)
    raise MetadataError("bukan berkas JPEG, PNG, WebP atau HEIC/HEIF/AVIF yang dikenali")


def _read(path: Path, limit: int = -1) -> bytes:
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(fd, "rb") as handle:
        return handle.read(limit)


def _need(data: bytes, end: int) -> None:
    if end > len(data):
        raise MetadataError("berkas terpotong (struktur metadatanya melewati akhir berkas)")


def _jpeg(data: bytes) -> list[Region]:
    found: list[Region] = []
    at = 2
    while True:
        _need(data, at + 2)
        if data[at] != 0xFF:
            raise MetadataError(f"struktur JPEG rusak di byte {at}")
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker in (0x01, *range(0xD0, 0xD8)):
            at += 2
            continue
        if marker in (0xD9, 0xDA):  # end of image, start of scan: no metadata after the header
            return found
        _need(data, at + 4)
        length = struct.unpack(">H", data[at + 2:at + 4])[0]
        start, end = at + 4, at + 2 + length
        _need(data, end)
        if marker == 0xE1:
            payload = data[start:end]
            if payload.startswith(_JPEG_EXIF):
                found.append(Region("exif", start + len(_JPEG_EXIF), end))
            elif payload.startswith(_JPEG_XMP):
                found.append(Region("xmp", start, end))
        at = end


def _png(data: bytes) -> list[Region]:
    found: list[Region] = []
    at = 8
    while at < len(data):
        _need(data, at + 8)
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        start, end = at + 8, at + 8 + length
        _need(data, end + 4)
        if kind == b"eXIf":
            found.append(Region("exif", start, end, (at + 4, end)))
        elif kind == b"iTXt" and data[start:end].startswith(_PNG_XMP_KEYWORD + b"\0\0"):
            found.append(Region("xmp", start, end, (at + 4, end)))
        if kind == b"IEND":
            return found
        at = end + 4
    raise MetadataError("berkas PNG terpotong (tanpa penutup IEND)")


def _webp(data: bytes) -> list[Region]:
    found: list[Region] = []
    at = 12
    _need(data, 12)
    while at + 8 <= len(data):
        kind, length = struct.unpack("<4sI", data[at:at + 8])
        start, end = at + 8, at + 8 + length
        _need(data, end)
        if kind == b"EXIF":
            offset = len(_JPEG_EXIF) if data[start:end].startswith(_JPEG_EXIF) else 0
            found.append(Region("exif", start + offset, end))
        elif kind == b"XMP ":
            found.append(Region("xmp", start, end))
        at = end + (length & 1)
    return found


def _boxes(data: bytes, start: int, end: int):
    """(type, payload start, box end) of the ISO-BMFF boxes between ``start`` and ``end``."""
    at = start
    while at + 8 <= end:
        size, kind = struct.unpack(">I4s", data[at:at + 8])
        header = 8
        if size == 1:
            _need(data, at + 16)
            size, header = struct.unpack(">Q", data[at + 8:at + 16])[0], 16
        elif size == 0:
            size = end - at
        if size < header or at + size > end:
            raise MetadataError(f"kotak HEIF `{kind.decode('latin-1')}` rusak atau terpotong")
        yield kind, at + header, at + size
        at += size


def _heif(data: bytes) -> list[Region]:
    meta = next(((s, e) for k, s, e in _boxes(data, 0, len(data)) if k == b"meta"), None)
    if meta is None:
        return []
    kinds: dict[int, str] = {}
    locations: dict[int, tuple[int, int]] = {}
    for kind, start, end in _boxes(data, meta[0] + 4, meta[1]):  # meta is a full box
        if kind == b"iinf":
            kinds = _heif_items(data, start, end)
        elif kind == b"iloc":
            locations = _heif_locations(data, start, end)
    found: list[Region] = []
    for item, kind in kinds.items():
        if item not in locations:
            continue
        start, length = locations[item]
        end = start + length
        _need(data, end)
        if kind == "Exif" and length >= 4:
            tiff = start + 4 + struct.unpack(">I", data[start:start + 4])[0]
            if data[tiff:tiff + 6] == _JPEG_EXIF:
                tiff += 6
            found.append(Region("exif", tiff, end))
        elif kind == "xmp":
            found.append(Region("xmp", start, end))
    return found


def _heif_items(data: bytes, start: int, end: int) -> dict[int, str]:
    version = data[start]
    at = start + 4 + (2 if version == 0 else 4)
    kinds = {}
    for kind, s, e in _boxes(data, at, end):
        if kind != b"infe" or data[s] < 2:
            continue
        id_size = 2 if data[s] == 2 else 4
        item = int.from_bytes(data[s + 4:s + 4 + id_size], "big")
        item_type = data[s + 6 + id_size:s + 10 + id_size]
        rest = data[s + 10 + id_size:e].split(b"\0")
        if item_type == b"Exif":
            kinds[item] = "Exif"
        elif item_type == b"mime" and len(rest) > 1 and rest[1] == b"application/rdf+xml":
            kinds[item] = "xmp"
    return kinds


def _heif_locations(data: bytes, start: int, end: int) -> dict[int, tuple[int, int]]:
    version = data[start]
    sizes = data[start + 4]
    offset_size, length_size = sizes >> 4, sizes & 15
    base_size, index_size = data[start + 5] >> 4, (data[start + 5] & 15) if version in (1, 2) else 0
    at = start + 6

    def take(n: int) -> int:
        nonlocal at
        _need(data, at + n)
        value = int.from_bytes(data[at:at + n], "big") if n else 0
        at += n
        return value

    found = {}
    for _ in range(take(2 if version < 2 else 4)):
        item = take(2 if version < 2 else 4)
        method = take(2) & 15 if version in (1, 2) else 0
        take(2)  # data_reference_index
        base = take(base_size)
        extents = []
        for _ in range(take(2)):
            take(index_size)
            extents.append((base + take(offset_size), take(length_size)))
        if method == 0 and len(extents) == 1:  # file offsets; idat-stored metadata is left alone
            found[item] = extents[0]
    if at > end:
        raise MetadataError("kotak HEIF `iloc` rusak")
    return found


# --------------------------------------------------------------------------- EXIF (TIFF)

class _Tiff:
    def __init__(self, buf: bytearray, base: int, end: int):
        self.buf, self.base, self.end = buf, base, end
        order = bytes(buf[base:base + 2])
        if order not in (b"II", b"MM"):
            raise MetadataError("blok EXIF rusak (urutan byte tidak dikenal)")
        self.order = "<" if order == b"II" else ">"

    def get(self, fmt: str, offset: int) -> int:
        at = self.base + offset
        if offset < 0 or at + struct.calcsize(fmt) > self.end:
            raise MetadataError("blok EXIF rusak (penunjuk keluar dari bloknya)")
        return struct.unpack(self.order + fmt, self.buf[at:at + struct.calcsize(fmt)])[0]

    def put(self, fmt: str, offset: int, value: int) -> None:
        at = self.base + offset
        self.buf[at:at + struct.calcsize(fmt)] = struct.pack(self.order + fmt, value)

    def zero(self, offset: int, length: int) -> None:
        self.get("B", offset + length - 1) if length else None  # bounds check
        self.buf[self.base + offset:self.base + offset + length] = bytes(length)

    def entries(self, ifd: int) -> list[tuple[int, int, int, int]]:
        """(tag, type, count, entry offset) of the IFD at ``ifd``."""
        return [(self.get("H", e), self.get("H", e + 2), self.get("I", e + 4), e)
                for e in (ifd + 2 + 12 * i for i in range(self.get("H", ifd)))]

    def value_span(self, kind: int, count: int, entry: int) -> tuple[int, int] | None:
        """Where an entry's value lives when it does not fit in the entry (offset, length)."""
        length = _TYPE_SIZES.get(kind, 1) * count
        return (self.get("I", entry + 8), length) if length > 4 else None

    def remove(self, ifd: int, tags: set[int]) -> None:
        """Cut ``tags`` out of the IFD at ``ifd``: compact it, zero the freed bytes and their values."""
        old = self.entries(ifd)
        kept = [e for e in old if e[0] not in tags]
        after = ifd + 2 + 12 * len(old)
        next_ifd = self.get("I", after)
        rows = [bytes(self.buf[self.base + e[3]:self.base + e[3] + 12]) for e in kept]
        for tag, kind, count, entry in old:
            if tag in tags:
                span = self.value_span(kind, count, entry)
                if span:
                    self.zero(*span)
        self.zero(ifd, after + 4 - ifd)
        self.put("H", ifd, len(kept))
        for i, row in enumerate(rows):
            at = self.base + ifd + 2 + 12 * i
            self.buf[at:at + 12] = row
        self.put("I", ifd + 2 + 12 * len(kept), next_ifd)


def _strip_tiff(buf: bytearray, base: int, end: int) -> set[str]:
    if end - base < 8:
        return set()
    tiff = _Tiff(buf, base, end)
    found: set[str] = set()
    ifd, seen = tiff.get("I", 4), set[int]()
    while ifd and ifd not in seen and len(seen) < 4:  # IFD0, IFD1 (thumbnail); never loop
        seen.add(ifd)
        found |= _strip_ifd(tiff, ifd, nested=True)
        ifd = tiff.get("I", ifd + 2 + 12 * tiff.get("H", ifd))
    return found


def _strip_ifd(tiff: _Tiff, ifd: int, nested: bool) -> set[str]:
    found, drop = set(), set()
    for tag, _kind, _count, entry in tiff.entries(ifd):
        if tag == _GPS_POINTER:
            gps = tiff.get("I", entry + 8)
            if any(t != 0 for t, *_ in tiff.entries(gps)):  # more than GPSVersionID
                found.add(GPS)
            for _t, kind, count, gps_entry in tiff.entries(gps):
                span = tiff.value_span(kind, count, gps_entry)
                if span:
                    tiff.zero(*span)
            tiff.zero(gps, 2 + 12 * tiff.get("H", gps) + 4)
            drop.add(tag)
        elif tag == _EXIF_POINTER and nested:
            found |= _strip_ifd(tiff, tiff.get("I", entry + 8), nested=False)
        elif tag in _PRIVATE_TAGS:
            found.add(_PRIVATE_TAGS[tag])
            drop.add(tag)
    if drop:
        tiff.remove(ifd, drop)
    return found


# --------------------------------------------------------------------------- XMP

def _strip_xmp(buf: bytearray, start: int, end: int) -> set[str]:
    found: set[str] = set()
    packet = bytes(buf[start:end])
    for pattern in (_XMP_ELEMENT, _XMP_ATTRIBUTE):
        for match in pattern.finditer(packet):
            name = match.group(2 if pattern is _XMP_ELEMENT else 1).decode("ascii")
            found.add(GPS if name.startswith("GPS") else _XMP_NAMES[name])
            buf[start + match.start():start + match.end()] = b" " * (match.end() - match.start())
        packet = bytes(buf[start:end])
    return found
