"""Corrections with ``social: true`` (issue 15, part 1) against the emulators: one reply per update, once.

Facebook and Instagram get a comment under the post, X a reply post, Telegram a
message replying to the album. The site and fixtures are tests/test_publish.py's;
a correction is the build record with ``updates`` set, in a copy of the project.
"""

import datetime as dt
import json
from zoneinfo import ZoneInfo

import test_publish
from test_retract_social import APBD, SETTLED, publish_in, retracted, rows

site, apis, run = test_publish.site, test_publish.apis, test_publish.run


def today() -> dt.date:
    """The site's day now: a correction dated before the post's day gets no reply (the post carries it)."""
    return dt.datetime.now(ZoneInfo("Asia/Jakarta")).date()


MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember")


def test_each_social_correction_is_replied_once_under_every_post(run, apis, site, tmp_path):
    assert run().returncode == 0
    day = today()
    updates = [{"date": "2026-11-21", "note": "Sebelum unggahan.", "social": True},
               {"date": day.isoformat(), "note": "Nilai APBD diperbaiki menjadi Rp1,2 triliun.", "social": True},
               {"date": day.isoformat(), "note": "Ejaan nama diperbaiki.", "social": False}]
    copy = retracted(site, tmp_path, updates=updates)
    result = publish_in(run, copy)
    assert result.returncode == 0, result.stdout + result.stderr
    _, url = site
    article = f"{url}berita/2026/rapat-paripurna-penetapan-apbd-2027/"
    text = f"Koreksi {day.day} {MONTHS[day.month - 1]} {day.year}: Nilai APBD diperbaiki menjadi Rp1,2 triliun." \
           f"\n\n{article}"
    fb, ig, x, tg = apis["facebook"], apis["instagram"], apis["x"], apis["telegram"]
    assert [(c["on"], c["message"]) for c in fb.comments] == [(fb.posts[1]["id"], text)]
    assert [(c["on"], c["message"]) for c in ig.comments] == [(ig.posts[0]["id"], text)]
    assert [(p["in_reply_to"], p["text"]) for p in x.posts[1:]] == [(x.posts[0]["id"], text)]
    assert [(r["reply_to"], r["text"]) for r in tg.replies] == [(int(tg.posts[1]["id"]), text)]
    assert [r.split(" | ")[1:3] for r in rows(result.stdout)[1:]] == [
        ["Facebook", "POSTED"], ["Instagram", "POSTED"], ["X", "POSTED"], ["Telegram", "POSTED"]]
    comment = fb.comments[0]["id"].rsplit("_", 1)[-1]
    assert rows(result.stdout)[1] == (f"{APBD} | Facebook | POSTED | koreksi {day.isoformat()}: "
                                      f"https://www.facebook.com/{fb.posts[1]['id']}?comment_id={comment}")
    keys = {json.loads(line)["item"] for line in run.ledger.read_text(encoding="utf-8").splitlines()}
    assert f"2026-11-20-196bee#update-{day.isoformat()}" in keys
    again = publish_in(run, copy)
    assert (again.returncode, again.stdout) == (0, SETTLED)
    assert (len(fb.comments), len(ig.comments), len(x.posts), len(tg.replies)) == (1, 1, 2, 1)


def test_a_dropped_reply_is_unknown_and_never_sent_twice(run, apis, site, tmp_path):
    assert run("--only", "facebook").returncode == 0
    apis["facebook"].inject("comments", "drop_after_commit")
    copy = retracted(site, tmp_path, updates=[{"date": today().isoformat(), "note": "Angka diperbaiki.",
                                               "social": True}])
    first = publish_in(run, copy, "--only", "facebook")
    assert first.returncode == 1
    assert rows(first.stdout)[1].startswith(f"{APBD} | Facebook | UNKNOWN | koneksi terputus")
    assert rows(first.stdout)[1].endswith("periksa apakah balasan koreksi ada")
    assert publish_in(run, copy, "--only", "facebook").stdout == SETTLED
    assert len(apis["facebook"].comments) == 1
