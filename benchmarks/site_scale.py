"""Time `portal build` (photos cached) on N generated items, beside Material's blog plugin.

    .venv/bin/python benchmarks/site_scale.py [--sizes 100,500,1000,2000] [--runs 1]
                                              [--engine mkdocs|zensical] [--no-reference]
                                              [--no-breakdown] [--keep DIR]

For each N a project is generated in a temporary folder: the repository's
mkdocs.yml (plus overrides/, the static pages of content/halaman and any
`hooks:` files it names) and N valid news items with realistic Indonesian
titles, captions, tags and ~150-word narratives, categories from
extra.portal.categories, dates from 2025-01-01 to 2026-11-20 and 4 photos
each (hard links to 8 distinct 1200x900 JPEGs made once, 640x480 ones for
the reference: photos repeat, so the image cache holds only 8 sources while
the site still gets 4 x N photos).
Every command runs with PORTAL_TODAY=2026-11-21.

Portal: the variants of the 8 sample photos are encoded once and copied into
each project's `.portal/cache/images`; one untimed `portal build` then
hashes every photo (all cache hits) and stages the site. Timed after it:
- "fresh":   `.portal/docs` (the preview's stage; a build keeps its pages
             in memory) and `site/` are removed first, only
             `.portal/cache/images` is kept (a CI run restoring the cache);
- "rebuild": a second build in the same tree (a local rebuild, the stage is
             already there, `site/` is removed first).
Both are wall clock of a subprocess (`python -m pipeline build`, so process
start, check, cached photos, stage and MkDocs are all in). The table's ratio
and the targets use "fresh", the stricter of the two. CPU seconds (user +
system of the command and its children) are printed beside wall clock: on a
shared machine they are the steadier number. Portal and reference runs are
interleaved so outside load hits both alike.

Reference: the same posts as a plain Material blog (`plugins: [search, blog]`,
`blog_dir: .`), one `docs/posts/<folder>.md` per item with Material's blog
front-matter (`date`, `categories`, `title`, `description`; the title is in
the front-matter rather than a `#` heading), the same narrative with an
excerpt separator after the first paragraph (without one the plugin puts
every whole post into the index, category and archive pages), and the same
4 photos as Markdown images next to the post (`docs/posts/<folder>/<photo>.jpg`,
copied to the site as they are): the first above the first paragraph (so
the excerpts in the lists show it, as portal's teasers show a thumbnail),
the other 3 under a "Galeri foto" heading. Same
theme settings (language, font: false, palette, features, custom_dir) and
the same search plugin settings; the home page plus the static pages in the
nav; no tags (the blog plugin has none without the tags plugin). One
untimed warm-up build, then `python -m mkdocs build -q` is timed with
`site/` removed first.

The breakdown columns come from one more in-process portal build (fresh
state) with the stage functions of pipeline.site.build wrapped in timers:
load (reading the content), photos (images.process, all cached), stage,
check (the rules run in a child process beside photos and stage: this is
only the time the build then still waits for their report), mkdocs
(run_mkdocs, including the swap into site/).

`--engine zensical` times `portal build --engine zensical` instead (the
breakdown's "mkdocs" column is then empty: Zensical runs in its own stage).
`--no-reference` skips the Material blog (for the 10,000-item run). Peak
memory is the maximum resident set of the fresh build's process (wait4).

Targets (issue 11): at 1,000 items portal <= 0.40x the reference; 10,000
items in <= 11x the 1,000-item time, with peak memory; the same on Zensical.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
TODAY = "2026-11-21"
FIRST_DAY = dt.date(2025, 1, 1)
LAST_DAY = dt.date(2026, 11, 20)
ENV = {**os.environ, "PORTAL_TODAY": TODAY, "CI": "1", "NO_MKDOCS_2_WARNING": "1"}

# --------------------------------------------------------------------------- content pools

KOMISI = ["I", "II", "III", "IV"]
DINAS = ["Dinas Pendidikan", "Dinas Kesehatan", "Dinas Pekerjaan Umum dan Penataan Ruang",
         "Dinas Sosial", "Dinas Perhubungan", "Dinas Lingkungan Hidup", "Badan Pendapatan Daerah",
         "Dinas Pertanian dan Ketahanan Pangan", "Dinas Perumahan dan Kawasan Permukiman",
         "Dinas Koperasi dan UMKM", "RSUD Kabupaten Contoh", "Badan Penanggulangan Bencana Daerah"]
TOPIK = ["Layanan Puskesmas", "Perbaikan Jalan Kabupaten", "Pendapatan Asli Daerah", "Air Bersih Pedesaan",
         "Penanganan Stunting", "Sekolah Rusak", "Bantuan Sosial Tepat Sasaran", "Pengelolaan Sampah",
         "Irigasi Persawahan", "Rumah Tidak Layak Huni", "Pasar Tradisional", "Transportasi Umum",
         "Kesiapsiagaan Banjir", "Pupuk Bersubsidi", "Jaminan Kesehatan Daerah", "Penerangan Jalan Umum"]
RAPERDA = ["Pengelolaan Sampah", "Penyelenggaraan Perlindungan Anak", "Bangunan Gedung",
           "Pajak Daerah dan Retribusi Daerah", "Penanggulangan Kemiskinan", "Desa Wisata",
           "Penyelenggaraan Pendidikan", "Perlindungan Lahan Pertanian Pangan Berkelanjutan",
           "Pengarusutamaan Gender", "Penyelenggaraan Kesehatan"]
KECAMATAN = ["Sungai Tabuk", "Martapura Timur", "Astambul", "Karang Intan", "Mataraman", "Simpang Empat",
             "Pengaron", "Sambung Makmur", "Aluh-Aluh", "Beruntung Baru", "Gambut", "Kertak Hanyar"]
TUJUAN = ["Kabupaten Banyuwangi", "Kota Surabaya", "Kabupaten Sleman", "Kota Makassar", "Kabupaten Badung",
          "Kementerian Dalam Negeri", "Kabupaten Kulon Progo", "Kota Balikpapan", "Kabupaten Gianyar"]
ANGGARAN = ["KUA-PPAS", "Rancangan APBD", "Perubahan APBD", "Pertanggungjawaban Pelaksanaan APBD",
            "Rencana Kerja Pemerintah Daerah", "Nota Keuangan"]
KEGIATAN_SETWAN = ["Bimbingan Teknis Pelayanan Informasi Publik", "Pelatihan Protokol dan Keprotokolan",
                   "Apel Kesiapsiagaan Pegawai", "Sosialisasi Kearsipan Dinamis", "Rapat Evaluasi Kinerja Triwulan",
                   "Pelatihan Penulisan Berita Kegiatan", "Uji Coba Aplikasi Persuratan Elektronik"]
FRAKSI = ["Fraksi Golkar", "Fraksi PDI Perjuangan", "Fraksi Gerindra", "Fraksi PKB", "Fraksi PKS",
          "Fraksi Nasdem", "Fraksi Demokrat", "Fraksi PAN"]


def title_for(category: str, rng: random.Random, year: int) -> dict:
    """Title, location, tags, actor, activity and topic of an item of ``category``."""
    k, d, t, r = rng.choice(KOMISI), rng.choice(DINAS), rng.choice(TOPIK), rng.choice(RAPERDA)
    dprd = "DPRD Kabupaten Contoh"
    if category == "paripurna":
        anggaran = rng.choice(ANGGARAN)
        title, topic = rng.choice([
            (f"Rapat Paripurna Penyampaian Pandangan Umum Fraksi atas Raperda {r}", f"Raperda {r}"),
            (f"Rapat Paripurna Penetapan {anggaran} Tahun {year + 1}", f"{anggaran} Tahun {year + 1}"),
            (f"DPRD Setujui Raperda {r} dalam Rapat Paripurna", f"Raperda {r}"),
            (f"Paripurna Jawaban Bupati atas Pandangan Fraksi tentang Raperda {r}", f"Raperda {r}")])
        return dict(title=title, where="Ruang Rapat Paripurna DPRD", tags=["paripurna", "perda", "raperda"],
                    who=dprd, what="rapat paripurna", topic=topic)
    if category == "rapat-komisi":
        title = rng.choice([f"Komisi {k} Evaluasi {t} bersama {d}", f"Rapat Kerja Komisi {k} Bahas {t}",
                            f"Komisi {k} Minta {d} Percepat Program {t}"])
        return dict(title=title, where=f"Ruang Rapat Komisi {k} DPRD", tags=["komisi-" + k.lower(), "pengawasan"],
                    who=f"Komisi {k} {dprd}", what=f"rapat kerja bersama {d}", topic=t.lower())
    if category == "rdp":
        return dict(title=f"RDP Komisi {k} dengan {d} Soroti {t}", where="Ruang Rapat Gabungan DPRD",
                    tags=["rdp", "komisi-" + k.lower(), "pelayanan-publik"], who=f"Komisi {k} {dprd}",
                    what=f"rapat dengar pendapat dengan {d}", topic=t.lower())
    if category == "reses":
        kec = rng.choice(KECAMATAN)
        dapil = rng.choice(KOMISI)
        title = rng.choice([f"Reses Anggota DPRD Dapil {dapil} Serap Aspirasi Warga {kec}",
                            f"Warga {kec} Sampaikan Usulan {t} saat Reses"])
        return dict(title=title, where=f"Balai Desa, Kecamatan {kec}", tags=["reses", "aspirasi", "dapil"],
                    who=f"Anggota {dprd} daerah pemilihan {dapil}", what=f"reses bersama warga Kecamatan {kec}",
                    topic=t.lower())
    if category == "kunjungan-kerja":
        tujuan = rng.choice(TUJUAN)
        return dict(title=f"Kunjungan Kerja Komisi {k} ke {tujuan} Pelajari {t}", where=tujuan,
                    tags=["kunjungan-kerja", "studi-banding"], who=f"Komisi {k} {dprd}",
                    what=f"kunjungan kerja untuk mempelajari pengelolaan {t.lower()}", topic=t.lower())
    if category == "bapemperda":
        title = rng.choice([f"Bapemperda Harmonisasi Raperda {r}",
                            f"Bapemperda Konsultasikan Raperda {r} ke Biro Hukum Provinsi"])
        return dict(title=title, where="Ruang Rapat Bapemperda DPRD", tags=["bapemperda", "raperda", "legislasi"],
                    who=f"Badan Pembentukan Peraturan Daerah {dprd}", what=f"pembahasan Raperda {r}",
                    topic=f"Raperda {r}")
    if category == "badan-anggaran":
        anggaran = rng.choice(ANGGARAN)
        return dict(title=f"Badan Anggaran Bahas {anggaran} Tahun {year + 1} bersama TAPD",
                    where="Ruang Rapat Badan Anggaran DPRD", tags=["banggar", "anggaran", f"apbd-{year + 1}"],
                    who=f"Badan Anggaran {dprd}", what="rapat bersama Tim Anggaran Pemerintah Daerah",
                    topic=f"{anggaran} Tahun {year + 1}")
    kegiatan = rng.choice(KEGIATAN_SETWAN)
    return dict(title=f"Sekretariat DPRD Gelar {kegiatan}", where="Aula Sekretariat DPRD",
                tags=["sekretariat", "pegawai"], who=f"Sekretariat {dprd}", what=kegiatan[0].lower() + kegiatan[1:],
                topic=kegiatan[0].lower() + kegiatan[1:])


OPENERS = [
    "{who} menggelar {what} di {where}, {day}. Kegiatan ini dihadiri pimpinan dan anggota DPRD, "
    "unsur perangkat daerah terkait, serta perwakilan masyarakat yang berkepentingan.",
    "Bertempat di {where}, {who} melaksanakan {what} pada {day}. Rapat dibuka tepat waktu dan "
    "berlangsung tertib sejak pagi hingga siang hari.",
]
SENTENCES = [
    "Dalam pemaparannya, pimpinan perangkat daerah menjelaskan capaian program selama tahun berjalan beserta kendala di lapangan.",
    "Sejumlah anggota dewan meminta agar data penerima manfaat diperbarui secara berkala supaya bantuan tepat sasaran.",
    "Pemerintah daerah diminta menyusun jadwal pelaksanaan yang jelas dan melaporkan perkembangannya setiap triwulan.",
    "Anggota dewan juga menyoroti keluhan warga tentang lambatnya pelayanan dan meminta standar pelayanan diumumkan secara terbuka.",
    "Menurut pimpinan rapat, pengawasan akan dilanjutkan dengan peninjauan langsung ke lokasi dalam waktu dekat.",
    "Perwakilan warga menyampaikan usulan perbaikan jalan desa, saluran irigasi, dan penerangan jalan di lingkungan mereka.",
    "Seluruh masukan yang disampaikan akan dirangkum menjadi rekomendasi resmi dan diteruskan kepada kepala daerah.",
    "Kepala dinas menyatakan siap menindaklanjuti catatan dewan dan akan berkoordinasi dengan perangkat daerah lain.",
    "Rapat juga membahas ketersediaan anggaran pada tahun berikutnya agar program prioritas tidak terhenti.",
    "Fraksi-fraksi menilai pembahasan berjalan konstruktif dan berharap hasilnya segera dirasakan oleh masyarakat.",
    "Tim ahli DPRD memberikan catatan teknis mengenai kesesuaian rancangan dengan peraturan perundang-undangan yang lebih tinggi.",
    "Untuk memperkuat transparansi, dokumen hasil rapat akan dapat diminta melalui layanan PPID Sekretariat DPRD.",
    "Pimpinan DPRD mengingatkan bahwa setiap program harus memiliki indikator kinerja yang terukur dan dapat dipantau publik.",
    "Dinas terkait melaporkan bahwa sebagian pekerjaan fisik telah selesai, sedangkan sisanya ditargetkan rampung akhir tahun.",
    "Masyarakat dapat menyampaikan aspirasi lanjutan melalui anggota dewan di daerah pemilihan masing-masing atau Sekretariat DPRD.",
    "Menutup kegiatan, pimpinan rapat menyampaikan terima kasih kepada semua pihak atas partisipasi dan masukan yang diberikan.",
]
CAPTIONS = [
    "{who} membahas {topic} dan meminta tindak lanjut yang terukur dari pemerintah daerah.",
    "{title}: DPRD menampung masukan dan menyiapkan rekomendasi untuk kepala daerah.",
    "DPRD Kabupaten Contoh mengawal {topic} melalui {what}.",
]
ALTS = [
    "Pimpinan rapat membuka kegiatan di meja pimpinan",
    "Anggota DPRD menyimak paparan perangkat daerah dengan saksama",
    "Kepala dinas menyampaikan paparan di depan peserta rapat",
    "Peserta rapat berdiskusi sambil mencatat poin penting",
    "Warga menyampaikan aspirasi kepada anggota dewan di balai desa",
    "Suasana ruang rapat saat pembahasan berlangsung",
    "Anggota dewan meninjau lokasi pekerjaan bersama petugas dinas",
    "Foto bersama pimpinan DPRD dan peserta seusai kegiatan",
]
CREDITS = ["Humas Setwan Kabupaten Contoh", "Bagian Persidangan Setwan", None]
DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")


def narrative(rng: random.Random, who: str, what: str, where: str, date: dt.date, topic: str) -> str:
    """~150 words in four paragraphs: who, what, where and when first, then the discussion."""
    day = f"{DAYS[date.weekday()]} ({date.day}/{date.month}/{date.year})"
    first = rng.choice(OPENERS).format(who=who, what=what, where=where, day=day)
    rest = rng.sample(SENTENCES, 7)
    fraksi = rng.choice(FRAKSI)
    rest.insert(2, f"Anggota dari {fraksi} menekankan pentingnya perhatian khusus pada {topic} "
                   "karena langsung dirasakan oleh warga.")
    paragraphs = [first, " ".join(rest[0:3]), " ".join(rest[3:6]), " ".join(rest[6:])]
    return "\n\n".join(paragraphs)


def make_items(count: int, categories: dict[str, str], seed: int = 2026) -> list[dict]:
    """``count`` item descriptions (dates spread evenly, newest 2026-11-20)."""
    rng = random.Random(seed)
    span = (LAST_DAY - FIRST_DAY).days
    keys = list(categories)
    items, used = [], set()
    from pipeline.content.scaffold import slugify

    for n in range(count):
        date = FIRST_DAY + dt.timedelta(days=round(span * (n + 1) / count) if count > 1 else span)
        category = keys[rng.randrange(len(keys))]
        about = title_for(category, rng, date.year)
        title = about["title"]
        caption = rng.choice(CAPTIONS).format(**about)
        caption = caption[0].upper() + caption[1:]
        if len(caption) > 200:
            caption = caption[:197].rsplit(" ", 1)[0] + "."
        base = slugify(title)
        slug, k = base, 2
        while slug in used:
            slug, k = f"{base}-{k}", k + 1
        used.add(slug)
        pictures = rng.sample(range(8), 4)
        photos = []
        alts = rng.sample(ALTS, 4)
        for i, (picture, alt) in enumerate(zip(pictures, alts), start=1):
            photo = {"file": f"{i:02d}-{slugify(alt, 30)}.jpg", "alt": alt, "source": picture}
            credit = CREDITS[(n + i) % len(CREDITS)]
            if credit:
                photo["credit"] = credit
            photos.append(photo)
        items.append({
            "folder": f"{date.isoformat()}-{slug}", "title": title, "date": date, "category": category,
            "category_label": categories[category], "tags": about["tags"] + [slugify(about["topic"], 30)],
            "location": about["where"], "caption": caption, "photos": photos,
            "body": narrative(rng, about["who"], about["what"], about["where"], date, about["topic"]),
        })
    return items


# --------------------------------------------------------------------------- files

def sample_jpegs(folder: Path, count: int = 8, size: tuple[int, int] = (1200, 900)) -> list[Path]:
    """``count`` distinct phone-like JPEGs of ``size`` (gradient, shapes, sensor noise).

    Portal's are 1200x900, the long edge the check recommends (``photo-small``
    refuses under 800). The reference gets 640x480 copies, as before that rule:
    MkDocs copies a blog's photos into its site, so bigger files would slow the
    reference down and flatter the ratio; portal links cached variants, whatever
    the source's size.
    """
    from PIL import Image, ImageDraw, ImageFilter

    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(7)
    paths = []
    for n in range(count):
        w, h = size
        scale = w / 640
        top = tuple(rng.randrange(60, 200) for _ in range(3))
        bottom = tuple(rng.randrange(20, 120) for _ in range(3))
        image = Image.linear_gradient("L").resize((w, h))
        image = Image.composite(Image.new("RGB", (w, h), bottom), Image.new("RGB", (w, h), top), image)
        draw = ImageDraw.Draw(image)
        for _ in range(14):
            x, y = rng.randrange(w), rng.randrange(h)
            box = (x, y, x + round(rng.randrange(30, 200) * scale), y + round(rng.randrange(30, 160) * scale))
            fill = tuple(rng.randrange(256) for _ in range(3))
            (draw.ellipse if rng.random() < 0.5 else draw.rectangle)(box, fill=fill)
        image = image.filter(ImageFilter.GaussianBlur(1.5))
        noise = Image.effect_noise((w, h), 24).convert("RGB")
        image = Image.blend(image, noise, 0.12)
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=85)
        path = folder / f"sample-{n}.jpg"
        path.write_bytes(buffer.getvalue())
        paths.append(path)
    return paths


def seed_cache(jpegs: list[Path], cache: Path) -> None:
    """Encode the sample photos once into ``cache``, to be copied into every project.

    The cache is content-addressed, so every project's photos (hard links to
    these files) hit it. Without a seed, each project's first build would
    encode all 4 x N photos: the jobs are planned before any finishes, so
    identical sources are encoded once per path.
    """
    from pipeline.photos import images

    _, _, failures = images.process(jpegs, cache, progress=False)
    if failures:
        raise SystemExit(f"sample photos failed: {failures}")


def link(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def write_portal(project: Path, items: list[dict], jpegs: list[Path]) -> None:
    """A portal project: config, overrides, hooks, static pages and the items."""
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    shutil.copytree(ROOT / "overrides", project / "overrides")
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    for hook in config.get("hooks") or []:  # paths relative to mkdocs.yml
        (project / hook).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / hook, project / hook)
    shutil.copytree(ROOT / "content" / "halaman", project / "content" / "halaman")
    for item in items:
        folder = project / "content" / "berita" / str(item["date"].year) / item["folder"]
        folder.mkdir(parents=True)
        photos = []
        for photo in item["photos"]:
            link(jpegs[photo["source"]], folder / photo["file"])
            photos.append({k: v for k, v in photo.items() if k != "source"})
        meta = {"title": item["title"], "date": item["date"], "category": item["category"], "tags": item["tags"],
                "location": item["location"], "caption": item["caption"], "photos": photos}
        head = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000)
        (folder / "index.md").write_text(f"---\n{head}---\n{item['body']}\n", encoding="utf-8")


def write_reference(project: Path, items: list[dict], jpegs: list[Path]) -> None:
    """The same posts as a Material blog (blog plugin, blog_dir: .)."""
    portal = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    theme = dict(portal["theme"])
    if theme.get("custom_dir"):
        # Portal's templates memoise blocks through the portal plugin, which
        # the reference does not load: it gets Material's own (head meta,
        # CSS and JavaScript still as portal's).
        shutil.copytree(ROOT / theme["custom_dir"], project / theme["custom_dir"],
                        ignore=shutil.ignore_patterns("partials"))
        main = project / theme["custom_dir"] / "main.html"
        main.write_text(main.read_text(encoding="utf-8").split("{#- Blocks that differ between pages")[0],
                        encoding="utf-8")
    search = next((p for p in portal.get("plugins", []) if p == "search" or isinstance(p, dict) and "search" in p),
                  "search")
    pages = sorted(p.name for p in (ROOT / "content" / "halaman").glob("*.md"))
    nav = [{"Beranda": "index.md"}]
    for entry in portal.get("nav") or []:  # the static pages, in the portal's order and names
        (label, target), = entry.items()
        if target in pages:
            nav.append({label: target})
    config = {
        "site_name": portal["site_name"], "site_description": portal.get("site_description", ""),
        "site_url": portal.get("site_url"), "docs_dir": "docs", "site_dir": "site", "theme": theme,
        "extra_css": portal.get("extra_css", []),
        # The head and header blocks kept from portal's main.html read the institution from here.
        "extra": {"portal": {"identity": portal.get("extra", {}).get("portal", {}).get("identity") or {}}},
        "plugins": [search, {"blog": {"blog_dir": "."}}],
        "markdown_extensions": portal.get("markdown_extensions", []), "nav": nav,
    }
    (project / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    docs = project / "docs"
    (docs / "posts").mkdir(parents=True)
    for name in pages:
        shutil.copy(ROOT / "content" / "halaman" / name, docs / name)
    (docs / "index.md").write_text("# Berita Terbaru\n", encoding="utf-8")
    for item in items:
        assets = docs / "posts" / item["folder"]
        assets.mkdir()
        gallery = []
        for photo in item["photos"]:
            link(jpegs[photo["source"]], assets / photo["file"])
            gallery.append(f"![{photo['alt']}]({item['folder']}/{photo['file']})")
        first, rest = item["body"].split("\n\n", 1)
        meta = {"date": item["date"], "categories": [item["category_label"]], "title": item["title"],
                "description": item["caption"]}
        head = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000)
        text = (f"---\n{head}---\n\n{gallery[0]}\n\n{first}\n\n<!-- more -->\n\n{rest}\n\n"
                "## Galeri foto\n\n" + "\n\n".join(gallery[1:]) + "\n")
        (docs / "posts" / f"{item['folder']}.md").write_text(text, encoding="utf-8")


# --------------------------------------------------------------------------- timing

BREAKDOWN = r"""
import json, sys, time
import pipeline.site.build as b
from pipeline.photos import images
from pipeline.config import load_config

spent = {}
def timed(name, fn):
    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            spent[name] = spent.get(name, 0.0) + time.perf_counter() - started
    return wrapper

b.load = timed("load", b.load)
b._report = timed("check", b._report)
images.process = timed("photos", images.process)
b.stage = timed("stage", b.stage)
b.run_mkdocs = timed("mkdocs", b.run_mkdocs)
started = time.perf_counter()
result = b.build(load_config("."))
spent["total"] = time.perf_counter() - started
assert result.site is not None, "build refused"
print(json.dumps(spent))
"""


PEAK: dict[str, float] = {}  # the last run's peak resident memory, MB


def run(cmd: list[str], cwd: Path) -> tuple[float, float, subprocess.CompletedProcess]:
    """Wall clock and CPU seconds (user + system, the command and its children) of ``cmd``.

    Its peak resident memory (the process's own, from wait4) is left in ``PEAK["mb"]``.
    """
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=err, env=ENV)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        result = subprocess.CompletedProcess(cmd, proc.returncode, out.read().decode("utf-8", "replace"),
                                             err.read().decode("utf-8", "replace"))
    if result.returncode != 0:
        raise SystemExit(f"failed ({result.returncode}): {' '.join(cmd)} in {cwd}\n"
                         f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    PEAK["mb"] = usage.ru_maxrss / 1024
    return seconds, usage.ru_utime + usage.ru_stime, result


def clear(*paths: Path) -> None:
    for path in paths:
        shutil.rmtree(path, ignore_errors=True)


def measure(size: int, runs: int, jpegs: list[Path], seed: Path, categories: dict[str, str], workdir: Path,
            breakdown: bool, engine: str = "mkdocs", reference_too: bool = True,
            ref_jpegs: list[Path] | None = None) -> dict:
    items = make_items(size, categories)
    portal, reference = workdir / f"portal-{size}", workdir / f"reference-{size}"
    portal.mkdir()
    reference.mkdir()
    write_portal(portal, items, jpegs)
    if reference_too:
        write_reference(reference, items, ref_jpegs or jpegs)
    build = [sys.executable, "-m", "pipeline", "build", "--engine", engine]
    mkdocs = [sys.executable, "-m", "mkdocs", "build", "-q"]

    shutil.copytree(seed, portal / ".portal" / "cache" / "images")
    cold, _, _ = run(build, portal)  # hashes the photos (cache hits), stage, site
    if reference_too:
        run(mkdocs, reference)  # warm-up: page cache, .pyc
    fresh, rebuild, ref, fresh_cpu, ref_cpu, peak = [], [], [], [], [], []
    ref_result = None
    for _ in range(runs):  # interleaved, so load from elsewhere hits both sides alike
        clear(portal / ".portal" / "docs", portal / "site")
        seconds, cpu, result = run(build, portal)
        fresh.append(seconds)
        fresh_cpu.append(cpu)
        peak.append(PEAK["mb"])
        if reference_too:
            clear(reference / "site")
            seconds, cpu, ref_result = run(mkdocs, reference)
            ref.append(seconds)
            ref_cpu.append(cpu)
        clear(portal / "site")
        seconds, _, _ = run(build, portal)
        rebuild.append(seconds)
    stages = None
    if breakdown:
        clear(portal / ".portal" / "docs", portal / "site")
        _, _, out = run([sys.executable, "-c", BREAKDOWN], portal)
        stages = json.loads(out.stdout.strip().splitlines()[-1])
    return {
        "size": size, "cold": cold, "fresh": statistics.median(fresh), "rebuild": statistics.median(rebuild),
        "reference": statistics.median(ref) if ref else float("nan"), "stages": stages,
        "fresh_cpu": statistics.median(fresh_cpu), "ref_cpu": statistics.median(ref_cpu) if ref_cpu else float("nan"),
        "peak_mb": max(peak),
        "portal_files": sum(1 for p in (portal / "site").rglob("*") if p.is_file()),
        "portal_pages": sum(1 for _ in (portal / "site").rglob("*.html")),
        "reference_files": sum(1 for p in (reference / "site").rglob("*") if p.is_file()) if ref else 0,
        "reference_pages": sum(1 for _ in (reference / "site").rglob("*.html")) if ref else 0,
        "summary": " ".join(result.stdout.strip().splitlines()[-2:]),
        "ref_warnings": [line for line in ref_result.stderr.splitlines() if "WARNING -" in line][:3]
        if ref_result else [],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,500,1000,2000", help="comma-separated item counts")
    parser.add_argument("--runs", type=int, default=1, help="timed runs per size (median)")
    parser.add_argument("--no-breakdown", action="store_true", help="skip the per-stage portal build")
    parser.add_argument("--keep", type=Path, help="generate into this (new) folder and keep it")
    parser.add_argument("--engine", choices=("mkdocs", "zensical"), default="mkdocs", help="portal's site engine")
    parser.add_argument("--no-reference", action="store_true", help="skip Material's blog plugin")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    categories = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))["extra"]["portal"]["categories"]

    if args.keep:
        args.keep.mkdir(parents=True)
        workdir, cleanup = args.keep.resolve(), None
    else:
        cleanup = tempfile.TemporaryDirectory(prefix="site-scale-")
        workdir = Path(cleanup.name)
    try:
        jpegs = sample_jpegs(workdir / "jpegs")
        ref_jpegs = sample_jpegs(workdir / "jpegs-reference", size=(640, 480))
        seed = workdir / "seed-cache"
        seed_cache(jpegs, seed)
        results = []
        for size in sizes:
            print(f"[{size} items] generating and building ...", file=sys.stderr, flush=True)
            results.append(measure(size, args.runs, jpegs, seed, categories, workdir, not args.no_breakdown,
                                   args.engine, not args.no_reference, ref_jpegs))
    finally:
        if cleanup:
            cleanup.cleanup()

    print(f"portal build --engine {args.engine} (photos cached) vs Material blog plugin; {os.cpu_count()} CPUs, "
          f"median of {args.runs} run(s), wall clock incl. process start, PORTAL_TODAY={TODAY}")
    print("portal = fresh build, only .portal/cache/images kept (CI); rebuild = .portal/docs kept too; "
          "ref = python -m mkdocs build -q;")
    print("cpu = user+system seconds (less sensitive to other load); load..mkdocs = one more fresh build, "
          "in-process stage timers (check = waiting for the rules' child process)")
    print()
    head = (f"{'N':>5} {'portal s':>8} {'rebuild s':>9} {'ref s':>6} {'ratio':>5} | {'cpu':>5} {'ref cpu':>7} "
            f"{'ratio':>5} | {'peak MB':>7} | {'load':>5} {'photos':>6} {'stage':>5} {'check':>5} {'mkdocs':>6} | "
            f"{'html/files portal':>17} {'ref':>10}")
    print(head)
    print("-" * len(head))
    for r in results:
        s = r["stages"] or {}
        cols = " ".join(f"{s[k]:>{w}.2f}" if k in s else f"{'-':>{w}}"
                        for k, w in (("load", 5), ("photos", 6), ("stage", 5), ("check", 5), ("mkdocs", 6)))
        print(f"{r['size']:>5} {r['fresh']:>8.2f} {r['rebuild']:>9.2f} {r['reference']:>6.2f} "
              f"{r['fresh'] / r['reference']:>5.2f} | {r['fresh_cpu']:>5.1f} {r['ref_cpu']:>7.1f} "
              f"{r['fresh_cpu'] / r['ref_cpu']:>5.2f} | {r['peak_mb']:>7.0f} | {cols} | "
              f"{r['portal_pages']:>7}/{r['portal_files']:<9} {r['reference_pages']:>5}/{r['reference_files']:<6}")
    print()
    by_size = {r["size"]: r for r in results}
    if 1000 in by_size and by_size[1000]["reference"] == by_size[1000]["reference"]:  # not NaN
        r = by_size[1000]
        ratio = r["fresh"] / r["reference"]
        print(f"target 1: at 1000 items portal <= 0.40x reference: {ratio:.2f}x "
              f"(rebuild {r['rebuild'] / r['reference']:.2f}x, cpu {r['fresh_cpu'] / r['ref_cpu']:.2f}x) "
              f"-> {'ok' if ratio <= 0.40 else 'MISSED'}")
    else:
        print("target 1: not measured (needs --sizes with 1000, and the reference)")
    big = max(by_size)
    if 1000 in by_size and big > 1000:
        factor = big / 1000
        growth = by_size[big]["fresh"] / by_size[1000]["fresh"]
        cpugrowth = by_size[big]["fresh_cpu"] / by_size[1000]["fresh_cpu"]
        limit = 1.1 * factor  # linear, with 10 % slack
        print(f"target 2: portal time({big})/time(1000) <= {limit:.1f}: {growth:.2f} (cpu {cpugrowth:.2f}); "
              f"peak memory {by_size[1000]['peak_mb']:.0f} MB -> {by_size[big]['peak_mb']:.0f} MB "
              f"-> {'ok' if growth <= limit else 'MISSED'}")
    else:
        print("target 2: not measured (needs --sizes with 1000 and a larger size)")
    for r in results:
        print(f"N={r['size']}: warm-up build {r['cold']:.2f} s; last timed build said: {r['summary']}")
        for line in r["ref_warnings"]:
            print(f"N={r['size']}: reference {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
