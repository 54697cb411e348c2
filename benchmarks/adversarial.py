"""Time `portal check` and Markdown rendering on adversarial narratives, beside normal ones.

    python benchmarks/adversarial.py [--runs 3] [--render-refused]

The inputs are those of tests/test_adversarial.py (deep nesting, long runs of
`[`, `{`, backticks, `<`, marker look-alikes). For each, the check of a
one-item project and the render of its narrative (Python-Markdown with the
site's extensions, then the portal plugin's sanitizer: what a build does per
page) are timed, beside a plain narrative of the same size. A ratio far above
1 means super-linear work on that shape of input.

Accepted inputs must render fast; refused ones must be refused fast (their
render is skipped unless --render-refused: 20 KB of `[` took 65 s).
Last run (2 cores, Python 3.11, Markdown 3.11): every check under 40 ms, every
accepted render under 0.3 s; see the table this prints.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import markdown  # noqa: E402
import yaml  # noqa: E402

from pipeline.config import load_config  # noqa: E402
from pipeline.site.mkdocs_plugin import sanitize  # noqa: E402
from pipeline.check.rules import check  # noqa: E402
from test_adversarial import INPUTS, TODAY, WORDS, _body, _project  # noqa: E402


def plain(size: int) -> str:
    """A normal narrative of ``size`` characters: paragraphs of ordinary words."""
    paragraph = (WORDS + " ") * 3
    text = ""
    while len(text) < size:
        text += paragraph.strip() + "\n\n"
    return text[:size]


def best(function, runs: int) -> float:
    """The fastest of ``runs`` calls of ``function``, in seconds (the least disturbed run)."""
    return min(timeit.repeat(function, number=1, repeat=runs))


def time_check(folder: Path, body: str | None, runs: int) -> float:
    """Seconds to check a one-item project whose narrative is ``body`` (None: the input's own)."""
    name = folder.name
    project = _project(folder / "site", [name]) if body is None else folder / "site"
    if body is not None:
        index = next(project.glob("content/berita/*/*/index.md"))
        front = index.read_text(encoding="utf-8").split("\n---\n", 1)[0]
        index.write_text(front + "\n---\n" + body, encoding="utf-8")
    config = load_config(project)
    import datetime as dt

    today = dt.date.fromisoformat(TODAY)
    return best(lambda: check(config, today=today), runs)


def time_render(body: str, extensions: list, runs: int) -> float:
    def render():
        sanitize(markdown.Markdown(extensions=extensions).convert(body))

    return best(render, runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--render-refused", action="store_true")
    args = parser.parse_args()
    with open(ROOT / "mkdocs.yml", encoding="utf-8") as handle:
        site = yaml.load(handle, Loader=yaml.BaseLoader)
    extensions = [next(iter(e)) if isinstance(e, dict) else e for e in site.get("markdown_extensions", [])]

    print(f"{'input':24} {'bytes':>7} {'verdict':>9} {'check ms':>9} {'ratio':>6} {'render ms':>10} {'ratio':>6}")
    with tempfile.TemporaryDirectory() as tmp:
        for name, (_, refused) in INPUTS.items():
            body = _body(name)
            normal = plain(len(body))
            folder = Path(tmp) / name
            folder.mkdir()
            check_time = time_check(folder, None, args.runs)
            check_base = time_check(folder, normal, args.runs)
            shutil.rmtree(folder)
            verdict = "refused" if refused else "accepted"
            if refused and not args.render_refused:
                render = "-"
                ratio = "-"
            else:
                render_time = time_render(body, extensions, args.runs)
                render_base = time_render(normal, extensions, args.runs)
                render, ratio = f"{render_time * 1000:.1f}", f"{render_time / render_base:.1f}"
            print(f"{name:24} {len(body.encode()):>7} {verdict:>9} {check_time * 1000:>9.1f} "
                  f"{check_time / check_base:>6.1f} {render:>10} {ratio:>6}", flush=True)


if __name__ == "__main__":
    main()
