"""How long `portal serve` takes to show an edit, with N items.

    python benchmarks/serve_latency.py [--items 1000] [--edits 3]

Generates N items (4 tiny photos each, like benchmarks/check_scale.py),
starts `portal serve`, waits until it answers, then edits one (old) item's
title several times and polls the article URL until the new title is served.
Target (issue 4): an edit shows within 2 s with 1,000 items.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from check_scale import generate  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


def wait_for(url: str, needle: str, timeout: float) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if needle in fetch(url):
            return time.perf_counter() - started
        time.sleep(0.05)
    raise TimeoutError(f"{needle!r} not served at {url} after {timeout} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--edits", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp)
        generate(project, args.items)
        port = free_port()
        env = {**os.environ, "PORTAL_TODAY": "2026-11-21"}
        started = time.perf_counter()
        server = subprocess.Popen([sys.executable, "-m", "pipeline", "serve", "--port", str(port)], cwd=project,
                                  env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            base = f"http://127.0.0.1:{port}/"
            first = wait_for(base, "Berita Terbaru", 600)
            print(f"items: {args.items}; serve answered after {time.perf_counter() - started:.1f} s "
                  f"(first build, photos included; {first:.1f} s of polling)")
            index = next((project / "content/berita/2026").iterdir()) / "index.md"
            slug = index.parent.name[11:]
            url = f"{base}berita/2026/{slug}/"
            # An old item: outside the newest-100 preview until its first edit brings it in.
            times = []
            for n in range(args.edits):
                time.sleep(1.0)
                text = index.read_text(encoding="utf-8")
                marker = f"Revisi{n}x"
                lines = text.split("\n")
                lines[1] = f"title: Rapat Kerja Komisi {marker} Membahas Program Daerah"
                index.write_text("\n".join(lines), encoding="utf-8")
                times.append(wait_for(url, marker, 120))
                print(f"edit {n + 1}: shown after {times[-1]:.2f} s")
            median = statistics.median(times)
            print(f"median edit-to-served: {median:.2f} s; target <= 2 s: {'ok' if median <= 2 else 'MISSED'}")
        finally:
            server.terminate()
            server.wait(10)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
