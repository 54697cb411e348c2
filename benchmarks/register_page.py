"""What the public register page costs a site build: 1,000 items with and without `.portal/register.json`.

    .venv/bin/python benchmarks/register_page.py [--items 1000] [--runs 3] [--engine mkdocs|zensical]
                                                 [--page-rows 5000]

One project of N generated items (benchmarks/site_scale.py's generator: the
same titles, narratives, 4 cached photos each). One row per item in the
register (a quarter of them with a rejected earlier submission too, every
item with 2 reviews and 2 posts), so every article also gets its provenance
line. `portal build` (photos cached) is timed `--runs` times without the
register file and with it, interleaved so outside load hits both alike;
wall clock and CPU seconds (user + system) of the whole command, medians.

Target (issue 13): the build with the register page costs <= 10 % more than
without it (ratio <= 1.10, on CPU seconds, the steadier number on a shared
machine; wall clock printed beside it).

`--page-rows` also times the page alone in-process (validate, flatten, the
page, CSV, JSON, chart and XLSX) for a register of that many rows.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import site_scale  # the generator of the scale benchmark (after the sys.path line)

PEOPLE = ("kabag-humas", "ppid-pelaksana", "tim-pertimbangan")
PLATFORMS = ("facebook", "instagram", "x", "telegram")


def iso(day: dt.date, hour: int, minute: int = 0) -> str:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=dt.timezone(dt.timedelta(hours=7))).isoformat()


def register_rows(items: list[dict]) -> dict:
    """A register as `portal register --format json` writes it: one row per item, some rejections."""
    rows = []
    for n, item in enumerate(items):
        day, late = item["date"], n % 5
        live = day + dt.timedelta(days=1 + late)
        base = {"item": item["folder"], "path": f"content/berita/{day.year}/{item['folder']}", "url": None,
                "title": item["title"], "category": item["category_label"], "activity_date": day.isoformat(),
                "author": "staf-humas", "submitted_at": iso(day, 15), "corrections": []}
        if n % 4 == 0:
            rows.append({**base, "pr": {"number": 2 * n + 1, "url": f"https://github.com/c/p/pull/{2 * n + 1}",
                                        "title": item["title"]},
                         "reviews": [{"reviewer": PEOPLE[1], "state": "CHANGES_REQUESTED", "at": iso(day, 16),
                                      "text": "Foto kurang dari empat; lengkapi sebelum diajukan lagi."}],
                         "decision": "ditolak", "rejection_reason": "Foto kurang dari empat.", "merged_by": None,
                         "merged_at": None, "merge_commit": None, "live_at": None, "posts": [], "on_time": None,
                         "days_late": None})
        rows.append({**base, "pr": {"number": 2 * n + 2, "url": f"https://github.com/c/p/pull/{2 * n + 2}",
                                    "title": item["title"]},
                     "reviews": [{"reviewer": PEOPLE[0], "state": "COMMENTED", "at": iso(day, 17),
                                  "text": "Periksa ejaan nama narasumber."},
                                 {"reviewer": PEOPLE[n % 3], "state": "APPROVED", "at": iso(live, 8), "text": ""}],
                     "decision": "diterbitkan", "rejection_reason": None, "merged_by": PEOPLE[0],
                     "merged_at": iso(live, 8, 30), "merge_commit": f"{n:040x}", "live_at": iso(live, 8, 40),
                     "posts": [{"platform": PLATFORMS[(n + k) % 4], "state": "POSTED", "at": iso(live, 9, k),
                                "url": f"https://example.org/{n}/{k}"} for k in range(2)],
                     "on_time": late == 0, "days_late": late})
    return {"generated_at": iso(dt.date(2026, 11, 21), 7), "timezone": "Asia/Jakarta", "empty_columns": [],
            "rows": rows}


def large_enough(jpegs: list[Path]) -> list[Path]:
    """The generator's 640x480 photos at 1200x900: `portal check` refuses photos under 800 px (photo-small)."""
    from PIL import Image

    for path in jpegs:
        with Image.open(path) as image:
            bigger = image.resize((1200, 900))
        bigger.save(path, "JPEG", quality=85)
    return jpegs


def build_times(project: Path, register: Path, data: dict, runs: int, engine: str) -> dict[str, list[tuple]]:
    """(wall, cpu) per run of `portal build`, without and with the register file."""
    command = [sys.executable, "-m", "pipeline", "build", "--engine", engine]
    site_scale.run(command, project)  # warm-up: photo hashes, page cache, .pyc
    out: dict[str, list[tuple]] = {"without": [], "with": []}
    for _ in range(runs):
        for name in ("without", "with"):
            register.unlink(missing_ok=True)
            if name == "with":
                register.write_text(json.dumps(data), encoding="utf-8")
            site_scale.clear(project / "site")
            wall, cpu, _ = site_scale.run(command, project)
            out[name].append((wall, cpu))
    if not (project / "site" / "register" / "register.csv").is_file():
        raise SystemExit("the register page was not built: is pipeline.site.register_page wired?")
    return out


def page_only(project: Path, rows: int, items: list[dict]) -> float:
    """Seconds to validate and render the page and its downloads for a register of ``rows`` rows."""
    from pipeline.config import load_config
    from pipeline.site import register_page

    many = (items * (rows // len(items) + 1))[:rows]
    data = register_rows(many)
    data["rows"] = data["rows"][:rows]
    (project / register_page.REGISTER_FILE).write_text(json.dumps(data), encoding="utf-8")
    config = load_config(project)
    started = time.perf_counter()
    register_page.render(config)
    register_page.downloads(config)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3, help="timed runs per variant (median)")
    parser.add_argument("--engine", choices=("mkdocs", "zensical"), default="mkdocs")
    parser.add_argument("--page-rows", type=int, default=5000, help="rows for the page-only timing (0: skip)")
    args = parser.parse_args()
    import yaml

    categories = yaml.safe_load((site_scale.ROOT / "mkdocs.yml").read_text(encoding="utf-8"))["extra"]["portal"][
        "categories"]
    with tempfile.TemporaryDirectory(prefix="register-page-") as work:
        workdir = Path(work)
        jpegs = large_enough(site_scale.sample_jpegs(workdir / "jpegs"))
        seed = workdir / "seed-cache"
        site_scale.seed_cache(jpegs, seed)
        items = site_scale.make_items(args.items, categories)
        project = workdir / "portal"
        project.mkdir()
        site_scale.write_portal(project, items, jpegs)
        import shutil

        shutil.copytree(seed, project / ".portal" / "cache" / "images")
        data = register_rows(items)
        times = build_times(project, project / ".portal" / "register.json", data, args.runs, args.engine)
        page_seconds = page_only(project, args.page_rows, items) if args.page_rows else None

    wall = {k: statistics.median(t[0] for t in v) for k, v in times.items()}
    cpu = {k: statistics.median(t[1] for t in v) for k, v in times.items()}
    print(f"portal build --engine {args.engine}, {args.items} items (photos cached), {len(data['rows'])} register "
          f"rows, median of {args.runs} run(s)")
    print(f"{'':>18} {'wall s':>7} {'cpu s':>7}")
    print(f"{'without register':>18} {wall['without']:>7.2f} {cpu['without']:>7.2f}")
    print(f"{'with register':>18} {wall['with']:>7.2f} {cpu['with']:>7.2f}")
    ratio = cpu["with"] / cpu["without"]
    print(f"{'ratio':>18} {wall['with'] / wall['without']:>7.3f} {ratio:>7.3f}")
    print(f"target: with the register page <= 1.10x without (cpu): {ratio:.3f}x -> {'ok' if ratio <= 1.10 else 'MISSED'}")
    if page_seconds is not None:
        print(f"page alone, {args.page_rows} rows (validate, page, CSV, JSON, chart, XLSX): {page_seconds:.2f} s")
    return 0 if ratio <= 1.10 else 1


if __name__ == "__main__":
    sys.exit(main())
