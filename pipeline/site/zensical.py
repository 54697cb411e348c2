"""``portal build --engine zensical``: build the staged pages with Zensical, then sanitize the site.

Zensical (Material's successor) reads ``mkdocs.yml`` but drops plugins it
does not know (the ``portal`` plugin, which sanitizes every page on MkDocs)
and ``hooks:`` without a word. So nothing here relies on a plugin: the
stage writes the pages to disk with their bodies between per-build markers
and their front-matter text escaped (``stage(..., marked=True)``), Zensical
builds them with a derived ``mkdocs.yml`` and a derived copy of
``overrides/`` (without the ``portal_memo`` blocks, a MkDocs-only template
global), and ``sanitize.sanitize_site`` cleans every page of the result.
A site whose every HTML file was not covered is refused, never swapped in.

Measured on the sample site (2026-12): 0.5-0.75 s on either engine.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path
from typing import Any

import yaml

from pipeline.config import CONFIG_FILE, Config
from pipeline.errors import PortalError
from pipeline.site import prune, sitemap
from pipeline.site.sanitize import check_coverage, sanitize_search, sanitize_site

PINNED = "0.0.73"  # 0.1.x needs zensical-ui, which the registry does not carry
WORK_DIR = ".portal"
# Zensical's search dialog (a shadow root its bundle builds) inserts one <style> element; under
# the site's policy (style-src 'self') it was blocked and the dialog unstyled. Its hash, for PINNED:
# measured in Chromium (tests/test_browser_zensical.py fails on any CSP violation if it changes).
STYLE_HASHES = ("'sha256-NwSx/R2V/U4jnW0Tq5pQ53Y/rzPVJ4dqE7D6UTA/J1k='",)
# The plugins Zensical knows (search) or that the pipeline replaces (portal: the stage and the sanitize pass).
KNOWN_PLUGINS = ("search", "portal")
_SLUGIFY = "pipeline.site.sanitize.slugify"
_MEMO_BLOCK = re.compile(r"^\{% block \w+ %\}\{\{ portal_memo\(.*\) \}\}\{% endblock %\}\n", re.MULTILINE)
# main.html escapes front-matter values with `| e`; the stage already escaped them for Zensical.
_META_ESCAPE = re.compile(r"\b(page\.meta\.title|title|description|meta\.image_alt|meta\.category) \| e\b")


def require() -> None:
    """Refuse unless Zensical is installed at ``PINNED`` (another version renders another site)."""
    try:
        found = metadata.version("zensical")
    except metadata.PackageNotFoundError:
        found = None
    if found != PINNED:
        now = f"terpasang {found}" if found else "belum terpasang"
        raise PortalError(f"Zensical {PINNED} dibutuhkan untuk `--engine zensical`, tetapi {now}. Pasang "
                          f"dependensi proyek lagi: `make build` (atau `pip install zensical=={PINNED}`).")


# Zensical 0.0.73 deadlocks on large sites: at 10,000 items its build works for
# about 80 s of CPU, then waits on a futex for ever (a faulthandler dump shows
# the main thread inside zensical.build). So it runs in a child process that is
# stopped once it has used no CPU for IDLE_SECONDS: a refusal, never a CI job
# that hangs until its timeout.
IDLE_SECONDS = 120.0
_BUILD = """import sys, zensical
try:
    zensical.build(sys.argv[1], {"clean": True, "strict": False})
except RuntimeError as exc:
    print(exc, file=sys.stderr)
    sys.exit(3)
"""


def build_watched(config_file: Path, idle: float = IDLE_SECONDS, command: list[str] | None = None) -> None:
    """Run ``zensical.build(config_file)`` in a child process; refuse when it fails or stops working.

    ``command`` replaces the child's command line (the watchdog's own tests).
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(command or [sys.executable, "-c", _BUILD, str(config_file)],
                                stdout=out, stderr=err)
        stalled = _wait_while_working(proc, idle)
        out.seek(0)
        err.seek(0)
        sys.stdout.write(out.read().decode("utf-8", "replace"))  # Zensical's own progress lines
        error = err.read().decode("utf-8", "replace").strip()
    if stalled:
        raise PortalError(f"Zensical berhenti bekerja: {idle:.0f} detik tanpa kemajuan, build dihentikan dan "
                          "situs lama tetap dipakai. Zensical 0.0.73 macet pada situs besar (sekitar 10.000 "
                          "berita); bangun dengan `portal build --engine mkdocs`.")
    if proc.returncode != 0:
        raise PortalError(f"Zensical gagal membangun situs: {error.splitlines()[-1] if error else proc.returncode}")


def _wait_while_working(proc: subprocess.Popen, idle: float) -> bool:
    """Wait for ``proc``; kill it and return True once its CPU time has not grown for ``idle`` seconds."""
    last: float | None = -1.0
    since = time.monotonic()
    while proc.poll() is None:
        used = _cpu_seconds(proc.pid)
        if used is None or used != last:  # unknown (no /proc) counts as working: never stop a build blindly
            last, since = used, time.monotonic()
        elif time.monotonic() - since >= idle:
            proc.kill()
            proc.wait()
            return True
        time.sleep(min(1.0, idle / 4))
    return False


def _cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of ``pid`` and its threads, from /proc (Linux); None where unreadable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime in clock ticks
    except (OSError, IndexError, ValueError):
        return None


def refuse_dropped(mkdocs: dict[str, Any]) -> None:
    """Refuse what Zensical would silently drop from ``mkdocs.yml``: unknown plugins and ``hooks:``."""
    dropped = [f"plugin `{name}`" for name in _plugin_names(mkdocs.get("plugins")) if name not in KNOWN_PLUGINS]
    if mkdocs.get("hooks"):
        dropped.append("`hooks:`")
    if dropped:
        raise PortalError(f"{CONFIG_FILE} memuat {', '.join(dropped)}, yang diabaikan Zensical tanpa "
                          "peringatan. Hapus dari mkdocs.yml, atau bangun dengan `--engine mkdocs`.")


def _plugin_names(plugins: Any) -> list[str]:
    if isinstance(plugins, dict):
        return [str(name) for name in plugins]
    names: list[str] = []
    for entry in plugins or []:
        names.extend(map(str, entry) if isinstance(entry, dict) else [str(entry)])
    return names


def run_zensical(config: Config, files: dict[str, str], site_dir: Path, photos: dict[str, Path],
                 marker: str, notices: list[dict[str, str]] | None = None) -> Path:
    """Build the staged ``files`` and ``photos`` with Zensical and sanitize the result; return the new site.

    Works in a temporary folder inside ``.portal/`` (Zensical wants docs_dir
    and site_dir inside the folder of its config), which the caller swaps
    into ``site_dir``'s place; on any failure that folder is deleted and
    ``site_dir`` is untouched.
    """
    from pipeline.site.stage import write_tree

    (config.root / WORK_DIR).mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="zensical-", dir=config.root / WORK_DIR))
    try:
        write_tree(work / "docs", files, photos)
        _derive_overrides(config.root / _custom_dir(config.mkdocs), work / "overrides")
        (work / CONFIG_FILE).write_text(derive_config(config.mkdocs, notices), encoding="utf-8")
        build_watched(work / CONFIG_FILE)
        built = work / "site"
        covered, texts = sanitize_site(built, marker, STYLE_HASHES)
        check_coverage(built, covered)
        if (built / "search.json").is_file():
            sanitize_search(built / "search.json", texts)
        sitemap.rewrite(built, sitemap.lastmods(files), config.site_url)  # also writes sitemap.xml.gz
        prune.prune_theme_files(built)
        site = Path(tempfile.mkdtemp(prefix=".site-", dir=site_dir.parent))
        site.rmdir()
        shutil.move(str(built), site)  # a rename on one file system
        return site
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _custom_dir(mkdocs: dict[str, Any]) -> str:
    theme = mkdocs.get("theme")
    return str(theme.get("custom_dir") or "overrides") if isinstance(theme, dict) else "overrides"


def derive_config(mkdocs: dict[str, Any], notices: list[dict[str, str]] | None = None) -> str:
    """The ``mkdocs.yml`` Zensical builds: ours, with the work folder's paths and what Zensical reads.

    ``search`` keeps only ``enabled``/``separator`` (Zensical has its own
    engine); ``portal`` goes (its work is done by the stage and the sanitize
    pass); the headings' anchors keep the ``isi-`` prefix through toc's
    ``slugify`` (a ``!!python/name`` tag, which Zensical resolves). The serta-merta ``notices``
    go in ``extra.portal_notices``, as ``run_mkdocs`` gives them to MkDocs.
    """
    data = {key: value for key, value in mkdocs.items() if key not in ("plugins", "hooks")}
    data["extra"] = {**(data.get("extra") or {}), "portal_notices": notices or []}
    data.update(docs_dir="docs", site_dir="site")
    theme = dict(data.get("theme") or {})
    theme["custom_dir"] = "overrides"
    data["theme"] = theme
    plugins = []
    for entry in mkdocs.get("plugins") or []:
        name, options = next(iter(entry.items())) if isinstance(entry, dict) else (entry, None)
        if name == "search":
            kept = {k: v for k, v in (options or {}).items() if k in ("enabled", "separator")}
            plugins.append({"search": kept} if kept else "search")
    data["plugins"] = plugins
    extensions = []
    for entry in mkdocs.get("markdown_extensions") or []:
        name, options = next(iter(entry.items())) if isinstance(entry, dict) else (entry, None)
        extensions.append({name: options} if options is not None else name)
    toc = next((e for e in extensions if e == "toc" or (isinstance(e, dict) and "toc" in e)), None)
    if toc is None:
        extensions.append({"toc": {"slugify": _SLUGIFY}})
    else:
        index = extensions.index(toc)
        options = dict(toc["toc"] or {}) if isinstance(toc, dict) else {}
        options["slugify"] = _SLUGIFY
        extensions[index] = {"toc": options}
    data["markdown_extensions"] = extensions
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    return text.replace(f"slugify: {_SLUGIFY}", f"slugify: !!python/name:{_SLUGIFY}")


def _derive_overrides(source: Path, target: Path) -> None:
    """``overrides/`` for Zensical: no ``portal_memo`` blocks, no ``partials/nav.html`` (both need the plugin)."""
    shutil.copytree(source, target)
    (target / "partials" / "nav.html").unlink(missing_ok=True)
    main = target / "main.html"
    if main.is_file():
        text = _MEMO_BLOCK.sub("", main.read_text(encoding="utf-8"))
        main.write_text(_META_ESCAPE.sub(r"\1", text), encoding="utf-8")

