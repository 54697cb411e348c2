"""The live preview: incremental re-check, the newest-N subset, broken items left out."""

import os
import shutil
from pathlib import Path

import pytest

from pipeline.site.build import STAGE_DIR
from pipeline.config import load_config
from pipeline.site.serve import Preview

REPO = Path(__file__).resolve().parent.parent
OLD = "berita/2026/bimtek-pelayanan-informasi-publik.md"
NEW = "berita/2026/rapat-paripurna-penetapan-apbd-2027.md"


@pytest.fixture(scope="module")
def warm_cache(tmp_path_factory):
    """Photo variants of the sample content, encoded once for the module."""
    project = tmp_path_factory.mktemp("warm")
    shutil.copy(REPO / "mkdocs.yml", project / "mkdocs.yml")
    shutil.copytree(REPO / "content", project / "content")
    Preview(load_config(project), limit=None).refresh()
    return project / ".portal" / "cache"


@pytest.fixture
def preview(tmp_path, monkeypatch, warm_cache):
    shutil.copy(REPO / "mkdocs.yml", tmp_path / "mkdocs.yml")
    shutil.copytree(REPO / "content", tmp_path / "content")
    shutil.copytree(warm_cache, tmp_path / ".portal" / "cache")
    monkeypatch.setenv("PORTAL_TODAY", "2026-11-21")
    preview = Preview(load_config(tmp_path), limit=3)
    preview.refresh()
    return preview


def staged(preview) -> Path:
    return preview.config.root / STAGE_DIR


def touch_title(preview, folder: str, title: str) -> Path:
    index = preview.config.content / "berita/2026" / folder / "index.md"
    lines = index.read_text(encoding="utf-8").split("\n")
    lines[1] = f"title: {title}"
    index.write_text("\n".join(lines), encoding="utf-8")
    os.utime(index, ns=(1, 10**18))  # a distinct mtime even within one clock tick
    return index


def test_preview_holds_the_newest_items_plus_edited_ones(preview, capsys):
    assert len(preview.items) == 9
    assert (staged(preview) / NEW).is_file()
    assert not (staged(preview) / OLD).exists()
    touch_title(preview, "2026-09-03-bimtek-pelayanan-informasi-publik", "Bimtek Pelayanan Informasi Publik Diperbarui")
    preview.refresh()
    assert "Bimtek Pelayanan Informasi Publik Diperbarui" in (staged(preview) / OLD).read_text(encoding="utf-8")


def test_an_item_with_errors_leaves_the_preview_and_the_others_stay(preview, capsys):
    capsys.readouterr()
    index = touch_title(preview, "2026-11-20-rapat-paripurna-penetapan-apbd-2027", "Pendek")
    preview.refresh()
    out = capsys.readouterr().out
    assert f"{index.relative_to(preview.config.root).as_posix()}:2: galat [title-length]" in out
    assert not (staged(preview) / NEW).exists()
    assert len(preview.items) == 8
    touch_title(preview, "2026-11-20-rapat-paripurna-penetapan-apbd-2027", "Rapat Paripurna Penetapan APBD 2027")
    preview.refresh()
    assert (staged(preview) / NEW).is_file() and len(preview.items) == 9


def test_only_changed_items_are_rechecked(preview, monkeypatch):
    import pipeline.site.serve as serve_module

    seen = []
    real = serve_module.check

    def spy(config, paths=()):
        seen.append(sorted(Path(p).name for p in paths))
        return real(config, paths)

    monkeypatch.setattr(serve_module, "check", spy)
    touch_title(preview, "2026-11-12-rdp-komisi-iv-dinas-kesehatan-layanan-puskesmas",
                "RDP Komisi IV dan Dinas Kesehatan Membahas Puskesmas")
    preview.refresh()
    assert seen == [["2026-11-12-rdp-komisi-iv-dinas-kesehatan-layanan-puskesmas"]]


def test_the_preview_shows_an_items_video_as_the_site_will(tmp_path, monkeypatch, warm_cache):
    """`portal serve --all` stages the sample video's web MP4, posters and captions beside the article
    (issue 16): an editor previewing an item with `videos:` sees its player, not a page without it."""
    shutil.copy(REPO / "mkdocs.yml", tmp_path / "mkdocs.yml")
    shutil.copytree(REPO / "content", tmp_path / "content")
    shutil.copytree(warm_cache, tmp_path / ".portal" / "cache")
    monkeypatch.setenv("PORTAL_TODAY", "2026-11-21")
    preview = Preview(load_config(tmp_path), limit=None)
    preview.refresh()
    root = staged(preview)
    article = (root / "berita/2026/banggar-bahas-kua-ppas-2027.md").read_text(encoding="utf-8")
    assert '<video controls preload="none" playsinline' in article
    folder = root / "berita/2026/banggar-bahas-kua-ppas-2027/video"
    assert sorted(p.name for p in folder.iterdir()) == ["cuplikan-rapat-poster.jpg", "cuplikan-rapat-poster.webp",
                                                        "cuplikan-rapat.mp4", "cuplikan-rapat.vtt"]
    assert folder.joinpath("cuplikan-rapat.mp4").read_bytes()[4:8] == b"ftyp"
