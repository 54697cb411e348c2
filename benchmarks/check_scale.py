"""Time `portal check` on N generated items, beside a bare baseline.

    python benchmarks/check_scale.py [--items 1000] [--runs 3]

The baseline is the least any checker must do: read every index.md and
parse its front-matter with PyYAML's C loader. The ratio says what the
rules, the layout walk and the photo sniffing cost on top of that.
Target (issue 2): `portal check` on 1,000 items under 3 s.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = """
import pathlib, sys, yaml
loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
for path in pathlib.Path(sys.argv[1]).glob("content/berita/*/*/index.md"):
    text = path.read_text(encoding="utf-8")
    yaml.load(text.split("---", 2)[1], Loader=loader)
"""

ITEM = """---
title: Rapat Kerja Komisi {n} Membahas Program Daerah
date: {date}
category: rapat-komisi
tags: [komisi, anggaran]
location: Ruang Rapat Komisi DPRD
caption: Komisi membahas program kerja bersama mitra dinas untuk tahun anggaran berikutnya, nomor {n}.
photos:
{photos}social: [facebook, telegram]
---
{body}
"""


def tiny_jpeg() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (120, 90, 60)).save(buffer, "JPEG")
    return buffer.getvalue()


def generate(project: Path, count: int) -> None:
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    (project / "overrides").mkdir()
    jpeg = tiny_jpeg()
    body = " ".join(["Rapat berlangsung tertib dan membahas usulan program prioritas daerah."] * 12)
    for n in range(count):
        day = 1 + n % 28
        date = f"2026-{1 + (n // 28) % 10:02d}-{day:02d}"
        folder = project / "content" / "berita" / "2026" / f"{date}-rapat-komisi-{n}"
        folder.mkdir(parents=True)
        photos = ""
        for k in range(1, 5):
            (folder / f"{k:02d}-rapat.jpg").write_bytes(jpeg)
            photos += f"  - file: {k:02d}-rapat.jpg\n    alt: Anggota komisi berdiskusi dalam rapat sesi {k}\n"
        (folder / "index.md").write_text(ITEM.format(n=n, date=date, photos=photos, body=body), encoding="utf-8")


def timed(cmd: list[str], cwd: Path, runs: int) -> tuple[float, subprocess.CompletedProcess]:
    times = []
    result = None
    for _ in range(runs):
        started = time.perf_counter()
        result = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True,
                                env={**os.environ, "PORTAL_TODAY": "2026-11-21"})
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp)
        generate(project, args.items)
        base, _ = timed([sys.executable, "-c", BASELINE, str(project)], project, args.runs)
        ours, result = timed([sys.executable, "-m", "pipeline", "check"], project, args.runs)
        if result.returncode not in (0, 1) or "Traceback" in result.stderr:
            print(result.stdout[-2000:], result.stderr[-2000:], file=sys.stderr)
            return 1
        print(f"items: {args.items} (4 photos each), median of {args.runs} runs, process start included")
        print(f"baseline (read + yaml.load front-matter): {base:6.2f} s")
        print(f"portal check:                            {ours:6.2f} s  ({ours / base:.1f}x baseline)")
        print(f"target < 3 s: {'ok' if ours < 3 else 'MISSED'}")
        print(f"last line of the report: {result.stdout.strip().splitlines()[-1]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
