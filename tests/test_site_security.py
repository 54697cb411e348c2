"""The site escapes every front-matter value and sanitizes every page's HTML."""

import json
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from pipeline.mkdocs_plugin import sanitize

REPO = Path(__file__).resolve().parent.parent
HOSTILE_TITLE = "Rapat \"APBD\" <2027> & 'Perda' Kabupaten Contoh"
HOSTILE_CAPTION = 'Rapat membahas APBD" onmouseover="alert(1)" data-x=" & <3 hal penting lainnya.'


class Collect(HTMLParser):
    """Every start tag with its (unescaped) attributes, and the <title> text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.title, self._in_title, self.scripts = [], "", False, []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_title = tag == "title"
        self._script = tag == "script" and dict(attrs).get("type") == "application/ld+json"

    def handle_endtag(self, tag):
        self._in_title = False
        self._script = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        if getattr(self, "_script", False):
            self.scripts.append(data)


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    project = tmp_path_factory.mktemp("hostile")
    shutil.copy(REPO / "mkdocs.yml", project / "mkdocs.yml")
    shutil.copytree(REPO / "overrides", project / "overrides")
    source = REPO / "content/berita/2026/2026-11-12-rdp-komisi-iv-dinas-kesehatan-layanan-puskesmas"
    target = project / "content/berita/2026" / source.name
    shutil.copytree(source, target)
    text = (target / "index.md").read_text(encoding="utf-8")
    lines = text.split("\n")
    lines[1] = "title: " + json.dumps(HOSTILE_TITLE)
    lines = [("caption: " + json.dumps(HOSTILE_CAPTION)) if line.startswith("caption:") else line for line in lines]
    (target / "index.md").write_text("\n".join(lines), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "pipeline", "build"], cwd=project, capture_output=True,
                            text=True, env={"PORTAL_TODAY": "2026-11-12", "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stdout + result.stderr
    return project / "site"


def parse(path: Path) -> Collect:
    collect = Collect()
    collect.feed(path.read_text(encoding="utf-8"))
    return collect


def test_hostile_title_and_caption_stay_text_everywhere(hostile_site):
    page = parse(hostile_site / "berita/2026/rdp-komisi-iv-dinas-kesehatan-layanan-puskesmas/index.html")
    assert page.title == f"{HOSTILE_TITLE} - Portal Informasi DPRD Kabupaten Contoh"
    meta = {a.get("property") or a.get("name"): a.get("content") for t, a in page.tags if t == "meta"}
    assert meta["description"] == HOSTILE_CAPTION
    assert meta["og:description"] == HOSTILE_CAPTION
    assert meta["og:title"] == HOSTILE_TITLE
    assert meta["twitter:title"] == HOSTILE_TITLE
    # No attribute was smuggled in by the quotes.
    assert not any("onmouseover" in attrs or "data-x" in attrs for _, attrs in page.tags)
    data = json.loads(page.scripts[0])
    assert data["headline"] == HOSTILE_TITLE and data["description"] == HOSTILE_CAPTION
    # The h1 and the home page list show the title as text.
    html = (hostile_site / "berita/2026/rdp-komisi-iv-dinas-kesehatan-layanan-puskesmas/index.html").read_text()
    assert "&lt;2027&gt;" in html and "<2027>" not in html
    home = parse(hostile_site / "index.html")
    assert not any("onmouseover" in attrs for _, attrs in home.tags)


@pytest.mark.parametrize("dirty, clean", [
    ('<p onclick="alert(1)">a</p>', "<p>a</p>"),
    ('<a href="javascript:alert(1)">x</a>', "<a>x</a>"),
    ('<a href="JaVaScRiPt&#58;alert(1)">x</a>', "<a>x</a>"),
    ("<script>alert(1)</script><p>t</p>", "<p>t</p>"),
    ('<img src="x" onerror="alert(1)" alt="a">', '<img src="x" alt="a">'),
    ('<p style="position:fixed">s</p>', "<p>s</p>"),
    ('<iframe src="https://evil.example"></iframe>', ""),
    ('<img src="data:image/svg+xml;base64,AAAA" alt="x">', '<img alt="x">'),
    ("<!-- komentar --><p>x</p>", "<p>x</p>"),
])
def test_sanitizer_removes_what_can_run(dirty, clean):
    assert sanitize(dirty) == clean


def test_sanitizer_keeps_the_photo_markup_the_site_needs():
    markup = ('<div class="portal-gallery" aria-label="Galeri foto"><figure><picture>'
              '<source type="image/webp" srcset="a-w480.webp 480w, a-w960.webp 960w" sizes="100vw">'
              '<img src="a.jpg" alt="Ketua DPRD" width="960" height="720" loading="lazy" decoding="async" '
              'fetchpriority="high"></picture><a href="a-w1600.webp" data-width="1600" data-height="1200">x</a>'
              '</figure></div>')
    assert sanitize(markup) == markup


def test_attribute_list_tricks_are_sanitized_by_the_build(tmp_path):
    """Even if raw Markdown skipped `portal check`, the rendered page carries no script."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text(
        "# Judul\n\nParagraf berbahaya\n{: onclick=\"alert(1)\" style=\"x\" }\n\n"
        "[tautan](https://contoh.go.id){: onmouseover=\"alert(2)\" }\n\n<script>alert(3)</script>\n"
        "<img src=x onerror=alert(4)>\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: Uji\ntheme:\n  name: material\n  language: id\n  font: false\n"
        "markdown_extensions: [attr_list]\nplugins: [portal]\n", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=tmp_path, check=True)
    html = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    content = html.split('<article class="md-content__inner', 1)[1].split("</article>", 1)[0]
    for needle in ("onclick", "onmouseover", "onerror", "alert(3)", "style="):
        assert needle not in content, needle
    assert "Paragraf berbahaya" in content


def test_hostile_title_is_escaped_in_the_search_index(hostile_site):
    index = json.loads((hostile_site / "search/search_index.json").read_text(encoding="utf-8"))
    url = "berita/2026/rdp-komisi-iv-dinas-kesehatan-layanan-puskesmas/"
    entries = [e for e in index["docs"] if e["location"].startswith(url)]
    assert len(entries) == 1  # one entry per article, made by the portal plugin
    # Material shows titles and texts as HTML: the same escaping its own indexer does.
    assert entries[0]["title"] == "Rapat \"APBD\" &lt;2027&gt; &amp; 'Perda' Kabupaten Contoh"
    assert "<2027>" not in json.dumps(index) and "onmouseover" not in entries[0]["text"]
