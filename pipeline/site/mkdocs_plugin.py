"""The ``portal`` MkDocs plugin (``plugins: [portal]``): the last wall before HTML is written.

1. Front-matter text becomes escaped ``Markup``: MkDocs renders templates
   without autoescaping, and Material prints ``page.meta.title`` raw in the
   header. As Markup, raw output is escaped and ``| e`` does not double it.
2. The HTML blocks the stage already rendered (between its ``RAW_START`` and
   ``RAW_END`` markers) skip Markdown: parsing them again was a third of
   MkDocs' time at 1,000 items. They come back verbatim after rendering.
   The markers and placeholders carry the stage's per-process random
   ``MARKER``, so no content can forge them.
3. Every page's HTML is sanitized with an allowlist (nh3, the Ammonia
   sanitizer) *after* Markdown rendering, so raw HTML or attribute-list
   tricks that slipped past ``portal check`` cannot reach the site; the
   returned blocks are sanitized with the rest. Content cannot clobber the
   theme's DOM (issue 10: ``<p id="__config">`` ran a script through
   Material's ``querySelector``): every id, generated heading anchors too
   (``slugify``), starts with ``ID_PREFIX``, same-site links follow it,
   ``name`` is dropped, ``class`` only from the stage templates' own
   classes. Images load only from the site: a ``src``/``srcset`` with a
   scheme or a host is dropped (a picture swapped after review, a tracking
   pixel); links to other sites stay.
4. An article goes into Material's search index as one entry of what a
   reader searches for (details line, narrative, tags), taken from the part
   of the page between the stage's ``TEXT_START`` and ``TEXT_END``. Material's own
   indexer re-parses every page with Python's HTMLParser (a fifth of the
   build at 1,000 items) and also indexed the credits, share and pager links.
5. ``portal_memo`` (a template global) renders a block once per place and
   reuses it: on the pages outside the nav, the theme's navigation, config
   and scripts differ only by their relative links, the same from every
   page with the same depth sharing the same leading folders with each nav
   page. Material's
   nav alone was a fifth of the template time at 1,000 items
   (overrides/partials/nav.html); its tabs are memoised the same way
   (``block tabs`` in overrides/main.html), and its header (a sixth), which
   also shows the page's title: rendered once with a stand-in, each page's
   title put in its place. Material's translation macro
   gives way to ``portal_t`` (see ``on_env``).
6. ``portal build`` hands it the staged pages (``generated``), added as
   in-memory files, and the photo variants (``links``), hard-linked into the
   site on a thread while MkDocs renders the pages (30,000 links at 1,000
   items; the system calls release the GIL).

7. With ``csp`` set (``portal build`` sets it; ``portal serve`` does not:
   MkDocs' live reload injects an inline script), every HTML page gets its
   Content-Security-Policy (``pipeline.site.csp``) as MkDocs writes it: a pass
   over the written site cost 0.5 s at 1,000 items, mostly the second write.
   ``run_mkdocs`` then gives any HTML file not seen here (``with_csp``) its
   policy too.
8. With ``parallel`` set (``portal build`` sets it), the articles are built
   on two processes (``pipeline.site.split``): after the nav, each process
   stubs the other's articles (no Markdown, no template, nothing written).
"""

from __future__ import annotations

import functools
import html as htmllib
import os
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, DictLoader, FileSystemLoader, PrefixLoader
from markupsafe import Markup, escape
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File

from pipeline import forked
from pipeline.site import csp, prune, sitemap, split
from pipeline.site.sanitize import ID_PREFIX, TEXT_KEYS, prefixed, sanitize, search_entry_text, slugify  # noqa: F401 (re-exported)
from pipeline.site.stage import MARKER, RAW_END, RAW_START, TEXT_END, TEXT_START

RAW = re.compile(re.escape(RAW_START) + r"\n(.*?)\n" + re.escape(RAW_END), re.DOTALL)
TOKEN = f"portalraw{MARKER}n{{}}"
TOKEN_P = re.compile(rf"<p>portalraw{MARKER}n(\d+)</p>")
# The search text's bounds survive sanitizing (which drops comments) as text.
MARK = f"portaltext{MARKER}"
# What a character of an article costs to build beside one of a list page: Markdown
# parses an article's narrative, a list's HTML skips it (measured at 1,000 items).
ARTICLE_COST = 2
# What a memoised block holds in place of the page's title (per process: no content can forge it).
TITLE_STANDIN = f"portaltitle{MARKER}"
# The template of the other process's articles: it renders nothing, so MkDocs writes nothing.
SKIP_TEMPLATE = "portal/skip.html"

class PortalPlugin(BasePlugin):
    """Escape front-matter text for the theme; sanitize every page's HTML."""

    def __init__(self):
        self.raw: dict[str, list[str]] = {}
        self.search_index: Any = None  # Material's SearchIndex, when its search plugin is on (untyped)
        self._nav = None
        self.generated: dict[str, str] = {}
        self.links: dict[str, Path] = {}
        self._linker: threading.Thread | None = None
        self._link_error: BaseException | None = None
        self.csp = False
        self.with_csp: set[str] = set()  # the HTML files given their policy, as normalised paths
        # The pages whose content went through the cleaner (site-relative POSIX paths): run_mkdocs
        # refuses a site with any other HTML file outside sanitize.THEME_PAGES.
        self.sanitized: set[str] = set()
        self.parallel = False  # build the articles on two processes (split.py)
        self._split: split.Split | None = None

    def on_config(self, config):
        from material.plugins.search.plugin import SearchPlugin

        search = next((p for p in config.plugins.values() if isinstance(p, SearchPlugin)), None)
        self.search_index = search.search_index if search and search.config.enabled else None
        # Here rather than in mkdocs.yml: mkdocs.yml stays plain YAML, and no
        # config can leave the headings' anchors in the theme's id namespace.
        config.mdx_configs.setdefault("toc", {})["slugify"] = slugify

    def on_nav(self, nav, config, files):
        self._nav = nav
        if self.parallel and self.generated:
            in_nav = {page.file.src_uri for page in nav.pages}
            articles, others = {}, 0
            for file in files.documentation_pages():
                text = self.generated.get(file.src_uri)
                if text is not None and TEXT_START in text and file.src_uri not in in_nav:
                    articles[file.src_uri] = len(text) * ARTICLE_COST
                elif text is not None:  # a page of the stage's lists: its HTML skips Markdown
                    others += len(text)  # (the static pages are a handful of short ones)
            self._split = split.start(articles, others)
            if self._split is not None:
                for file in files.documentation_pages():
                    if not self._split.mine(file.src_uri):
                        file.content_string = ""  # the other process's article: nothing to read here
        # After the fork (a thread does not survive one), before the first page is written.
        if self.links and not self._helper:
            self._linker = threading.Thread(target=self._link, args=(Path(config.site_dir),), daemon=True)
            self._linker.start()
        return nav

    def leave_if_helper(self) -> None:
        """In a helper process that MkDocs left without finishing (an interrupt): exit, failed."""
        if self._helper:
            self._split.fail(RuntimeError("build dihentikan"))  # type: ignore[union-attr]

    @property
    def _helper(self) -> bool:
        return self._split is not None and self._split.helper

    def _stub(self, page) -> bool:
        """``page`` is an article the other process builds."""
        return self._split is not None and not self._split.mine(page.file.src_uri)

    def on_env(self, env, config, files):
        import material

        # Material's templates stay reachable as "material/..." under our
        # overrides of the same name.
        templates = Path(material.__file__).parent / "templates"
        # Material's translation macro (partials/language.html: every call builds a dict of all its
        # strings, dozens of calls per page) gives way to portal_t, each key's text worked out once
        # per build by that same macro; a partials/language.html in custom_dir still comes first.
        custom = [FileSystemLoader(config.theme.custom_dir)] if config.theme.custom_dir else []
        env.loader = ChoiceLoader([*custom, DictLoader({"partials/language.html": _LANGUAGE, SKIP_TEMPLATE: ""}), env.loader,
                                   PrefixLoader({"material": FileSystemLoader(str(templates))})])
        env.globals["portal_t"] = _translations(env, config)
        memo: dict[str, Markup] = {}  # per build: the nav may change between serve rebuilds
        # Where the memoised blocks link to: the nav's pages, Material's assets, the search index.
        targets = [p.url for p in self._nav.pages] + ["assets/", "search/"] if self._nav else ["assets/", "search/"]

        def portal_memo(name: str, page, render, title: str | None = None) -> Markup:
            if page is None:  # a theme template such as 404.html, with absolute links
                return Markup(render())
            key = f"{name} {_place(page.url, targets)}"
            if key not in memo:
                if title is None:
                    memo[key] = Markup(render())
                else:  # rendered once with a stand-in for the page's title, which each page puts in
                    page.meta["title"] = Markup(TITLE_STANDIN)
                    try:
                        memo[key] = Markup(render())
                    finally:
                        page.meta["title"] = title
            return memo[key] if title is None else Markup(memo[key].replace(TITLE_STANDIN, str(title)))

        env.globals["portal_memo"] = portal_memo
        if self._helper:  # the main process copies the theme's files and renders its templates
            config.theme.static_templates.clear()
            for file in list(files.static_pages()):
                files.remove(file)
        return env

    def on_files(self, files, config):
        for name, text in self.generated.items():
            files.append(File.generated(config, name, content=text))
        return files

    def _link(self, site: Path) -> None:
        from pipeline.site.stage import link_files

        try:
            link_files(site, self.links)
        except BaseException as exc:  # re-raised in on_post_build, on MkDocs' thread
            self._link_error = exc

    @event_priority(100)  # before the search plugin writes its index: the helper's entries go in it
    def _collect(self, config):
        if self._split is None:
            return
        if self._split.helper:
            entries = self.search_index.entries if self.search_index is not None else []
            self._split.finish({"entries": entries, "sanitized": sorted(self.sanitized),
                                "with_csp": sorted(self.with_csp)})
        try:
            payload = self._split.collect()
        except forked.ChildFailed as exc:
            from mkdocs.exceptions import PluginError

            raise PluginError(f"Proses pembantu build gagal: {exc}") from None
        self.sanitized.update(payload["sanitized"])
        self.with_csp.update(payload["with_csp"])
        if self.search_index is not None:  # each page's entries where a one-process build puts them
            pages: dict[str, list[dict]] = {}
            for entry in payload["entries"]:
                pages.setdefault(entry["location"].split("#", 1)[0], []).append(entry)
            # Last place first: the earlier places stay where they were (positions only grow in build order).
            for url, at in reversed(self._split.places.items()):
                self.search_index.entries[at:at] = pages.get(url, [])
        self._split = None

    def _finish(self, config):
        if self.generated:  # portal build (portal serve stages into docs_dir: no dates needed there)
            sitemap.rewrite(Path(config.site_dir), sitemap.lastmods(self.generated), config.site_url)
            prune.prune_theme_files(Path(config.site_dir))
        if self._linker is not None:
            self._linker.join()
            self._linker = None
            if self._link_error is not None:
                error, self._link_error = self._link_error, None
                raise error

    on_post_build = CombinedEvent(_collect, _finish)

    def on_build_error(self, error):
        if self._split is not None:
            if self._split.helper:
                self._split.fail(error)  # exits
            self._split.abandon()
            self._split = None
        if self._linker is not None:
            self._linker.join()
            self._linker = None

    def on_pre_page(self, page, config, files):
        if self._stub(page):  # no Markdown() for a page this process does not build (a fifth of a page's time)
            page.render = functools.partial(_render_stub, page)
        return page

    def on_page_markdown(self, markdown, page, config, files):
        if self._stub(page):
            page.meta = {"template": SKIP_TEMPLATE, "search": {"exclude": True}}
            return markdown
        for key in TEXT_KEYS:
            value = page.meta.get(key)
            if isinstance(value, str) and not isinstance(value, Markup):
                page.meta[key] = escape(value)
        blocks: list[str] = []

        def hold(match):
            blocks.append(match.group(1))
            return f"\n\n{TOKEN.format(len(blocks) - 1)}\n\n"

        markdown = RAW.sub(hold, markdown)
        self.raw[page.file.src_uri] = blocks
        if self.search_index is not None and any(TEXT_START in block for block in blocks):
            page.meta["search"] = {"exclude": True}  # indexed in on_page_content instead
        return markdown

    def on_post_page(self, output, page, config):
        if not self.csp or self._stub(page):
            return output
        self.with_csp.add(os.path.normpath(page.file.abs_dest_path))
        return csp.add_meta(output)

    def on_post_template(self, output_content, template_name, config):
        if not self.csp or not template_name.endswith(".html"):  # 404.html; not sitemap.xml
            return output_content
        self.with_csp.add(os.path.normpath(os.path.join(config.site_dir, template_name)))
        return csp.add_meta(output_content)

    def on_page_content(self, html, page, config, files):
        if self._stub(page):  # not rendered here (_render_stub): its anchors are not checked in this process
            if self.search_index is not None and not self._helper:  # the helper's entries go here, in order
                self._split.places[page.url] = len(self.search_index.entries)  # type: ignore[union-attr]
            return html
        blocks = self.raw.pop(page.file.src_uri, [])
        html = TOKEN_P.sub(lambda m: blocks[int(m.group(1))], html)
        html = sanitize(html.replace(TEXT_START, MARK).replace(TEXT_END, MARK))
        self.sanitized.add(page.file.dest_uri)
        _prefix_toc(page.toc)
        if MARK in html:
            before, text, after = html.split(MARK, 2)
            html = before + text + after
            if self.search_index is not None:
                self._index(page, text)
        return html

    def _index(self, page, text: str) -> None:
        # The entry Material's indexer would make for a page without headings,
        # in its format (title and text escaped, text keeping p/ul/ol tags).
        text = search_entry_text(text)
        title = str(page.meta.get("title") or page.title or "")
        entry = {"location": page.url, "title": htmllib.escape(Markup(title).unescape(), quote=False),
                 "text": text}
        tags = page.meta.get("tags")
        if isinstance(tags, list):
            entry["tags"] = [str(tag) for tag in tags if isinstance(tag, (str, int, float, bool)) and tag]
        self.search_index.entries.append(entry)


_LANGUAGE = "{% macro t(key) %}{{ portal_t(key) }}{% endmacro %}"


def _translations(env, config) -> Callable[[str], str]:
    """Material's ``t(key)`` (``material/partials/language.html``), each key's text computed once."""
    texts: dict[str, str] = {}
    language: list[Any] = []  # the macro module, made at the first call (after on_env)

    def portal_t(key: str) -> str:
        if key not in texts:
            if not language:
                language.append(env.get_template("material/partials/language.html").make_module({"config": config}))
            texts[key] = str(language[0].t(key))
        return texts[key]

    return portal_t


def _render_stub(page, config, files) -> None:
    """``Page.render`` of an article the other process builds: no content, no anchors."""
    from mkdocs.structure.toc import get_toc

    page.content, page.toc = "", get_toc([])


def _prefix_toc(toc) -> None:
    # The sanitizer prefixed every id in the page (an id given by attr_list,
    # say, skips slugify): the table of contents must link to the same ids.
    for entry in toc or ():
        entry.id = prefixed(entry.id)
        _prefix_toc(entry.children)


def _place(url: str, targets: list[str]) -> str:
    """What the relative link from the page at ``url`` to each of ``targets`` depends on.

    Its depth, and how many leading folders it shares with each target.
    """
    folders = url.split("/")[:-1]
    shared = []
    for target in targets:
        parts, n = target.split("/")[:-1], 0
        while n < len(parts) and n < len(folders) and parts[n] == folders[n]:
            n += 1
        shared.append(str(n))
    return f"{len(folders)}:{','.join(shared)}"
