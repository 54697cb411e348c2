"""Photo integrity results are remembered by content hash: a fresh copy decodes nothing, a changed photo is decoded again."""

import json
import os
import shutil
from pathlib import Path

import pytest

import pipeline.photos.images as images
from pipeline.config import load_config
from pipeline.check.rules import INSPECT_CACHE, check

REPO = Path(__file__).resolve().parent.parent
ITEM = "content/berita/2026/2026-11-12-rdp-komisi-iv-dinas-kesehatan-layanan-puskesmas"
OTHER = "content/berita/2026/2026-11-04-paripurna-pandangan-umum-fraksi-raperda-apbd-2027"


@pytest.fixture
def decoded(monkeypatch):
    """The names of the photos ``inspect`` decodes from now on, in order."""
    calls = []
    real = images.inspect
    monkeypatch.setattr(images, "inspect", lambda path: calls.append(path.name) or real(path))
    return calls


def _project(root: Path) -> Path:
    root.mkdir()
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / ITEM, root / ITEM)
    return root


def _memo(root: Path) -> dict:
    return json.loads((root / INSPECT_CACHE).read_text())


def test_a_fresh_copy_with_the_cache_decodes_no_photo(tmp_path, monkeypatch, decoded):
    monkeypatch.setenv("PORTAL_TODAY", "2026-11-12")
    first = _project(tmp_path / "first")
    assert check(load_config(first)).problems == []
    assert len(decoded) == 4
    assert len(_memo(first)["results"]) == 4

    # A fresh clone with `.portal/cache` restored by actions/cache: same bytes, new paths, new mtimes.
    clone = tmp_path / "clone"
    shutil.copytree(first, clone)
    for path in (clone / ITEM).iterdir():
        os.utime(path, ns=(1_800_000_000_000_000_000, 1_800_000_000_000_000_000))
    decoded.clear()
    assert check(load_config(clone)).problems == []
    assert decoded == []

    # A changed byte is a new photo, whatever its stat says.
    photo = sorted((clone / ITEM).glob("*.jpg"))[0]
    stat = photo.stat()
    data = bytearray(photo.read_bytes())
    data[len(data) // 2] ^= 0xFF
    photo.write_bytes(bytes(data))
    os.utime(photo, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1))
    check(load_config(clone))
    assert decoded == [photo.name]


def test_an_upgraded_decoder_inspects_again(tmp_path, monkeypatch, decoded):
    monkeypatch.setenv("PORTAL_TODAY", "2026-11-12")
    root = _project(tmp_path / "site")
    check(load_config(root))
    decoded.clear()
    monkeypatch.setattr(images.InspectMemo, "DECODERS", "Pillow 99.0.0, pillow-heif 99.0.0")
    assert check(load_config(root)).problems == []
    assert len(decoded) == 4


def test_a_truncated_photo_is_reported_and_a_partial_check_keeps_the_rest(tmp_path, monkeypatch, decoded):
    monkeypatch.setenv("PORTAL_TODAY", "2026-11-12")
    root = _project(tmp_path / "site")
    shutil.copytree(REPO / OTHER, root / OTHER)
    config = load_config(root)
    assert check(config).errors == 0
    decoded.clear()
    assert check(config).errors == 0
    assert decoded == []  # warm: nothing decoded

    photo = sorted((root / ITEM).glob("*.jpg"))[0]
    data = photo.read_bytes()
    photo.write_bytes(data[: len(data) // 2])
    assert [p.rule for p in check(config, [root / ITEM]).problems] == ["photo-corrupt"]
    assert decoded == [photo.name]
    memo = _memo(root)  # a partial check keeps what it did not look at (the other item, the old bytes)
    assert len(memo["results"]) == 10 and len(memo["hashes"]) == 9

    os.remove(photo)
    check(config)  # a full check forgets the deleted photo and the results of bytes no longer there
    memo = _memo(root)
    assert len(memo["results"]) == 8 and len(memo["hashes"]) == 8
    assert str(photo) not in memo["hashes"]


def test_an_old_stat_keyed_memo_is_ignored(tmp_path, monkeypatch, decoded):
    monkeypatch.setenv("PORTAL_TODAY", "2026-11-12")
    root = _project(tmp_path / "site")
    photos = sorted((root / ITEM).glob("*.jpg"))
    (root / INSPECT_CACHE).parent.mkdir(parents=True)
    stale = {str(p): [p.stat().st_size, p.stat().st_mtime_ns, [["photo-corrupt", "error", "stale"]]] for p in photos}
    (root / INSPECT_CACHE).write_text(json.dumps(stale))
    assert check(load_config(root)).problems == []
    assert len(decoded) == 4
    assert _memo(root)["version"] == images.InspectMemo.VERSION
