"""Throttled publishing across runs (issue 12, "Must show"): real `portal publish` processes, real emulators.

Each platform throttles the way it really does (tests/social_emulator.py), for
longer than one run may wait (600 s of budget): the run defers (DITUNDA,
exit 0) and a later run posts, with no person's action (no ``--resolve``).
Between runs the throttle window "expires" through the emulator's own knob
(its fault queue is emptied): nobody sleeps for real minutes. At the end
every wanted post exists exactly once on each platform and is POSTED in the
ledger. A SIGKILL in the middle of a throttled wait and a permanent refusal
are played in the same setting.

The built site and the fixtures ``site``, ``apis`` and ``run`` come from
tests/test_publish.py (imported, not copied).
"""

import json
import signal
import time

import pytest
import test_publish
from test_publish import ITEMS, assert_exactly_once, counts

# The fixtures of tests/test_publish.py, used here by name: the built site, the emulators, one CLI run.
site, apis, run = test_publish.site, test_publish.apis, test_publish.run

A = "2026-11-12-rdp-komisi-iv-dinas-kesehatan-layanan-puskesmas"  # oldest: Facebook, Telegram
B = "2026-11-20-rapat-paripurna-penetapan-apbd-2027"  # Facebook, Instagram, X, Telegram
IDS = {A: "2026-11-12-f70ede", B: "2026-11-20-196bee"}
WANTED = [(name, platform) for name in (A, B) for platform in ITEMS[name]]
NAMES = {"facebook": "Facebook", "instagram": "Instagram", "x": "X", "telegram": "Telegram"}
NEXT = "melebihi sisa waktu proses ini: dicoba lagi pada proses berikutnya"
RATE_LIMITING = ("Wait a bit and try again. For more info, please refer to "
                 "https://developers.facebook.com/docs/graph-api/overview/rate-limiting.")
NOTHING_LEFT = "Tidak ada yang perlu diunggah: semua berita sudah terunggah ke media sosialnya."


def rows(stdout: str) -> dict[tuple[str, str], tuple[str, str]]:
    """The summary table of one run: (item folder, platform) -> (status, detail)."""
    lines = stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Berita "))
    table = {}
    for line in lines[start + 2:]:
        cells = [cell.strip() for cell in line.split(" | ", 3)]
        if len(cells) != 4:
            break
        platform = next(key for key, name in NAMES.items() if name == cells[1])
        table[(cells[0], platform)] = (cells[2], cells[3])
    return table


def ledger(run) -> list[dict]:
    return [json.loads(line) for line in run.ledger.read_text(encoding="utf-8").splitlines()]


def states(run, name: str, platform: str) -> list[str]:
    """Every state the ledger recorded for ``name`` on ``platform``, in order."""
    return [r["state"] for r in ledger(run) if r.get("item") == IDS[name] and r.get("platform") == platform]


def throttle(apis, plan: dict[str, list[tuple]]) -> None:
    """The throttles of the coming run: the last run's windows have expired, these are the new ones."""
    for emulator in apis.values():
        emulator.faults.clear()
    for platform, faults in plan.items():
        for endpoint, opts in faults:
            apis[platform].inject(endpoint, "rate_limit", **opts)


# ---------------------------------------------------------------------- 1. across runs, exactly once

def test_throttled_platforms_end_with_every_post_exactly_once_across_runs(run, apis):
    # Run 1: every platform throttles longer than the run may wait.
    throttle(apis, {"facebook": [("feed", {"code": 80001, "regain": 30})],  # X-Business-Use-Case-Usage
                    "instagram": [("media", {"code": 80002, "regain": 45})],
                    "x": [("tweets", {"wait": 3600})],  # x-rate-limit-reset an hour away
                    "telegram": [("sendMediaGroup", {"wait": 3600})]})  # retry_after
    first = run()
    assert first.returncode == 0, first.stdout + first.stderr
    page = f"HTTP 400: (#80001) There have been too many calls to this Page account. {RATE_LIMITING}"
    telegram = f"HTTP 429: Too Many Requests: retry after 3600; Telegram meminta menunggu 60 menit, {NEXT}"
    assert rows(first.stdout) == {
        (A, "facebook"): ("DITUNDA", f"{page}; Facebook meminta menunggu 30 menit, {NEXT}"),
        (A, "telegram"): ("DITUNDA", telegram),
        (B, "facebook"): ("DITUNDA", f"{page}; Facebook meminta menunggu 30 menit, {NEXT}"),
        (B, "instagram"): ("DITUNDA", f"HTTP 400: (#80002) There have been too many calls to this Instagram "
                                      f"account. {RATE_LIMITING}; Instagram meminta menunggu 45 menit, {NEXT}"),
        (B, "x"): ("DITUNDA", f"HTTP 429: Too Many Requests; X meminta menunggu 60 menit, {NEXT}"),
        (B, "telegram"): ("DITUNDA", telegram)}
    assert not any(e.posts for e in apis.values())
    # Once throttled, a platform is not called again in that run: the second item made no call.
    assert apis["facebook"].calls("feed") == 1 and apis["telegram"].calls("sendMediaGroup") == 1

    # Run 2: new windows for Facebook (Page limit, code 32) and X (its 24-hour cap); Instagram's app limit
    # (code 4, X-App-Usage: no time announced) and Telegram's short flood wait are waited out inside the run.
    throttle(apis, {"facebook": [("photos", {"code": 32, "regain": 20})],
                    "instagram": [("media", {"code": 4, "status": 403})],
                    "x": [("tweets", {"daily": True, "wait": 72000})],
                    "telegram": [("sendMediaGroup", {"wait": 1})]})
    second = run()
    assert second.returncode == 0, second.stdout + second.stderr
    table = rows(second.stdout)
    assert {key: state for key, (state, _) in table.items()} == {
        (A, "facebook"): "DITUNDA", (A, "telegram"): "POSTED", (B, "facebook"): "DITUNDA",
        (B, "instagram"): "POSTED", (B, "x"): "DITUNDA", (B, "telegram"): "POSTED"}
    assert table[(A, "facebook")][1] == f"HTTP 400: (#32) Page request limit reached; Facebook meminta menunggu " \
                                        f"20 menit, {NEXT}"
    assert table[(B, "x")][1] == f"HTTP 429: Too Many Requests; X meminta menunggu 1200 menit, {NEXT}"

    # Run 3: Facebook's app limits (4 on a photo, 613 on the post) pass within the run; X's window is over.
    throttle(apis, {"facebook": [("photos", {"code": 4}), ("feed", {"code": 613})]})
    third = run()
    assert third.returncode == 0, third.stdout + third.stderr
    assert {key: state for key, (state, _) in rows(third.stdout).items()} == {
        (A, "facebook"): "POSTED", (B, "facebook"): "POSTED", (B, "x"): "POSTED"}

    throttle(apis, {})
    last = run()
    assert last.returncode == 0 and last.stdout.strip().endswith(NOTHING_LEFT)
    assert_exactly_once(apis)
    records = ledger(run)
    assert not {"FAILED", "UNKNOWN"} & {r["state"] for r in records}
    for name, platform in WANTED:  # deferred posts stayed retryable (PLANNED), then posted once
        assert states(run, name, platform)[-1] == "POSTED", (name, platform, states(run, name, platform))
        assert states(run, name, platform).count("POSTED") == 1


# ---------------------------------------------------------------------- 2. SIGKILL during a throttled wait

@pytest.mark.parametrize("endpoint, left", [
    ("photos", ["PLANNED"]),  # throttled before the publishing call: PLANNED, retried
    ("feed", ["PLANNED", "ATTEMPTING"]),  # the publishing call itself throttled: the next run looks first
])
def test_killed_while_waiting_out_a_throttle_the_next_run_posts_exactly_once(run, apis, endpoint, left):
    facebook = apis["facebook"]
    facebook.inject(endpoint, "rate_limit", code=80001, regain=1)  # one minute: within the run's budget
    process = run("--only", "facebook", popen=True)
    try:
        # Waiting: the throttled answer went out (the fault is used up) and the process is still alive.
        deadline = time.monotonic() + 60
        while facebook.faults[0][2] and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)
        assert process.poll() is None, process.communicate()
        calls = facebook.calls(endpoint)
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == -signal.SIGKILL
    assert facebook.calls(endpoint) == calls and not facebook.posts  # killed mid-wait, nothing retried yet
    assert states(run, A, "facebook") == left  # what the ledger knew when the process died

    after = run("--only", "facebook")
    assert after.returncode == 0, after.stdout + after.stderr
    assert {key: state for key, (state, _) in rows(after.stdout).items()} == {
        (A, "facebook"): "POSTED", (B, "facebook"): "POSTED"}
    assert states(run, A, "facebook") == [*left, "PLANNED", "ATTEMPTING", "POSTED"]
    assert states(run, B, "facebook") == ["PLANNED", "ATTEMPTING", "POSTED"]
    assert run("--only", "facebook").stdout.strip().endswith(NOTHING_LEFT)
    assert_exactly_once({"facebook": facebook})


# ---------------------------------------------------------------------- 3. a permanent refusal stays FAILED

def test_a_policy_refusal_stays_failed_across_runs_while_the_throttled_rest_completes(run, apis):
    refused = "HTTP 400: The action attempted has been deemed abusive or is otherwise disallowed"
    throttle(apis, {"x": [("tweets", {"wait": 3600})], "telegram": [("sendMediaGroup", {"wait": 3600})]})
    apis["facebook"].inject("photos", "refuse", code=368)  # the first item's first photo: a policy refusal
    first = run()
    assert first.returncode == 1, first.stdout + first.stderr
    assert {key: state for key, (state, _) in rows(first.stdout).items()} == {
        (A, "facebook"): "FAILED", (A, "telegram"): "DITUNDA", (B, "facebook"): "POSTED",
        (B, "instagram"): "POSTED", (B, "x"): "DITUNDA", (B, "telegram"): "DITUNDA"}
    assert rows(first.stdout)[(A, "facebook")][1] == refused
    assert first.stdout.splitlines()[-1] == ("1 unggahan perlu perhatian (FAILED, UNKNOWN, BERHENTI atau "
                                             "ID BERUBAH).")
    photo_calls = apis["facebook"].calls("photos")

    throttle(apis, {})  # the throttles are over; the refusal was no throttle and is not tried again
    second, third = run(), run()
    assert {key: state for key, (state, _) in rows(second.stdout).items()} == {
        (A, "facebook"): "FAILED", (A, "telegram"): "POSTED", (B, "x"): "POSTED", (B, "telegram"): "POSTED"}
    assert rows(third.stdout) == {(A, "facebook"): ("FAILED", refused)}
    assert second.returncode == third.returncode == 1
    assert apis["facebook"].calls("photos") == photo_calls and apis["facebook"].calls("feed") == 1
    assert counts(apis)["facebook"] == {A: 0, B: 1}
    assert_exactly_once({platform: apis[platform] for platform in ("instagram", "x", "telegram")})
    assert states(run, A, "facebook") == ["PLANNED", "FAILED"]
    assert [r["message"] for r in ledger(run) if r["state"] == "FAILED"] == [refused]
    assert "UNKNOWN" not in {r["state"] for r in ledger(run)}
    for name, platform in WANTED:
        if (name, platform) != (A, "facebook"):
            assert states(run, name, platform)[-1] == "POSTED", (name, platform)
