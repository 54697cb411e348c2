"""The user guides (docs/panduan-*.md) stay true to the tool.

docs/panduan-penulis.md shows a complete example item and a template for the
GitHub web editor, each in a fenced block right after an HTML comment naming
where it goes: ``<!-- contoh-lengkap: PATH -->``, ``<!-- templat-web: PATH -->``.
Written there with generated photos, both pass ``portal check --strict``. The
guide's ``portal new`` command creates the example's folder. Every
``portal <subcommand> --option`` quoted in the code of any guide (writer,
reviewer, admin) exists in the real parser, with no list of "not yet"
exceptions: a guide that shows a command the tool lacks fails here. Every
``[rule-code]`` is one the pipeline reports, and the category table is the
one in mkdocs.yml.
"""

from __future__ import annotations

import re
import shlex
import textwrap
from pathlib import Path

import pytest
import yaml
from PIL import Image, ImageDraw

from conftest import REPO, new_project, run_cli
from pipeline.cli import make_parser
from pipeline.config import load_config

DOCS = REPO / "docs"
WRITER = DOCS / "panduan-penulis.md"
GUIDES = [WRITER, DOCS / "panduan-pemeriksa.md", DOCS / "panduan-admin.md"]

_FENCE = re.compile(r"^([ \t]*)(`{3,})[^\n]*\n(.*?)^\1\2[ \t]*$", re.MULTILINE | re.DOTALL)
_MARKED = re.compile(r"<!-- (contoh-lengkap|templat-web): (\S+) -->[ \t]*\n"
                     r"([ \t]*)```(?:markdown|yaml)[ \t]*\n(.*?)^\3```[ \t]*$", re.MULTILINE | re.DOTALL)
_COMMAND = re.compile(r"(?<![\w.-])portal[ \t]+([a-z][a-z-]*)([^\n`]*)")
_OPTION = re.compile(r"(?<!\S)(--[a-z][a-z-]*)")
_RULE = re.compile(r"\[([a-z]+(?:-[a-z]+)+)\]")
_PIL_FORMATS = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WEBP"}


def marked_blocks(path: Path = WRITER) -> dict[str, tuple[str, str]]:
    """{marker: (path in the project, file text)} of the guide's marked blocks."""
    text = path.read_text(encoding="utf-8")
    return {m.group(1): (m.group(2), textwrap.dedent(m.group(4))) for m in _MARKED.finditer(text)}


def code_snippets(path: Path) -> list[str]:
    """Every fenced block and every inline code span of a Markdown file."""
    return code_snippets_of(path.read_text(encoding="utf-8"))


def code_snippets_of(text: str) -> list[str]:
    """Every fenced block and every inline code span of Markdown ``text``."""
    blocks = [m.group(3) for m in _FENCE.finditer(text)]
    prose = _FENCE.sub("", text)
    return blocks + re.findall(r"`([^`\n]+)`", prose)


def front_matter(text: str) -> dict:
    assert text.startswith("---\n"), "the example must start with its front-matter"
    return yaml.safe_load(text.split("\n---\n", 1)[0][4:])


def write_photos(folder: Path, photos: list[dict]) -> None:
    """A real, distinct 1600x1200 photo for each listed file (a long edge of 1,200 px or more, as a camera gives)."""
    for n, photo in enumerate(photos):
        name = photo["file"]
        fmt = _PIL_FORMATS.get(Path(name).suffix.lower())
        assert fmt, f"give the guide's example photos a .jpg, .png or .webp name, not {name}"
        image = Image.new("RGB", (1600, 1200), (40 + 50 * n, 90, 160))
        ImageDraw.Draw(image).rectangle((100, 100, 500 + 50 * n, 500), fill=(230, 200, 60))
        image.save(folder / name, fmt)


def install(project: Path, rel: str, text: str) -> Path:
    target = project / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    write_photos(target.parent, front_matter(text)["photos"])
    return target


@pytest.mark.parametrize("marker", ["contoh-lengkap", "templat-web"])
def test_guide_examples_pass_the_check(tmp_path, marker):
    blocks = marked_blocks()
    assert marker in blocks, f"docs/panduan-penulis.md has no block marked <!-- {marker}: PATH -->"
    rel, text = blocks[marker]
    assert re.fullmatch(r"content/berita/\d{4}/\d{4}-\d\d-\d\d-[a-z0-9-]+/index\.md", rel), rel
    project = new_project(tmp_path / "site")
    install(project, rel, text)
    today = str(front_matter(text)["date"])  # day H: neither late nor in the future
    result = run_cli(project, "check", "--strict", today=today)
    if marker == "templat-web":
        # The template's placeholders are flagged until the editor replaces them, and
        # nothing else is wrong with it.
        problems = [line.split(" galat ")[1].split("]")[0] for line in result.stdout.splitlines()[:-1]]
        assert problems == ["[template-text"] * 5, result.stdout
        assert result.stdout.splitlines()[-1] == "5 galat dan 0 peringatan di 1 berkas; 1 berita dan 0 halaman diperiksa."
        return
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == "Tidak ada masalah: 1 berita dan 0 halaman diperiksa.\n"


def test_the_guides_portal_new_creates_the_example_folder(tmp_path):
    rel, text = marked_blocks()["contoh-lengkap"]
    commands = [line.strip() for block in code_snippets(WRITER) for line in block.splitlines()
                if line.strip().startswith("portal new ") and "YYYY" not in line]
    assert commands, "docs/panduan-penulis.md shows no runnable `portal new` command"
    project = new_project(tmp_path / "site")
    result = run_cli(project, *shlex.split(commands[0])[1:], today=str(front_matter(text)["date"]))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == f"Berita baru dibuat: {rel}"
    # The example replaces the template in that folder (as the guide says) and passes.
    install(project, rel, text)
    result = run_cli(project, "check", "--strict", str(Path(rel).parent), today=str(front_matter(text)["date"]))
    assert result.returncode == 0, result.stdout + result.stderr


def _subcommands() -> dict:
    return make_parser()._subparsers._group_actions[0].choices


def unknown_commands(text: str, commands: dict) -> tuple[list[str], list[str]]:
    """(every `portal <subcommand>` quoted in the code of Markdown ``text``, those the parser lacks).

    A subcommand must be one of ``commands`` and each of its ``--options`` one of
    that subcommand's own, spelled out in full (argparse would accept a prefix).
    """
    seen, wrong = [], []
    for snippet in code_snippets_of(text):
        for match in _COMMAND.finditer(snippet):
            name, rest = match.groups()
            seen.append(name)
            if name not in commands:
                wrong.append(f"portal {name}")
                continue
            options = commands[name]._option_string_actions
            wrong.extend(f"portal {name} {option}" for option in _OPTION.findall(rest) if option not in options)
    return seen, wrong


@pytest.mark.parametrize("guide", GUIDES, ids=lambda p: p.name)
def test_every_portal_command_in_the_guides_exists(guide):
    seen, wrong = unknown_commands(guide.read_text(encoding="utf-8"), _subcommands())
    assert seen, f"{guide.name} quotes no portal command"
    assert wrong == [], f"{guide.name} shows commands or options the parser does not have: {wrong}"


def test_a_command_missing_from_the_parser_fails_the_guide_check():
    # The check itself must bite: without `preview` in the parser (as once happened,
    # unnoticed), the reviewer guide's `portal preview --changed-since` is reported.
    commands = {name: action for name, action in _subcommands().items() if name != "preview"}
    text = ("Jalankan `portal preview --changed-since origin/main`.\n\n"
            "```sh\nportal check --strict --no-such-option content/berita\n```\n")
    seen, wrong = unknown_commands(text, commands)
    assert seen == ["check", "preview"]
    assert wrong == ["portal check --no-such-option", "portal preview"]


@pytest.mark.parametrize("guide", GUIDES, ids=lambda p: p.name)
def test_every_rule_code_in_the_guides_exists(guide):
    source = "\n".join(p.read_text(encoding="utf-8") for p in (REPO / "pipeline").rglob("*.py"))
    for snippet in code_snippets(guide):
        for code in _RULE.findall(snippet):
            assert f'"{code}"' in source, f"{guide.name}: rule `{code}` is not reported by the pipeline"


def test_the_category_table_is_the_configured_list():
    text = WRITER.read_text(encoding="utf-8")
    assert "<!-- daftar-kategori -->" in text
    table = text.split("<!-- daftar-kategori -->", 1)[1].strip().split("\n\n", 1)[0]
    rows = dict(re.findall(r"^\| `([a-z0-9-]+)` \| ([^|]+?) \|$", table, re.MULTILINE))
    assert rows == load_config(REPO).categories


def test_the_readme_links_the_guides():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Untuk penulis berita", 1)[1].split("\n## ", 1)[0]
    for name in ("panduan-penulis.md", "panduan-pemeriksa.md", "panduan-admin.md"):
        assert f"(docs/{name})" in section, f"README.md's editor section does not link docs/{name}"
    for guide in GUIDES:
        assert guide.is_file()


def test_the_guides_links_resolve():
    for guide in GUIDES:
        for target in re.findall(r"\]\(([^)#:\s]+\.md)\)", guide.read_text(encoding="utf-8")):
            assert (DOCS / target).is_file(), f"{guide.name} links to {target}, which does not exist"

