"""Whatever ``portal check`` accepts, ``portal build`` renders (issue 10).

Each input below is an adversarial Markdown narrative (deep nesting, long runs of
brackets, braces, backticks or ``<``, look-alikes of the stage's markers) wrapped
between two sentinel words, in a copy of a sample item. The check must either
refuse it with the named rules, or accept it; everything it accepts is built in
one site, and each article must show its narrative up to the closing sentinel,
with the same full text in the search index (a forged marker once cut it).

Times are measured in ``benchmarks/adversarial.py``, never asserted here.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import pytest

from conftest import REPO, listed_jpeg

SAMPLE = REPO / "content/berita/2026/2026-11-12-rdp-komisi-iv-dinas-kesehatan-layanan-puskesmas"
TODAY = "2026-11-12"
WORDS = ("Komisi IV DPRD Kabupaten Contoh menggelar rapat dengar pendapat dengan Dinas Kesehatan tentang "
         "layanan puskesmas. Rapat membahas jam buka, ketersediaan obat, antrean pasien, dan tindak lanjut "
         "aduan warga yang disampaikan pada masa reses sebelumnya.")


def _nested_list(depth: int) -> str:
    return "".join("    " * level + f"- tingkat {level + 1}\n" for level in range(depth))


# name: (adversarial Markdown, rules the check refuses it with; empty = accepted and built)
INPUTS: dict[str, tuple[str, set[str]]] = {
    "list-100-deep": (_nested_list(100), {"nesting-too-deep"}),
    "list-6-deep": (_nested_list(6), set()),
    "quote-300-deep": ("> " * 300 + "kutipan\n", {"nesting-too-deep"}),
    "quote-6-deep": ("> " * 6 + "kutipan\n", set()),
    "markers-on-one-line": ("- " * 500 + "butir\n", {"nesting-too-deep"}),
    "ordered-markers": ("1. " * 400 + "butir\n", {"nesting-too-deep"}),
    "brackets-20k": ("[" * 20_000 + "\n", {"line-too-long", "markup-run"}),
    "brackets-many-lines": (("[" * 60 + "\n") * 40, {"markup-run"}),
    "brackets-20": ("[" * 20 + " teks\n", set()),
    "nested-brackets": ("[" * 20 + "a" + "]" * 20 + "\n", set()),
    "link-parens-open": ("[a](" * 20 + "\n", set()),
    "angles-run": (("<a " * 600 + "\n") * 2, {"markup-run"}),
    "angles-lines": (("<a b\n") * 100, {"markup-run"}),
    "angles-40": ("nilai a < b " * 40 + "\n", set()),
    "comments-run": ("<!--" * 300 + "\n", {"markup-run"}),
    "braces-6k-line": ("{" + " " * 6000 + "x\n", {"line-too-long"}),
    "braces-long": ("{" + " " * 1900 + "x}\n", set()),
    "braces-run": ("{" * 1999 + "\n", set()),
    "backticks-6k-line": ("`" * 6000 + "\n", {"line-too-long"}),
    "backticks-run": ("`" * 1999 + "\n", set()),
    "backtick-pairs": ("` `` " * 399 + "\n", set()),
    "hashes": ("# " + "#" * 1900 + " x\n", set()),
    "spaces-heading": ("# a" + " " * 1900 + "b #\n", set()),
    "autolink-run": ("<a:" * 600 + "\n", {"markup-run"}),
    "ampersands": ("&#" * 999 + "\n", set()),
    "backslashes": ("\\" * 1999 + "\n", set()),
    "divs-nested": ("<div>" * 15 + "isi" + "</div>" * 15 + "\n", set()),
    "emphasis-run": ("*_" * 999 + "\n", set()),
    "table-pipes": ("a|b\n-|-\n" + "|" * 1999 + "\n", set()),
    "oversized": (("Rapat dilanjutkan dengan pembahasan anggaran daerah. " * 30 + "\n\n") * 45,
                  {"narrative-too-large"}),
    # At the limits, 60 KB each: the slowest shapes the check accepts (see benchmarks/adversarial.py).
    "limit-brackets": ("[" * 20 + "\n" + (("kata biasa " * 181)[:1990] + "\n") * 30, set()),
    "limit-emphasis": (("*_" * 999 + "\n") * 30, set()),
    "limit-backslashes": (("\\" * 1999 + "\n") * 30, set()),
    # Look-alikes of the stage's markers: text, never structure.
    "marker-raw-token": ("portalraw0portalraw\n", set()),
    "marker-raw-token-new": ("portalrawxn0\n\nportaltextx\n", set()),
    "marker-raw-comment": ("<!--portal:raw-->\n<b>isi</b>\n<!--/portal:raw-->\n", set()),
    "marker-text-end": ("<!--/portal:text-->\n", set()),
    "marker-text-start": ("<!--portal:text-->\n", set()),
    "marker-private-use": ("sebelum\ue000sesudah \ue000\n", set()),
    "comment-unclosed": ("<!-- komentar tanpa penutup\n", set()),
}


def _key(name: str) -> str:
    return name.replace("-", "")


def _body(name: str) -> str:
    """The narrative: a sentinel, plain words, the adversarial part, more words, the closing sentinel."""
    markdown, _ = INPUTS[name]
    return (f"Awal{_key(name)} {WORDS}\n\n{markdown}\n{WORDS} Akhir{_key(name)}\n")


def _slug(name: str) -> str:
    return f"uji-{name}"


def _write_item(project, name: str) -> None:
    """A copy of the sample item's front-matter (without its id) and plain one-colour photos (fast to encode)."""
    folder = project / "content/berita/2026" / f"{TODAY}-{_slug(name)}"
    folder.mkdir(parents=True)
    text = (SAMPLE / "index.md").read_text(encoding="utf-8")
    front, _ = text[4:].split("\n---\n", 1)
    front = "\n".join(line for line in front.split("\n") if not line.startswith("id:"))
    for photo in re.findall(r"file: (\S+)", front):
        (folder / photo).write_bytes(listed_jpeg(photo))  # distinct, large enough for `photo-small`
    (folder / "index.md").write_text(f"---\n{front}\n---\n{_body(name)}", encoding="utf-8")


def _project(path, names) -> object:
    path.mkdir(parents=True)
    shutil.copy(REPO / "mkdocs.yml", path / "mkdocs.yml")
    shutil.copytree(REPO / "overrides", path / "overrides")
    for name in names:
        _write_item(path, name)
    return path


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    """Every input in one project, checked once (as CI runs it): {name: {(rule, severity), ...}}."""
    project = _project(tmp_path_factory.mktemp("adversarial") / "site", INPUTS)
    result = subprocess.run([sys.executable, "-m", "pipeline", "check", "--format", "json"], cwd=project,
                            capture_output=True, text=True, encoding="utf-8", timeout=600,
                            env={**os.environ, "PORTAL_TODAY": TODAY, "PYTHONIOENCODING": "utf-8"})
    assert result.stderr == "", result.stderr
    rules: dict[str, set[str]] = {name: set() for name in INPUTS}
    by_slug = {_slug(name): name for name in INPUTS}
    for problem in json.loads(result.stdout):
        slug = re.search(r"/\d{4}-\d{2}-\d{2}-([^/]+)/", problem["file"]).group(1)
        rules[by_slug[slug]].add((problem["rule"], problem["severity"]))
    return rules


@pytest.mark.parametrize("name", list(INPUTS))
def test_check_refuses_or_accepts(checked, name):
    _, refused = INPUTS[name]
    assert checked[name] == {(rule, "error") for rule in refused}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The accepted inputs, built into one site."""
    accepted = [name for name, (_, refused) in INPUTS.items() if not refused]
    project = _project(tmp_path_factory.mktemp("adversarial-build") / "site", accepted)
    result = subprocess.run([sys.executable, "-m", "pipeline", "build"], cwd=project, capture_output=True,
                            text=True, encoding="utf-8", timeout=900,
                            env={**os.environ, "PORTAL_TODAY": TODAY, "PYTHONIOENCODING": "utf-8"})
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    index = json.loads((project / "site/search/search_index.json").read_text(encoding="utf-8"))
    entries = {doc["location"]: doc for doc in index["docs"]}
    return project / "site", entries


@pytest.mark.parametrize("name", [name for name, (_, refused) in INPUTS.items() if not refused])
def test_accepted_input_is_published_whole(built, name):
    site, entries = built
    url = f"berita/2026/{_slug(name)}/"
    page = (site / url / "index.html").read_text(encoding="utf-8")
    article = page.split("<article", 1)[-1]
    for word in (f"Awal{_key(name)}", f"Akhir{_key(name)}"):
        assert word in article, f"{word} missing from the article page"
    entry = entries.get(url)
    assert entry is not None, f"no search entry for {url}"
    assert f"Awal{_key(name)}" in entry["text"] and f"Akhir{_key(name)}" in entry["text"]
    assert WORDS.split()[-1] in entry["text"]
    if name.startswith("marker-raw-token"):
        # The look-alike is the editor's text and stays text.
        literal = _body(name).split("\n\n")[1].split("\n")[0]
        assert literal in article and literal in entry["text"]
