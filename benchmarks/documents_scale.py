"""Time what 500 public documents add to a warm `portal build` of 1,000 news items (nothing changed).

    .venv/bin/python benchmarks/documents_scale.py [--items 1000] [--documents 500] [--runs 3]
                                                   [--engine mkdocs|zensical]

Two projects are generated with ``benchmarks/site_scale.py``'s items (same
titles, narratives and 4 cached photos each): "news" holds the items only,
"news+documents" the same items plus N documents under ``content/informasi/``
(each with its own small tagged PDF, made by
``scripts/make_sample_documents.write_pdf``; a third of them with a CSV too).
Each project is built once untimed (photo variants, cleaned PDFs, thumbnails,
the DIP workbook and the PDF inspection memo go into ``.portal/cache``), then
rebuilt ``--runs`` times with ``site/`` removed first: the state of a CI run
that restored the cache, with nothing changed. The two projects' runs are
interleaved (news, news+documents, news, ...) so load from elsewhere on a
shared machine hits both alike. Wall clock and CPU seconds (user + system, the
command and its children) of the subprocess are printed, each with its ratio
of medians; on a loaded machine the CPU ratio is the steadier one.

Target (issue 17): the documents add at most 15 % (ratio <= 1.15). This
prints the figures; no test asserts a time.
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

import site_scale  # noqa: E402

TARGET = 1.15
_spec = importlib.util.spec_from_file_location("make_sample_documents", ROOT / "scripts" / "make_sample_documents.py")
assert _spec and _spec.loader
samples = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(samples)

KIPS = ("berkala", "setiap-saat", "berkala", "setiap-saat", "berkala")
UNITS = ("PPID Pelaksana Sekretariat DPRD", "Bagian Umum dan Keuangan", "Bagian Persidangan", "Bagian Humas")


def write_documents(project: Path, count: int) -> None:
    """``count`` documents, each with a distinct one-page tagged PDF (and every third with a CSV)."""
    for number in range(count):
        slug = f"dokumen-{number:04d}"
        folder = project / "content" / "informasi" / slug
        title = f"Laporan Kegiatan Sekretariat DPRD Nomor {number + 1}"
        samples.write_pdf(folder / "dokumen.pdf", title, [f"Ringkasan kegiatan nomor {number + 1}.",
                                                          "Dokumen sintetis untuk pengukuran."])
        files = "  - file: dokumen.pdf\n    title: Dokumen lengkap\n"
        if number % 3 == 0:
            (folder / "data.csv").write_text(f"no,uraian\r\n{number},kegiatan {number}\r\n", encoding="utf-8")
            files += "  - file: data.csv\n    title: Data pendukung\n"
        (folder / "index.md").write_text(
            f"---\ntitle: {title}\nsummary: Ringkasan laporan kegiatan nomor {number + 1} untuk publik.\n"
            f"kip: {KIPS[number % len(KIPS)]}\nowner: {UNITS[number % len(UNITS)]}\nresponsible: Sekretaris DPRD\n"
            f"date: 2026-0{1 + number % 9}-1{number % 10}\nplace: Kabupaten Contoh\nform: softcopy\n"
            f"retention: 5 tahun\nfiles:\n{files}---\n", encoding="utf-8")


def large_enough(jpegs: list[Path]) -> list[Path]:
    """The sample photos at 1280x960: the check refuses a photo under 800 px (`photo-small`)."""
    from PIL import Image

    for path in jpegs:
        with Image.open(path) as image:
            bigger = image.resize((1280, 960))
        bigger.save(path, "JPEG", quality=85)
    return jpegs


def timings(projects: dict[str, Path], runs: int, engine: str) -> dict[str, tuple[list[float], list[float]]]:
    """Wall and CPU seconds of ``runs`` rebuilds of each project, interleaved, after one untimed build each."""
    command = [sys.executable, "-m", "pipeline", "build", "--engine", engine]
    for project in projects.values():
        site_scale.run(command, project)  # untimed: fills .portal/cache (photos, PDFs, thumbnails, memo)
    results: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name in projects}
    for _ in range(runs):
        for name, project in projects.items():
            site_scale.clear(project / "site")
            wall, cpu, _ = site_scale.run(command, project)
            results[name][0].append(wall)
            results[name][1].append(cpu)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--documents", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--engine", choices=("mkdocs", "zensical"), default="mkdocs")
    args = parser.parse_args()

    from pipeline.config import load_config

    categories = load_config(ROOT).categories
    with tempfile.TemporaryDirectory(prefix="documents-scale-") as temp:
        work = Path(temp)
        jpegs = large_enough(site_scale.sample_jpegs(work / "jpegs"))
        seed = work / "seed"
        site_scale.seed_cache(jpegs, seed)
        items = site_scale.make_items(args.items, categories)
        projects = {}
        for name, documents in (("news", 0), ("news+documents", args.documents)):
            project = projects[name] = work / name
            project.mkdir()
            site_scale.write_portal(project, items, jpegs)
            shutil.copytree(seed, project / ".portal" / "cache" / "images")
            write_documents(project, documents)
        results = timings(projects, args.runs, args.engine)
    for name, (walls, cpus) in results.items():
        print(f"{name:>15}: wall {statistics.median(walls):6.2f} s (runs {', '.join(f'{w:.2f}' for w in walls)}),"
              f" cpu {statistics.median(cpus):6.2f} s (runs {', '.join(f'{c:.2f}' for c in cpus)})")
    wall, cpu = (statistics.median(results["news+documents"][i]) / statistics.median(results["news"][i])
                 for i in (0, 1))
    verdict = "OK" if wall <= TARGET else "OVER"
    print(f"{args.documents} documents on {args.items} items ({args.engine}): wall x{wall:.3f}, cpu x{cpu:.3f} "
          f"(target <= x{TARGET} on wall) {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
