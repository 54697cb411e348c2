"""A retracted item's posts (issue 15, part 2) against the emulators: deleted where the API allows, exactly once.

Facebook and X delete; Telegram deletes each message of the album within 48 hours
of sending, and is "hapus manual" after (no call is made); Instagram's API deletes
no media, so it is always "hapus manual" with the post's link. The site and the
fixtures are tests/test_publish.py's; a retraction is the same build record with
``retracted`` set, in a copy of the project.
"""

import datetime as dt
import json
import shutil
from zoneinfo import ZoneInfo

import test_publish
from test_publish import RECORD

site, apis, run = test_publish.site, test_publish.apis, test_publish.run

APBD = "2026-11-20-rapat-paripurna-penetapan-apbd-2027"
RDP = "2026-11-12-rdp-komisi-iv-dinas-kesehatan-layanan-puskesmas"
SETTLED = "Tidak ada yang perlu diunggah: semua berita sudah terunggah ke media sosialnya.\n"


def retracted(built, tmp_path, name=APBD, **changes):
    """A copy of the built project whose build record has ``name`` retracted (or ``changes`` applied)."""
    project, _ = built
    copy = tmp_path / "ditarik"
    (copy / ".portal").mkdir(parents=True)
    shutil.copy(project / "mkdocs.yml", copy / "mkdocs.yml")
    record = json.loads((project / RECORD).read_text(encoding="utf-8"))
    for entry in record["items"]:
        if entry["path"].endswith(name):
            entry.update(changes or {"retracted": {"date": "2026-11-25", "reason": "Data anggaran keliru."}})
    (copy / RECORD).write_text(json.dumps(record), encoding="utf-8")
    return copy


def publish_in(publish, copy, *args):
    """``portal publish`` in ``copy`` with the test's ledger."""
    return publish("--ledger", str(publish.ledger), *args, cwd=copy)


def rows(stdout: str) -> list[str]:
    """The summary table's rows, spaces squeezed (the widths follow the longest cell)."""
    return [" ".join(line.split()) for line in stdout.splitlines() if " | " in line]


def states(publish) -> list[tuple[str, str]]:
    records = [json.loads(line) for line in publish.ledger.read_text(encoding="utf-8").splitlines()]
    return [(r["platform"], r["state"]) for r in records if r["state"] in ("DELETED", "MANUAL")]


def test_retraction_deletes_facebook_x_telegram_and_lists_instagram_once(run, apis, site, tmp_path):
    assert run().returncode == 0
    ig_link = apis["instagram"].media[apis["instagram"].posts[0]["id"]]["permalink"]
    copy = retracted(site, tmp_path)
    result = publish_in(run, copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert rows(result.stdout) == [
        "Berita | Platform | Status | Keterangan",
        f"{APBD} | Facebook | DELETED | dihapus",
        f"{APBD} | Instagram | MANUAL | hapus manual: {ig_link} (API Instagram tidak dapat menghapus unggahan)",
        f"{APBD} | X | DELETED | dihapus",
        f"{APBD} | Telegram | DELETED | dihapus",
    ]
    assert result.stdout.endswith("1 unggahan berita yang ditarik perlu dihapus manual oleh admin di platformnya "
                                  "(tautan di atas; lihat Panduan Admin, *Hapus manual*).\n")
    fb, x, tg = apis["facebook"], apis["x"], apis["telegram"]
    assert [p.get("deleted", False) for p in fb.posts] == [False, True]  # oldest item first: RDP, then APBD
    assert [p.get("deleted", False) for p in x.posts] == [True]
    album = [m for m, v in tg.messages.items() if v["deleted"]]
    assert len(album) == 6 and not apis["instagram"].calls("delete")  # every photo's message; no IG call
    assert states(run) == [("facebook", "DELETED"), ("instagram", "MANUAL"), ("x", "DELETED"),
                           ("telegram", "DELETED")]
    calls = {name: len(e.requests) for name, e in apis.items()}
    again = publish_in(run, copy)
    assert (again.returncode, again.stdout) == (0, SETTLED)
    assert {name: len(e.requests) for name, e in apis.items()} == calls  # nothing processed twice


def test_a_dropped_answer_after_the_delete_was_applied_ends_deleted_once(run, apis, site, tmp_path):
    assert run("--only", "facebook,x,telegram").returncode == 0
    apis["facebook"].inject("delete", "drop_after_commit")
    apis["x"].inject("delete", "drop_after_commit")
    apis["telegram"].inject("deleteMessage", "drop_after_commit")
    result = publish_in(run, retracted(site, tmp_path), "--only", "facebook,x,telegram")
    assert result.returncode == 0, result.stdout
    assert [r.split(" | ")[1:] for r in rows(result.stdout)[1:]] == [
        ["Facebook", "DELETED", "dihapus"], ["X", "DELETED", "dihapus"], ["Telegram", "DELETED", "dihapus"]]
    # The DELETE was repeated: Facebook answered 100/33, X deleted: false, Telegram "not found".
    assert (apis["facebook"].calls("delete"), apis["x"].calls("delete"), apis["telegram"].calls("deleteMessage")) \
        == (2, 2, 7)
    assert states(run) == [("facebook", "DELETED"), ("x", "DELETED"), ("telegram", "DELETED")]


def test_a_server_error_is_retried_and_a_refused_token_stops_without_marking_anything(run, apis, site, tmp_path):
    assert run("--only", "facebook").returncode == 0
    copy = retracted(site, tmp_path)
    apis["facebook"].inject("delete", "server_error", times=50)  # past the client's own retries
    failed = publish_in(run, copy, "--only", "facebook")
    assert rows(failed.stdout)[1] == (f"{APBD} | Facebook | FAILED | belum dihapus, dicoba lagi: HTTP 500: An "
                                      "unexpected error has occurred. Please retry your request later.")
    assert failed.returncode == 1 and states(run) == []  # nothing written: the next run deletes it
    apis["facebook"].faults.clear()
    apis["facebook"].inject("delete", "expired_token")
    stopped = publish_in(run, copy, "--only", "facebook")
    assert rows(stopped.stdout)[1] == (f"{APBD} | Facebook | BERHENTI | token Facebook ditolak (HTTP 400: Error "
                                       "validating access token: Session has expired on Friday, 20-Nov-26 10:00:00 "
                                       "PST.); perbarui secret-nya")
    assert states(run) == []
    again = publish_in(run, copy, "--only", "facebook")
    assert rows(again.stdout)[1] == f"{APBD} | Facebook | DELETED | dihapus" and states(run) == [("facebook", "DELETED")]


def jakarta_now(hours: float) -> str:
    moment = dt.datetime.now(ZoneInfo("Asia/Jakarta")) + dt.timedelta(hours=hours)
    return moment.strftime("%Y-%m-%dT%H:%M")


def test_telegram_deletes_within_48_hours_and_is_manual_after(run, apis, site, tmp_path):
    assert run("--only", "telegram").returncode == 0
    copy = retracted(site, tmp_path)
    link = f"https://t.me/c/1234567890/{apis['telegram'].posts[1]['id']}"  # posts[0]: the older item
    # 49 hours later: no call that Telegram would refuse.
    run.env["PORTAL_NOW"] = jakarta_now(49)
    try:
        late = publish_in(run, copy, "--only", "telegram")
    finally:
        del run.env["PORTAL_NOW"]
    assert late.returncode == 0
    assert rows(late.stdout)[1] == (f"{APBD} | Telegram | MANUAL | hapus manual: {link} (Telegram hanya dapat "
                                    "menghapus pesan yang dikirim kurang dari 48 jam lalu)")
    assert apis["telegram"].calls("deleteMessage") == 0


def test_telegram_refusing_the_delete_makes_it_manual(run, apis, site, tmp_path):
    assert run("--only", "telegram").returncode == 0
    apis["telegram"].clock += 48 * 3600 + 60  # the platform's clock is past 48 hours, ours is not
    result = publish_in(run, retracted(site, tmp_path), "--only", "telegram")
    assert result.returncode == 0
    assert rows(result.stdout)[1].endswith("(Telegram menolak menghapus pesan (HTTP 400: Bad Request: message "
                                           "can't be deleted))")
    assert apis["telegram"].calls("deleteMessage") == 1 and states(run) == [("telegram", "MANUAL")]


def test_an_item_retracted_before_its_first_publish_is_never_posted(run, apis, site, tmp_path):
    result = publish_in(run, retracted(site, tmp_path))
    assert result.returncode == 0
    assert all(APBD[11:] not in (p.get("message") or p.get("caption") or p.get("text") or "")
               for e in apis.values() for p in e.posts)
    assert len(apis["facebook"].posts) == 1 and len(apis["telegram"].posts) == 1  # the other item only
    dry = publish_in(run, retracted(site, tmp_path / "2"), "--dry-run", "--only", "facebook")
    assert f"{APBD} · Facebook: tidak dikirim (berita ditarik)" in dry.stdout


def test_dry_run_and_pending_show_the_deletion_to_come(run, apis, site, tmp_path):
    assert run("--only", "facebook").returncode == 0
    copy = retracted(site, tmp_path)
    dry = publish_in(run, copy, "--dry-run", "--only", "facebook")
    assert f"content/berita/2026/{APBD} · Facebook: akan dihapus (berita ditarik)" in dry.stdout
    # The deletion on Facebook and the other item's Telegram post; nothing for what was never posted.
    assert publish_in(run, copy, "--pending").stdout == "pending=2\n"


def test_the_register_names_deleted_and_manual_in_words(site):
    from pipeline.config import load_config
    from pipeline.site import register_page

    config = load_config(site[0])
    shown = [register_page._post(config, {"platform": "facebook", "state": state, "at": "2026-11-25T09:00:00+07:00",
                                          "url": "https://www.instagram.com/p/C1/"}) for state in ("DELETED", "MANUAL")]
    assert shown == ["dihapus, Rabu, 25 November 2026 09.00 WIB, https://www.instagram.com/p/C1/",
                     "hapus manual, Rabu, 25 November 2026 09.00 WIB, https://www.instagram.com/p/C1/"]
