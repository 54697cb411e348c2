"""The safe front-matter reader: values, line numbers and what it refuses."""

import datetime as dt

import pytest

from pipeline.content.frontmatter import read_document


def read(text: str):
    return read_document(text.encode("utf-8"))


def test_values_and_lines_are_in_file_coordinates():
    doc, issues = read("---\ntitle: Halo\ndate: 2026-11-20\nphotos:\n  - file: a.jpg\n    alt: Satu dua tiga\n"
                       "---\nNarasi\n")
    assert issues == []
    assert doc.meta == {"title": "Halo", "date": dt.date(2026, 11, 20),
                        "photos": [{"file": "a.jpg", "alt": "Satu dua tiga"}]}
    assert doc.line_of("title") == 2
    assert doc.line_of("photos", 0, "alt") == 6
    assert doc.line_of("photos", 0, "missing") == 5  # falls back to the parent
    assert doc.body == "Narasi\n"
    assert doc.body_line == 8


def test_keys_stay_text_and_quoted_values_stay_text():
    doc, _ = read('---\nyes: 1\non: "2026-11-20"\n---\n')
    assert doc.meta == {"yes": 1, "on": "2026-11-20"}


def test_impossible_date_is_kept_as_text_for_the_schema_to_explain():
    doc, issues = read("---\ndate: 2026-02-30\n---\n")
    assert issues == [] and doc.meta["date"] == "2026-02-30"


def test_every_duplicate_and_tag_is_reported_in_one_pass():
    doc, issues = read("---\ntitle: a\ntitle: b\ndate: !!str 2026\nx: 1\nx: 2\n---\n")
    assert [(i.line, i.rule) for i in issues] == [(3, "yaml-duplicate-key"), (4, "yaml-tag"),
                                                  (6, "yaml-duplicate-key")]
    assert doc.meta["title"] == "a"


def test_anchor_without_alias_is_refused():
    doc, issues = read("---\na: &x 1\n---\n")
    assert doc is None and [(i.line, i.rule) for i in issues] == [(2, "yaml-alias")]


def test_a_second_yaml_document_is_refused():
    doc, issues = read("---\na: 1\n...\n---\nb: 2\n---\n")
    # `...` closes the front-matter; what follows is the body.
    assert issues == [] and doc.meta == {"a": 1} and doc.body.startswith("---")


@pytest.mark.parametrize("text, rule", [
    ("---\n- a\n- b\n---\n", "frontmatter-not-mapping"),
    ("---\na: [1, 2\n---\n", "yaml-syntax"),
    ("judul saja\n", "frontmatter-missing"),
])
def test_refusals(text, rule):
    doc, issues = read(text)
    assert doc is None and [i.rule for i in issues] == [rule]


def test_syntax_error_message_names_the_file_line():
    _, issues = read("---\ntitle: ok\ncaption: \"tidak ditutup\n---\n")
    assert issues[0].line == 3
    assert issues[0].message.startswith("YAML tidak valid di baris 3")
