"""`portal build`: sample content builds; errors stop the build and leave site/ alone."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def project(tmp_path):
    """A copy of the repo's site project (config, theme, sample content)."""
    for name in ("mkdocs.yml",):
        shutil.copy(REPO / name, tmp_path / name)
    for name in ("overrides", "content"):
        shutil.copytree(REPO / name, tmp_path / name)
    return tmp_path


def portal(project, *args):
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=project, capture_output=True, text=True)


def test_sample_content_has_no_errors(project):
    result = portal(project, "check", "--format", "json")
    assert result.returncode == 0, result.stdout
    assert "Traceback" not in result.stderr


def test_sample_site_builds(project):
    result = portal(project, "build")
    assert result.returncode == 0, result.stdout + result.stderr
    site = project / "site"
    assert result.stdout.startswith(f"Situs dibangun di {site}: ")
    articles = sorted(site.glob("berita/*/*/index.html"))
    items = sorted((project / "content" / "berita").glob("*/*/index.md"))
    assert len(articles) == len(items) >= 8
    for page in ("index.html", "profil/index.html", "ppid/index.html", "kontak/index.html", "404.html"):
        assert (site / page).is_file(), page
    html = (site / "index.html").read_text(encoding="utf-8")
    assert '<html lang="id"' in html
    assert "fonts.googleapis.com" not in html
    # Items stay out of the navigation (MkDocs would render them into every page).
    profil = (site / "profil" / "index.html").read_text(encoding="utf-8")
    assert "berita/2026/" not in profil.split('<div class="md-content"')[0]


def test_errors_refuse_the_build_and_keep_the_old_site(project):
    assert portal(project, "build").returncode == 0
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
    shutil.rmtree(project / "overrides")  # passes our check, fails MkDocs' config validation
    result = portal(project, "build")
    assert result.returncode == 1
    assert result.stderr.endswith("Galat: MkDocs gagal membangun situs: Aborted with a configuration error!\n")
    assert not (project / "site").exists()
    assert not list(project.glob(".site-*"))


def test_drafts_are_not_published(project):
    item = next((project / "content" / "berita").glob("*/*/index.md"))
    text = item.read_text(encoding="utf-8")
    if "draft:" in text:
        text = "\n".join(l for l in text.splitlines() if not l.startswith("draft:")) + "\n"
    item.write_text(text.replace("\n---\n", "\ndraft: true\n---\n", 1), encoding="utf-8")
    assert portal(project, "build").returncode == 0
    slug = item.parent.name[11:]
    assert not list((project / "site" / "berita").glob(f"*/{slug}/index.html"))
    assert slug not in (project / "site" / "index.html").read_text(encoding="utf-8")
