"""Shared helpers of the browser, feed and page-weight checks.

- ``sample_site``: the repo's site project copied and built once per test
  session, shared by every module and every xdist worker (a file lock makes
  the first worker build it; the others wait and reuse it): a cold build
  encodes 45 photos, ~20 s.
- ``serve``: ``site/`` on 127.0.0.1 (a free port), missing paths answered
  with ``404.html`` and status 404, as the production host does.
- ``launch``: Debian's Chromium (``/usr/bin/chromium``, or ``$CHROMIUM``)
  driven by Playwright; never a downloaded browser.
- ``Watch``: every request, failed request, HTTP error, console error and
  page error of a browser context, for the "nothing broken, nothing
  third-party" assertions.
- ``sample_items``: the sample items read straight from ``content/`` (not
  through the pipeline), for expected values.
- ``hostile_project`` / ``build_unchecked``: a small project of items with
  the narratives a test gives, built *without* ``portal check``'s refusal:
  what the portal plugin alone lets through to the site.
- ``CSP_WATCH`` / ``csp_violations``: every Content-Security-Policy
  violation a page reports (an init script, which the page's policy does
  not govern).
- ``missing_tool`` (from conftest, shared by every test that needs a tool):
  skip on a developer machine, fail under ``CI=true``.
- a ``pytest_runtest_makereport`` hook (this module is a pytest plugin of
  test_browser.py) so a failing browser test leaves
  ``test-artifacts/<test>.png``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import gzip
import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from conftest import missing_tool  # noqa: F401 - re-exported for the browser tests

REPO = Path(__file__).resolve().parent.parent
TESTS = REPO / "tests"
ARTIFACTS = REPO / "test-artifacts"
AXE = TESTS / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--no-first-run", "--disable-sync", "--disable-quic"]
TODAY = "2026-11-21"  # PORTAL_TODAY of the builds: the sample's newest item is H-1, no date warnings change
SITE_URL = "https://dprd.contoh.go.id/"
PHONE = {"width": 412, "height": 915}
DESKTOP = {"width": 1366, "height": 900}


# --------------------------------------------------------------------------- content

@dataclass
class SampleItem:
    folder: Path
    meta: dict
    body: str

    @property
    def slug(self) -> str:
        return self.folder.name[11:]

    @property
    def date(self) -> dt.date:
        return self.meta["date"]

    @property
    def path(self) -> str:
        """Site path, ``berita/<YYYY>/<slug>/``."""
        return f"berita/{self.date.year}/{self.slug}/"

    @property
    def url(self) -> str:
        return SITE_URL + self.path

    @property
    def title(self) -> str:
        return self.meta["title"]

    @property
    def text(self) -> str:
        """What a reader can search: title, caption, narrative."""
        return "\n".join((self.meta["title"], self.meta["caption"], self.body))


def sample_items(content: Path = REPO / "content") -> list[SampleItem]:
    """Published sample items, newest first, parsed with plain PyYAML."""
    items = []
    for index in sorted(content.glob("berita/*/*/index.md")):
        text = index.read_text(encoding="utf-8")
        _, head, body = re.split(r"^---[ \t]*$", text, maxsplit=2, flags=re.MULTILINE)
        meta = yaml.safe_load(head)
        if not meta.get("draft"):
            items.append(SampleItem(index.parent, meta, body.strip()))
    return sorted(items, key=lambda i: (i.date, i.slug), reverse=True)


def mentions(item: SampleItem, word: str) -> bool:
    """``word`` starts a word of the item's title, caption or narrative (case-insensitive)."""
    return re.search(r"(?<!\w)" + re.escape(word), item.text, re.IGNORECASE) is not None


# --------------------------------------------------------------------------- building

def copy_project(target: Path) -> Path:
    """The repo's site project (mkdocs.yml, overrides/, content/) copied to ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "mkdocs.yml", target / "mkdocs.yml")
    for name in ("overrides", "content"):
        shutil.copytree(REPO / name, target / name)
    return target


def build(project: Path, today: str = TODAY, engine: str = "mkdocs") -> subprocess.CompletedProcess:
    env = {**os.environ, "PORTAL_TODAY": today, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "pipeline", "build", "--engine", engine], cwd=project, env=env,
                          capture_output=True, text=True, encoding="utf-8", timeout=600)


def sample_site(tmp_path_factory, engine: str = "mkdocs") -> Path:
    """The sample project built by ``engine`` (``<project>/site``), once per session across xdist workers."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # shared by the workers of this run
    name = "portal-sample-site" + ("" if engine == "mkdocs" else f"-{engine}")
    project = base / name
    done = base / f"{name}.ok"
    with open(base / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(project, ignore_errors=True)
            copy_project(project)
            result = build(project, engine=engine)
            if result.returncode != 0:
                pytest.fail(f"portal build failed:\n{result.stdout}\n{result.stderr}", pytrace=False)
            done.write_text(result.stdout, encoding="utf-8")
    return project


HOSTILE_FRONT_MATTER = """---
title: {title}
date: 2026-11-{day:02d}
category: sekretariat
tags: [uji-keamanan]
caption: Berita uji keamanan situs dengan narasi yang mencoba mengganggu halaman.
photos:
{photos}
social: []
---
"""


def tiny_jpeg(colour: tuple[int, int, int]) -> bytes:
    """A small but real JPEG (the photo pipeline decodes it)."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, "JPEG", quality=70)
    return buffer.getvalue()


def hostile_project(target: Path, narratives: dict[str, str], pages: dict[str, str] | None = None,
                    extensions: tuple[str, ...] = ()) -> Path:
    """A project of the repo's mkdocs.yml and overrides/, the static pages, and one item per narrative.

    ``narratives`` maps a slug to its Markdown; items are dated 2026-11-01,
    -02... in order. ``pages`` adds static pages (name -> Markdown with
    front-matter); ``extensions`` are added to ``markdown_extensions`` (say
    ``attr_list``, to show the sanitizer holds where the check would not).
    """
    target.mkdir(parents=True, exist_ok=True)
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    if extensions:
        config = config.replace("markdown_extensions:\n", "markdown_extensions:\n"
                                + "".join(f"  - {name}\n" for name in extensions), 1)
    (target / "mkdocs.yml").write_text(config, encoding="utf-8")
    shutil.copytree(REPO / "overrides", target / "overrides")
    shutil.copytree(REPO / "content" / "halaman", target / "content" / "halaman")
    for name, text in (pages or {}).items():
        (target / "content" / "halaman" / f"{name}.md").write_text(text, encoding="utf-8")
    for day, (slug, narrative) in enumerate(narratives.items(), start=1):
        folder = target / "content" / "berita" / "2026" / f"2026-11-{day:02d}-{slug}"
        folder.mkdir(parents=True)
        photos = []
        for number in range(1, 5):
            (folder / f"foto-{number}.jpg").write_bytes(tiny_jpeg((40 * number, 90, 200 - 30 * number)))
            photos.append(f"  - file: foto-{number}.jpg\n    alt: Peserta rapat uji keamanan nomor {number}")
        head = HOSTILE_FRONT_MATTER.format(title=f"Uji keamanan {slug}", day=day, photos="\n".join(photos))
        (folder / "index.md").write_text(head + narrative.strip() + "\n", encoding="utf-8")
    return target


def build_unchecked(project: Path, today: str = TODAY, engine: str = "mkdocs") -> Path:
    """Build ``project`` into ``project/site`` in-process as ``portal build`` does, minus its refusal on errors.

    ``portal check`` refuses much of what the hostile tests feed the site;
    the sanitizer (the plugin's on MkDocs, the pass over the output on
    Zensical) must hold on its own.
    """
    from pipeline.photos import images
    from pipeline.site.build import CACHE_DIR, run_mkdocs
    from pipeline.config import load_config
    from pipeline.site.stage import stage
    from pipeline.check.rules import check

    os.environ["PORTAL_TODAY"] = today
    config = load_config(project)
    report = check(config)
    photos = [p.path for item in report.items if not item.draft for p in item.photos]
    processed, _, failures = images.process(photos, project / CACHE_DIR, prune=True)
    assert not failures, failures
    files, variants = stage(config, report.items, report.pages, None, processed, project / CACHE_DIR,
                            marked=engine == "zensical")
    if engine == "zensical":
        from pipeline.site import zensical
        from pipeline.site.build import swap
        from pipeline.site.stage import MARKER

        swap(zensical.run_zensical(config, files, project / "site", variants, MARKER), project / "site")
    else:
        run_mkdocs(config, files, project / "site", variants)
    return project / "site"


# Zensical's search dialog lives in a shadow root: its result links are found through it.
SHADOW_LINKS = """() => [...document.querySelectorAll('*')].filter(e => e.shadowRoot)
  .flatMap(e => [...e.shadowRoot.querySelectorAll('a[href]')].map(a => a.href))"""


def zensical_search(page, word: str) -> list[str]:
    """Search ``word`` on a Zensical site as a reader does; every result page's URL, once.

    The dialog renders the first results and more as its list scrolls (as Material does): scroll
    to the end until no new result appears, as a reader looking for every match would.
    """
    button = page.locator(".md-search__button")
    (button if button.is_visible() else page.locator('label.md-header__button[for="__search"]')).click()
    page.keyboard.type(word, delay=40)
    state = None
    for _ in range(40):  # results follow each keystroke: wait until they stop changing
        page.wait_for_timeout(150)
        now = page.evaluate(SHADOW_LINKS)
        if now and now == state:
            break
        state = now
    for _ in range(40):  # then scroll the result list until it stops growing
        before = len(page.evaluate(SHADOW_LINKS))
        page.evaluate(SCROLL_SHADOW_LISTS)
        page.wait_for_timeout(200)
        if len(page.evaluate(SHADOW_LINKS)) == before:
            break
    return list(dict.fromkeys(h.split("#")[0] for h in page.evaluate(SHADOW_LINKS)))


# Every scrollable element of the search dialog (in its shadow root), scrolled to its end.
SCROLL_SHADOW_LISTS = """() => [...document.querySelectorAll('*')].filter(e => e.shadowRoot)
  .flatMap(e => [...e.shadowRoot.querySelectorAll('*')])
  .filter(e => e.scrollHeight > e.clientHeight + 5)
  .forEach(e => e.scrollTo(0, e.scrollHeight))"""


# --------------------------------------------------------------------------- serving

TEXT_TYPES = ("text/", "application/javascript", "application/json", "application/xml", "image/svg+xml",
              "application/rss+xml", "application/feed+json")


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Static files of ``site``; 404.html (status 404) for anything missing; optional gzip."""

    site: Path
    gzip_text = False
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".webp": "image/webp", ".avif": "image/avif", ".js": "text/javascript",
                      ".json": "application/json", ".xml": "application/xml", ".svg": "image/svg+xml",
                      ".css": "text/css", ".map": "application/json"}

    log: list | None = None  # (path, bytes sent incl. headers) per request, when given

    def __init__(self, *args, **kwargs):
        super().__init__(*args, directory=str(self.site), **kwargs)

    def setup(self):
        super().setup()
        if self.log is not None:
            self.wfile = _Counting(self.wfile)

    def handle_one_request(self):
        if self.log is not None:
            self.wfile.count = 0
        super().handle_one_request()
        if self.log is not None and getattr(self, "path", None) and self.wfile.count:
            self.log.append((self.path, self.wfile.count))

    def log_message(self, format, *args):  # noqa: A002 - quiet
        pass

    def send_error(self, code, message=None, explain=None):
        page = self.site / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self):
        if self.gzip_text and "gzip" in self.headers.get("Accept-Encoding", ""):
            path = Path(self.translate_path(self.path))
            if path.is_dir() and urlsplit(self.path).path.endswith("/"):
                path = path / "index.html"
            ctype = self.guess_type(str(path))
            if path.is_file() and ctype.startswith(TEXT_TYPES):
                body = gzip.compress(path.read_bytes(), compresslevel=6)
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Encoding", "gzip")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
        super().do_GET()


class _Counting:
    """A write-only stream that counts the bytes written through it."""

    def __init__(self, raw):
        self.raw, self.count = raw, 0

    def write(self, data):
        self.count += len(data)
        return self.raw.write(data)

    def __getattr__(self, name):
        return getattr(self.raw, name)


@contextlib.contextmanager
def serve(site: Path, gzip_text: bool = False, log: list | None = None):
    """Serve ``site`` at ``http://127.0.0.1:<free port>/`` (yields that base URL).

    ``log``, when given, receives ``(path, bytes sent)`` for every response, headers included.
    """
    handler = type("Handler", (SiteHandler,), {"site": Path(site), "gzip_text": gzip_text, "log": log})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


# --------------------------------------------------------------------------- browser

def launch(playwright):
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)


def require_playwright():
    """Playwright's sync API, once Chromium and Playwright are known to be here (else skip, or fail under CI)."""
    if not CHROMIUM.is_file():
        missing_tool(f"Chromium not installed at {CHROMIUM} (apt-get install chromium)")
    try:
        import playwright.sync_api as playwright_api
    except ImportError:
        missing_tool("Playwright for Python not installed (pip install -e '.[test]')")
    return playwright_api


# Shared by the browser modules (they load this file with ``pytest_plugins``);
# each module provides its own ``site`` fixture.
@pytest.fixture(scope="module")
def base_url(site):
    with serve(site) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with require_playwright().sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


# Added to a context before any page loads: init scripts run outside the page's CSP.
CSP_WATCH = """window.__portalCsp = [];
document.addEventListener('securitypolicyviolation', e => window.__portalCsp.push(
  e.effectiveDirective + ' blocked ' + (e.blockedURI || '(inline)') + ' at ' + e.sourceFile + ':' + e.lineNumber
  + (e.sample ? ' [' + e.sample + ']' : '')));"""


def csp_violations(page) -> list[str]:
    """The CSP violations the page has reported since it loaded (needs ``CSP_WATCH``)."""
    return page.evaluate("window.__portalCsp || ['CSP_WATCH missing']")


@dataclass
class Watch:
    """What a browser context did: requests, failures, errors."""

    origin: str  # "127.0.0.1:<port>"
    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    http_errors: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    expected_404: set[str] = field(default_factory=set)

    def attach(self, context) -> None:
        context.on("request", lambda r: self.requests.append(r.url))
        context.on("requestfailed", lambda r: self.failed.append(f"{r.url} ({r.failure})"))
        context.on("response", self._response)
        context.on("console", self._console)
        context.on("weberror", lambda e: self.page_errors.append(str(e.error)))

    def _response(self, response) -> None:
        if response.status >= 400 and response.url not in self.expected_404:
            self.http_errors.append(f"{response.status} {response.url}")

    def _console(self, message) -> None:
        if message.type != "error":
            return
        location = message.location.get("url", "") if message.location else ""
        # Chromium reports the expected 404 of the 404 page itself as a console error.
        if location in self.expected_404 and "404" in message.text:
            return
        self.console_errors.append(f"{message.text} ({location})")

    def foreign(self) -> list[str]:
        out = []
        for url in self.requests:
            parts = urlsplit(url)
            if parts.scheme in ("data", "blob", "about"):
                continue
            if parts.scheme != "http" or parts.netloc != self.origin:
                out.append(url)
        return out

    def problems(self) -> list[str]:
        lines = [f"request to another host: {u}" for u in self.foreign()]
        lines += [f"failed request: {u}" for u in self.failed]
        lines += [f"HTTP error: {u}" for u in self.http_errors]
        lines += [f"console error: {m}" for m in self.console_errors]
        lines += [f"page error: {m}" for m in self.page_errors]
        # Material fetches the sitemap when it mistakes a feed link for a language alternate.
        lines += [f"needless sitemap fetch: {u}" for u in self.requests if urlsplit(u).path.endswith("sitemap.xml")]
        return lines

    def assert_clean(self) -> None:
        problems = self.problems()
        assert not problems, "\n".join(problems)


SCROLL_TO_BOTTOM = """async () => {
  const pause = () => new Promise(r => setTimeout(r, 60));
  for (let y = 0; y < document.documentElement.scrollHeight; y += Math.floor(innerHeight / 2)) {
    scrollTo(0, y);
    await pause();
  }
  scrollTo(0, document.documentElement.scrollHeight);
  await pause();
}"""

# Images that should be on screen: not inside a closed <dialog> (a lightbox's
# empty <img> before it opens).
BROKEN_IMAGES = """() => [...document.images]
  .filter(img => !img.closest('dialog:not([open])'))
  .filter(img => !(img.complete && img.naturalWidth > 0))
  .map(img => img.currentSrc || img.getAttribute('src') || img.outerHTML)"""


def wait_for_rest(page) -> None:
    """Wait until no animation runs: mid-transition colours (the header's title fades in and out as
    the reader scrolls) are not the page's, and axe measured the title at 4.4:1 halfway through."""
    page.wait_for_function("() => document.getAnimations().every(a => a.playState !== 'running')")


def scroll_to_bottom(page, timeout: float = 10_000) -> list[str]:
    """Scroll through the page (lazy images load), wait for images; return the broken ones."""
    page.evaluate(SCROLL_TO_BOTTOM)
    try:
        page.wait_for_function(f"() => ({BROKEN_IMAGES})().length === 0", timeout=timeout)
    except Exception:  # noqa: BLE001 - reported below
        pass
    return page.evaluate(BROKEN_IMAGES)


# --------------------------------------------------------------------------- screenshots on failure

REPORTS = pytest.StashKey[dict]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    item.stash.setdefault(REPORTS, {})[report.when] = report
    return report


def failed(node) -> bool:
    reports = node.stash.get(REPORTS, {})
    return any(r.failed for r in reports.values())


def screenshot_path(node) -> Path:
    return ARTIFACTS / (re.sub(r"[^A-Za-z0-9_.-]+", "_", node.name).strip("_") + ".png")


def save_screenshot(page, node) -> Path | None:
    path = screenshot_path(node)
    try:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(path), full_page=True)
    except Exception:  # noqa: BLE001 - a screenshot must never hide the real failure
        return None
    return path


def open_page(browser, base_url: str, path: str, viewport: dict, javascript: bool = True):
    """A new context (axe and the CSP watch loaded, requests watched) and the page at ``path`` in it."""
    context = browser.new_context(viewport=viewport, locale="id-ID", java_script_enabled=javascript)
    context.add_init_script(CSP_WATCH)
    if AXE.is_file():
        context.add_init_script(path=str(AXE))
    watch = Watch(urlsplit(base_url).netloc)
    watch.attach(context)
    page = context.new_page()
    page.set_default_timeout(10_000)
    response = page.goto(base_url + path, wait_until="networkidle")
    assert response is not None and response.status == 200
    return context, page, watch
