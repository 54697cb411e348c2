"""``portal build --engine zensical``: the same site as MkDocs, sanitized by the engine-independent pass.

Zensical drops the ``portal`` plugin without a word, so on that engine the
safety of the site rests on ``pipeline/site/sanitize.py`` alone: these tests build
hostile content without the check and read every file of the output. Both
engines refuse a site with an HTML file the sanitize pass did not cover.
"""

from __future__ import annotations

import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

pytest.register_assert_rewrite("browser_support")
from browser_support import TODAY, build_unchecked, copy_project, hostile_project  # noqa: E402 - after register_assert_rewrite
from conftest import run_cli, run_main  # noqa: E402

from pipeline.site import csp  # noqa: E402
from pipeline.site.zensical import STYLE_HASHES  # noqa: E402

zensical = pytest.importorskip("zensical", reason="Zensical is a project dependency (pyproject.toml)")

# What differs by design: each engine's own assets and search index (README, "The site").
ENGINE_FILES = re.compile(r"^(assets/javascripts/|assets/stylesheets/|assets/images/|search/|search\.json$)")
HOSTILE = """Paragraf pembuka yang wajar tentang rapat.

<script>alert("skrip")</script>
<img src="x" onerror="alert('onerror')">
<a href="javascript:alert('tautan')">klik</a>
<iframe src="https://contoh.invalid/bingkai"></iframe>
<img src="https://pelacak.invalid/piksel.gif" alt="piksel">
<p id="__config">bukan konfigurasi</p>

## __search

Paragraf penutup.
"""


def _build(project: Path, engine: str, site: str) -> Path:
    result = run_cli(project, "build", "--engine", engine, "--site-dir", site)
    assert result.returncode == 0, result.stdout + result.stderr
    return project / site


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> tuple[Path, Path]:
    """The sample content built by both engines: (MkDocs site, Zensical site)."""
    project = copy_project(tmp_path_factory.mktemp("engines") / "project")
    return _build(project, "mkdocs", "site-mkdocs"), _build(project, "zensical", "site-zensical")


def _files(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()
            and not ENGINE_FILES.match(p.relative_to(site).as_posix())}


def _locations(site: Path) -> list[str]:
    return sorted(re.findall(r"<loc>([^<]*)</loc>", (site / "sitemap.xml").read_text(encoding="utf-8")))


def test_the_sample_builds_on_zensical_with_the_same_urls(sample):
    mkdocs_site, zensical_site = sample
    files = _files(zensical_site)
    assert files == _files(mkdocs_site)  # pages, feeds, sitemap, robots.txt, every photo variant
    assert any("/foto/" in name for name in files) and {"feed.xml", "feed.json", "sitemap.xml.gz"} <= files
    assert _locations(zensical_site) == _locations(mkdocs_site)


def test_every_zensical_page_has_its_policy_first_in_head(sample):
    pages = sorted(sample[1].rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        html = page.read_text(encoding="utf-8")
        head = re.search(r"<head\b[^>]*>\s*", html)
        assert head, page
        # Zensical's search dialog adds one known <style> (pipeline/site/zensical.py, STYLE_HASHES).
        policy = csp.policy_for(html, STYLE_HASHES)
        assert html[head.end():].startswith(csp.meta_tag(policy)), page


def test_zensical_search_indexes_each_article_once_as_mkdocs_does(sample):
    mkdocs_site, zensical_site = sample
    material = json.loads((mkdocs_site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    ours = json.loads((zensical_site / "search.json").read_text(encoding="utf-8"))["items"]
    articles = {d["location"]: d["text"] for d in material if d["location"].startswith("berita/")}
    assert articles == {i["location"]: i["text"] for i in ours if i["location"].startswith("berita/")}


class _Elements(HTMLParser):
    """Every start tag with its attributes, and the text of every inline script."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        values = {name: value or "" for name, value in attrs}
        self.tags.append((tag, values))
        self._in_script = tag == "script" and "src" not in values

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)

    def handle_endtag(self, tag):
        self._in_script = False


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    """A hostile narrative built on Zensical WITHOUT the check: the sanitize pass alone must hold."""
    from pipeline.check.rules import check
    from pipeline.config import load_config

    project = hostile_project(tmp_path_factory.mktemp("hostile"), {"narasi-jahat": HOSTILE},
                              extensions=("attr_list",))
    os.environ["PORTAL_TODAY"] = TODAY
    assert check(load_config(project)).errors  # the check refuses it: this build goes around it on purpose
    return build_unchecked(project, engine="zensical")


def test_hostile_narrative_reaches_the_zensical_site_harmless(hostile_site):
    article = hostile_site / "berita" / "2026" / "narasi-jahat" / "index.html"
    assert "Paragraf penutup" in article.read_text(encoding="utf-8")
    for page in hostile_site.rglob("*.html"):
        elements = _Elements()
        elements.feed(page.read_text(encoding="utf-8"))
        for tag, attrs in elements.tags:
            assert tag not in ("iframe", "object", "embed"), page
            assert not any(name.startswith("on") for name in attrs), (page, tag, attrs)
            assert not any("javascript:" in value.lower() for value in attrs.values()), (page, tag, attrs)
            for name in ("src", "srcset"):
                assert "invalid" not in attrs.get(name, ""), (page, tag, attrs)
        ids = [attrs["id"] for tag, attrs in elements.tags if "id" in attrs]
        assert ids.count("__config") <= 1 and ids.count("__search") <= 1, page  # the theme's own, once
        assert not any("alert(" in script for script in elements.scripts), page
    ids = re.findall(r'id="([^"]*)"', article.read_text(encoding="utf-8"))
    assert "isi-__config" in ids and "isi-__search" in ids


def test_hostile_narrative_stays_harmless_in_zensical_search(hostile_site):
    text = (hostile_site / "search.json").read_text(encoding="utf-8").lower()
    assert "narasi-jahat" in text or "penutup" in text
    for needle in ("<script", "onerror", "javascript:", "<iframe", "invalid/"):
        assert needle not in text


PLANTED = ("Build ditolak: halaman berikut tidak bisa disaring dengan aman; situs lama tidak diubah:\n"
           "  - tanam.html: penanda isi halaman tidak tepat satu pasang")
UNCOVERED = ("Build ditolak: berkas HTML berikut tidak melewati penyaringan (sanitize), situs lama tidak "
             "diubah: tanam.html")


@pytest.fixture()
def planted(tmp_path, monkeypatch):
    """A project whose stage also hands the engine an HTML file the sanitize pass never saw."""
    from pipeline.site import build as build_module

    project = copy_project(tmp_path / "project")
    (project / "site").mkdir()
    (project / "site" / "lama.txt").write_text("situs lama", encoding="utf-8")
    page = tmp_path / "tanam.html"
    page.write_text("<html><head></head><body><script>alert(1)</script></body></html>", encoding="utf-8")
    original = build_module.stage

    def stage(*args, **kwargs):
        files, links = original(*args, **kwargs)
        return files, {**links, "tanam.html": page}

    monkeypatch.setattr(build_module, "stage", stage)
    return project


@pytest.mark.parametrize(("engine", "message"), [("zensical", PLANTED), ("mkdocs", UNCOVERED)])
def test_an_html_file_outside_the_sanitize_pass_refuses_the_build(planted, monkeypatch, capsys, engine, message):
    code, _out, err = run_main(planted, monkeypatch, capsys, "build", "--engine", engine)
    assert (code, err.strip()) == (1, f"Galat: {message}")
    assert sorted(p.name for p in (planted / "site").iterdir()) == ["lama.txt"]
    assert not list((planted / ".portal").glob("zensical-*"))


DROPPED = ("Galat: mkdocs.yml memuat plugin `tags`, `hooks:`, yang diabaikan Zensical tanpa peringatan. "
           "Hapus dari mkdocs.yml, atau bangun dengan `--engine mkdocs`.")


def test_zensical_refuses_a_plugin_it_would_drop(tmp_path, monkeypatch, capsys):
    project = copy_project(tmp_path / "project")
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("  - portal\n", "  - portal\n  - tags\n", 1) + "hooks:\n  - hooks.py\n"
    # The engine comes from extra.portal.engine when --engine is not given.
    config = config.replace("extra:\n  portal:\n", "extra:\n  portal:\n    engine: zensical\n", 1)
    (project / "mkdocs.yml").write_text(config, encoding="utf-8")
    code, _out, err = run_main(project, monkeypatch, capsys, "build")
    assert (code, err.strip()) == (1, DROPPED)
    assert not (project / "site").exists()


def test_zensical_at_another_version_is_refused_with_the_fix(tmp_path, monkeypatch, capsys):
    from importlib import metadata

    project = copy_project(tmp_path / "project")
    monkeypatch.setattr(metadata, "version", lambda name: "0.1.1")
    code, _out, err = run_main(project, monkeypatch, capsys, "build", "--engine", "zensical")
    assert (code, err.strip()) == (1, "Galat: Zensical 0.0.73 dibutuhkan untuk `--engine zensical`, tetapi "
                                      "terpasang 0.1.1. Pasang dependensi proyek lagi: `make build` (atau "
                                      "`pip install zensical==0.0.73`).")


def test_an_unknown_engine_in_mkdocs_yml_is_refused(tmp_path, monkeypatch, capsys):
    project = copy_project(tmp_path / "project")
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("extra:\n  portal:\n", "extra:\n  portal:\n    engine: hugo\n", 1)
    (project / "mkdocs.yml").write_text(config, encoding="utf-8")
    code, _out, err = run_main(project, monkeypatch, capsys, "build")
    assert (code, err.strip()) == (1, "Galat: mkdocs.yml tidak valid:\n  - `extra.portal.engine` 'hugo' tidak "
                                      "dikenal (pilihan: mkdocs, zensical)")


def test_derived_config_keeps_the_anchor_prefix_and_drops_the_plugin():
    from pipeline.site.zensical import derive_config

    text = derive_config({"site_name": "X", "plugins": [{"search": {"lang": "en"}}, "portal"],
                          "markdown_extensions": ["tables", {"toc": {"permalink": False}}]})
    # No `portal` plugin (only extra.portal_notices names it) and no search option Zensical cannot read.
    assert "\n- portal\n" not in text and "portal:" not in text and "lang" not in text
    assert "plugins:\n- search\n" in text
    assert "slugify: !!python/name:pipeline.site.sanitize.slugify" in text


def test_a_theme_part_with_an_event_handler_refuses_the_zensical_build(tmp_path, monkeypatch, capsys):
    # The audit of the part outside the body markers; the theme's own inline scripts (those of its
    # content-free 404.html, overrides included: the site's admin writes them) are allowed.
    project = copy_project(tmp_path / "project")
    main = project / "overrides" / "main.html"
    text = main.read_text(encoding="utf-8")
    assert text.count("{% block announce -%}") == 1
    main.write_text(text.replace("{% block announce -%}", '{% block announce -%}<img src="x" onerror="alert(1)">'),
                    encoding="utf-8")
    code, _out, err = run_main(project, monkeypatch, capsys, "build", "--engine", "zensical")
    lines = err.strip().split("\n")
    assert (code, lines[0]) == (1, "Galat: Build ditolak: halaman berikut tidak bisa disaring dengan aman; "
                                   "situs lama tidak diubah:")
    assert {"  - 404.html: bagian tema memuat onerror=", "  - index.html: bagian tema memuat onerror="} <= set(lines)
    assert not (project / "site").exists()


def test_sanitize_site_allows_only_the_theme_pages_inline_scripts_outside_the_body(tmp_path):
    from pipeline.errors import PortalError
    from pipeline.site.sanitize import body_marks, sanitize_site

    start, end = body_marks("f00d")
    theme = '<script>__md_scope=new URL("{}",location)</script>'
    (tmp_path / "404.html").write_text(f"<html><head>{theme.format('/')}</head><body>Tidak ada</body></html>")
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text(
        f"<html><head>{theme.format('..')}</head><body>{start}<p>Isi<script>alert(1)</script></p>{end}"
        "</body></html>")
    covered, _ = sanitize_site(tmp_path, "f00d")
    assert covered == {"404.html", "a/index.html"}
    page = (tmp_path / "a" / "index.html").read_text()
    assert "alert" not in page and "<p>Isi</p>" in page and start not in page
    (tmp_path / "a" / "index.html").write_text(
        f"<html><head>{theme.format('..')}<script>alert(2)</script></head><body>{start}{end}</body></html>")
    with pytest.raises(PortalError) as error:
        sanitize_site(tmp_path, "f00d")
    assert str(error.value) == ("Build ditolak: halaman berikut tidak bisa disaring dengan aman; situs lama "
                                "tidak diubah:\n  - a/index.html: bagian tema memuat skrip inline bukan dari "
                                "tema ('alert(2)')")


# --------------------------------------------------------------------------- the Zensical watchdog

def test_a_zensical_build_that_stops_working_is_refused_not_waited_for():
    """Zensical 0.0.73 deadlocks on ~10,000 items; a child that uses no CPU for `idle` seconds is stopped."""
    import sys

    from pipeline.errors import PortalError
    from pipeline.site.zensical import build_watched

    # The child sleeps for 120 s and would then exit 0: the refusal can only come from the watchdog.
    with pytest.raises(PortalError) as refused:
        build_watched(Path("mkdocs.yml"), idle=1.5, command=[sys.executable, "-c", "import time; time.sleep(120)"])
    assert str(refused.value) == (
        "Zensical berhenti bekerja: 2 detik tanpa kemajuan, build dihentikan dan situs lama tetap dipakai. "
        "Zensical 0.0.73 macet pada situs besar (sekitar 10.000 berita); bangun dengan "
        "`portal build --engine mkdocs`.")


def test_a_zensical_build_that_works_is_not_stopped_and_its_error_is_named(capsys):
    """A child busy for longer than `idle` runs to its end; its error line becomes the message."""
    import sys

    from pipeline.errors import PortalError
    from pipeline.site.zensical import build_watched

    busy = ("import sys, time\nend = time.monotonic() + 3\nwhile time.monotonic() < end: pass\n"
            "print('Build started')\nprint('Config file not found: mkdocs.yml', file=sys.stderr)\nsys.exit(3)")
    with pytest.raises(PortalError) as failed:
        build_watched(Path("mkdocs.yml"), idle=1.0, command=[sys.executable, "-c", busy])
    assert str(failed.value) == "Zensical gagal membangun situs: Config file not found: mkdocs.yml"
    assert capsys.readouterr().out == "Build started\n"
