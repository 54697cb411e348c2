"""Time `portal register` on 5,000 submissions: the join into rows and each output format.

    python benchmarks/register_scale.py [--rows 5000] [--runs 3]

The records are synthetic (no git, no GitHub): 5,000 approvals of items spread
over two years, each with three review rounds, and four platforms' posts in a
post ledger, so what is timed is ``rows.document`` (join, timeliness, sort) and
the json, csv, md and xlsx writers. Target (issue 13): the register of 5,000
items renders in at most 2 s (json/csv/md; xlsx is printed beside it). This
prints the figures; no test asserts a time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from pipeline.config import load_config  # noqa: E402
from pipeline.register.records import APPROVAL, Entry  # noqa: E402
from pipeline.register.report import render  # noqa: E402
from pipeline.register.rows import ItemInfo, Sources, document  # noqa: E402
from pipeline.social.ledger import Record  # noqa: E402

TARGET = 2.0


def sources(count: int) -> Sources:
    """``count`` approvals with three review rounds each, their items and posts."""
    start = dt.date(2025, 1, 1)
    entries, items, posts = [], {}, []
    for number in range(count):
        day = start + dt.timedelta(days=number % 700)
        folder = f"content/berita/{day.year}/{day.isoformat()}-kegiatan-{number}"
        item = f"{day.isoformat()}-{number:06x}"
        merged = f"{day + dt.timedelta(days=number % 3)}T03:00:00Z"
        reviews = [{"reviewer": "kabag-humas", "state": state, "at": merged, "text": f"Tanggapan {state} {number}."}
                   for state in ("CHANGES_REQUESTED", "COMMENTED", "APPROVED")]
        entries.append(Entry(kind=APPROVAL, item=item, path=folder, source="github", commit=f"{number:040x}",
                             pr={"number": number + 1, "url": f"https://github.com/dprd/portal/pull/{number + 1}",
                                 "title": f"Berita kegiatan {number}"},
                             author="staf-humas", submitted_at=f"{day}T08:00:00Z", reviews=reviews,
                             merged_by="kabag-humas", merged_at=merged, live_at=merged))
        items[folder] = ItemInfo(f"Kegiatan DPRD nomor {number}", "Rapat Paripurna", day.isoformat(),
                                 f"berita/{day.year}/kegiatan-{number}/")
        for platform in ("facebook", "instagram", "x", "telegram"):
            posts.append(Record(item, platform, "POSTED", merged, url=f"https://example.org/{platform}/{number}"))
    return Sources(entries, items, posts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    config = load_config(ROOT)
    data = sources(args.rows)
    print(f"{args.rows} baris, terbaik dari {args.runs} kali:")
    best_doc = min(_timed(lambda: document(config, data)) for _ in range(args.runs))
    doc = document(config, data)
    print(f"  gabung (rows.document)  {best_doc:6.2f} s")
    for fmt in ("json", "csv", "md", "xlsx"):
        best = min(_timed(lambda fmt=fmt: render(config, doc, fmt)) for _ in range(args.runs))
        total = best_doc + best
        mark = "" if fmt == "xlsx" else ("  ok" if total <= TARGET else f"  MELEBIHI {TARGET:.0f} s")
        print(f"  {fmt:<5} tulis {best:6.2f} s, total {total:6.2f} s{mark}")
    return 0


def _timed(work) -> float:
    began = time.perf_counter()
    work()
    return time.perf_counter() - began


if __name__ == "__main__":
    raise SystemExit(main())
