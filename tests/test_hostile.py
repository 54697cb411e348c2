"""Hostile files and YAML: each refused with its rule at its exact line, without running anything.

How fast is measured by benchmarks/hostile_inputs.py; the tests assert the mechanism
that keeps it fast (e.g. the reader stops at the first YAML anchor).

These inputs are generated here (huge files, symlinks, exotic bytes) rather than
stored in tests/cases/.
"""

from __future__ import annotations

import json
import os
import sys

import pytest
import yaml

from conftest import jpeg_bytes, listed_jpeg, new_project, run_cli, run_main

FM = """title: Rapat Paripurna Penetapan APBD 2027
date: 2026-11-20
category: paripurna
tags: [apbd, anggaran]
location: Ruang Rapat Paripurna DPRD
caption: DPRD Kabupaten Contoh menyetujui Raperda APBD 2027 dalam rapat paripurna.
photos:
  - file: foto-1.jpg
    alt: Ketua DPRD membuka rapat paripurna di ruang sidang utama
  - file: foto-2.jpg
    alt: Juru bicara Badan Anggaran membacakan laporan hasil pembahasan
  - file: foto-3.jpg
    alt: Juru bicara fraksi menyampaikan pendapat akhir di mimbar
  - file: foto-4.jpg
    alt: Ketua DPRD dan Bupati menandatangani persetujuan bersama
social: [facebook, instagram, x, telegram]
"""
# Lines: title 2, date 3, category 4, tags 5, location 6, caption 7, photos 8, photo n: file 7+2n,
# alt 8+2n, social 17, closing `---` 18, narrative 19.
BODY = ("DPRD Kabupaten Contoh menyetujui Rancangan Peraturan Daerah tentang Anggaran Pendapatan dan Belanja "
        "Daerah Tahun Anggaran 2027 dalam rapat paripurna, Jumat (20/11/2026). Rapat dipimpin Ketua DPRD dan "
        "dihadiri Bupati, unsur Forum Koordinasi Pimpinan Daerah, serta kepala perangkat daerah. Seluruh fraksi "
        "menyetujui raperda tersebut.\n")
FOLDER = "content/berita/2026/2026-11-20-berita-uji"


def item(fm: str = FM, body: str = BODY) -> str:
    return "---\n" + fm + "---\n" + body


def edit(old: str, new: str, fm: str = FM) -> str:
    assert fm.count(old) == 1, old
    return fm.replace(old, new)


@pytest.fixture
def site(tmp_path):
    return new_project(tmp_path / "site")


def put(site, data: str | bytes, photos: int = 4):
    """Write the test item (index.md = ``data``) with ``photos`` distinct 1200×800 JPEGs."""
    folder = site / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "index.md").write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    for n in range(1, photos + 1):
        (folder / f"foto-{n}.jpg").write_bytes(listed_jpeg(f"foto-{n}.jpg"))
    return folder


def check(site, monkeypatch, capsys):
    """(exit code, [(file relative to the item folder, line, rule, severity)], messages)."""
    code, out, err = run_main(site, monkeypatch, capsys, "check", "--format", "json")
    assert err == ""
    problems = json.loads(out)
    found = [(p["file"].removeprefix(FOLDER).lstrip("/") or ".", p["line"], p["rule"], p["severity"])
             for p in problems]
    return code, found, [p["message"] for p in problems]


def test_the_template_is_clean(site, monkeypatch, capsys):
    put(site, item())
    assert check(site, monkeypatch, capsys)[:2] == (0, [])


# --------------------------------------------------------------------------- YAML

BOMB = ('lol1: &lol1 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n'
        + "".join(f"lol{i}: &lol{i} [{', '.join([f'*lol{i - 1}'] * 9)}]\n" for i in range(2, 10)))


ALIAS_MESSAGE = ("Anchor/alias YAML (`&nama` atau `*nama`) tidak diizinkan di front-matter. "
                 "Tulis nilainya secara langsung.")


@pytest.fixture
def bomb_events(monkeypatch):
    """The parser events the front-matter reader pulled from a block holding the bomb.

    ``yaml.parse`` is lazy (the scanner reads only as far as the events asked
    for), so this list is all the reader ever saw of the block.
    """
    pulled: list = []
    real_parse = yaml.parse

    def parse(stream, Loader=yaml.Loader):
        events = real_parse(stream, Loader)
        if isinstance(stream, str) and "lol9:" in stream:
            return (pulled.append(event) or event for event in events)
        return events

    monkeypatch.setattr(yaml, "parse", parse)
    return pulled


def test_billion_laughs_is_refused_at_the_first_anchor_before_any_alias(site, monkeypatch, capsys, bomb_events):
    # The time this takes is measured by benchmarks/hostile_inputs.py, not asserted here.
    put(site, item(edit("date: 2026-11-20\n", "date: 2026-11-20\n" + BOMB)))  # 9 levels: 9**9 "lol"s
    code, found, messages = check(site, monkeypatch, capsys)
    assert (code, found, messages) == (1, [("index.md", 4, "yaml-alias", "error")], [ALIAS_MESSAGE])
    # The mechanism: reading stopped at the anchor `&lol1` (line 4), the 9th event of
    # the block. The parser never reached line 5, so no alias was even seen, let
    # alone expanded, and no value was built for the anchored node.
    assert len(bomb_events) == 9, bomb_events
    last = bomb_events[-1]
    assert isinstance(last, yaml.SequenceStartEvent) and last.anchor == "lol1"
    assert last.start_mark.line == 2  # 0-based in the block: line 4 of the file
    assert not any(isinstance(event, yaml.AliasEvent) for event in bomb_events)


def test_alias_alone_is_refused(site, monkeypatch, capsys):
    put(site, item(edit("location: Ruang Rapat Paripurna DPRD", "location: *ruang")))
    assert check(site, monkeypatch, capsys)[1] == [("index.md", 6, "yaml-alias", "error")]


@pytest.mark.parametrize("payload", [
    '!!python/object/apply:os.system ["touch {sentinel}"]',
    '!!python/object/apply:subprocess.check_call [["touch", "{sentinel}"]]',
    '!!python/object/new:os.system ["touch {sentinel}"]',
])
def test_python_tags_are_refused_and_never_run(site, tmp_path, monkeypatch, capsys, payload):
    sentinel = tmp_path / "pwned"
    put(site, item(edit("location: Ruang Rapat Paripurna DPRD", "location: " + payload.format(sentinel=sentinel))))
    code, found, messages = check(site, monkeypatch, capsys)
    result = run_cli(site, "check")  # and in a fresh process, as CI runs it
    assert not sentinel.exists(), "the YAML payload was executed"
    assert (code, found) == (1, [("index.md", 6, "yaml-tag", "error")])
    assert "Tag YAML eksplisit" in messages[0] and "python/object" in messages[0]
    assert result.returncode == 1 and "Traceback" not in result.stderr


def test_duplicate_key_is_reported_at_the_second_one(site, monkeypatch, capsys):
    put(site, item(edit("photos:\n", "date: 2026-11-19\nphotos:\n")))
    code, found, messages = check(site, monkeypatch, capsys)
    assert (code, found) == (1, [("index.md", 8, "yaml-duplicate-key", "error")])
    assert messages == ["Kunci `date` ditulis dua kali (pertama di baris 3). Hapus salah satunya."]


def test_tabs_in_indentation_are_reported_at_each_tab_line(site, monkeypatch, capsys):
    fm = edit("    alt: Ketua DPRD membuka", "\talt: Ketua DPRD membuka")
    fm = edit("  - file: foto-3.jpg", "\t- file: foto-3.jpg", fm)
    put(site, item(fm))
    code, found, _ = check(site, monkeypatch, capsys)
    assert (code, found) == (1, [("index.md", 10, "yaml-tab", "error"), ("index.md", 13, "yaml-tab", "error")])


@pytest.mark.parametrize("depth", [12, 30_000])
def test_deeply_nested_flow_list(site, monkeypatch, capsys, depth):
    put(site, item(edit("tags: [apbd, anggaran]", "tags: " + "[" * depth + "1" + "]" * depth)))
    code, found, _ = check(site, monkeypatch, capsys)
    assert (code, found) == (1, [("index.md", 5, "yaml-depth", "error")])


def test_deeply_nested_block_mapping(site, monkeypatch, capsys):
    nested = "".join("  " * i + f"k{i}:\n" for i in range(40))
    put(site, item(FM + nested))
    code, found, _ = check(site, monkeypatch, capsys)
    # The mapping under k0 (starting at k1, line 19) is level 1, ... the one starting at k9 (line 27) level 9.
    assert (code, found) == (1, [("index.md", 27, "yaml-depth", "error")])


def test_unclosed_front_matter(site, monkeypatch, capsys):
    put(site, "---\n" + FM + BODY)
    assert check(site, monkeypatch, capsys)[:2] == (1, [("index.md", 1, "frontmatter-unclosed", "error")])


@pytest.mark.parametrize("text", [FM + "---\n" + BODY, BODY, "", "\n\n"], ids=["no-opening", "narrative-only",
                                                                             "empty", "blank-lines"])
def test_missing_front_matter(site, monkeypatch, capsys, text):
    put(site, text)
    assert check(site, monkeypatch, capsys)[:2] == (1, [("index.md", 1, "frontmatter-missing", "error")])


# --------------------------------------------------------------------------- sizes

def test_huge_index_md_is_refused_without_parsing(site, monkeypatch, capsys):
    put(site, item(body=BODY + ("Narasi yang sangat panjang. " * 80_000)))  # ~2.2 MB
    assert (site / FOLDER / "index.md").stat().st_size > 2 * 1024 * 1024
    code, found, messages = check(site, monkeypatch, capsys)
    assert (code, found) == (1, [("index.md", 1, "file-too-large", "error")])
    assert messages[0].startswith("Berkas berukuran 2.1 MB, melebihi batas 1.0 MB.")


def test_huge_front_matter(site, monkeypatch, capsys):
    put(site, item(edit("caption: DPRD", "caption: " + "DPRD " * 20_000 + "DPRD")))  # 100 KB
    code, found, messages = check(site, monkeypatch, capsys)
    assert (code, found) == (1, [("index.md", 1, "frontmatter-too-large", "error")])
    assert messages[0].startswith("Front-matter lebih dari 64 KB.")


def test_photo_too_large(site, monkeypatch, capsys):
    folder = put(site, item())
    with open(folder / "foto-4.jpg", "r+b") as handle:  # sparse: fast, no 41 MB written
        handle.truncate(41 * 1024 * 1024)
    code, found, messages = check(site, monkeypatch, capsys)
    assert (code, found) == (1, [("index.md", 15, "photo-too-large", "error")])
    assert messages[0].startswith("Berkas `foto-4.jpg` berukuran 41.0 MB, melebihi batas 40 MB.")


# --------------------------------------------------------------------------- bytes

def test_invalid_utf8_is_reported_at_its_line(site, monkeypatch, capsys):
    data = item().encode("utf-8").replace(b"Juru bicara Badan", b"Juru bicara \xff Badan")
    put(site, data)
    code, found, messages = check(site, monkeypatch, capsys)
    assert (code, found) == (1, [("index.md", 12, "file-encoding", "error")])
    assert messages[0] == ("Berkas bukan teks UTF-8 (byte 0xff tidak valid di baris 12). "
                           "Simpan ulang berkas dengan encoding UTF-8.")


def test_latin1_file_is_reported(site, monkeypatch, capsys):
    put(site, item(body="Rapat dipimpin Ketua DPRD, Andr\u00e9. " + BODY).encode("latin-1"))
    assert check(site, monkeypatch, capsys)[1] == [("index.md", 19, "file-encoding", "error")]


def test_bom_is_a_warning_only(site, monkeypatch, capsys):
    put(site, "\ufeff" + item())
    assert check(site, monkeypatch, capsys)[:2] == (0, [("index.md", 1, "file-bom", "warning")])


def test_bom_keeps_line_numbers(site, monkeypatch, capsys):
    put(site, "\ufeff" + item(edit("category: paripurna", "category: paripurn")))
    assert check(site, monkeypatch, capsys)[1] == [("index.md", 1, "file-bom", "warning"),
                                                   ("index.md", 4, "category-unknown", "error")]


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["crlf", "cr"])
def test_windows_and_old_mac_line_endings(site, monkeypatch, capsys, newline):
    put(site, item().replace("\n", newline))
    assert check(site, monkeypatch, capsys)[:2] == (0, [])


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["crlf", "cr"])
def test_line_endings_keep_line_numbers(site, monkeypatch, capsys, newline):
    fm = edit("caption:", "captoin:")
    fm = edit("    alt: Juru bicara fraksi menyampaikan pendapat akhir di mimbar", "    alt: foto", fm)
    put(site, item(fm, BODY + "\n<iframe src=\"https://contoh.go.id\"></iframe>\n").replace("\n", newline))
    code, found, _ = check(site, monkeypatch, capsys)
    # The misspelt `captoin:` is the cause: no follow-on `key-required` for `caption`.
    assert (code, found) == (1, [("index.md", 7, "key-unknown", "error"),
                                 ("index.md", 14, "photo-alt-generic", "error"),
                                 ("index.md", 21, "html-tag", "error")])


def test_nul_and_control_bytes_in_text(site, monkeypatch, capsys):
    put(site, item(edit("location: Ruang Rapat Paripurna DPRD", "location: \"Ruang\\0 Rapat\\x1b[31m Paripurna\"")))
    code, found, messages = check(site, monkeypatch, capsys)
    assert (code, found) == (1, [("index.md", 6, "text-control", "error")])
    assert "(U+0000, U+001B)" in messages[0]


# --------------------------------------------------------------------------- symlinks

@pytest.fixture
def outside(tmp_path):
    """Files outside the project that a symlink could pull into the public site."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "index.md").write_text(item(), encoding="utf-8")
    (folder / "rahasia.jpg").write_bytes(jpeg_bytes())
    return folder


needs_symlinks = pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges on Windows")


@needs_symlinks
def test_symlinked_item_file(site, outside, monkeypatch, capsys):
    folder = put(site, item())
    (folder / "index.md").unlink()
    os.symlink(outside / "index.md", folder / "index.md")
    code, found, _ = check(site, monkeypatch, capsys)
    # The link is never read, so the folder has no index.md of its own either.
    assert (code, found) == (1, [(".", 1, "item-location", "error"), ("index.md", 1, "symlink", "error")])


@needs_symlinks
def test_symlinked_photo(site, outside, monkeypatch, capsys):
    folder = put(site, item(), photos=3)
    os.symlink(outside / "rahasia.jpg", folder / "foto-4.jpg")
    code, found, messages = check(site, monkeypatch, capsys)
    assert code == 1
    assert ("foto-4.jpg", 1, "symlink", "error") in found
    assert set(found) <= {("foto-4.jpg", 1, "symlink", "error"), ("index.md", 15, "photo-missing", "error")}


@needs_symlinks
def test_symlinked_photo_gets_no_misleading_hint(site, outside, monkeypatch, capsys):
    folder = put(site, item(), photos=3)
    os.symlink(outside / "rahasia.jpg", folder / "foto-4.jpg")
    _, _, messages = check(site, monkeypatch, capsys)
    assert not any("Mungkin maksud Anda `foto-" in m for m in messages), messages


@needs_symlinks
def test_symlinked_item_folder(site, outside, monkeypatch, capsys):
    (site / "content" / "berita" / "2026").mkdir(parents=True)
    os.symlink(outside, site / FOLDER, target_is_directory=True)
    code, found, _ = check(site, monkeypatch, capsys)
    assert (code, found) == (1, [(".", 1, "symlink", "error")])


@needs_symlinks
def test_symlinked_content_folders_are_not_followed(site, outside, monkeypatch, capsys):
    os.symlink(outside, site / "content" / "halaman", target_is_directory=True)
    os.symlink(outside, site / "content" / "berita", target_is_directory=True)
    code, out, err = run_main(site, monkeypatch, capsys, "check")
    assert code == 1 and err == ""
    assert [line.split(" [")[1].split("]")[0] for line in out.splitlines()[:-1]] == ["symlink", "symlink"]
    assert out.splitlines()[-1] == "2 galat dan 0 peringatan di 2 berkas; 0 berita dan 0 halaman diperiksa."


# --------------------------------------------------------------------------- dot-files and clutter

def test_gitattributes_in_an_item_folder_is_refused(site, monkeypatch, capsys):
    folder = put(site, item())
    # What made index.md show to reviewers as a binary diff.
    (folder / ".gitattributes").write_text("index.md -diff\n", encoding="utf-8")
    code, found, messages = check(site, monkeypatch, capsys)
    assert (code, found) == (1, [(".gitattributes", 1, "dot-file", "error")])
    assert messages[0].startswith("Berkas atau folder tersembunyi `.gitattributes` tidak boleh ada")


def test_dot_folder_is_reported_once_and_not_entered(site, monkeypatch, capsys):
    (site / "content" / ".github").mkdir(parents=True)
    (site / "content" / ".github" / "CODEOWNERS").write_text("* @siapa\n", encoding="utf-8")
    (site / "content" / "halaman").mkdir()
    (site / "content" / "halaman" / ".gitignore").write_text("*.md\n", encoding="utf-8")
    code, out, err = run_main(site, monkeypatch, capsys, "check")
    assert code == 1 and err == ""
    assert [line.split(": galat ")[0] for line in out.splitlines()[:-1]] == [
        "content/.github:1", "content/halaman/.gitignore:1"]


def test_thousands_of_unlisted_files_are_one_error(site, monkeypatch, capsys):
    folder = put(site, item())
    for n in range(4300):
        (folder / f"x{n:04d}.jpg").touch()
    code, found, messages = check(site, monkeypatch, capsys)
    assert (code, found) == (1, [("index.md", 8, "folder-clutter", "error")])
    assert messages[0] == ("Folder berita berisi 4300 berkas yang tidak tercantum di `photos:` (misalnya `x0000.jpg`, "
                           "`x0001.jpg`, `x0002.jpg`, `x0003.jpg`, `x0004.jpg`); paling banyak 10. Hapus berkas yang "
                           "tidak dipakai dari usulan ini; foto yang dipakai daftarkan di `photos:`.")


def test_unlisted_files_in_subfolders_count_too(site, monkeypatch, capsys):
    folder = put(site, item())
    (folder / "cadangan").mkdir()
    for n in range(11):
        (folder / "cadangan" / f"catatan-{n:02d}.txt").write_text("-", encoding="utf-8")
    code, found, messages = check(site, monkeypatch, capsys)
    assert (code, found) == (1, [("index.md", 8, "folder-clutter", "error")])
    assert "11 berkas" in messages[0] and "`cadangan/catatan-00.txt`" in messages[0]


# --------------------------------------------------------------------------- narrative size

def test_narrative_over_64_kb(site, monkeypatch, capsys):
    paragraph = "Rapat dilanjutkan dengan pembahasan anggaran daerah. " * 30 + "\n\n"
    put(site, item(body=BODY + paragraph * 45))  # 71,855 bytes
    code, found, messages = check(site, monkeypatch, capsys)
    assert (code, found) == (1, [("index.md", 19, "narrative-too-large", "error")])
    assert messages[0] == ("Narasi berukuran 70 KB, melebihi batas 64 KB. Pendekkan narasinya; dokumen panjang "
                           "(laporan, peraturan) ditautkan, bukan disalin.")


def test_limits_are_configurable(site, monkeypatch, capsys):
    config = site / "mkdocs.yml"
    text = config.read_text(encoding="utf-8").replace(
        "    social_default:", "    limits:\n      narrative_bytes: 300\n      line_chars: 100\n    social_default:")
    config.write_text(text, encoding="utf-8")
    put(site, item(body="Kata " * 30 + "\n"))  # 151 bytes, one line of 150 characters
    code, found, messages = check(site, monkeypatch, capsys)
    assert found == [("index.md", 19, "line-too-long", "error"), ("index.md", 19, "narrative-too-short", "error")]
    assert messages[0].startswith("Baris ini berisi 150 karakter; paling banyak 100.")
    put(site, item())  # the usual 359-byte narrative
    assert check(site, monkeypatch, capsys)[1] == [("index.md", 19, "narrative-too-large", "error")]


@pytest.mark.parametrize("limits, complaint", [
    ("limits: 5", "`extra.portal.limits` harus berisi pasangan `nama: angka`"),
    ("limits: {narrative_bytes: -1}", "`extra.portal.limits.narrative_bytes` harus bilangan bulat positif"),
    ("limits: {line_chars: banyak}", "`extra.portal.limits.line_chars` harus bilangan bulat positif"),
    ("limits: {lines: 3}", "kunci `extra.portal.limits.lines` tidak dikenal"),
])
def test_invalid_limits_are_a_config_error(site, monkeypatch, capsys, limits, complaint):
    config = site / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "    social_default:", f"    {limits}\n    social_default:"), encoding="utf-8")
    put(site, item())
    code, out, err = run_main(site, monkeypatch, capsys, "check")
    assert code == 1 and complaint in err
