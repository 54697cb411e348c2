"""`portal build`: sample content builds with optimized photos; errors stop the build.

The sample site is built once per module (cold photo cache); tests that
change content work on a copy that keeps the warm cache.
"""

import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

REPO = Path(__file__).resolve().parent.parent
ARTICLE = "berita/2026/rapat-paripurna-penetapan-apbd-2027/index.html"


def portal(project, *args):
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=project, capture_output=True, text=True)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The repo's site project, copied and built once."""
    project = tmp_path_factory.mktemp("built")
    shutil.copy(REPO / "mkdocs.yml", project / "mkdocs.yml")
    for name in ("overrides", "content"):
        shutil.copytree(REPO / name, project / name)
    result = portal(project, "build")
    assert result.returncode == 0, result.stdout + result.stderr
    return project, result


@pytest.fixture
def project(built, tmp_path):
    """A writable copy of the built project, photo cache included."""
    copy = tmp_path / "project"
    shutil.copytree(built[0], copy, symlinks=True)
    return copy


def test_sample_content_has_no_errors(built):
    result = portal(built[0], "check", "--format", "json")
    assert result.returncode == 0, result.stdout
    assert "Traceback" not in result.stderr


def test_sample_site_builds(built):
    project, result = built
    site = project / "site"
    lines = result.stdout.splitlines()
    # 45 news photos and 25 council portraits.
    assert re.fullmatch(r"Foto: 70 diproses, 0 dari cache; \d+,\d MB → \d+,\d MB; \d+,\d detik\.", lines[0])
    # The sample video (8 s, 854x480): its web MP4 and posters; it is sent nowhere (`social: []`), so no copy.
    assert re.fullmatch(r"Video: 1 diolah, 0 dari cache; 0 salinan platform; 0,\d MB; \d+,\d detik\.", lines[1])
    assert lines[2].startswith(f"Situs dibangun di {site}: 9 berita, 4 halaman")
    articles = sorted(site.glob("berita/*/*/index.html"))
    items = sorted((project / "content" / "berita").glob("*/*/index.md"))
    assert len(articles) == len(items) == 9
    assert site.stat().st_mode & 0o777 == 0o755  # a web server reads it (mkdtemp made the scratch folder 0700)
    for page in ("index.html", "profil/index.html", "ppid/index.html", "kontak/index.html", "404.html"):
        assert (site / page).is_file(), page
    html = (site / "index.html").read_text(encoding="utf-8")
    assert '<html lang="id"' in html
    assert "fonts.googleapis.com" not in html
    # Items stay out of the navigation (MkDocs would render them into every page).
    profil = (site / "profil" / "index.html").read_text(encoding="utf-8")
    assert "berita/2026/" not in profil.split('<div class="md-content"')[0]


def test_site_has_no_original_and_no_metadata(built):
    project, _ = built
    originals = {hashlib.sha256(p.read_bytes()).hexdigest(): p
                 for p in (project / "content").rglob("*") if p.is_file() and p.suffix != ".md"}
    images = [p for p in (project / "site").rglob("*") if p.suffix.lower() in (".jpg", ".jpeg", ".png", ".webp",
                                                                              ".heic", ".avif")
              and "assets" not in p.parts]
    # Per item, the lead photo's 9 variants; of every other photo only what the gallery and the
    # social posts use: 3 thumbnail sizes, the large size and the social JPEG (stage._GALLERY_VARIANTS).
    assert len([p for p in images if "berita" in p.parts and "video" not in p.parts]) == 9 * 9 + 36 * 5
    # The sample video's poster frame, WebP for the page and JPEG for og:video and the feeds (issue 16).
    assert sorted(p.name for p in images if "video" in p.parts) == ["cuplikan-rapat-poster.jpg",
                                                                    "cuplikan-rapat-poster.webp"]
    # The sample video is re-encoded (no metadata kept), never copied as the editor committed it.
    videos = list((project / "site").rglob("*.mp4"))
    assert [p.name for p in videos] == ["cuplikan-rapat.mp4"]
    assert hashlib.sha256(videos[0].read_bytes()).hexdigest() not in originals
    # Each of the 25 portraits: the widths its member page's srcset names and the JPEG fallback.
    assert len([p for p in images if "anggota" in p.parts]) == 25 * 3
    for path in images:
        data = path.read_bytes()
        assert hashlib.sha256(data).hexdigest() not in originals, path
        assert b"Exif\x00\x00" not in data and b"http://ns.adobe.com/xap" not in data, path
        with Image.open(path) as image:
            assert not image.getexif(), path
            assert not {"exif", "xmp", "icc_profile", "XML:com.adobe.xmp"} & set(image.info), path


def test_article_photos_have_srcset_size_alt_and_lazy_loading(built):
    html = (built[0] / "site" / ARTICLE).read_text(encoding="utf-8")
    content = html.split('<article', 1)[1]
    imgs = re.findall(r"<img [^>]*>", content)
    assert len(imgs) == 1 + 6  # lead photo + gallery of every photo
    for tag in imgs:
        assert re.search(r'width="\d+" height="\d+"', tag), tag
        assert re.search(r'alt="[^"]{10,}"', tag), tag
    assert 'loading="lazy"' not in imgs[0] and 'fetchpriority="high"' in imgs[0]
    assert all('loading="lazy"' in tag for tag in imgs[1:])
    assert ('srcset="foto/01-pembukaan-w480.webp 480w, foto/01-pembukaan-w960.webp 960w, '
            'foto/01-pembukaan-w1600.webp 1600w"') in content
    for src in re.findall(r'(?:src|href)="(foto/[^"]+)"', content):
        assert (built[0] / "site" / ARTICLE).parent.joinpath(src).is_file(), src


def test_warm_rebuild_encodes_nothing_and_deleted_photo_disappears(project):
    result = portal(project, "build")
    assert result.stdout.startswith("Foto: 0 diproses, 70 dari cache;")
    item = project / "content/berita/2026/2026-11-20-rapat-paripurna-penetapan-apbd-2027"
    text = (item / "index.md").read_text(encoding="utf-8")
    entry = re.search(r"  - file: 06-suasana-paripurna.jpg\n(    .*\n)+", text).group(0)
    (item / "index.md").write_text(text.replace(entry, ""), encoding="utf-8")
    (item / "06-suasana-paripurna.jpg").unlink()
    result = portal(project, "build")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("Foto: 0 diproses, 69 dari cache;")
    folder = project / "site" / Path(ARTICLE).parent / "foto"
    assert not list(folder.glob("06-suasana-paripurna*"))
    assert len(list(folder.iterdir())) == 9 + 4 * 5  # the lead's variants, the gallery's of the others
    cached = [p for p in (project / ".portal/cache/images").iterdir() if p.suffix in (".webp", ".jpg")]
    assert len(cached) == 69 * 9  # every variant is cached; the deleted photo's are pruned from the cache too


def test_errors_refuse_the_build_and_keep_the_old_site(project):
    before = sorted(p.relative_to(project) for p in (project / "site").rglob("*"))
    item = next((project / "content" / "berita").glob("*/*/index.md"))
    text = item.read_text(encoding="utf-8")
    item.write_text(text.replace("category:", "category: tidak-ada\nkategori:", 1), encoding="utf-8")
    result = portal(project, "build")
    assert result.returncode == 1
    assert "[category-unknown]" in result.stdout and "[key-unknown]" in result.stdout
    assert result.stderr.endswith("Build dibatalkan: perbaiki galat di atas lalu jalankan `portal build` lagi.\n")
    after = sorted(p.relative_to(project) for p in (project / "site").rglob("*"))
    assert after == before
    assert not list(project.glob(".site-*"))


def test_a_failing_mkdocs_leaves_no_half_written_site(project):
    shutil.rmtree(project / "site")
    shutil.rmtree(project / "overrides")  # passes our check, fails MkDocs' config validation
    result = portal(project, "build")
    assert result.returncode == 1
    assert result.stderr.endswith("Galat: MkDocs gagal membangun situs: Aborted with a configuration error!\n")
    assert not (project / "site").exists()
    assert not list(project.glob(".site-*"))


def test_drafts_are_not_published(project):
    item = next((project / "content" / "berita").glob("*/*/index.md"))
    text = item.read_text(encoding="utf-8")
    item.write_text(text.replace("\n---\n", "\ndraft: true\n---\n", 1), encoding="utf-8")
    assert portal(project, "build").returncode == 0
    slug = item.parent.name[11:]
    assert not list((project / "site" / "berita").glob(f"*/{slug}/index.html"))
    assert slug not in (project / "site" / "index.html").read_text(encoding="utf-8")


def test_search_index_has_one_entry_per_article_with_what_readers_search(built):
    project = built[0]
    index = json.loads((project / "site/search/search_index.json").read_text(encoding="utf-8"))
    articles = [e for e in index["docs"] if e["location"].startswith("berita/")]
    assert sorted(e["location"] for e in articles) == sorted(
        p.parent.relative_to(project / "site").as_posix() + "/" for p in (project / "site").glob("berita/*/*/index.html"))
    entry = next(e for e in articles if e["location"] == ARTICLE.removesuffix("index.html"))
    assert entry["title"] == "Rapat Paripurna Penetapan APBD 2027"
    assert entry["tags"] == ["paripurna", "apbd-2027", "anggaran", "perda", "contoh"]
    # The details line and the narrative, not the gallery credits, share links or neighbours.
    assert entry["text"].startswith('<p class="portal-meta"> Jumat, 20 November 2026 · Rapat Paripurna · ')
    assert "menyetujui Rancangan Peraturan Daerah tentang Anggaran Pendapatan" in entry["text"]
    for noise in ("Bagikan", "WhatsApp", "Berita sebelumnya", "Foto:", "<img", "<a "):
        assert noise not in entry["text"], noise
    # Static pages keep Material's own indexing, one entry per section.
    assert any(e["location"].startswith("ppid/#") for e in index["docs"])


def test_a_config_without_the_portal_plugin_is_refused(project):
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "\n  - portal\n" in text
    config.write_text(text.replace("\n  - portal\n", "\n"), encoding="utf-8")
    result = portal(project, "build")
    assert result.returncode == 1
    assert result.stderr.endswith("Galat: mkdocs.yml tidak memuat plugin `portal` di `plugins:`. Plugin itu wajib: "
                                  "ia menyaring HTML setiap halaman dan memasang foto. Tambahkan `- portal`.\n")
    assert (project / "site" / "index.html").exists()  # the previous site is kept
