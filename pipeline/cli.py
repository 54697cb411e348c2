"""The ``portal`` command: a thin layer over the library.

Each command acts on the site project in the current directory (the one
holding ``mkdocs.yml``). Exit codes: 0 ok, 1 problems or a user error,
2 a usage error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from pipeline import __version__
from pipeline.actions import command, in_actions, install, shown
from pipeline.config import ENGINES
from pipeline.errors import PortalError, UsageError


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse's default is English and exits 2: keep the 2
        self.print_usage(sys.stderr)
        raise UsageError(message)


def _config():
    from pipeline.config import load_config

    return load_config(Path.cwd())


def cmd_check(args) -> int:
    """Periksa semua berita (atau PATH tertentu) dan laporkan setiap masalah sekaligus.

    Contoh: portal check
            portal check content/berita/2026/2026-11-20-rapat-paripurna --format github
    """
    from pipeline.check.changes import apply_change_rules, changed, deleted_items
    from pipeline.check.rules import Report, check

    config = _config()
    paths, changes = args.paths, None
    if args.changed_since:
        changes = changed(config, args.changed_since)
        paths = _changed_paths(config, args.changed_since, args.paths, changes)
        if not paths and not deleted_items(changes):  # a deleted item alone is still checked (`item-deleted`)
            print(f"Tidak ada konten (berita, halaman, agenda, anggota, dokumen) yang berubah sejak "
                  f"{shown(args.changed_since)}; tidak ada yang diperiksa.")
            return 0
    report = check(config, paths) if paths or changes is None else Report()
    if changes is not None:
        apply_change_rules(report, changes, config, args.changed_since)
    _print_report(report, args.format)
    failed = report.errors or (args.strict and report.warnings)
    return 1 if failed else 0


def _print_report(report, fmt: str = "text") -> None:
    from pipeline.check.report import format_report, github_annotations, summary

    if fmt != "github":
        print(format_report(report, fmt))
        return
    # Annotations are the workflow commands portal means to give: they take the
    # sanctioned channel, which the Actions output filter lets through as they are.
    for line in github_annotations(report):
        command(line)
    print(summary(report))


def _changed_paths(config, ref: str, paths: list[str], changes) -> list[str]:
    from pipeline.check.changes import DELETED

    if paths:
        raise UsageError("PATH dan --changed-since tidak dapat dipakai bersamaan; pilih salah satu.")
    return [c.path for c in changes if c.status != DELETED]


def cmd_preview(args) -> int:
    """Cetak ringkasan untuk pemeriksa (Markdown): tiap berita, masalahnya, foto, narasi, dan teks media sosialnya.

    Tanpa PATH dan --changed-since: semua konten (berita, halaman, agenda, anggota,
    dokumen). Ringkasan job di pull request
    adalah keluaran perintah ini. Ringkasan dipotong agar muat di batas GitHub
    (1 MiB); --full menyimpan ringkasan utuh ke berkas.

    Contoh: portal preview --changed-since origin/main
            portal preview content/berita/2026/2026-11-20-rapat-paripurna
            portal preview --changed-since origin/main --full ringkasan-pemeriksa.md
    """
    import os

    from pipeline.check.changes import apply_change_rules, changed, merge_base, repo_prefix
    from pipeline.check.rules import Report, check
    from pipeline.review.summary import collect, github_repo_url, photo_links

    config = _config()
    changes = base = None
    paths = args.paths
    links = photo_links(args.repo_url or github_repo_url(os.environ), args.head,
                        repo_prefix(config) if args.head else "")
    if args.changed_since:
        base = merge_base(config, args.changed_since)
        changes = changed(config, args.changed_since)
        paths = _changed_paths(config, args.changed_since, args.paths, changes)
    report = check(config, paths) if paths or changes is None else Report()
    if changes is not None:
        apply_change_rules(report, changes, config, args.changed_since)
    result = collect(config, report, changes, args.changed_since, args.site_url, base, links)
    if args.full:
        try:
            args.full.write_text(result.text(None), encoding="utf-8")
        except OSError as exc:
            raise PortalError(f"Ringkasan utuh tidak dapat ditulis ke {args.full}: folder tujuannya tidak ada atau "
                              f"tidak boleh ditulis ({exc.strerror}).") from None
    print(result.text(), end="")
    return 0  # a report, not a gate: `portal check` decides (the PR job writes this summary after it)


def cmd_new(args) -> int:
    """Buat folder berita baru dari templat, lalu tampilkan langkah berikutnya.

    Contoh: portal new "Rapat Paripurna Penetapan APBD 2027" --date 2026-11-20 --category paripurna
            portal new "Rapat Paripurna Penetapan Propemperda 2027" --agenda --date 2026-12-15 --body paripurna
            portal new "Laporan Layanan Informasi Publik 2026" --informasi
    """
    from pipeline.content.scaffold import new_item

    config = _config()
    if args.agenda:
        return _new_sitting(config, args)
    if args.informasi:
        return _new_document(config, args)
    path = new_item(config, args.title, args.date, args.category)
    folder = path.parent.relative_to(config.root).as_posix()
    print(f"Berita baru dibuat: {folder}/index.md\n"
          "Langkah berikutnya:\n"
          f"  1. Salin minimal 4 foto kegiatan ke folder {folder}/\n"
          "  2. Daftarkan setiap foto di bagian `photos:` pada index.md (file, alt, credit)\n"
          "  3. Ganti teks contoh: caption (paling banyak 200 karakter) dan narasi berita\n"
          f"  4. Periksa hasilnya: portal check {folder}\n"
          "  5. Ajukan pull request agar ditinjau Kabag dan PPID")
    return 0


def cmd_clean_photos(args) -> int:
    """Hapus posisi GPS, nama pemilik dan nomor seri kamera/lensa dari foto asli, tanpa mengubah gambarnya.

    Foto diubah di tempat (tanpa dikompres ulang); foto tanpa data itu tidak disentuh.
    Contoh: portal clean-photos
            portal clean-photos content/berita/2026/2026-11-20-rapat-paripurna-penetapan-apbd-2027
    """
    from pipeline.photos import metadata

    config = _config()
    paths = [Path(p) for p in args.paths] or [config.content]
    for path in paths:
        if not path.exists():
            raise PortalError(f"{path} tidak ditemukan. Tulis path foto atau folder berita, misalnya "
                              "content/berita/2026/2026-11-20-rapat-paripurna.")
    photos = metadata.photo_files(paths)
    cleaned = failed = 0
    for photo in photos:
        name = photo.resolve().relative_to(config.root).as_posix() if photo.resolve().is_relative_to(config.root) \
            else str(photo)
        try:
            removed = metadata.clean(photo)
        except (metadata.MetadataError, OSError) as exc:
            failed += 1
            reason = exc if isinstance(exc, metadata.MetadataError) else exc.strerror
            print(f"Galat: {name}: tidak dapat dibersihkan ({reason}); berkas tidak diubah. Ekspor ulang foto "
                  "aslinya dari kamera/ponsel, lalu jalankan perintah ini lagi.", file=sys.stderr)
            continue
        if removed:
            cleaned += 1
            print(f"{name}: {metadata.describe(removed)} dihapus")
    print(f"{len(photos)} foto diperiksa, {cleaned} dibersihkan, {failed} gagal.")
    return 1 if failed else 0


def _new_document(config, args) -> int:
    """``portal new --informasi``: a public information document (``content/informasi/<slug>/index.md``)."""
    from pipeline.content.scaffold import new_document

    path = new_document(config, args.title, args.date)
    folder = path.parent.relative_to(config.root).as_posix()
    print(f"Dokumen informasi publik dibuat: {folder}/index.md\n"
          "Langkah berikutnya:\n"
          f"  1. Salin berkas dokumennya (PDF; data sebagai XLSX atau CSV) ke folder {folder}/\n"
          "  2. Daftarkan setiap berkas di `files:` (file, title) dan isi ringkasan, kategori `kip`, unit dan "
          "penanggung jawab\n"
          f"  3. Periksa hasilnya: portal check {folder}\n"
          "  4. Ajukan pull request agar ditinjau PPID")
    return 0


def _new_sitting(config, args) -> int:
    """``portal new --agenda``: a sitting of the agenda (``content/agenda/<YYYY>/<date>-<slug>.md``)."""
    from pipeline.content.agenda import new_sitting

    path = new_sitting(config, args.title, args.date or config.today(), args.body).relative_to(config.root).as_posix()
    print(f"Agenda rapat dibuat: {path}\n"
          "Langkah berikutnya:\n"
          "  1. Isi `place` (tempat rapat), periksa jam `start`/`end`, `body` dan `public`\n"
          "  2. Tulis acara rapat di bawah front-matter\n"
          f"  3. Periksa hasilnya: portal check {path}\n"
          "  4. Ajukan pull request")
    return 0


def cmd_build(args) -> int:
    """Periksa konten lalu bangun situs ke folder site/ (dibatalkan bila ada galat).

    Dengan --due tidak membangun apa pun: mencetak due=N, jumlah berita terjadwal
    (`publish_at`) yang sudah tiba waktunya tetapi belum ada di catatan build
    terakhir (.portal/build-record.json); alur kerja terjadwal membangun ulang
    situs hanya bila N bukan 0.

    Contoh: portal build
            portal build --engine zensical
            portal build --due
    """
    from pipeline.site.build import build

    if args.due:
        return _print_due(_config())
    config = _config()
    result = build(config, args.site_dir, args.engine)
    if result.site is None:
        _print_report(result.report)
        print("Build dibatalkan: perbaiki galat di atas lalu jalankan `portal build` lagi.", file=sys.stderr)
        return 1
    assert result.photos is not None  # a built site always processed its photos
    print(result.photos.line())
    if result.videos is not None:
        print(result.videos.line())
    warnings = f", {result.report.warnings} peringatan" if result.report.warnings else ""
    print(f"Situs dibangun di {shown(result.site)}: {_built_items(result.report.items)}, "
          f"{len(result.report.pages)} halaman{warnings} ({f'{result.seconds:.1f}'.replace('.', ',')} detik).")
    _print_waiting(config, result.report.items)
    return 0


def _built_items(items) -> str:
    """``7 berita (1 ditarik, 1 terjadwal)``: the articles on the site, then the notices and the held-back ones."""
    listed = sum(1 for item in items if item.listed)
    others = [f"{count} {what}" for count, what in (
        (sum(1 for item in items if item.on_site and not item.listed), "ditarik"),
        (sum(1 for item in items if item.held), "terjadwal")) if count]
    return f"{listed} berita" + (f" ({', '.join(others)})" if others else "")


def _print_waiting(config, items) -> None:
    """One line per scheduled item left out of this build (``publish_at`` still ahead)."""
    from pipeline.content import sop
    from pipeline.content.schedule import shown as shown_time

    for item in items:
        if item.held:
            print(f"Terjadwal, belum terbit: {shown(item.rel)} (terbit {shown_time(item.publish_at)} "
                  f"{sop.zone_name(config.timezone)}; build berikutnya sesudah jam itu menerbitkannya).")


def _print_due(config) -> int:
    """``due=N`` on stdout (a step output), and the items that fell due on stderr."""
    from pipeline.content.load import load
    from pipeline.content.schedule import fell_due
    from pipeline.content.schedule import shown as shown_time
    from pipeline.site import record

    recorded = {item.path for item in record.read(config)}
    due = fell_due(load(config).items, recorded, config.root)
    for item in due:
        assert item.publish_at is not None  # fell_due returns scheduled items only
        print(f"Terjadwal, sudah tiba waktunya: {shown(item.rel)} ({shown_time(item.publish_at)}).", file=sys.stderr)
    print(f"due={len(due)}")
    return 0


def cmd_publish(args) -> int:
    """Unggah berita yang sudah terbit di situs ke media sosial, masing-masing tepat sekali.

    Kredensial dibaca dari environment (lihat docs/panduan-admin.md); platform
    yang diminta (social_default atau `social:` berita) tanpa kredensial
    lengkap menggagalkan proses, kecuali dimatikan di mkdocs.yml
    (extra.portal.publish.disabled). Catatan publikasi ada di cabang git
    portal-ledger (atau --ledger PATH), tiap barisnya ditandatangani dengan
    PORTAL_LEDGER_KEY. Paling banyak extra.portal.publish.max_posts unggahan
    per proses (bawaan 10); berita lewat cutoff_days hari setelah hari H
    (bawaan 7) tidak diunggah otomatis.

    Bila daftar publikasi hilang sementara ada berita lama, proses berhenti:
    mulai daftar baru dengan sengaja lewat --new-ledger --since YYYY-MM-DD.

    Berita dan fotonya dibaca dari catatan build (.portal/build-record.json,
    ditulis oleh `portal build`), bukan dari folder konten: jalankan
    `portal build` lebih dulu.

    Status FAILED atau UNKNOWN menunggu keputusan orang: periksa platformnya,
    lalu catat dengan --resolve posted (unggahan ada) atau --resolve retry.

    Contoh: portal publish --dry-run
            portal publish --only facebook,telegram --ledger publikasi.jsonl
            portal publish --new-ledger --since 2026-11-20
            portal publish --resolve posted --only telegram --item content/berita/2026/2026-11-20-rapat
    """
    from pipeline.config import PLATFORMS
    from pipeline.site import record
    from pipeline.social.publish import pending, publish, resolve

    only: list[str] | None = None
    if args.only:
        only = [p.strip() for p in args.only.split(",") if p.strip()]
        unknown = [p for p in only if p not in PLATFORMS]
        if unknown:
            raise UsageError(f"--only: platform {', '.join(unknown)} tidak dikenal; pilih dari {', '.join(PLATFORMS)}.")
    config = _config()
    if args.resolve and (not args.item or not only or len(only) != 1):
        raise UsageError("--resolve memerlukan --item PATH dan tepat satu platform di --only.")
    if bool(args.new_ledger) != bool(args.since) or (args.new_ledger and args.resolve):
        raise UsageError("--new-ledger dan --since YYYY-MM-DD dipakai bersama (dan tidak dengan --resolve).")
    # The build record, not the content: this process holds the tokens and opens no photo (see record.py).
    items = record.read(config)
    if args.item:
        items = [_recorded(config, items, args.item)]
    if args.resolve:
        assert only is not None  # checked above: --resolve needs exactly one platform
        return resolve(config, items[0], only[0], args.resolve, args.url, args.ledger)
    if args.pending:
        return pending(config, items, args.ledger, env=None)
    return publish(config, items, dry=args.dry_run, only=only, site_url=args.site_url, ledger_path=args.ledger,
                   new_ledger=args.since.isoformat() if args.since else None, explicit=bool(args.item))


def _recorded(config, items, path: str):
    """The recorded item whose folder (or index.md) is ``path``."""
    from pipeline.site.record import RECORD_PATH

    target = (Path.cwd() / path).resolve()
    if target.name == "index.md":
        target = target.parent
    for item in items:
        if (config.root / item.path).resolve() == target:
            return item
    raise UsageError(f"--item {shown(path)} bukan folder berita yang tercatat di build terakhir "
                     f"({RECORD_PATH}). Periksa path-nya, atau jalankan `portal build` bila beritanya baru.")


def cmd_serve(args) -> int:
    """Pratinjau langsung di http://127.0.0.1:8000; perubahan konten tampil otomatis.

    Dengan banyak berita, pratinjau memuat 100 berita terbaru ditambah setiap
    berita yang disunting selama pratinjau berjalan (--all untuk semuanya).

    Contoh: portal serve --port 8001
    """
    from pipeline.site.serve import serve

    serve(_config(), host=args.host, port=args.port, all_items=args.all)
    return 0


def cmd_view(args) -> int:
    """Buka situs yang sudah dibangun (misalnya artefak pratinjau-situs) di http://127.0.0.1:8000.

    Situs hanya bisa dibuka dari komputer ini, dengan aturan keamanan yang sama
    seperti situs resmi (Content-Security-Policy): skrip dari luar situs tidak
    dijalankan. Tidak perlu folder proyek; tekan Ctrl+C untuk berhenti.

    Contoh: portal view pratinjau-situs
            portal view site --port 8001
    """
    from pipeline.site.view import make_server, url_of

    server = make_server(args.dir, args.port)
    print(f"Situs {shown(args.dir)} terbuka di {url_of(server)} (Ctrl+C untuk berhenti).", flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
    return 0


def cmd_deploy(args) -> int:
    """Terbitkan situs hasil build ke server sendiri: folder lokal, SFTP, FTPS, atau S3.

    Hanya berkas yang berubah yang diunggah. Di folder lokal dan SFTP situs baru
    disiapkan di releases/<build> lalu symlink current dipindah sekaligus; di FTPS
    dan S3 berkas diganti berurutan (foto dan aset, halaman, feed, sitemap) sehingga
    tidak ada halaman yang menunjuk berkas yang belum ada. Kredensial hanya dari
    environment: DEPLOY_SSH_KEY / DEPLOY_SSH_KEY_FILE / DEPLOY_PASSWORD dan
    DEPLOY_KNOWN_HOSTS (SFTP), DEPLOY_PASSWORD dan DEPLOY_CA_FILE (FTPS),
    S3_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION (S3).
    Baris terakhir: "diunggah N, tidak berubah M, dihapus K, X MB, Y detik".

    Tanpa TARGET: alamat di extra.portal.deploy_target (mkdocs.yml).

    Contoh: portal deploy /var/www/dprd
            portal deploy sftp://deploy@web.dprd.go.id/var/www/dprd --verify-url https://dprd.go.id
            portal deploy s3://situs-dprd --dry-run
    """
    import os

    from pipeline.deploy.run import deploy, parse_target

    configured = _config().deploy_target if args.target is None or args.print_target else ""
    if args.print_target:  # for publish.yml: `>> "$GITHUB_OUTPUT"`; empty means GitHub Pages
        print(f"deploy-target={configured}")
        return 0
    if not (args.target or configured):
        raise UsageError("Tujuan deploy belum ada: tulis TARGET (misalnya `portal deploy sftp://deploy@web.contoh."
                         "go.id/var/www/dprd`) atau isi `extra.portal.deploy_target` di mkdocs.yml.")
    target = parse_target(args.target or configured, insecure=args.insecure)
    site = args.site_dir or Path.cwd() / "site"
    summary = deploy(site, target, os.environ, keep=args.keep, dry_run=args.dry_run,
                     verify_url=args.verify_url, wait=args.wait)
    for note in summary.notes:
        print(note, file=sys.stderr)
    if args.dry_run:
        for path in summary.uploaded:
            print(f"akan diunggah: {path}")
        for path in summary.deleted:
            print(f"akan dihapus: {path}")
        print(f"Uji coba (--dry-run), tidak ada yang diubah di {target.label}: {summary.line()}")
        return 0
    print(f"Build {summary.build} tayang di {target.label}.")
    print(summary.line())
    return 0


def cmd_rollback(args) -> int:
    """Kembalikan situs ke rilis sebelum yang sedang tayang (atau ke --to RILIS, lebih lama atau lebih baru).

    Contoh: portal rollback sftp://deploy@web.dprd.go.id/var/www/dprd
            portal rollback /var/www/dprd --to 20261204T101500Z-1a2b3c4d
    """
    import os

    from pipeline.deploy.run import parse_target, rollback

    target = parse_target(args.target, insecure=args.insecure)
    release = rollback(target, os.environ, to=args.to)
    print(f"Rilis {release} kini tayang di {target.label}.")
    return 0


def cmd_register(args) -> int:
    """Register dokumentasi dan konten: tiap berita dari pengajuan, pemeriksaan, terbit, sampai unggahan.

    Tanpa SUBPERINTAH: cetak register (bawaan Markdown) dari catatan register di
    cabang portal-ledger, riwayat git, daftar publikasi dan konten. Tanpa
    GITHUB_TOKEN dan tanpa cabang portal-ledger register tetap dibuat dari git;
    kolom yang tidak dapat diisi disebut di stderr.

    capture --sha SHA  catat pull request yang menggabungkan commit SHA (setelah
                       deploy), ulasan pemeriksanya, dan pull request yang ditolak.
    backfill           catat berita lama dari riwayat git (dan GitHub bila ada token).

    Contoh: portal register --format csv --output register.csv
            portal register --format json --output .portal/register.json --since 2026-01-01
            portal register capture --sha 1a2b3c4
    """
    import os

    from pipeline.register import capture, github
    from pipeline.register.records import Register, open_store
    from pipeline.register.report import content_items, empty_note, gather, render, write
    from pipeline.register.rows import document

    config = _config()
    if args.action:
        if args.action == "capture" and not args.sha:
            raise UsageError("`portal register capture` memerlukan --sha SHA (commit yang baru tayang).")
        client = github.from_env(os.environ)
        if client is None:
            print("GITHUB_TOKEN atau GITHUB_REPOSITORY tidak ada: hanya riwayat git yang dicatat (tanpa ulasan "
                  "pemeriksa dan tanpa pull request yang ditolak).", file=sys.stderr)
        _, ids = content_items(config)
        register = Register(open_store(config.root, args.register, dict(os.environ)))
        if args.action == "capture":
            added = capture.capture(config.root, args.sha, client, register, ids)
        else:
            added = capture.backfill(config.root, client, register, ids)
        print(f"Register: {added} catatan baru.")
        return 0
    sources = gather(config, os.environ, args.register, args.ledger)
    if sources.empty:
        print(empty_note(sources.empty), file=sys.stderr)
    write(args.output, render(config, document(config, sources, args.since), args.format), sys.stdout)
    return 0


def cmd_video(args) -> int:
    """Siapkan video dari ponsel (MOV/MP4/MKV, juga HEVC iPhone) menjadi MP4 siap web, paling besar 25 MB.

    Video hasil (H.264 720p, tanpa lokasi GPS dan data perangkat) disimpan di
    folder berita; video aslinya tetap di arsip Sekretariat, jangan disalin ke
    repositori. Durasi paling lama 10 menit.

    Contoh: portal video prepare ~/Video/IMG_1234.MOV content/berita/2026/2026-11-20-rapat-paripurna
    """
    from pipeline.video.prepare import prepare, report
    from pipeline.video.probe import VideoError

    source = Path(args.source)
    show = sys.stderr.isatty() or args.progress
    try:
        result = prepare(source, Path(args.folder), progress=_progress_bar("Menyiapkan video") if show else None)
    except VideoError as exc:
        raise PortalError(shown(exc.message)) from None
    for line in report(result, source.name):
        print(shown(line))
    return 0


def _progress_bar(label: str):
    """A callback drawing ``label [####      ]  40%`` on stderr."""
    def draw(fraction: float) -> None:
        bar = "#" * int(30 * fraction)
        end = "\n" if fraction >= 1 else ""
        print(f"\r{label} [{bar:<30}] {fraction:4.0%}", end=end, file=sys.stderr, flush=True)
    return draw


def _positive(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = -1
    if number < 0:
        raise argparse.ArgumentTypeError(f"{value!r} harus berupa angka detik, 0 atau lebih")
    return number


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"tanggal {value!r} harus berformat YYYY-MM-DD") from None


def make_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="portal", description="Pipeline publikasi portal informasi DPRD.")
    parser.add_argument("--version", action="version", version=f"portal {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser, metavar="PERINTAH")

    def add(name, func):
        doc = func.__doc__
        p = sub.add_parser(name, help=doc.splitlines()[0], description=doc,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        p.set_defaults(func=func)
        return p

    p = add("check", cmd_check)
    p.add_argument("paths", nargs="*", metavar="PATH", help="folder berita, index.md, atau folder di content/")
    p.add_argument("--format", choices=("text", "github", "json"), default="text",
                   help="text (bawaan), github (anotasi workflow), json")
    p.add_argument("--strict", action="store_true", help="peringatan juga dianggap gagal")
    p.add_argument("--changed-since", metavar="REF",
                   help="hanya konten (berita, halaman, agenda, anggota, dokumen) yang berubah sejak cabang/commit REF "
                        "(misalnya origin/main)")

    p = add("preview", cmd_preview)
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="folder berita, halaman, rapat, anggota atau dokumen (bawaan: semua)")
    p.add_argument("--changed-since", metavar="REF",
                   help="hanya konten (berita, halaman, agenda, anggota, dokumen) yang berubah sejak cabang/commit REF "
                        "(misalnya origin/main)")
    p.add_argument("--site-url", metavar="URL", help="alamat situs untuk tautan (bawaan: site_url di mkdocs.yml)")
    p.add_argument("--repo-url", metavar="URL",
                   help="alamat repositori di GitHub untuk tautan foto (bawaan: GITHUB_SERVER_URL/GITHUB_REPOSITORY)")
    p.add_argument("--head", metavar="SHA", help="commit yang diusulkan (kepala pull request): foto ditautkan ke sana")
    p.add_argument("--full", type=Path, metavar="BERKAS", help="simpan juga ringkasan utuh (tanpa dipotong) ke BERKAS")

    p = add("new", cmd_new)
    p.add_argument("title", metavar="JUDUL", help="judul kegiatan, 10–120 karakter")
    p.add_argument("--date", type=_date, help="tanggal kegiatan YYYY-MM-DD (bawaan: hari ini di zona waktu situs)")
    p.add_argument("--category", help="slug kategori dari mkdocs.yml")
    p.add_argument("--agenda", action="store_true",
                   help="buat agenda rapat (content/agenda/) alih-alih berita; --date = tanggal rapat")
    p.add_argument("--body", help="dengan --agenda: slug alat kelengkapan dari mkdocs.yml (bawaan: paripurna)")
    p.add_argument("--informasi", action="store_true",
                   help="buat dokumen informasi publik (content/informasi/<slug>/) alih-alih berita; "
                        "--date = tanggal pembuatan dokumen")

    p = add("clean-photos", cmd_clean_photos)
    p.add_argument("paths", nargs="*", metavar="PATH", help="foto atau folder (bawaan: semua foto di content/)")

    p = add("video", cmd_video)
    p.add_argument("action", choices=("prepare",), metavar="SUBPERINTAH", help="prepare: siapkan video untuk berita")
    p.add_argument("source", metavar="VIDEO", help="video asli dari ponsel/kamera (MOV, MP4, MKV)")
    p.add_argument("folder", metavar="FOLDER_BERITA", help="folder berita tujuan (berisi index.md)")
    p.add_argument("--progress", action="store_true", help="tampilkan bilah kemajuan walau bukan di terminal")

    p = add("build", cmd_build)
    p.add_argument("--site-dir", type=Path, default=None, help="folder hasil (bawaan: site/)")
    p.add_argument("--engine", choices=ENGINES, default=None,
                   help="mesin situs (bawaan: extra.portal.engine di mkdocs.yml, atau mkdocs)")
    p.add_argument("--due", action="store_true",
                   help="cetak due=N: berita terjadwal yang sudah tiba waktunya tetapi belum dibangun; tidak membangun")

    p = add("publish", cmd_publish)
    p.add_argument("--dry-run", action="store_true", help="tampilkan persis yang akan dikirim, tanpa mengirim")
    p.add_argument("--only", metavar="PLATFORM,...", help="hanya platform ini: facebook,instagram,x,telegram")
    p.add_argument("--item", metavar="PATH", help="hanya berita di folder ini")
    p.add_argument("--site-url", metavar="URL", help="alamat situs (bawaan: site_url di mkdocs.yml)")
    p.add_argument("--ledger", type=Path, metavar="PATH",
                   help="catatan publikasi di berkas lokal ini (bawaan: cabang git portal-ledger)")
    p.add_argument("--resolve", choices=("posted", "retry"),
                   help="catat keputusan atas unggahan FAILED/UNKNOWN (bersama --item dan --only)")
    p.add_argument("--url", help="dengan --resolve posted: alamat unggahan di platform")
    p.add_argument("--new-ledger", action="store_true",
                   help="mulai daftar publikasi baru dengan sengaja (bila hilang, kosong atau rusak); perlu --since")
    p.add_argument("--since", type=_date, metavar="YYYY-MM-DD",
                   help="dengan --new-ledger: hanya berita dengan hari H sejak tanggal ini yang diunggah")
    p.add_argument("--pending", action="store_true",
                   help="cetak pending=N: jumlah unggahan yang menunggu (untuk alur kerja terjadwal); tidak mengirim")

    p = add("register", cmd_register)
    p.add_argument("action", nargs="?", choices=("capture", "backfill"), metavar="SUBPERINTAH",
                   help="capture (setelah deploy) atau backfill (riwayat lama); tanpa ini: cetak register")
    p.add_argument("--sha", metavar="SHA", help="dengan capture: commit yang baru tayang")
    p.add_argument("--format", choices=("md", "csv", "json", "xlsx"), default="md", help="bawaan: md")
    p.add_argument("--output", type=Path, metavar="BERKAS", help="tulis ke BERKAS (bawaan: layar)")
    p.add_argument("--since", type=_date, metavar="YYYY-MM-DD", help="hanya kegiatan sejak tanggal ini")
    p.add_argument("--register", type=Path, metavar="PATH",
                   help="catatan register di berkas lokal ini (bawaan: cabang git portal-ledger)")
    p.add_argument("--ledger", type=Path, metavar="PATH",
                   help="daftar publikasi di berkas lokal ini (bawaan: cabang git portal-ledger)")

    p = add("serve", cmd_serve)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--all", action="store_true",
                   help="pratinjau semua berita (bawaan: 100 terbaru + yang sedang disunting)")

    target_help = "folder lokal, file:///folder, sftp://user@host[:port]/path, ftps://user@host/path, s3://bucket/prefix"
    p = add("deploy", cmd_deploy)
    p.add_argument("target", metavar="TARGET", nargs="?", help=target_help + " (bawaan: extra.portal.deploy_target)")
    p.add_argument("--dry-run", action="store_true", help="tampilkan yang akan diunggah dan dihapus, tanpa mengubah apa pun")
    p.add_argument("--keep", type=int, default=5, metavar="N", help="jumlah rilis yang disimpan untuk rollback (bawaan: 5)")
    p.add_argument("--verify-url", metavar="URL", help="alamat situs: build.json di sana harus menunjukkan build ini")
    p.add_argument("--wait", type=_positive, default=0, metavar="DETIK",
                   help="tunggu deploy lain selesai paling lama DETIK (bawaan: langsung gagal)")
    p.add_argument("--insecure", action="store_true", help="izinkan ftp:// tanpa TLS (kata sandi terkirim terbuka)")
    p.add_argument("--site-dir", type=Path, default=None, help="folder situs hasil build (bawaan: site/)")
    p.add_argument("--print-target", action="store_true",
                   help="cetak `deploy-target=<extra.portal.deploy_target>` (untuk GitHub Actions) lalu selesai")

    p = add("rollback", cmd_rollback)
    p.add_argument("target", metavar="TARGET", help=target_help)
    p.add_argument("--to", metavar="RILIS", help="id rilis tujuan (bawaan: rilis sebelum yang tayang)")
    p.add_argument("--insecure", action="store_true", help="izinkan ftp:// tanpa TLS")

    p = add("view", cmd_view)
    p.add_argument("dir", type=Path, metavar="FOLDER", help="folder situs yang sudah dibangun (berisi index.html)")
    p.add_argument("--port", type=int, default=8000, help="port di 127.0.0.1 (bawaan: 8000; 0: port bebas)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``portal`` and ``python -m pipeline``."""
    if in_actions():
        install()  # every line printed from here on is safe in the runner's log
    try:
        args = make_parser().parse_args(argv)
        return args.func(args)
    except UsageError as exc:
        print(f"Galat penggunaan: {exc}", file=sys.stderr)
        return 2
    except PortalError as exc:
        print(f"Galat: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
