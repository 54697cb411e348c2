"""Captions that say what the office means to say (issue 12, item 6): pipeline/check/captions.py.

Each test writes one real item into a project (the real mkdocs.yml, site
`https://dprd.contoh.go.id/`), loads it with the real loader and reads the
exact problems `caption_findings` reports. (The rule cases of tests/cases/
need the hook in rules.py; these call the rules directly.)
"""

from __future__ import annotations

import pytest

from conftest import new_project
from pipeline.check.captions import caption_findings, hashtags, hosts, link_domains, mentions
from pipeline.config import load_config
from pipeline.content.load import load

FOLDER = "content/berita/2026/2026-11-20-rapat-paripurna"
NARRATIVE = ("Rapat paripurna DPRD Kabupaten Contoh membahas rancangan peraturan daerah tentang anggaran. "
             "Seluruh fraksi menyampaikan pandangan umum dan pemerintah daerah memberi jawaban atas "
             "pertanyaan anggota dewan tentang belanja daerah tahun depan.")
LISTED = ("Tautan hanya boleh ke situs di `extra.portal.link_domains` (mkdocs.yml): `dprd.contoh.go.id`, "
          "`go.id`; pembaca bisa dibawa ke situs tiruan. Hapus tautan atau alamat itu, atau minta admin "
          "menambahkan domainnya ke `link_domains` bila memang situs resmi.")


def findings(tmp_path, caption="Rapat paripurna membahas anggaran daerah.", body=NARRATIVE, tags="[apbd]",
             extra=""):
    """(line, rule, message) of every caption problem of one item, and the item."""
    project = new_project(tmp_path / "situs")
    if extra:
        config = project / "mkdocs.yml"
        config.write_text(config.read_text(encoding="utf-8").replace(
            "    social_default:", f"{extra}\n    social_default:", 1), encoding="utf-8")
    folder = project / FOLDER
    folder.mkdir(parents=True)
    (folder / "index.md").write_text(
        "---\n"
        "title: Rapat Paripurna Pembahasan Anggaran\n"
        "date: 2026-11-20\n"
        "category: paripurna\n"
        f"tags: {tags}\n"
        f"caption: {caption}\n"
        "---\n"
        f"{body}\n", encoding="utf-8")
    config = load_config(project)
    item, = load(config).items
    assert item.doc is not None
    return [(p.line, p.rule, p.message) for p in caption_findings(item, item.doc, config)], item


def test_a_plain_item_passes(tmp_path):
    assert findings(tmp_path)[0] == []


def test_links_to_the_site_and_government_sites_pass(tmp_path):
    body = (NARRATIVE + "\n\nBaca [laporan](https://dprd.contoh.go.id/ppid/) dan jdih.kemendagri.go.id, atau "
            "<https://www.kemenkeu.go.id/apbn>. Hadir Drs. H. Ahmad, M.Si., S.Pt., Prof.Dr.Ir.H. Budi pukul 10.00.")
    assert findings(tmp_path, body=body)[0] == []


def test_a_look_alike_domain_in_the_caption_is_an_error(tmp_path):
    found, item = findings(tmp_path, caption="Unduh di https://dprd-kab.go.id.example.com/apbd")
    assert found == [(6, "link-domain", "Caption menautkan ke situs lain: `dprd-kab.go.id.example.com`. Alamat ini "
                                        "hanya meniru alamat resmi: bagian akhirnya, `example.com`, yang menentukan "
                                        "pemilik situsnya. " + LISTED)]
    assert item.rel == f"{FOLDER}/index.md"


def test_a_bare_domain_in_the_narrative_is_an_error_at_its_line(tmp_path):
    found, _ = findings(tmp_path, body=NARRATIVE + "\n\nInfo lengkap di bit.ly/apbd-2027 atau x.com/dprd.")
    assert found == [(10, "link-domain", "Narasi menautkan ke situs lain: `bit.ly`. " + LISTED),
                     (10, "link-domain", "Narasi menautkan ke situs lain: `x.com`. " + LISTED)]


def test_punycode_and_other_scripts_are_named_as_look_alikes(tmp_path):
    found, _ = findings(tmp_path, caption="Lihat https://xn--dprd-contoh-9kb.com dan dprd-contoh.cοm")
    assert found == [
        (6, "link-domain", "Caption menautkan ke situs lain: `xn--dprd-contoh-9kb.com`. Alamat ini memakai huruf "
                           "dari abjad lain (`xn--dprd-contoh-9kb.com`), sehingga dapat tampak seperti alamat resmi "
                           "padahal bukan. " + LISTED),
        (6, "link-domain", "Caption menautkan ke situs lain: `dprd-contoh.cοm`. Alamat ini memakai huruf dari abjad "
                           "lain (`dprd-contoh.xn--cm-jbc`), sehingga dapat tampak seperti alamat resmi padahal "
                           "bukan. " + LISTED)]


@pytest.mark.parametrize("text, host", [
    ("https://dprd.contoh.go.id@evil.example/", "evil.example"),  # the host is after the @
    ("//evil.example/x", "evil.example"),  # scheme-relative
    ('<a href="https://&#101;vil.com">x</a>', "evil.com"),  # an entity the browser decodes
    ("https://evil%2Ecom/", "evil.com"),  # a percent-encoded dot
    ("ｈｔｔｐｓ://ｅｖｉｌ．ｃｏｍ", "evil.com"),  # fullwidth
    ("www.evil.example", "www.evil.example"),  # www. whatever the top-level domain
    ("https://dprd.contoh.go.id:8443/x", "dprd.contoh.go.id"),
])
def test_hosts_are_found_however_written(text, host):
    assert hosts(text) == [host]


@pytest.mark.parametrize("text", ["Drs. H. Ahmad, M.Si. dan Ir. Budi, S.Pt., M.Sc.", "Pukul 10.00 WITA, Rp1.500.000",
                                  "Kab.Contoh, Jl.Merdeka No.12", "humas@dprd.contoh.go.id", "dan/atau"])
def test_abbreviations_numbers_and_emails_are_not_links(text):
    assert hosts(text) == []


def test_link_domains_in_mkdocs_yml_replace_the_default(tmp_path):
    found, _ = findings(tmp_path, caption="Lihat kpu.go.id dan jdih.contoh.go.id",
                        extra="    link_domains: [kpu.go.id]")
    assert found == [(6, "link-domain", "Caption menautkan ke situs lain: `jdih.contoh.go.id`. Tautan hanya boleh "
                      "ke situs di `extra.portal.link_domains` (mkdocs.yml): `dprd.contoh.go.id`, `kpu.go.id`; "
                      "pembaca bisa dibawa ke situs tiruan. Hapus tautan atau alamat itu, atau minta admin "
                      "menambahkan domainnya ke `link_domains` bila memang situs resmi.")]


def test_link_domains_must_be_domain_names(tmp_path):
    project = new_project(tmp_path / "situs")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "    social_default:", "    link_domains: [https://kpu.go.id/]\n    social_default:", 1), encoding="utf-8")
    with pytest.raises(Exception) as error:
        load_config(project)
    assert str(error.value) == ("mkdocs.yml tidak valid:\n  - `extra.portal.link_domains` harus daftar nama domain "
                                "huruf kecil tanpa `https://`, misalnya `[go.id, kpu.go.id]`")


def test_the_default_is_the_site_and_go_id(tmp_path):
    assert link_domains(load_config(new_project(tmp_path / "situs"))) == ("dprd.contoh.go.id", "go.id")


def test_thirty_hashtags_pass_thirty_one_do_not(tmp_path):
    tags = "[" + ", ".join(f"t{n}" for n in range(10)) + "]"  # ten tags become ten hashtags on Instagram
    twenty = " ".join(f"#a{n}" for n in range(20))
    assert findings(tmp_path / "a", caption=f"'Rapat {twenty}'", tags=tags)[0] == []
    found, _ = findings(tmp_path / "b", caption=f"'Rapat {twenty} #lagi'", tags=tags)
    assert found == [(6, "hashtags-too-many", "Unggahan Instagram akan berisi 31 tagar (21 di judul dan caption, 10 "
                      "dari `tags:`); Instagram menolak lebih dari 30 tagar. Kurangi tagar (#...) di caption atau isi "
                      "`tags:`.")]


def test_what_counts_as_a_hashtag():
    assert hashtags("#APBD2027 #1 #dprd_kab a#b &#35; https://x.example/#frag #Rapat") == \
        ["#APBD2027", "#dprd_kab", "#Rapat"]


def test_mentions_are_collected_once_each(tmp_path):
    body = NARRATIVE + "\n\nBersama @bupati_contoh dan @dinas.pupr. Surel: humas@dprd.contoh.go.id, @bupati_contoh."
    _, item = findings(tmp_path, caption="Rapat bersama @dprd_contoh.", body=body)
    assert mentions(item) == ["@dprd_contoh", "@bupati_contoh", "@dinas.pupr"]
