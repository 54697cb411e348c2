"""The portal plugin's stand-in for Material's translation macro (issue 11): same texts, each worked out once.

A mechanism test (timings live in benchmarks/site_scale.py); that the built
site stays byte-identical is checked by building before and after.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import material
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader

from pipeline.site.mkdocs_plugin import _LANGUAGE, _translations

TEMPLATES = Path(material.__file__).parent / "templates"
KEYS = ("action.skip", "search.placeholder", "nav", "tabs", "header", "toc", "footer.next", "no.such.key")


def environment() -> Environment:
    """Material's templates as the plugin's on_env arranges them (also under ``material/``)."""
    return Environment(loader=ChoiceLoader([FileSystemLoader(str(TEMPLATES)),
                                            PrefixLoader({"material": FileSystemLoader(str(TEMPLATES))})]))


def test_each_text_is_materials_and_the_language_file_is_read_once():
    config = SimpleNamespace(theme=SimpleNamespace(language="id"))
    env = environment()
    material_t = env.get_template("partials/language.html").make_module({"config": config}).t
    asked: list[str] = []
    get_template = env.get_template
    env.get_template = lambda name, *args, **kwargs: asked.append(name) or get_template(name, *args, **kwargs)
    portal_t = _translations(env, config)

    for _ in range(3):
        assert [portal_t(key) for key in KEYS] == [str(material_t(key)) for key in KEYS]
    # Once, on the first call: the macro module and the two language files it imports.
    assert asked == ["material/partials/language.html", "partials/languages/id.html", "partials/languages/en.html"]
    assert portal_t("search.placeholder") == "Cari"
    assert portal_t("no.such.key") == "no.such.key"  # Material's fallback: the key itself


def test_the_stand_in_macro_prints_what_materials_prints():
    config = SimpleNamespace(theme=SimpleNamespace(language="id"))
    env = environment()
    env.globals["portal_t"] = _translations(env, config)
    ours = env.from_string(_LANGUAGE).make_module({"config": config})
    theirs = env.get_template("partials/language.html").make_module({"config": config})
    for key in KEYS:
        assert str(ours.t(key)) == str(theirs.t(key))
