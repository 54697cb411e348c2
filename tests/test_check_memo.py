"""Photo integrity results are remembered by file stat, and a changed photo is decoded again."""

import json
import os
import shutil
from pathlib import Path

from pipeline.config import load_config
from pipeline.validate import INSPECT_CACHE, check

REPO = Path(__file__).resolve().parent.parent
ITEM = "content/berita/2026/2026-11-12-rdp-komisi-iv-dinas-kesehatan-layanan-puskesmas"


def test_memo_is_used_and_a_changed_photo_is_decoded_again(tmp_path, monkeypatch):
    shutil.copy(REPO / "mkdocs.yml", tmp_path / "mkdocs.yml")
    shutil.copytree(REPO / ITEM, tmp_path / ITEM)
    monkeypatch.setenv("PORTAL_TODAY", "2026-11-12")
    config = load_config(tmp_path)
    assert check(config).problems == []
    memo = json.loads((tmp_path / INSPECT_CACHE).read_text())
    assert len(memo) == 4

    import pipeline.images as images

    calls = []
    real = images.inspect
    monkeypatch.setattr(images, "inspect", lambda path: calls.append(path.name) or real(path))
    assert check(config).problems == []
    assert calls == []  # nothing decoded: every photo's stat matched

    photo = next((tmp_path / ITEM).glob("*.jpg"))
    data = photo.read_bytes()
    photo.write_bytes(data[: len(data) // 2])  # truncated: new size and mtime
    rules = [p.rule for p in check(config).problems]
    assert calls == [photo.name] and rules == ["photo-corrupt"]

    # A partial check keeps the memo of the photos it did not look at.
    check(config, [tmp_path / ITEM / "index.md"])
    os.remove(photo)
    check(config)
    assert len(json.loads((tmp_path / INSPECT_CACHE).read_text())) == 3
