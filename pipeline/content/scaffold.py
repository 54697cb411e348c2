"""``portal new``: a new news item from a template that already passes the check.

Only the photo rules fail on a fresh item: the editor still has to add the
photos of the activity, which no template can do for them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from jinja2 import Environment

from pipeline.config import Config
from pipeline.content import sop
from pipeline.content.schema import CAPTION_MAX, PHOTOS_MIN, TITLE_MAX, TITLE_MIN
from pipeline.content.urls import slugify
from pipeline.errors import PortalError

TEMPLATE = """\
---
title: {{ title | yaml }}
date: {{ date }}
category: {{ category }}
tags: []
location: Ruang Rapat DPRD
caption: >-
  Ringkasan kegiatan untuk media sosial: apa, siapa dan hasilnya, dalam satu
  atau dua kalimat (paling banyak {{ caption_max }} karakter).
photos:
  # Minimal {{ photos_min }} foto. Salin fotonya ke folder ini, lalu daftarkan satu per satu:
  # - file: 01-pembukaan.jpg
  #   alt: Ketua DPRD membuka rapat di ruang sidang utama
  #   credit: Humas Setwan
# Video kegiatan (boleh tidak ada; foto dan video dihitung bersama untuk minimal {{ photos_min }}
# dokumentasi, tetap minimal 1 foto). Siapkan dulu di komputer dengan
# `portal video prepare VIDEO-ASLI.MOV FOLDER-BERITA`, lalu hapus tanda # di bawah ini:
# videos:
#   - file: sambutan-ketua.mp4
#     title: Sambutan Ketua DPRD
#     caption_file: sambutan-ketua.vtt
social: [{{ social }}]
draft: false
# Pengenal tetap untuk media sosial: jangan diubah, jangan disalin ke berita lain.
id: {{ id }}
---
Tulis narasi berita di sini. Paragraf pertama menjawab apa, siapa, kapan dan
di mana kegiatan berlangsung. Paragraf berikutnya menjelaskan jalannya
kegiatan, pendapat atau keputusan yang disampaikan, serta tindak lanjutnya
bagi masyarakat. Gunakan bahasa yang lugas dan kalimat yang pendek, sebutkan
jabatan (bukan hanya nama), dan periksa kembali ejaan sebelum mengajukan
pull request.
"""


def _yaml_string(value: str) -> str:
    # Double-quoted YAML: safe for any title, including `:` and `#`.
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def new_item(config: Config, title: str, date: dt.date | None = None, category: str | None = None) -> Path:
    """Create ``content/berita/<YYYY>/<date>-<slug>/index.md``; return its path."""
    title = " ".join(title.split())
    if not TITLE_MIN <= len(title) <= TITLE_MAX:
        raise PortalError(f"Judul berisi {len(title)} karakter; harus {TITLE_MIN}–{TITLE_MAX} karakter.")
    date = date or config.today()
    if date > config.today():
        raise PortalError(f"Tanggal {date.isoformat()} ada di masa depan. Berita ditulis pada hari kegiatan (H).")
    if category is None:
        category = next(iter(config.categories))
    elif category not in config.categories:
        raise PortalError(f"Kategori `{category}` tidak dikenal. Pilih salah satu: {', '.join(config.categories)}.")
    slug = slugify(title)
    if not slug:
        raise PortalError("Judul harus memuat huruf atau angka.")
    folder = config.content / "berita" / f"{date.year:04d}" / f"{date.isoformat()}-{slug}"
    if folder.exists():
        raise PortalError(f"Folder {folder.relative_to(config.root).as_posix()} sudah ada. Pakai judul lain "
                          "atau sunting berita yang sudah ada.")
    env = Environment(keep_trailing_newline=True, autoescape=False)
    env.filters["yaml"] = _yaml_string
    text = env.from_string(TEMPLATE).render(
        title=title, date=date.isoformat(), category=category, caption_max=CAPTION_MAX,
        photos_min=PHOTOS_MIN, social=", ".join(config.social_default),
        id=sop.item_id(folder.name, fresh=True))
    folder.mkdir(parents=True)
    (folder / "index.md").write_text(text, encoding="utf-8")
    return folder / "index.md"


SUMMARY_PLACEHOLDER = "Ringkasan isi dokumen dalam satu atau dua kalimat: apa isinya dan untuk siapa."
INFORMASI_TEMPLATE = """\
---
title: {{ title | yaml }}
summary: >-
  {{ summary }}
# berkala, serta-merta (tambahkan `until: YYYY-MM-DD`) atau setiap-saat
kip: berkala
owner: PPID Pelaksana Sekretariat DPRD
responsible: Sekretaris DPRD
date: {{ date }}
place: {{ place | yaml }}
form: softcopy
retention: 5 tahun
files:
  # Salin berkasnya (PDF; data sebagai XLSX atau CSV) ke folder ini, lalu daftarkan:
  - file: dokumen.pdf
    title: {{ title | yaml }}
# Pengenal tetap dokumen: jangan diubah, jangan disalin ke dokumen lain.
id: {{ id }}
---
"""


def new_document(config: Config, title: str, date: dt.date | None = None) -> Path:
    """Create ``content/informasi/<slug>/index.md`` (a public information document); return its path."""
    title = " ".join(title.split())
    if not TITLE_MIN <= len(title) <= TITLE_MAX:
        raise PortalError(f"Judul berisi {len(title)} karakter; harus {TITLE_MIN}–{TITLE_MAX} karakter.")
    date = date or config.today()
    slug = slugify(title)
    if not slug:
        raise PortalError("Judul harus memuat huruf atau angka.")
    folder = config.content / "informasi" / slug
    if folder.exists():
        raise PortalError(f"Folder {folder.relative_to(config.root).as_posix()} sudah ada. Pakai judul lain "
                          "atau sunting dokumen yang sudah ada.")
    env = Environment(keep_trailing_newline=True, autoescape=False)
    env.filters["yaml"] = _yaml_string
    place = config.dip_defaults.get("place") or config.site_name
    text = env.from_string(INFORMASI_TEMPLATE).render(
        title=title, summary=SUMMARY_PLACEHOLDER, date=date.isoformat(), place=place, id=sop.item_id(f"{date.isoformat()}-{slug}", fresh=True))
    folder.mkdir(parents=True)
    (folder / "index.md").write_text(text, encoding="utf-8")
    return folder / "index.md"
