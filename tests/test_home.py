"""The home page and what every page shows of the institution: header, footer, emblem, head metadata.

The home's parts are checked on staged Markdown (``stage.render_home`` with made-up entries); the
footer, emblem, Open Graph and JSON-LD on a small built site (two sample items, the static pages),
on MkDocs and on Zensical.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from pipeline.config import load_config
from pipeline.site.entries import AgendaTeaser, Entry, WebPhoto, format_date
from pipeline.site.stage import render_home

REPO = Path(__file__).resolve().parent.parent
SITE_URL = "https://dprd.contoh.go.id/"
LATEST = "berita/2026/rapat-paripurna-penetapan-apbd-2027/"
HOSTILE = '<script>alert("x")</script> & "DPRD" \'Contoh\''


# --------------------------------------------------------------------------- staged home

def photo(url: str) -> WebPhoto:
    base = f"{url}foto/01"
    return WebPhoto(alt="Foto <rapat>", credit=None, widths=[(480, f"{base}-w480.webp"), (960, f"{base}-w960.webp")],
                    fallback=f"{base}-fallback.jpg", width=960, height=640, large=f"{base}-w960.webp",
                    large_width=960, large_height=640, thumb=f"{base}-thumb.webp", thumb_width=480, thumb_height=320,
                    og=f"{base}-og.jpg", og_bytes=1, social=f"{base}-social.jpg", files={},
                    thumbs=[(160, f"{base}-thumb160.webp"), (320, f"{base}-thumb320.webp")])


def entries(count: int, categories=("paripurna", "rdp")) -> list[Entry]:
    labels = {"paripurna": "Rapat Paripurna", "rdp": "Rapat Dengar Pendapat"}
    out = []
    for index in range(count):
        day = dt.date(2026, 11, 20) - dt.timedelta(days=index)
        slug = categories[index % len(categories)]
        url = f"berita/2026/berita-{index}/"
        out.append(Entry(item=None, url=url, title=f"Berita <{index}> & \"uji\"", date=day,  # type: ignore[arg-type]
                         date_text=format_date(day), category=labels[slug], category_slug=slug,
                         caption=f"Ringkasan {index}", photo=photo(url), photos=[]))
    return out


def sitting(title: str, status: str = "Terjadwal") -> AgendaTeaser:
    day = dt.date(2026, 12, 10)
    return AgendaTeaser(url="agenda/2026-12-10-rdp-pajak/", title=title, date=day, date_text=format_date(day),
                        time_text="13.00–15.30 WIB", place="Ruang Rapat Komisi II", body="Komisi II", status=status)


@pytest.fixture(scope="module")
def config(tmp_path_factory):
    root = tmp_path_factory.mktemp("config")
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    return load_config(root)


def home(config, news, agenda) -> str:
    files = render_home(config, news, agenda)
    assert list(files) == ["index.md"]
    return files["index.md"]


def test_latest_item_large_with_its_photo(config):
    text = home(config, entries(12), [])
    headline = text.split('<article class="portal-headline">')[1].split("</article>")[0]
    assert '<h2><a href="berita/2026/berita-0/">Berita &lt;0&gt; &amp; &#34;uji&#34;</a></h2>' in headline
    assert ('<source type="image/webp" srcset="berita/2026/berita-0/foto/01-w480.webp 480w, '
            'berita/2026/berita-0/foto/01-w960.webp 960w" sizes="(min-width: 76.25em) 39rem, (min-width: 60em) 62vw, '
            '100vw">') in headline
    assert ('<img src="berita/2026/berita-0/foto/01-fallback.jpg" alt="" width="960" height="640" decoding="async" '
            'fetchpriority="high">') in headline
    assert '<time datetime="2026-11-20">Jumat, 20 November 2026</time> · <a href="kategori/paripurna/">' in headline
    assert "<p>Ringkasan 0</p>" in headline
    assert text.count('fetchpriority="high"') == 1


def test_next_items_in_a_grid(config):
    text = home(config, entries(12), [])
    grid = text.split('<div class="portal-grid">')[1].split('<p class="portal-more">')[0]
    cards = re.findall(r'<h3><a href="([^"]+)">', grid)
    assert cards == [f"berita/2026/berita-{i}/" for i in range(1, 10)]  # the 10 newest: one large, nine cards
    assert grid.count('loading="lazy"') == 9
    assert ('srcset="berita/2026/berita-1/foto/01-thumb160.webp 160w, berita/2026/berita-1/foto/01-thumb320.webp '
            '320w" sizes="(max-width: 36em) 50vw, 15rem"') in grid
    assert '<time datetime="2026-11-19">Kamis, 19 November 2026</time> · Rapat Dengar Pendapat' in grid
    assert '<a href="arsip/">Semua berita menurut bulan →</a>' in text


def test_agenda_with_sittings(config):
    text = home(config, entries(2), [sitting("RDP <Pajak> Daerah"), sitting("Paripurna", status="Diubah")])
    agenda = text.split("<h2>Agenda Rapat</h2>")[1].split("</ul>")[0]
    assert agenda.count("<li>") == 2
    assert '<a href="agenda/2026-12-10-rdp-pajak/">RDP &lt;Pajak&gt; Daerah</a>' in agenda
    assert ('<time datetime="2026-12-10">Kamis, 10 Desember 2026</time>, 13.00–15.30 WIB · Ruang Rapat Komisi II · '
            'Komisi II</span>') in agenda
    assert "· <strong>Diubah</strong>" in agenda
    assert "Belum ada agenda" not in text
    assert '<a href="agenda/">Lihat semua agenda →</a>' in text


def test_agenda_without_sittings(config):
    text = home(config, entries(2), [])
    assert text.count("<p>Belum ada agenda rapat yang dijadwalkan.</p>") == 1
    assert '<a href="agenda/">Lihat semua agenda →</a>' in text


def test_quick_links_from_the_config(config):
    text = home(config, entries(1), [])
    quick = text.split('<ul class="portal-quick">')[1].split("</ul>")[0]
    found = re.findall(r'<li><a href="([^"]*)">([^<]*)</a></li>', quick)
    assert found == [(url, label) for label, url in config.quick_links]
    labels = [label for _, label in found]
    assert labels == ["PPID", "Daftar Informasi Publik", "Register Dokumentasi dan Konten", "Kontak", "Aspirasi"]
    assert ("ppid/", "PPID") in found and ("aspirasi/", "Aspirasi") in found


def test_categories_as_sections_with_their_latest_three(config):
    text = home(config, entries(9), [])
    sections = text.split('<div class="portal-categories">')[1]
    headings = re.findall(r'<div class="portal-category">\n<h2><a href="([^"]+)">([^<]+)</a></h2>', sections)
    # In the order of extra.portal.categories; a category without items is left out.
    assert headings == [("kategori/paripurna/", "Rapat Paripurna"), ("kategori/rdp/", "Rapat Dengar Pendapat")]
    paripurna = sections.split('<div class="portal-category">')[1]
    assert re.findall(r'<li><a href="([^"]+)">', paripurna) == [f"berita/2026/berita-{i}/" for i in (0, 2, 4)]
    assert '<a href="kategori/paripurna/">Semua berita Rapat Paripurna →</a>' in paripurna


def test_no_items_says_so_once(config):
    text = home(config, [], [])
    assert text.count("Belum ada berita.") == 1
    assert "portal-headline" not in text and "portal-grid" not in text and "portal-categories" not in text
    assert "lastmod" not in text.split("---")[1]


def test_home_front_matter(config):
    meta = yaml.safe_load(home(config, entries(3), []).split("---\n")[1])
    assert meta == {"title": "Beranda", "description": "Berita terbaru Portal Informasi DPRD Kabupaten Contoh",
                    "search": {"exclude": True}, "lastmod": "2026-11-20"}


# --------------------------------------------------------------------------- built site

class Head(HTMLParser):
    """The meta tags, links, JSON-LD blocks and footer text of a page."""

    def __init__(self):
        super().__init__()
        self.meta: dict[str, str] = {}
        self.links: list[dict] = []
        self.jsonld: list[dict] = []
        self.images: list[dict] = []
        self._script = False
        self._footer = 0
        self.footer = ""

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "meta" and ("property" in attributes or "name" in attributes):
            self.meta[attributes.get("property") or attributes["name"]] = attributes.get("content", "")
        elif tag == "link":
            self.links.append(attributes)
        elif tag == "img":
            self.images.append(attributes)
        elif tag == "script" and attributes.get("type") == "application/ld+json":
            self._script = True
        elif tag == "footer":
            self._footer += 1
        elif tag == "br" and self._footer:
            self.footer += " "

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = False
        elif tag == "footer":
            self._footer -= 1

    def handle_data(self, data):
        if self._script:
            self.jsonld.append(json.loads(data))
        if self._footer:
            self.footer += data


def parse(path: Path) -> Head:
    head = Head()
    head.feed(path.read_text(encoding="utf-8"))
    return head


NARRATIVE = " ".join(["DPRD Kabupaten Contoh menggelar rapat bersama pemerintah daerah untuk membahas "
                      "rancangan peraturan daerah dan anggaran tahun depan."] * 4)


def write_item(root: Path, day: str, slug: str, title: str, category: str) -> None:
    """A valid item with four generated photos (not the sample's: their files belong to content/)."""
    from PIL import Image

    folder = root / "content" / "berita" / day[:4] / f"{day}-{slug}"
    folder.mkdir(parents=True)
    photos = "".join(f"  - file: {n:02d}-rapat.jpg\n    alt: Peserta rapat {title.lower()} bagian {n}\n"
                     for n in range(1, 5))
    (folder / "index.md").write_text(
        f"---\ntitle: {title}\ndate: {day}\ncategory: {category}\ncaption: Ringkasan {title.lower()}.\n"
        f"photos:\n{photos}---\n{NARRATIVE}\n", encoding="utf-8")
    for n in range(1, 5):  # each photo its own colour: identical files are refused (photo-duplicate)
        Image.new("RGB", (1200, 800), (40 * n, 90, len(slug) * 3)).save(folder / f"{n:02d}-rapat.jpg", quality=80)


def make_project(root: Path, identity: dict | None = None, items: bool = True) -> Path:
    """The repo's mkdocs.yml (``identity`` replaced if given), overrides/, static pages and two items."""
    data = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    if identity is not None:
        data["extra"]["portal"]["identity"] = identity
    (root / "mkdocs.yml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    shutil.copytree(REPO / "overrides", root / "overrides")
    shutil.copytree(REPO / "content" / "halaman", root / "content" / "halaman")
    if items:
        write_item(root, "2026-11-20", "rapat-paripurna-penetapan-apbd-2027", "Rapat Paripurna Penetapan APBD 2027",
                   "paripurna")
        write_item(root, "2026-11-12", "rdp-komisi-iv-layanan-puskesmas", "RDP Komisi IV tentang Layanan Puskesmas",
                   "rdp")
    return root


def build(project: Path, *args: str) -> None:
    result = subprocess.run([sys.executable, "-m", "pipeline", "build", *args], cwd=project, capture_output=True,
                            text=True, env={"PORTAL_TODAY": "2026-11-21", "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="module", params=["mkdocs", "zensical"])
def site(request, tmp_path_factory):
    project = make_project(tmp_path_factory.mktemp(request.param))
    build(project, "--engine", request.param)
    return project / "site"


def test_footer_on_every_page_in_indonesian(site):
    for page in ("index.html", "kontak/index.html", f"{LATEST}index.html", "kategori/paripurna/index.html"):
        head = parse(site / page)
        text = " ".join(head.footer.split())
        assert text.startswith("Sekretariat DPRD Kabupaten Contoh Jl. Contoh No. 1, Kabupaten Contoh 70000 "
                               "Telepon: (0511) 000000 E-mail: ppid@dprd.contoh.go.id Jam layanan "
                               "Senin–Kamis 08.00–15.30 WIB Jumat 08.00–11.00 WIB Media sosial Facebook Instagram "
                               "YouTube"), page
        assert "Made with" not in (site / page).read_text(encoding="utf-8"), page
    html = (site / "index.html").read_text(encoding="utf-8")
    assert '<a href="tel:0511000000">(0511) 000000</a>' in html
    assert re.search(r'<a href="https:(//|&#x2f;&#x2f;)www\.instagram\.com(/|&#x2f;)dprdkabcontoh" rel="me noopener">'
                     r'Instagram</a>', html)


def test_emblem_is_logo_and_favicon_and_short_name_is_in_the_header(site):
    head = parse(site / "kontak/index.html")
    assert any(link.get("rel") == "icon" and link["href"].endswith("assets/lambang.svg")
               and link.get("type") == "image/svg+xml" for link in head.links)
    assert any(image.get("src", "").endswith("assets/lambang.svg") for image in head.images)
    html = (site / "kontak/index.html").read_text(encoding="utf-8")
    assert '<span class="md-ellipsis portal-short-name">DPRD Kab. Contoh' in html
    assert (site / "assets/lambang.svg").is_file()
    from PIL import Image

    with Image.open(site / "assets/lambang-og.png") as image:
        assert (image.format, image.size) == ("PNG", (1200, 630))
    assert not (site / "assets/gallery.css").exists()


def test_one_stylesheet_of_the_portal(site):
    html = (site / "index.html").read_text(encoding="utf-8")
    sheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    # The theme's own (main, palette) and ours; gallery.css was merged into portal.css.
    assert [s.removeprefix("./") for s in sheets if "assets/stylesheets/" not in s] == ["assets/portal.css"]


@pytest.mark.parametrize("page", ["index.html", "kategori/paripurna/index.html", "kontak/index.html"])
def test_default_og_image_is_the_emblems(site, page):
    meta = parse(site / page).meta
    assert meta["og:image"] == f"{SITE_URL}assets/lambang-og.png"
    assert (meta["og:image:width"], meta["og:image:height"]) == ("1200", "630")
    assert meta["og:image:alt"] == "Lambang Sekretariat DPRD Kabupaten Contoh"
    assert meta["twitter:card"] == "summary_large_image"


def test_article_og_image_is_its_photo(site):
    meta = parse(site / f"{LATEST}index.html").meta
    assert meta["og:image"] == f"{SITE_URL}{LATEST}foto/01-rapat-og.jpg"
    assert (meta["og:image:width"], meta["og:image:height"]) == ("1200", "630")
    assert meta["og:image:alt"] == "Peserta rapat rapat paripurna penetapan apbd 2027 bagian 1"
    assert meta["article:published_time"] == "2026-11-20T00:00:00+07:00"


def test_article_jsonld(site):
    (data,) = parse(site / f"{LATEST}index.html").jsonld
    organisation = {"@type": "GovernmentOrganization", "name": "Sekretariat DPRD Kabupaten Contoh", "url": SITE_URL}
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Rapat Paripurna Penetapan APBD 2027"
    assert data["datePublished"] == data["dateModified"] == "2026-11-20T00:00:00+07:00"
    assert data["author"] == organisation
    assert data["publisher"] == {**organisation, "logo": {"@type": "ImageObject", "url": f"{SITE_URL}assets/lambang.svg"}}
    assert data["image"] == [f"{SITE_URL}{LATEST}foto/01-rapat-og.jpg"]
    assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": f"{SITE_URL}{LATEST}"}


def test_home_jsonld_is_the_organisation(site):
    head = parse(site / "index.html")
    (data,) = [block for block in head.jsonld if block["@type"] == "GovernmentOrganization"]
    assert data == {
        "@context": "https://schema.org", "@type": "GovernmentOrganization",
        "name": "Sekretariat DPRD Kabupaten Contoh", "alternateName": "DPRD Kab. Contoh", "url": SITE_URL,
        "logo": f"{SITE_URL}assets/lambang.svg", "image": f"{SITE_URL}assets/lambang-og.png",
        "address": {"@type": "PostalAddress", "streetAddress": "Jl. Contoh No. 1, Kabupaten Contoh 70000",
                    "addressCountry": "ID"},
        "telephone": "(0511) 000000", "email": "ppid@dprd.contoh.go.id",
        "sameAs": ["https://www.facebook.com/dprdkabcontoh", "https://www.instagram.com/dprdkabcontoh",
                   "https://www.youtube.com/@dprdkabcontoh"]}
    assert parse(site / "index.html").meta["og:title"] == "Portal Informasi DPRD Kabupaten Contoh"


def test_home_page_layout_on_the_site(site):
    html = (site / "index.html").read_text(encoding="utf-8")
    assert html.count('class="portal-headline"') == 1
    assert html.count('class="portal-card"') == 1  # two items: one large, one card
    assert "Lihat semua agenda" in html


def test_hostile_identity_text_stays_text(tmp_path):
    identity = {"name": HOSTILE, "short_name": "<b>DPRD</b>", "address": '"><img src=x onerror=alert(1)>',
                "phone": "(0511) 000000", "email": "ppid@dprd.contoh.go.id", "hours": ["<i>Senin</i>"],
                "emblem": "assets/lambang.svg", "social": {"<svg onload=alert(1)>": "https://contoh.go.id/"}}
    project = make_project(tmp_path, identity, items=False)
    build(project)
    html = (project / "site" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html and "<img src=x" not in html and "<svg onload" not in html
    assert "<b>DPRD</b>" not in html and "<i>Senin</i>" not in html
    head = parse(project / "site" / "index.html")
    assert HOSTILE in " ".join(head.footer.split())
    (data,) = [block for block in head.jsonld if block["@type"] == "GovernmentOrganization"]
    assert data["name"] == HOSTILE and data["alternateName"] == "<b>DPRD</b>"
    assert head.meta["og:image:alt"] == f"Lambang {HOSTILE}"
    # No items at all: the home says so once.
    assert html.count("Belum ada berita.") == 1


@pytest.mark.parametrize("engine", ["mkdocs", "zensical"])
def test_article_jsonld_names_its_reviewers(tmp_path, monkeypatch, capsys, engine):
    """The register's record of an article (sections.provenance) becomes the page's reviewedBy / lastReviewed."""
    from conftest import run_main

    from pipeline.site import sections
    from pipeline.site.entries import Provenance

    record = Provenance(text="Diperiksa", reviewed_by=["Budi <Santoso> — Kabag Humas"],
                        last_reviewed="2026-11-21T09:30:00+07:00")
    monkeypatch.setattr(sections, "provenance", lambda config, item: record)
    project = make_project(tmp_path)
    code, out, err = run_main(project, monkeypatch, capsys, "build", "--engine", engine, today="2026-11-21")
    assert code == 0, out + err
    (data,) = parse(project / "site" / LATEST / "index.html").jsonld
    assert data["mainEntityOfPage"] == {
        "@type": "WebPage", "@id": f"{SITE_URL}{LATEST}", "lastReviewed": "2026-11-21T09:30:00+07:00",
        "reviewedBy": [{"@type": "Person", "name": "Budi <Santoso> — Kabag Humas"}]}
