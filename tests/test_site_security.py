"""The site escapes every front-matter value and sanitizes every page's HTML."""

import json
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from pipeline.site.mkdocs_plugin import sanitize

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


# --------------------------------------------------------------------------- clobbering, remote resources (issue 10)

@pytest.mark.parametrize("dirty, clean", [
    # Content ids live in their own namespace, never the theme's (__config, __search, __drawer...).
    ('<p id="__config">x</p>', '<p id="isi-__config">x</p>'),
    ('<a id="__search">x</a>', '<a id="isi-__search">x</a>'),
    ('<h2 id="isi-visi">Visi</h2>', '<h2 id="isi-visi">Visi</h2>'),
    # Links to this site's ids follow them; other sites' fragments are theirs.
    ('<a href="#__drawer">x</a>', '<a href="#isi-__drawer">x</a>'),
    ('<a href="#isi-visi">x</a>', '<a href="#isi-visi">x</a>'),
    ('<a href="../profil/#visi">x</a>', '<a href="../profil/#isi-visi">x</a>'),
    ('<a href="https://contoh.go.id/a#b">x</a>', '<a href="https://contoh.go.id/a#b">x</a>'),
    # name clobbers like an id; forms are not content.
    ('<a name="__config">x</a><img name="__search" src="a.jpg" alt="a">', '<a>x</a><img src="a.jpg" alt="a">'),
    ('<form id="__config" action="https://e.example"><input name="__search"><button>x</button></form>', "x"),
    # Only the stage templates' classes, on their own tags.
    ('<p class="portal-meta md-typeset">x</p>', '<p class="portal-meta">x</p>'),
    ('<div class="md-search portal-meta">x</div>', "<div>x</div>"),
    ('<nav class="md-header">x</nav>', "<nav>x</nav>"),
    # Images only from the site.
    ('<img src="https://e.example/p.gif" alt="a">', '<img alt="a">'),
    ('<img src="//e.example/p.gif" alt="a">', '<img alt="a">'),
    ('<img src="/\\e.example/p.gif" alt="a">', '<img alt="a">'),
    ('<img src=" \thttps://e.example/p.gif" alt="a">', '<img alt="a">'),
    ('<img src="foto/a.jpg" srcset="foto/a.webp 480w, https://e.example/b.webp 960w" alt="a">',
     '<img src="foto/a.jpg" alt="a">'),
    ('<picture><source srcset="//e.example/b.webp 2x"><img src="a.jpg" alt="a"></picture>',
     '<picture><source><img src="a.jpg" alt="a"></picture>'),
    ('<a href="https://e.example/">tautan</a>', '<a href="https://e.example/">tautan</a>'),
])
def test_sanitizer_keeps_content_out_of_the_theme_and_off_other_hosts(dirty, clean):
    assert sanitize(dirty) == clean


def test_heading_anchors_are_prefixed():
    from pipeline.site.mkdocs_plugin import slugify

    assert slugify("__config", "-") == "isi-__config"
    assert slugify("Visi dan Misi", "-") == "isi-visi-dan-misi"


MARKER_TRAPS = """Kalimatpembuka narasi ini memuat teks yang dulu menjadi penanda tahap staging portal.

portalraw0portalraw

portalraw99portalraw

<!--portal:raw-->
<!--portal:text-->
<!--/portal:text-->
<!--/portal:raw-->

<p>portalraw1portalraw</p>

<!--portal-0123456789abcdef:raw-->
<!--/portal-0123456789abcdef:text-->

Sebagai kode: `<!--/portal:text-->` dan `portaltext0123456789abcdef` serta \ue000 di tengah kalimat.

Kalimatpenutup narasi setelah semua penanda palsu."""


@pytest.fixture(scope="module")
def marker_site(tmp_path_factory):
    from browser_support import build_unchecked, hostile_project

    return build_unchecked(hostile_project(tmp_path_factory.mktemp("markers"), {"penanda-palsu": MARKER_TRAPS}))


def test_forged_stage_markers_stay_text_and_keep_the_search_entry_whole(marker_site):
    html = (marker_site / "berita/2026/penanda-palsu/index.html").read_text(encoding="utf-8")
    content = html.split('<article class="md-content__inner', 1)[1].split("</article>", 1)[0]
    for text in ("<p>portalraw0portalraw</p>", "<p>portalraw99portalraw</p>", "<p>portalraw1portalraw</p>",
                 "<code>&lt;!--/portal:text--&gt;</code>", "<code>portaltext0123456789abcdef</code>",
                 "Kalimatpenutup narasi"):
        assert text in content, text
    # The page goes on after the narrative: the gallery and the share links are there.
    assert content.index("Kalimatpenutup") < content.index('class="portal-gallery"') < content.index("portal-share")
    index = json.loads((marker_site / "search/search_index.json").read_text(encoding="utf-8"))
    entries = [e for e in index["docs"] if e["location"].startswith("berita/2026/penanda-palsu/")]
    assert len(entries) == 1
    text = entries[0]["text"]
    assert text.startswith('<p class="portal-meta"> ') and "Kalimatpembuka" in text
    assert text.endswith("Kalimatpenutup narasi setelah semua penanda palsu.</p>")
    assert "portal-gallery" not in text and "Bagikan" not in text


# --------------------------------------------------------------------------- Content-Security-Policy

POLICY = ("default-src 'self'; script-src 'self'{hashes}; worker-src 'self'; style-src 'self'; "
          "img-src 'self' data:; media-src 'self'; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
          "form-action 'self'")


def sha256(text: str) -> str:
    import base64
    import hashlib

    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_policy_hashes_exactly_the_inline_scripts_that_run():
    from pipeline.site.csp import policy_for

    page = ('<html><head><script>a=1</script><script src="x.js"></script>'
            '<script id="__config" type="application/json">{"a": 1}</script>'
            '<script type="application/ld+json">{}</script><script type="module">b()</script>'
            '<script>a=1</script></head><body><script type="text/javascript">c()</script></body></html>')
    hashes = f" {sha256('a=1')} {sha256('b()')} {sha256('c()')}"
    assert policy_for(page) == POLICY.format(hashes=hashes)
    assert policy_for("<html><head></head></html>") == POLICY.format(hashes="")


def test_the_policy_goes_first_in_head_once():
    from pipeline.site.csp import add_meta

    page = '<!doctype html>\n<html lang="id"><head>\n<meta charset="utf-8"><script>x()</script></head></html>'
    once = add_meta(page)
    assert once == ('<!doctype html>\n<html lang="id"><head><meta http-equiv="Content-Security-Policy" content="'
                    + POLICY.format(hashes=" " + sha256("x()")) + '">\n<meta charset="utf-8"><script>x()</script>'
                    "</head></html>")
    assert add_meta(once) == once


class HeadAndScripts(HTMLParser):
    """The first element in <head> and the text of every inline script that runs."""

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.first = None
        self.scripts, self._in_head, self._script = [], False, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self._in_head and self.first is None:
            self.first = (tag, attrs)
        self._in_head = self._in_head or tag == "head"
        if tag == "script" and "src" not in attrs and attrs.get("type", "") in ("", "text/javascript", "module"):
            self._script = ""

    def handle_data(self, data):
        if self._script is not None:
            self._script += data

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.scripts.append(self._script)
            self._script = None


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    from browser_support import sample_site

    return sample_site(tmp_path_factory) / "site"


def test_every_page_of_the_sample_build_carries_its_policy_first(sample):
    pages = sorted(sample.rglob("*.html"))
    assert len(pages) > 30 and sample / "404.html" in pages
    for page in pages:
        parsed = HeadAndScripts()
        parsed.feed(page.read_text(encoding="utf-8"))
        assert parsed.first and parsed.first[0] == "meta", page
        assert parsed.first[1]["http-equiv"] == "Content-Security-Policy", page
        hashes = "".join(f" {h}" for h in dict.fromkeys(sha256(s) for s in parsed.scripts))
        assert parsed.scripts and parsed.first[1]["content"] == POLICY.format(hashes=hashes), page
