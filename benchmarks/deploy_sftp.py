"""Time `portal deploy` of the 1,000-item benchmark site over loopback SFTP, beside a local folder.

    .venv/bin/python benchmarks/deploy_sftp.py [--size 1000] [--runs 3]

The site is generated and built as benchmarks/site_scale.py does (N items, 4
photos each, photos from a seeded cache). OpenSSH's sshd (Debian's
/usr/sbin/sshd, started on a free port with generated keys, as
tests/test_deploy_sftp.py does) serves an empty folder. Timed, as whole
`python -m pipeline deploy` processes:

- first:     everything uploaded;
- no change: the same site again (median of --runs): hash the site, read the
             live manifest, hard-link every file into a new release on the
             host, read back, switch;
- one item:  one item's narrative changed and the site rebuilt (untimed):
             its page and the search index travel.

Baseline, side by side: the same three deploys into a local folder (the same
procedure, no network), so the ratio is what SFTP itself costs.
Targets (issue 14): no-change redeploy <= 5 s, one-item change <= 10 s.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests"))
import site_scale  # noqa: E402 - the same generated site as the build benchmark
import sshd_server  # noqa: E402 - the sshd the SFTP tests start


def deploy(project: Path, target: str, site: Path, env: dict[str, str]) -> tuple[float, str]:
    """Wall clock of one `portal deploy` and its summary line."""
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "pipeline", "deploy", target, "--site-dir", str(site)],
                            cwd=project, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"deploy to {target} failed:\n{result.stdout}\n{result.stderr}")
    return seconds, result.stdout.strip().splitlines()[-1]


def series(project: Path, target: str, sites: tuple[Path, Path], env: dict[str, str], runs: int) -> dict:
    first = deploy(project, target, sites[0], env)
    again = [deploy(project, target, sites[0], env) for _ in range(runs)]
    one = deploy(project, target, sites[1], env)
    return {"first": first, "no change": (statistics.median(s for s, _ in again), again[-1][1]), "one item": one}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1000, help="generated items")
    parser.add_argument("--runs", type=int, default=3, help="no-change redeploys (median)")
    args = parser.parse_args()
    categories = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))["extra"]["portal"]["categories"]
    with tempfile.TemporaryDirectory(prefix="deploy-sftp-") as tmp:
        work = Path(tmp)
        jpegs = site_scale.sample_jpegs(work / "jpegs")
        project = work / "portal"
        project.mkdir()
        items = site_scale.make_items(args.size, categories)
        site_scale.write_portal(project, items, jpegs)
        site_scale.seed_cache(jpegs, project / ".portal" / "cache" / "images")
        print(f"[{args.size} items] building the site twice (one item changed) ...", file=sys.stderr, flush=True)
        site_scale.run([sys.executable, "-m", "pipeline", "build"], project)
        changed = next((project / "content" / "berita").glob("*/*/index.md"))
        changed.write_text(changed.read_text(encoding="utf-8") + "\nKalimat tambahan untuk uji deploy.\n",
                           encoding="utf-8")
        site_scale.run([sys.executable, "-m", "pipeline", "build", "--site-dir", str(work / "site2")], project)
        sites = (project / "site", work / "site2")
        files = sum(1 for p in sites[0].rglob("*") if p.is_file())

        print("local folder ...", file=sys.stderr, flush=True)
        local = series(project, str(work / "www-local"), sites, site_scale.ENV, args.runs)
        server = sshd_server.SshServer(work / "sshd").start()
        try:
            print("loopback SFTP ...", file=sys.stderr, flush=True)
            sftp = series(project, server.url(work / "www-sftp"), sites, {**site_scale.ENV, **server.env()},
                          args.runs)
        finally:
            server.stop()
        shutil.rmtree(work / "www-sftp", ignore_errors=True)

    print(f"portal deploy of {args.size} items ({files} files), wall clock of the whole command; "
          f"no change = median of {args.runs}")
    print(f"{'deploy':<10} {'sftp s':>7} {'local s':>8} {'ratio':>6}   sftp summary")
    for name in ("first", "no change", "one item"):
        print(f"{name:<10} {sftp[name][0]:>7.2f} {local[name][0]:>8.2f} {sftp[name][0] / local[name][0]:>6.2f}   "
              f"{sftp[name][1]}")
    for name, limit in (("no change", 5.0), ("one item", 10.0)):
        seconds = sftp[name][0]
        print(f"target: {name} over SFTP <= {limit:.0f} s: {seconds:.2f} s -> {'ok' if seconds <= limit else 'MISSED'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
