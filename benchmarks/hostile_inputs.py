"""Time the refusal of hostile inputs beside the same work on a harmless input.

    python benchmarks/hostile_inputs.py [--runs 5] [--size 4000x3000]

The tests (tests/test_hostile.py, tests/test_images.py) assert *how* these
inputs are refused: the front-matter reader stops at the first YAML anchor
(no alias is ever expanded), a truncated JPEG is decoded once in draft mode at
1/8 scale, a decompression bomb is refused from its header with no decode.
Timings do not belong in tests (a loaded CI runner makes them flaky), so they
are here:

- alias bomb: ``read_document`` of the "billion laughs" front-matter (9**9
  strings if expanded) vs the same front-matter without it;
- truncated JPEG (baseline and progressive): ``inspect`` of the file cut in
  half vs ``inspect`` of the whole file;
- PNG bomb (a 1x1 PNG whose header claims 30000x30000): ``inspect`` vs
  ``inspect`` of a small valid PNG.

A ratio near 1 means the hostile input costs no more than a normal one. The
tests once asserted 0.5 s (alias bomb) and 1 s (JPEG, PNG bomb) on 600x400
photos; the last column shows that former limit.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from PIL import Image  # noqa: E402

from pipeline.content.frontmatter import read_document  # noqa: E402
from pipeline.photos.images import inspect  # noqa: E402
from test_hostile import BOMB, edit, item  # noqa: E402
from test_images import bomb_png, photo, save  # noqa: E402


def best(function, runs: int) -> float:
    """The fastest of ``runs`` calls of ``function``, in seconds (the least disturbed run)."""
    return min(timeit.repeat(function, number=1, repeat=runs))


def cases(folder: Path, size: tuple[int, int]) -> list[tuple[str, object, object, float]]:
    """(name, hostile call, baseline call, former test limit in s) of each measured input."""
    bomb = item(edit("date: 2026-11-20\n", "date: 2026-11-20\n" + BOMB)).encode("utf-8")
    clean = item().encode("utf-8")
    rows = [("alias bomb (front-matter)", lambda: read_document(bomb), lambda: read_document(clean), 0.5)]
    picture = photo(size)
    for progressive in (False, True):
        label = "progressive" if progressive else "baseline"
        whole = save(picture, folder / f"whole-{label}.jpg", "JPEG", quality=90, progressive=progressive)
        data = whole.read_bytes()
        cut = folder / f"cut-{label}.jpg"
        cut.write_bytes(data[: len(data) // 2])
        rows.append((f"truncated JPEG ({label})", lambda cut=cut: inspect(cut), lambda whole=whole: inspect(whole),
                     1.0))
    png_bomb = bomb_png(folder / "bomb.png", 30000, 30000)
    small = save(Image.new("RGB", (640, 480), (40, 90, 160)), folder / "small.png", "PNG")
    rows.append(("PNG bomb (900 MP header)", lambda: inspect(png_bomb), lambda: inspect(small), 1.0))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of each measurement; the best is shown")
    parser.add_argument("--size", default="4000x3000", help="pixel size of the JPEG photos (default: 12 MP)")
    args = parser.parse_args()
    width, height = (int(n) for n in args.size.lower().split("x"))
    with tempfile.TemporaryDirectory() as tmp:
        rows = cases(Path(tmp), (width, height))
        print(f"JPEG photos {width}x{height}, best of {args.runs} runs\n")
        print(f"{'input':28} {'hostile ms':>11} {'baseline ms':>12} {'ratio':>7} {'former limit ms':>16}")
        for name, hostile, baseline, limit in rows:
            ours, base = best(hostile, args.runs), best(baseline, args.runs)
            print(f"{name:28} {ours * 1000:>11.2f} {base * 1000:>12.2f} {ours / base:>7.2f} {limit * 1000:>16.0f}",
                  flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
