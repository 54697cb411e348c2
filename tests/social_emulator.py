"""HTTP emulators of the four social APIs, real servers on 127.0.0.1 for the publish tests.

Each follows its platform's documented contract closely enough to refuse
what the real one refuses (parameters, auth, counts, lengths, JPEG-only and
aspect ratio for Instagram), fetches photo URLs itself as Meta and Telegram
do, keeps what was posted, and injects faults on request:

    fb.inject("feed", "drop_after_commit")       # commit, then close the socket
    x.inject("tweets", "rate_limit", wait=1)     # 429 with x-rate-limit-reset
    ig.status_sequence = ["IN_PROGRESS", "FINISHED"]
    emu.on_commit = callback                     # runs after a post is stored, before the reply
    fb.inject("delete", "drop_after_commit")     # the post is deleted, the answer is lost
    tg.clock += 49 * 3600                        # the emulator's clock, seconds ahead (Telegram's 48 hours)

Retraction and corrections (issue 15): Facebook ``DELETE /{post-id}`` and ``POST /{post-id}/comments``;
Instagram ``POST /{ig-media-id}/comments`` (its API deletes no media); X ``DELETE /2/tweets/:id`` and replies;
Telegram ``deleteMessage`` (refused 48 hours after sending) and ``sendMessage`` with ``reply_parameters``.

Faults: rate_limit, server_error, drop_after_commit, expired_token, duplicate; for the
Graph API and Telegram also array_answer, missing_id, wrong_type (the post is made, the
answer breaks the contract) and, for the Graph API, refuse (a permanent refusal).
The Graph API throttles as Meta does, with HTTP 400/403 and an error code, never 429:

    fb.inject("feed", "rate_limit", code=80001, regain=3)   # X-Business-Use-Case-Usage, 3 minutes
    fb.inject("photos", "refuse", code=368)                  # a policy refusal

Video (issue 16): ``fetch_video`` downloads an MP4 from the site and reads it with Debian's ffprobe.
Facebook's resumable upload has the endpoints ``video_start``, ``video_transfer``, ``video_finish`` (the
post) and ``video_read``; Instagram's Reels container is ``media``, then ``status`` and ``publish``.
``on_step(step, obj)`` runs at each upload step, e.g. to SIGKILL the client between two of them:

    fb.inject("video_transfer", "drop_after_commit")  # the chunk is stored, its answer lost
    ig.clock += 25 * 3600                             # a Reels container 24 hours old has expired
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import io
import itertools
import json
import re
import subprocess
import tempfile
import threading
import time
import unicodedata
from email.parser import BytesParser
from email.policy import HTTP
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, parse_qsl, quote, unquote, urlsplit

import requests
from PIL import Image

_ids = itertools.count(1_000_001)


class Reply(Exception):
    """Raised by a handler to answer with ``status``, a JSON ``body`` and ``headers``."""

    def __init__(self, status, body, headers=None):
        self.status, self.body, self.headers = status, body, headers or {}


class Drop(Exception):
    """Close the connection without answering."""


class Emulator:
    """A platform API on 127.0.0.1: routes, state, fault queue."""

    def __init__(self, site_hosts=("127.0.0.1",)):
        self.site_hosts = site_hosts
        self.posts: list[dict] = []
        self.requests: list[dict] = []
        self.faults: list[list] = []  # [endpoint, fault, times, opts]
        self.on_commit = None
        self.clock = 0.0  # seconds added to the real time: a test moves the platform's clock
        self.lock = threading.Lock()
        emulator = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                emulator._handle(self, "GET")

            def do_POST(self):
                emulator._handle(self, "POST")

            def do_DELETE(self):
                emulator._handle(self, "DELETE")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.root = f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def inject(self, endpoint: str, fault: str, times: int = 1, **opts):
        self.faults.append([endpoint, fault, times, opts])

    def calls(self, endpoint: str) -> int:
        return sum(r["endpoint"] == endpoint for r in self.requests)

    # ------------------------------------------------------------------ plumbing

    def _handle(self, handler, method):
        url = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        form, files, body = self._parse(handler.headers.get("Content-Type", ""), raw)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        request = {"method": method, "path": url.path, "query": query, "form": form, "json": body,
                   "files": files, "headers": dict(handler.headers), "endpoint": None,
                   "target": handler.path, "body": raw}
        try:
            try:
                endpoint, action = self.route(method, url.path, request)
                request["endpoint"] = endpoint
                self.requests.append(request)
                self.authorize(request)
                fault = self._fault(endpoint)
                if fault:
                    self.fail(fault[1], fault[3], endpoint)
                result = action()
                status, payload, headers = (200, result, {}) if not isinstance(result, tuple) else result
            except Reply as reply:
                status, payload, headers = reply.status, reply.body, reply.headers
            self._send(handler, status, payload, headers)
        except Drop:
            handler.close_connection = True
            try:
                handler.connection.shutdown(2)
            except OSError:
                pass

    def now(self) -> float:
        """The platform's time (epoch seconds), ``clock`` seconds ahead of the real one."""
        return time.time() + self.clock

    def commit(self, post: dict, endpoint: str) -> None:
        """Store ``post``; then a pending drop_after_commit drops the reply."""
        with self.lock:
            self.posts.append(post)
        if self.on_commit:
            self.on_commit(post)
        self.applied(endpoint)

    def applied(self, endpoint: str) -> None:
        """A change was made (a post stored, deleted): a pending drop_after_commit drops the reply."""
        for fault in self.faults:
            if fault[0] == endpoint and fault[1] == "drop_after_commit" and fault[2] > 0:
                fault[2] -= 1
                raise Drop()

    def _fault(self, endpoint):
        for fault in self.faults:
            if fault[0] == endpoint and fault[2] > 0 and fault[1] != "drop_after_commit":
                fault[2] -= 1
                return fault
        return None

    @staticmethod
    def _parse(ctype, raw):
        form, files, body = {}, {}, None
        if ctype.startswith("application/json") and raw:
            body = json.loads(raw)
        elif ctype.startswith("application/x-www-form-urlencoded"):
            form = {k: v[0] for k, v in parse_qs(raw.decode(), keep_blank_values=True).items()}
        elif ctype.startswith("multipart/form-data"):
            message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {ctype}\r\n\r\n".encode() + raw)
            for part in message.iter_parts():
                name = part.get_param("name", header="content-disposition")
                payload = part.get_payload(decode=True) or b""
                if part.get_filename():
                    files[name] = payload
                else:
                    form[name] = payload.decode()
        return form, files, body

    @staticmethod
    def _send(handler, status, payload, headers):
        data = json.dumps(payload).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        for key, value in headers.items():
            handler.send_header(key, value)
        handler.end_headers()
        handler.wfile.write(data)

    def fetch_image(self, url: str) -> dict | None:
        """Download ``url`` as the platform would; None when it is not a reachable image."""
        host = urlsplit(url).hostname
        if host not in self.site_hosts:
            return None
        try:
            response = requests.get(url, timeout=10)
        except requests.RequestException:
            return None
        if response.status_code != 200:
            return None
        try:
            image = Image.open(io.BytesIO(response.content))
            image.load()
        except Exception:
            return None
        return {"url": url, "bytes": len(response.content), "width": image.width, "height": image.height,
                "format": image.format}

    def fetch_video(self, url: str) -> dict | None:
        """Download ``url`` as the platform would; None unless it is a reachable MP4 that ffprobe reads.

        Returns ``data`` (the bytes), ``bytes``, ``duration`` (seconds), ``width``, ``height``,
        ``video_codec`` and ``audio_codec`` (None without sound), all read by Debian's ffprobe,
        never by the pipeline's own probe.
        """
        host = urlsplit(url).hostname
        if host not in self.site_hosts:
            return None
        try:
            response = requests.get(url, timeout=30)
        except requests.RequestException:
            return None
        data = response.content
        if response.status_code != 200 or data[4:8] != b"ftyp":  # an MP4 (ISO BMFF) opens with its ftyp box
            return None
        info = _ffprobe(data)
        if info is None:
            return None
        return {"url": url, "data": data, "bytes": len(data), **info}


def _ffprobe(data: bytes) -> dict | None:
    """Duration, size and codecs of an MP4 in ``data`` read by Debian's ffprobe; None when it reads none."""
    with tempfile.NamedTemporaryFile(suffix=".mp4") as handle:
        handle.write(data)
        handle.flush()
        try:
            out = subprocess.run(["ffprobe", "-v", "error", "-of", "json", "-show_format", "-show_streams",
                                  handle.name], capture_output=True, text=True, timeout=60, check=True).stdout
        except (OSError, subprocess.SubprocessError):
            return None
    probed = json.loads(out)
    streams = probed.get("streams", [])
    video = next((s for s in streams if s.get("codec_type") == "video"), None)
    audio = next((s for s in streams if s.get("codec_type") == "audio"), None)
    if video is None or "mp4" not in probed.get("format", {}).get("format_name", ""):
        return None
    return {"duration": float(probed["format"].get("duration") or 0), "width": int(video["width"]),
            "height": int(video["height"]), "video_codec": video.get("codec_name"),
            "audio_codec": audio.get("codec_name") if audio else None}


# ---------------------------------------------------------------------- Graph API (Facebook, Instagram)

# Meta's throttling, from Graph API "Rate Limiting" (developers.facebook.com/docs/graph-api/overview/
# rate-limiting) and "Error codes" (/docs/graph-api/guides/error-handling): never a 429, but HTTP 400
# (403 for some) with an OAuthException body and the usage headers. Platform limits (codes 4 app, 17 user,
# 613 custom) report X-App-Usage: percentages of the rolling hour, no time to regain access. Business Use
# Case limits (32 Page, 80000-80014) report X-Business-Use-Case-Usage per object id, with
# estimated_time_to_regain_access in minutes.
GRAPH_THROTTLE_MESSAGES = {
    4: "(#4) Application request limit reached",
    17: "(#17) User request limit reached",
    32: "(#32) Page request limit reached",
    613: "(#613) Calls to this api have exceeded the rate limit.",
}
BUC_TYPES = {32: "pages", 80000: "ads_insights", 80001: "pages", 80002: "instagram", 80003: "custom_audience",
             80004: "ads_management", 80005: "leadgen", 80006: "messenger", 80008: "whatsapp_business_management",
             80009: "catalog_management", 80014: "catalog_batch"}
BUC_NAMES = {"pages": "Page account", "instagram": "Instagram account", "ads_insights": "ad account",
             "ads_management": "ad account", "custom_audience": "ad account", "leadgen": "Page account"}
# Permanent refusals ("Error codes"): retrying changes nothing.
GRAPH_REFUSALS = {100: "(#100) Invalid parameter", 200: "(#200) Permissions error",
                  368: "The action attempted has been deemed abusive or is otherwise disallowed",
                  324: "(#324) Missing or invalid image file"}


def _reshape(shape: str, result):
    """``result`` outside the API's contract, for the robustness tests."""
    if shape == "array_answer":  # a JSON array where an object is due
        return [result]
    result = json.loads(json.dumps(result))
    for node in [result, *(result.get("result") or [])]:
        for key in ("id", "message_id"):
            if key in node:
                if shape == "missing_id":
                    del node[key]
                else:  # wrong_type
                    node[key] = {"value": node[key]}
    return result


def _reshaped(emulator, endpoint, action):
    """``action`` whose answer takes the shape pending in ``emulator.reshape`` for ``endpoint``, if any."""
    def run():
        result = action()
        shape = emulator.reshape.pop(endpoint, None)
        return result if shape is None else _reshape(shape, result)
    return run


class _Graph(Emulator):
    def __init__(self, token, owner_id, site_hosts=("127.0.0.1",)):
        super().__init__(site_hosts)
        self.token, self.owner = token, owner_id
        self.url = f"{self.root}/v21.0"
        self.reshape: dict[str, str] = {}  # endpoint -> pending answer shape outside the contract

    def authorize(self, request):
        header = request["headers"].get("Authorization", "")
        given = header[7:] if header.startswith("Bearer ") else request["form"].get("access_token") or \
            request["query"].get("access_token")
        if given != self.token:
            raise Reply(400, self.error("Invalid OAuth access token - Cannot parse access token", 190))

    @staticmethod
    def error(message, code, subcode=None, transient=False):
        error = {"message": message, "type": "OAuthException", "code": code, "is_transient": transient,
                 "fbtrace_id": "AbCdEfGhIjKlMnOpQrStUvW"}
        if subcode:
            error["error_subcode"] = subcode
        return {"error": error}

    def throttle(self, code=4, status=400, regain=None, usage=None):
        """The Reply Meta sends when ``code`` throttles: the error body and its usage header(s)."""
        kind = BUC_TYPES.get(code, "pages")
        message = GRAPH_THROTTLE_MESSAGES.get(code) or (
            f"(#{code}) There have been too many calls to this {BUC_NAMES.get(kind, 'account')}. Wait a bit "
            "and try again. For more info, please refer to "
            "https://developers.facebook.com/docs/graph-api/overview/rate-limiting.")
        usage = usage or ("app" if code in (4, 17, 613) else "buc")
        headers = {}
        if usage in ("app", "both"):
            headers["X-App-Usage"] = json.dumps({"call_count": 100, "total_time": 35, "total_cputime": 28})
        if usage in ("buc", "both"):
            headers["X-Business-Use-Case-Usage"] = json.dumps({self.owner: [{
                "type": kind, "call_count": 100, "total_cputime": 41, "total_time": 57,
                "estimated_time_to_regain_access": 1 if regain is None else regain}]})
        return Reply(status, self.error(message, code, transient=True), headers)

    def fail(self, fault, opts, endpoint):
        if fault == "rate_limit":  # code=, status=, regain= (minutes), usage="app"|"buc"|"both"|"none"
            raise self.throttle(**{k: v for k, v in opts.items() if k in ("code", "status", "regain", "usage")})
        if fault == "refuse":  # a permanent refusal: code=, message=, subcode=, status=
            code = opts.get("code", 100)
            raise Reply(opts.get("status", 400), self.error(opts.get("message") or GRAPH_REFUSALS.get(
                code, f"(#{code}) Refused"), code, opts.get("subcode")))
        if fault in ("array_answer", "missing_id", "wrong_type"):
            self.reshape[endpoint] = fault  # the action runs and commits; its answer breaks the contract
            return
        if fault == "server_error":
            raise Reply(500, self.error("An unexpected error has occurred. Please retry your request later.", 2,
                                        transient=True))
        if fault == "expired_token":
            raise Reply(400, self.error("Error validating access token: Session has expired on Friday, "
                                        "20-Nov-26 10:00:00 PST.", 190, 463))
        if fault == "duplicate":
            raise Reply(400, self.error("Duplicate status message", 506))
        raise AssertionError(f"unknown fault {fault}")

    def route(self, method, path, request):
        path = re.sub(r"^/v\d+\.\d+", "", path)
        parts = [p for p in path.split("/") if p]
        endpoint, action = self.graph_route(method, parts, request)
        return endpoint, _reshaped(self, endpoint, action)


# Facebook Page video, resumable upload ("Publish a video to a Page", developers.facebook.com/docs/video-api/
# guides/publishing, and "Video API error codes", /documentation/video-api/reference/error-codes): POST
# /{page-id}/videos with upload_phase=start and file_size -> video_id, upload_session_id, start_offset,
# end_offset (strings); upload_phase=transfer with start_offset and the bytes in video_file_chunk (multipart)
# -> the next offsets, until start == end; upload_phase=finish with description -> {"success": true}. A chunk
# at another offset is refused with subcode 1363037 and error_data naming the offsets the server expects.
FB_VIDEO_MIN, FB_VIDEO_MAX = 1024, 2 * 1024 ** 3  # 1 KB .. 2 GB (subcodes 1363022, 1363023)
FB_VIDEO_SECONDS = 240 * 60  # a Page video is at most 240 minutes


class FacebookEmulator(_Graph):
    """A Facebook Page: unpublished photos, then a feed post with attached_media; or a video (resumable upload).

    Video steps are endpoints of their own for faults: ``video_start``, ``video_transfer``, ``video_finish``,
    ``video_read``. ``chunk_bytes`` is the size of the chunks the Page asks for; ``video_status_sequence``
    the ``video_status`` successive reads of a finished video show; ``on_step(step, video)`` runs after a
    step changed the upload (e.g. to SIGKILL the client after a transfer).
    """

    def __init__(self, token="fb-token", page_id="1001", site_hosts=("127.0.0.1",)):
        super().__init__(token, page_id, site_hosts)
        self.photos: dict[str, dict] = {}
        self.comments: list[dict] = []
        self.videos: dict[str, dict] = {}
        self.chunk_bytes = 64 * 1024
        self.video_status_sequence = ["processing", "ready"]
        self.on_step = None

    def graph_route(self, method, parts, request):
        if method == "DELETE" and len(parts) == 1:
            return "delete", lambda: self.delete(parts[0])
        if method == "POST" and len(parts) == 2 and parts[1] == "comments":
            return "comments", lambda: self.comment(parts[0], request["form"])
        if method == "GET" and len(parts) == 1 and parts[0] in self.videos:
            return "video_read", lambda: self.video_read(parts[0], request["query"])
        if len(parts) != 2 or parts[0] != self.owner:
            raise Reply(400, self.error("(#100) Unsupported request", 100))
        if method == "POST" and parts[1] == "photos":
            return "photos", lambda: self.upload(request["form"])
        if method == "POST" and parts[1] == "feed":
            return "feed", lambda: self.feed(request["form"])
        if method == "POST" and parts[1] == "videos":
            phase = request["form"].get("upload_phase", "")
            if phase not in ("start", "transfer", "finish"):
                raise Reply(400, self.error("(#100) upload_phase must be one of start, transfer, finish", 100))
            return f"video_{phase}", lambda: getattr(self, f"video_{phase}")(request["form"], request["files"])
        if method == "GET" and parts[1] in ("feed", "posts"):
            return "feed_read", lambda: self.read(request["query"])
        if method == "GET" and parts[1] == "videos":
            return "videos_read", lambda: {"data": [
                {"id": p["id"], "description": p["message"], "permalink_url": f"/{self.owner}/videos/{p['id']}/"}
                for p in reversed(self.posts) if p.get("video") and not p.get("deleted")], "paging": {}}
        raise Reply(400, self.error("(#100) Unsupported request", 100))

    def upload(self, form):
        if form.get("published") != "false" or not form.get("url"):
            raise Reply(400, self.error("(#100) url and published=false are required here", 100))
        image = self.fetch_image(form["url"])
        if image is None:
            raise Reply(400, self.error("(#324) Missing or invalid image file", 324))
        photo_id = str(next(_ids))
        self.photos[photo_id] = {**image, "alt": form.get("alt_text_custom", ""), "used": False}
        return {"id": photo_id}

    def feed(self, form):
        message = form.get("message", "")
        if not message:
            raise Reply(400, self.error("(#100) message is required", 100))
        keys = sorted((k for k in form if k.startswith("attached_media")), key=lambda k: int(k[15:-1] or 0))
        media = [json.loads(form[k])["media_fbid"] for k in keys]
        if not media or any(m not in self.photos or self.photos[m]["used"] for m in media):
            raise Reply(400, self.error("(#100) attached_media must name unpublished photos of this Page", 100))
        for m in media:
            self.photos[m]["used"] = True
        post_id = f"{self.owner}_{next(_ids)}"
        self.commit({"id": post_id, "message": message, "media": [self.photos[m] for m in media],
                     "photo_ids": media, "created_time": time.time()}, "feed")
        return {"id": post_id}

    def video_error(self, subcode, message, code=6001, data=None):
        reply = Reply(400, self.error(message, code, subcode))
        if data is not None:
            reply.body["error"]["error_data"] = data
        return reply

    def _session(self, form) -> dict:
        video = next((v for v in self.videos.values() if v["session"] == form.get("upload_session_id")), None)
        if video is None:
            raise Reply(400, self.error("(#100) Invalid upload_session_id", 100))
        return video

    def _offsets(self, video) -> dict:
        start = len(video["data"])
        return {"start_offset": str(start), "end_offset": str(min(start + self.chunk_bytes, video["size"]))}

    def _stepped(self, step, video):
        if self.on_step:
            self.on_step(step, video)
        self.applied(f"video_{step}")

    def video_start(self, form, files):
        """``upload_phase=start``: a session for ``file_size`` bytes and the first chunk's offsets."""
        try:
            size = int(form.get("file_size", ""))
        except ValueError:
            raise Reply(400, self.error("(#100) file_size must be an integer", 100)) from None
        if size < FB_VIDEO_MIN:
            raise self.video_error(1363022, "The video you tried to upload is too small. The minimum size for a "
                                   "video is 1 KB. Please try again with a larger file.", 6000)
        if size > FB_VIDEO_MAX:
            raise self.video_error(1363023, "The video you tried to upload is too large. The maximum size for a "
                                   "video is 2 GB. Please try again with a smaller file.", 6000)
        video_id, session = str(next(_ids)), str(next(_ids))
        self.videos[video_id] = {"id": video_id, "session": session, "size": size, "data": bytearray(),
                                 "finished": False, "reads": 0, "description": "", "created": self.now()}
        self._stepped("start", self.videos[video_id])
        return {"video_id": video_id, "upload_session_id": session, **self._offsets(self.videos[video_id])}

    def video_transfer(self, form, files):
        """``upload_phase=transfer``: the chunk at ``start_offset``; any other offset is refused (1363037)."""
        video = self._session(form)
        chunk = files.get("video_file_chunk")
        if chunk is None:
            raise Reply(400, self.error("(#100) video_file_chunk is required", 100))
        expected = self._offsets(video)
        if video["finished"] or form.get("start_offset") != expected["start_offset"] or \
                len(video["data"]) + len(chunk) > video["size"]:
            raise self.video_error(1363037, "There was a problem uploading your video. Please try uploading it "
                                   "again.", data={k: int(v) for k, v in expected.items()})
        video["data"] += chunk
        self._stepped("transfer", video)
        return self._offsets(video)

    def video_finish(self, form, files):
        """``upload_phase=finish`` with ``description``: the video is posted to the Page, then processed."""
        video = self._session(form)
        if video["finished"]:
            raise Reply(400, self.error("(#100) This upload session is already finished", 100))
        if len(video["data"]) != video["size"]:
            raise self.video_error(1363037, "There was a problem uploading your video. Please try uploading it "
                                   "again.", data={k: int(v) for k, v in self._offsets(video).items()})
        info = _ffprobe(bytes(video["data"]))
        if info is None:
            raise self.video_error(6000, "There was a problem uploading your video file. Please try again with "
                                   "another file.", 6000)
        if info["duration"] > FB_VIDEO_SECONDS:
            raise self.video_error(1363026, "Your video is too long. The maximum length is 240 minutes.", 6001)
        video.update(finished=True, description=form.get("description", ""), title=form.get("title", ""),
                     info=info)
        self.commit({"id": video["id"], "message": video["description"], "video": {**info, "bytes": video["size"]},
                     "title": video["title"], "photo_ids": [], "created_time": time.time()}, "video_finish")
        return {"success": True}

    def video_read(self, video_id, query):
        """``GET /{video-id}``: its status (uploading, processing, publishing phases), link and description."""
        video = self.videos[video_id]
        if video["finished"]:
            state = self.video_status_sequence[min(video["reads"], len(self.video_status_sequence) - 1)]
            video["reads"] += 1
        else:
            state = "upload"
        phase = "complete" if video["finished"] else "in_progress"
        answer = {"id": video_id, "status": {
            "video_status": state, "uploading_phase": {"status": phase, "bytes_transferred": len(video["data"])},
            "processing_phase": {"status": "complete" if state == "ready" else "not_started"},
            "publishing_phase": {"status": "complete" if state == "ready" else "not_started"}}}
        if video["finished"]:
            answer["description"] = video["description"]
            answer["permalink_url"] = f"/{self.owner}/videos/{video_id}/"  # Graph API gives it site-relative
        return answer

    def live(self, post_id):
        """The Page's post ``post_id`` when it exists and was not deleted, else None."""
        return next((p for p in self.posts if p["id"] == post_id and not p.get("deleted")), None)

    def missing(self, verb, object_id):
        """Graph API's answer for an object that does not exist (any more): code 100, subcode 33."""
        return Reply(400, self.error(f"Unsupported {verb} request. Object with ID '{object_id}' does not exist, "
                                     "cannot be loaded due to missing permissions, or does not support this "
                                     "operation. Please read the Graph API documentation at "
                                     "https://developers.facebook.com/docs/graph-api", 100, 33))

    def delete(self, post_id):
        """``DELETE /{post-id}``: ``{"success": true}``; a second DELETE finds nothing (100/33)."""
        post = self.live(post_id)
        if post is None:
            raise self.missing("delete", post_id)
        post["deleted"] = True
        self.applied("delete")
        return {"success": True}

    def comment(self, post_id, form):
        """``POST /{post-id}/comments`` with ``message``: the comment's id ``{post-id}_{n}``."""
        post = self.live(post_id)
        if post is None:
            raise self.missing("post", post_id)
        if not form.get("message"):
            raise Reply(400, self.error("(#100) Missing message or attachment", 100))
        comment = {"id": f"{post_id}_{next(_ids)}", "on": post_id, "message": form["message"]}
        self.comments.append(comment)
        self.applied("comments")
        return {"id": comment["id"]}

    def read(self, query):
        limit = min(int(query.get("limit", 25)), 100)
        posts = [p for p in reversed(self.posts) if not p.get("deleted")]
        data = [{"id": p["id"], "message": p["message"],
                 "permalink_url": f"https://www.facebook.com/{p['id']}"} for p in posts]
        if "attachments" in query.get("fields", ""):
            for entry, post in zip(data, posts, strict=True):
                entry["attachments"] = {"data": [self.attachment(post["photo_ids"], post["id"])]}
        return {"data": data[:limit], "paging": {}}

    @staticmethod
    def attachment(photo_ids, video_id=None):
        """A post's attachment as the feed edge shows it: one photo, an album of subattachments, a video."""
        if not photo_ids:
            return {"type": "video_inline", "target": {"id": video_id}}
        if len(photo_ids) == 1:
            return {"type": "photo", "target": {"id": photo_ids[0]}}
        return {"type": "album", "subattachments": {"data": [{"type": "photo", "target": {"id": i}}
                                                             for i in photo_ids]}}


# Instagram Reels ("Content publishing", developers.facebook.com/docs/instagram-platform/content-publishing, its
# Reels specifications and "Error codes", /instagram-graph-api/reference/error-codes): a REELS container from
# a public video_url (MP4, 3 seconds to 15 minutes, at most 300 MB) with the caption; its status_code is
# IN_PROGRESS, FINISHED, ERROR, EXPIRED (not published within 24 hours) or PUBLISHED; publishing an expired
# container is refused with code -2, subcode 2207020.
IG_REEL_SECONDS = (3.0, 15 * 60.0)
IG_REEL_BYTES = 300 * 1024 * 1024
IG_CONTAINER_LIFE = 24 * 3600


class InstagramEmulator(_Graph):
    """An Instagram professional account: carousel and Reels containers, status, media_publish, the limit.

    ``status_sequence`` is what successive status reads of a container show (then its last value);
    ``on_step(step, container)`` runs after a Reels container was made (``"media"``), after a status read
    (``"status"``) and when media_publish arrives, before anything is done (``"publish"``): e.g. to SIGKILL
    the client between the container and media_publish.
    """

    def __init__(self, token="ig-token", user_id="2002", site_hosts=("127.0.0.1",), quota_total=100):
        super().__init__(token, user_id, site_hosts)
        self.containers: dict[str, dict] = {}
        self.media: dict[str, dict] = {}
        self.status_sequence = ["FINISHED"]
        self.quota_usage, self.quota_total = 0, quota_total
        self.comments: list[dict] = []
        self.on_step = None

    def comment(self, media_id, form):
        """``POST /{ig-media-id}/comments`` with ``message``: the comment's id."""
        message = form.get("message", "")
        if not message or len(message) > 2200:
            raise Reply(400, self.error("(#100) Invalid parameter", 100))
        comment = {"id": str(next(_ids)), "on": media_id, "message": message}
        self.comments.append(comment)
        self.applied("comments")
        return {"id": comment["id"]}

    def graph_route(self, method, parts, request):
        if parts[:1] == [self.owner] and len(parts) == 2:
            if method == "POST" and parts[1] == "media":
                return "media", lambda: self.create(request["form"])
            if method == "POST" and parts[1] == "media_publish":
                return "publish", lambda: self.publish(request["form"])
            if method == "GET" and parts[1] == "content_publishing_limit":
                return "limit", lambda: {"data": [{"quota_usage": self.quota_usage, "config": {
                    "quota_total": self.quota_total, "quota_duration": 86400}}]}
        if method == "GET" and len(parts) == 1 and parts[0] in self.containers:
            return "status", lambda: self.status(parts[0])
        if method == "GET" and len(parts) == 1 and parts[0] in self.media:
            return "media_read", lambda: {"id": parts[0], **{k: self.media[parts[0]][k] for k in ("permalink",)}}
        if method == "POST" and len(parts) == 2 and parts[1] == "comments" and parts[0] in self.media:
            return "comments", lambda: self.comment(parts[0], request["form"])
        if method == "DELETE":  # the Instagram Graph API has no way to delete media
            return "delete", lambda: (_ for _ in ()).throw(Reply(400, self.error(
                "Unsupported delete request. Please read the Graph API documentation at "
                "https://developers.facebook.com/docs/graph-api", 100)))
        raise Reply(400, self.error("(#100) Unsupported request", 100))

    def create(self, form):
        if form.get("is_carousel_item") == "true":
            image = self.fetch_image(form.get("image_url", ""))
            if image is None:
                raise Reply(400, self.error("Media download has failed.", 9004, 2207052))
            if image["format"] != "JPEG":
                raise Reply(400, self.error("Only photos in JPEG format are supported.", 9004, 2207052))
            ratio = image["width"] / image["height"]
            if not 0.8 <= ratio <= 1.91 or image["width"] > 1440 or image["bytes"] > 8 * 1024 * 1024:
                raise Reply(400, self.error("The aspect ratio is not supported.", 36003, 2207009))
            cid = str(next(_ids))
            self.containers[cid] = {"kind": "child", "image": {**image, "alt": form.get("alt_text", "")},
                                    "used": False}
            return {"id": cid}
        if form.get("media_type") == "REELS":
            return self.create_reel(form)
        if form.get("media_type") == "CAROUSEL":
            children = [c for c in form.get("children", "").split(",") if c]
            caption = form.get("caption", "")
            if not 2 <= len(children) <= 10 or any(c not in self.containers or self.containers[c]["kind"] != "child"
                                                   or self.containers[c]["used"] for c in children):
                raise Reply(400, self.error("(#100) children must be 2 to 10 unused carousel items", 100))
            if len(caption) > 2200 or caption.count("#") > 30 or caption.count("@") > 20:
                raise Reply(400, self.error("(#100) The caption is too long or has too many hashtags", 100))
            for c in children:
                self.containers[c]["used"] = True
            cid = str(next(_ids))
            self.containers[cid] = {"kind": "carousel", "children": children, "caption": caption, "reads": 0,
                                    "status": None}
            return {"id": cid}
        raise Reply(400, self.error("(#100) image_url with is_carousel_item, or media_type=CAROUSEL", 100))

    def create_reel(self, form):
        """``media_type=REELS`` with ``video_url`` and ``caption``: a container, once the video is fetched."""
        url = form.get("video_url", "")
        video = self.fetch_video(url)
        unsupported = Reply(400, self.error("The video format is not supported. Please check spec for supported "
                                            "streams format", 352, 2207026))
        if video is None:
            if self.downloadable(url):  # fetched, but no MP4 ffprobe can read
                raise unsupported
            raise Reply(400, self.error("Media download has failed.", 9004, 2207052))
        low, high = IG_REEL_SECONDS
        if not low <= video["duration"] <= high or video["bytes"] > IG_REEL_BYTES or \
                video["video_codec"] not in ("h264", "hevc"):
            raise unsupported
        caption = form.get("caption", "")
        if len(caption) > 2200 or caption.count("#") > 30 or caption.count("@") > 20:
            raise Reply(400, self.error("(#100) The caption is too long or has too many hashtags", 100))
        cid = str(next(_ids))
        self.containers[cid] = {"kind": "reels", "caption": caption, "reads": 0, "status": None,
                                "share_to_feed": form.get("share_to_feed", "true") == "true", "created": self.now(),
                                "video": {k: v for k, v in video.items() if k != "data"}}
        if self.on_step:
            self.on_step("media", self.containers[cid])
        return {"id": cid}

    def downloadable(self, url: str) -> bool:
        """Whether ``url`` is on a site host and answers 200: what Instagram can download at all."""
        if urlsplit(url).hostname not in self.site_hosts:
            return False
        try:
            return requests.get(url, timeout=10).status_code == 200
        except requests.RequestException:
            return False

    def _status(self, cid):
        c = self.containers[cid]
        if c["kind"] == "child":
            return "FINISHED"
        if c["status"] == "PUBLISHED":
            return "PUBLISHED"
        if c["kind"] == "reels" and self.now() - c["created"] > IG_CONTAINER_LIFE:
            return "EXPIRED"
        return self.status_sequence[min(c["reads"], len(self.status_sequence) - 1)]

    def status(self, cid):
        value = self._status(cid)
        c = self.containers[cid]
        if c["kind"] != "child" and c["status"] != "PUBLISHED":
            c["reads"] += 1
        answer = {"status_code": value, "id": cid}
        if value == "ERROR":  # the status field says why (subcode), since the changelog of 9 April 2021
            answer["status"] = "Error: 2207026: The video format is not supported."
        if self.on_step:
            self.on_step("status", c)
        return answer

    def publish(self, form):
        cid = form.get("creation_id", "")
        c = self.containers.get(cid)
        if self.on_step and c is not None:
            self.on_step("publish", c)
        if not c or c["kind"] not in ("carousel", "reels"):
            raise Reply(400, self.error("(#100) creation_id is not a carousel or Reels container", 100))
        if c["status"] == "PUBLISHED":
            raise Reply(400, self.error("The media has already been published", 9007, 2207008))
        if self._status(cid) == "EXPIRED":
            raise Reply(400, self.error("The media you are trying to access has expired. Please try to upload "
                                        "again.", -2, 2207020))
        if self._status(cid) != "FINISHED":
            raise Reply(400, self.error("Media ID is not available", 9007, 2207027))
        if self.quota_usage >= self.quota_total:
            raise Reply(400, self.error("Application request limit reached", 9, 2207042))
        self.quota_usage += 1
        c["status"] = "PUBLISHED"
        media_id = str(next(_ids))
        kind = "reel" if c["kind"] == "reels" else "p"
        self.media[media_id] = {"permalink": f"https://www.instagram.com/{kind}/C{media_id}/"}
        if c["kind"] == "reels":
            self.commit({"id": media_id, "caption": c["caption"], "container": cid, "media": [],
                         "video": c["video"], "media_type": "REELS"}, "publish")
            return {"id": media_id}
        self.commit({"id": media_id, "caption": c["caption"], "container": cid,
                     "media": [self.containers[ch]["image"] for ch in c["children"]]}, "publish")
        return {"id": media_id}


# ---------------------------------------------------------------------- X API v2

URL_RE = re.compile(r"https?://\S+")  # what the emulator shortens to t.co in its replies

# X's weighted length, written from twitter-text's published configuration v3
# (https://github.com/twitter/twitter-text/blob/master/config/v3.json and its
# docs), independently of pipeline.social.posts.x_length: the emulator is the judge of
# that function, so it must not share its code or its mistakes. Checked against
# X's conformance examples (conformance/validate.yml) in test_social_emulator.py.
X_CONFIG = {"maxWeightedTweetLength": 280, "scale": 100, "defaultWeight": 200, "transformedURLLength": 23,
            "ranges": ((0, 4351, 100), (8192, 8205, 100), (8208, 8223, 100), (8242, 8247, 100))}
# Code points that can start or join an emoji sequence (pictographs, dingbats,
# arrows, symbols): all above U+2000, except the keycap bases and (c) (R) with VS16.
_PICTOGRAPHS = ((0x203C, 0x203C), (0x2049, 0x2049), (0x2122, 0x2122), (0x2139, 0x2139), (0x2194, 0x21AA),
                (0x231A, 0x23FF), (0x24C2, 0x24C2), (0x25AA, 0x25FE), (0x2600, 0x27BF), (0x2934, 0x2935),
                (0x2B05, 0x2BFF), (0x3030, 0x3030), (0x303D, 0x303D), (0x3297, 0x3299), (0x1F000, 0x1FAFF))
_VS16, _ZWJ, _KEYCAP = 0xFE0F, 0x200D, 0x20E3
_MODIFIERS = (0x1F3FB, 0x1F3FF)  # skin tones
_TAGS = (0xE0020, 0xE007F)  # subdivision flags: black flag + tag letters + cancel tag
_REGIONAL = (0x1F1E6, 0x1F1FF)  # two make a country flag
_URL = re.compile(r"https?://(?P<host>[\w.-]+)(?::\d{1,5})?(?P<path>[/?#][^\s\x00-\x1f\x7f]*)?", re.IGNORECASE)
# Without a scheme X links a bare domain too; only generic TLDs here (a
# country-code domain without a path follows further rules not emulated).
_BARE_URL = re.compile(r"(?<![\w@#$./-])(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+"
                       r"(?:com|net|org|info|biz|edu|gov)(?![\w-])(?:/[^\s\x00-\x1f\x7f]*)?", re.IGNORECASE)
_TRAILING = ".,;:!?'\")]}"  # sentence punctuation after a URL is not part of it


def _within(code: int, ranges) -> bool:
    return any(low <= code <= high for low, high, *_ in ranges)


def _valid_host(host: str) -> bool:
    """A host X would link: dotted labels of at most 63 characters (punycoded), no edge hyphens, a letter TLD."""
    labels = host.split(".")
    if len(labels) < 2 or not labels[-1].isalpha():
        return False
    for index, label in enumerate(labels):
        ascii_form = label if label.isascii() else "xn--" + label.encode("punycode").decode("ascii")
        if not label or len(ascii_form) > 63 or label[0] == "-" or label[-1] == "-":
            return False
        if "_" in label and index >= len(labels) - 2:  # underscores only in subdomains
            return False
    return True


def _url_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every URL X would link in ``text``, each counted as transformedURLLength."""
    spans = []
    for match in _URL.finditer(text):
        end = match.end()
        # A format character (bidi mark, zero-width space) ends the URL.
        cut = next((i for i in range(match.start(), end) if unicodedata.category(text[i]) == "Cf"), end)
        while cut > match.end("host") and text[cut - 1] in _TRAILING:
            cut -= 1
        host_end = min(match.end("host"), cut)
        if _valid_host(text[match.start("host"):host_end].rstrip(".")):
            spans.append((match.start(), cut))
    taken = lambda i: any(a <= i < b for a, b in spans)  # noqa: E731
    for match in _BARE_URL.finditer(text):
        if not taken(match.start()):
            end = match.end()
            while text[end - 1] in _TRAILING:
                end -= 1
            spans.append((match.start(), end))
    return sorted(spans)


def _emoji_length(text: str, i: int) -> int:
    """How many code points of ``text`` from ``i`` form one emoji sequence (0: no emoji starts there)."""
    code, after = ord(text[i]), text[i + 1:i + 3]
    nxt = [ord(c) for c in after]
    if text[i] in "0123456789#*":  # keycap: digit, optional VS16, combining enclosing keycap
        if nxt[:1] == [_KEYCAP]:
            return 2
        return 3 if nxt[:2] == [_VS16, _KEYCAP] else 0
    if _within(code, (_REGIONAL,)):
        return 2 if nxt and _within(nxt[0], (_REGIONAL,)) else 1
    if code in (0xA9, 0xAE):  # (c) and (R) are emoji only in emoji presentation
        if nxt[:1] != [_VS16]:
            return 0
    elif not _within(code, _PICTOGRAPHS):
        return 0
    end = i + 1
    while end < len(text):
        c = ord(text[end])
        if c in (_VS16, _KEYCAP) or _within(c, (_MODIFIERS, _TAGS)):
            end += 1
        elif c == _ZWJ and end + 1 < len(text) and _within(ord(text[end + 1]), _PICTOGRAPHS):
            end += 2
        else:
            break
    return end - i


def _weight(code: int) -> int:
    return next((w for low, high, w in X_CONFIG["ranges"] if low <= code <= high), X_CONFIG["defaultWeight"])


def weighted_length(text: str) -> int:
    """The length X gives ``text``: NFC, each URL 23, each emoji sequence 2, else 1 or 2 per code point."""
    text = unicodedata.normalize("NFC", text)
    scale, total, i = X_CONFIG["scale"], 0, 0
    spans = iter(_url_spans(text) + [(len(text), len(text))])
    url_start, url_end = next(spans)
    while i < len(text):
        if i == url_start:
            total += X_CONFIG["transformedURLLength"] * scale
            i = url_end
            url_start, url_end = next(spans)
            continue
        emoji = _emoji_length(text, i)
        if emoji:
            total += X_CONFIG["defaultWeight"]  # a whole sequence weighs as one heavy character
            i += emoji
        else:
            total += _weight(ord(text[i]))
            i += 1
    return total // scale


def _pct(text: str) -> str:
    """RFC 5849 §3.6 percent-encoding: everything but the unreserved characters, as UTF-8."""
    return quote(text, safe="-._~")


def oauth1_signature(method: str, url: str, params, consumer_secret: str, token_secret: str) -> str:
    """HMAC-SHA1 signature of a request (RFC 5849 §3.4), written from the RFC, not from the client's library.

    ``url`` is the base string URI's source (scheme, host, port, path; its query is
    ignored here: pass its pairs in ``params``); ``params`` is every (name, value)
    of the query, the form body and the ``oauth_*`` protocol parameters, decoded.
    """
    parts = urlsplit(url)
    scheme, host, port = parts.scheme.lower(), (parts.hostname or "").lower(), parts.port
    default = (scheme, port) in (("http", 80), ("https", 443)) or port is None
    base_uri = f"{scheme}://{host}{'' if default else f':{port}'}{parts.path or '/'}"  # §3.4.1.2
    normalized = "&".join(f"{n}={v}" for n, v in sorted((_pct(n), _pct(v)) for n, v in params))  # §3.4.1.3.2
    base = "&".join((method.upper(), _pct(base_uri), _pct(normalized)))  # §3.4.1.1
    key = f"{_pct(consumer_secret)}&{_pct(token_secret)}"  # §3.4.2
    return base64.b64encode(hmac.new(key.encode(), base.encode(), hashlib.sha1).digest()).decode()


def oauth1_header(header: str) -> dict[str, str] | None:
    """The parameters of an ``Authorization: OAuth k="v", ...`` header (§3.5.1), decoded; None if not OAuth."""
    if not header.startswith("OAuth "):
        return None
    return {unquote(k): unquote(v) for k, v in re.findall(r'([\w.~-]+)="([^"]*)"', header[6:])}


# X's video limits (docs.x.com, "Media best practices" and the chunked upload quickstart): APPEND chunks of at
# most 5 MB, at most 512 MB in all, 0.5 to 140 seconds, 32x32 to 1280x1024, aspect ratio 1:3 to 3:1.
X_CHUNK_LIMIT = 5 * 1024 * 1024
X_VIDEO_LIMITS = {"bytes": 512 * 1024 * 1024, "duration": (0.5, 140.0), "width": (32, 1280), "height": (32, 1024),
                "aspect": (1 / 3, 3.0)}


def x_video_refusal(info: dict | None) -> str | None:
    """Why X's processing fails a video (``_ffprobe``'s reading of it), None when X takes it."""
    if info is None or info["video_codec"] != "h264":
        return "Invalid or Unsupported media, Reason: UnsupportedMedia."
    low, high = X_VIDEO_LIMITS["duration"]
    if not low <= info["duration"] <= high:
        return f"Invalid or Unsupported media, Reason: Duration too long or too short: {info['duration']:.1f}s."
    width, height = info["width"], info["height"]
    if not (X_VIDEO_LIMITS["width"][0] <= width <= X_VIDEO_LIMITS["width"][1]
            and X_VIDEO_LIMITS["height"][0] <= height <= X_VIDEO_LIMITS["height"][1]):
        return f"Invalid or Unsupported media, Reason: Unsupported dimensions: {width}x{height}."
    if not X_VIDEO_LIMITS["aspect"][0] <= width / height <= X_VIDEO_LIMITS["aspect"][1]:
        return f"Invalid or Unsupported media, Reason: Unsupported aspect ratio: {width}x{height}."
    return None


class XEmulator(Emulator):
    """An X account reached with OAuth 1.0a user context: API key and secret, access token and secret.

    Every call's signature is verified independently (``oauth1_signature``), each
    nonce is accepted once, and a timestamp more than ``window`` seconds off is
    refused. Refusals carry X's documented bodies: v2 endpoints the problem
    object, v1.1 (``/1.1/media/upload.json``) the ``errors`` array (32: could not
    authenticate, 89: invalid or expired token, 135: timestamp out of bounds).

        x.revoked = True        # the access token was revoked (or regenerated)
        x.read_only = True      # the app's permission is Read: every POST gets 403
        x.inject("tweets", "rate_limit", wait=30)              # 15-minute window used up
        x.inject("tweets", "rate_limit", daily=True, wait=72000)  # 24-hour user cap used up

    Video (issue 16), X API v2's chunked upload: ``initialize`` (``media_init``), ``append`` per
    chunk (``media_append``: at most ``chunk_limit`` bytes, segment 0-999), ``finalize``
    (``media_finalize``: the segments 0..n-1 must add up to ``total_bytes``), ``STATUS``
    (``media_status``). Finalize probes the video with ffprobe and applies X's limits
    (``X_VIDEO_LIMITS``); the processing then goes through ``processing`` (one state per
    STATUS) and ends ``failed`` with X's error when a limit is broken:

        x.processing = ["in_progress", "in_progress", "succeeded"]
        x.check_after = 0                 # check_after_secs X announces (tests never really sleep)
        x.on_segment = callback           # runs after a chunk is stored (SIGKILL during the upload)
        x.inject("tweets", "refuse", message="...")   # a post refused after its upload
    """

    V2_UNAUTHORIZED = {"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"}

    def __init__(self, token="x-token", token_secret="x-token-secret", api_key="x-api-key",
                 api_secret="x-api-secret", user_id="42", username="dprdcontoh", window=300):
        super().__init__()
        self.token, self.token_secret, self.api_key, self.api_secret = token, token_secret, api_key, api_secret
        self.user_id, self.username, self.window = user_id, username, window
        self.url = self.root
        self.media: dict[str, dict] = {}
        self.nonces: set[tuple[str, str, str]] = set()
        self.revoked = self.read_only = False
        self.links = itertools.count(1)
        self.uploads: dict[str, dict] = {}  # media id -> chunked upload session (video)
        self.processing = ["in_progress", "succeeded"]  # the states STATUS answers in turn, after "pending"
        self.check_after = 0
        self.chunk_limit = X_CHUNK_LIMIT
        self.on_segment = None

    # ------------------------------------------------------------------ OAuth 1.0a

    def authorize(self, request):
        request["oauth"] = self.verify(request)
        if request["oauth"] != "ok":
            raise self.unauthorized(request, request["oauth"])
        if self.read_only and request["method"] == "POST":
            raise Reply(403, {"title": "Forbidden", "type": "https://api.twitter.com/2/problems/oauth1-permissions",
                              "status": 403, "detail": "Your client app is not configured with the appropriate "
                                                       "oauth1 app permissions for this endpoint."})

    def verify(self, request) -> str:
        """"ok", or why the request's OAuth 1.0a authorization is refused (a code of v1.1's errors)."""
        oauth = oauth1_header(request["headers"].get("Authorization", ""))
        if oauth is None or "oauth_signature" not in oauth:
            return "missing"
        if oauth.get("oauth_signature_method") != "HMAC-SHA1" or oauth.get("oauth_version", "1.0") != "1.0":
            return "bad_signature"
        if oauth.get("oauth_consumer_key") != self.api_key or oauth.get("oauth_token") != self.token:
            return "bad_token" if oauth.get("oauth_consumer_key") == self.api_key else "bad_signature"
        stamp = oauth.get("oauth_timestamp", "")
        if not stamp.isdigit() or abs(time.time() - int(stamp)) > self.window:
            return "timestamp"
        target = urlsplit(request["target"])
        params = parse_qsl(target.query, keep_blank_values=True)
        if request["headers"].get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
            params += parse_qsl(request["body"].decode(), keep_blank_values=True)  # never a multipart body
        params += [(k, v) for k, v in oauth.items() if k not in ("oauth_signature", "realm")]
        url = f"http://{request['headers'].get('Host', '')}{target.path}"
        expected = oauth1_signature(request["method"], url, params, self.api_secret, self.token_secret)
        if not hmac.compare_digest(expected, oauth["oauth_signature"]):
            return "bad_signature"
        nonce = (oauth.get("oauth_nonce", ""), stamp, self.token)
        with self.lock:
            if not nonce[0] or nonce in self.nonces:
                return "nonce"
            self.nonces.add(nonce)
        return "revoked" if self.revoked else "ok"

    def unauthorized(self, request, reason) -> Reply:
        """X's answer to a refused authorization, in the shape of the endpoint's API version."""
        if not request.get("path", "").startswith("/1.1/"):
            return Reply(401, dict(self.V2_UNAUTHORIZED))
        code, message, status = {"missing": (215, "Bad Authentication data.", 400),
                                 "timestamp": (135, "Timestamp out of bounds.", 401),
                                 "bad_token": (89, "Invalid or expired token.", 401),
                                 "revoked": (89, "Invalid or expired token.", 401)}.get(
            reason, (32, "Could not authenticate you.", 401))
        return Reply(status, {"errors": [{"code": code, "message": message}]})

    # ------------------------------------------------------------------ faults

    def fail(self, fault, opts, endpoint):
        if fault == "rate_limit":
            reset = int(time.time()) + opts.get("wait", 1)
            headers = {"x-rate-limit-limit": "100", "x-rate-limit-remaining": "0", "x-rate-limit-reset": str(reset)}
            if opts.get("daily"):  # the 24-hour cap per user: the 15-minute window still has room
                headers = {"x-rate-limit-limit": "100", "x-rate-limit-remaining": "99",
                           "x-rate-limit-reset": str(int(time.time()) + 900), "x-user-limit-24hour-limit": "17",
                           "x-user-limit-24hour-remaining": "0", "x-user-limit-24hour-reset": str(reset)}
            raise Reply(429, {"title": "Too Many Requests", "detail": "Too Many Requests", "type": "about:blank",
                              "status": 429}, headers)
        if fault == "server_error":
            raise Reply(500, {"title": "Internal Server Error", "status": 500, "type": "about:blank",
                              "detail": "Something went wrong"})
        if fault == "expired_token":
            raise self.unauthorized({"path": "/1.1/" if endpoint == "media_upload_v1" else "/2/"}, "revoked")
        if fault == "duplicate":
            raise self.duplicate()
        if fault == "refuse":  # a permanent refusal of the request: status=, message=
            status = opts.get("status", 403)
            raise Reply(status, {"title": "Forbidden" if status == 403 else "Invalid Request", "type": "about:blank",
                                 "status": status, "detail": opts.get("message") or "You are not permitted to "
                                                                                     "perform this action."})
        raise AssertionError(fault)

    @staticmethod
    def duplicate():
        return Reply(403, {"detail": "You are not allowed to create a Tweet with duplicate content.",
                           "type": "about:blank", "title": "Forbidden", "status": 403})

    @staticmethod
    def invalid(detail):
        return Reply(400, {"title": "Invalid Request", "detail": detail, "type": "about:blank", "status": 400})

    # ------------------------------------------------------------------ endpoints

    def route(self, method, path, request):
        if method == "POST" and path == "/2/media/upload":
            return "media_upload", lambda: {"data": self.upload(request)}
        if method == "POST" and path == "/2/media/upload/initialize":
            return "media_init", lambda: self.initialize(request["json"] or request["form"])
        chunked = re.fullmatch(r"/2/media/upload/(\d+)/(append|finalize)", path)
        if method == "POST" and chunked and chunked.group(2) == "append":
            return "media_append", lambda: self.append(chunked.group(1), request)
        if method == "POST" and chunked:
            return "media_finalize", lambda: self.finalize(chunked.group(1))
        if method == "GET" and path == "/2/media/upload":
            return "media_status", lambda: self.status(request["query"])
        if method == "POST" and path == "/1.1/media/upload.json":  # deprecated by X; kept for its error shape
            return "media_upload_v1", lambda: self.upload_v1(request)
        if method == "POST" and path == "/2/media/metadata":
            return "metadata", lambda: self.metadata(request["json"] or {})
        if method == "POST" and path == "/2/tweets":
            return "tweets", lambda: self.tweet(request["json"] or {})
        if method == "DELETE" and path.startswith("/2/tweets/"):
            return "delete", lambda: self.delete(path.rsplit("/", 1)[-1])
        if method == "GET" and path == "/2/users/me":
            return "me", lambda: {"data": {"id": self.user_id, "name": "DPRD", "username": self.username}}
        if method == "GET" and path == f"/2/users/{self.user_id}/tweets":
            return "timeline", lambda: self.timeline(request["query"])
        raise Reply(404, {"title": "Not Found", "status": 404, "type": "about:blank", "detail": path})

    def upload(self, request):
        if request["form"].get("media_category", "tweet_image") != "tweet_image" or "media" not in request["files"]:
            raise self.invalid("media (file) and media_category=tweet_image are required")
        data = request["files"]["media"]
        try:
            image = Image.open(io.BytesIO(data))
            image.load()
        except Exception:
            raise self.invalid("media is not a supported image") from None
        if image.format not in ("JPEG", "PNG", "WEBP", "GIF") or len(data) > 5 * 1024 * 1024:
            raise self.invalid("image too large or unsupported")
        media_id = str(next(_ids))
        self.media[media_id] = {"bytes": len(data), "width": image.width, "height": image.height,
                                "format": image.format, "alt": "", "used": False}
        return {"id": media_id, "media_key": f"3_{media_id}", "size": len(data), "expires_after_secs": 86400,
                "image": {"image_type": "image/jpeg", "w": image.width, "h": image.height}}

    def upload_v1(self, request):
        data = self.upload(request)
        return {"media_id": int(data["id"]), "media_id_string": data["id"], "size": data["size"],
                "expires_after_secs": 86400, "image": data["image"]}

    def initialize(self, body):
        """``POST /2/media/upload/initialize``: a video upload session of ``total_bytes``."""
        total = body.get("total_bytes")
        total = int(total) if isinstance(total, int | str) and str(total).isdigit() else None
        if body.get("media_type") != "video/mp4" or body.get("media_category") not in ("amplify_video",
                                                                                         "tweet_video"):
            raise self.invalid("media_type video/mp4 and media_category amplify_video or tweet_video are required")
        if not total or total > X_VIDEO_LIMITS["bytes"]:
            raise self.invalid(f"total_bytes must be between 1 and {X_VIDEO_LIMITS['bytes']}")
        media_id = str(next(_ids))
        self.uploads[media_id] = {"total": total, "segments": {}, "state": None}
        return {"data": {"id": media_id, "media_key": f"13_{media_id}", "expires_after_secs": 86400}}

    def _session(self, media_id):
        session = self.uploads.get(media_id)
        if session is None:
            raise self.invalid(f"media_id {media_id} is not an upload in progress")
        return session

    def append(self, media_id, request):
        """``POST /2/media/upload/{id}/append``: one chunk (``media``) at ``segment_index``."""
        session, index = self._session(media_id), request["form"].get("segment_index", "")
        chunk = request["files"].get("media")
        if session["state"] is not None:
            raise self.invalid("media upload was already finalized")
        if chunk is None or not index.isdigit() or int(index) > 999:
            raise self.invalid("media (file) and segment_index between 0 and 999 are required")
        if len(chunk) > self.chunk_limit:
            raise self.invalid(f"media chunk must be <= {self.chunk_limit} bytes")
        session["segments"][int(index)] = chunk  # a chunk sent again replaces its segment
        if self.on_segment:
            self.on_segment(media_id, int(index))
        return {"data": {"expires_at": int(self.now()) + 86400}}

    def finalize(self, media_id):
        """``POST /2/media/upload/{id}/finalize``: the whole file, then its processing starts."""
        session = self._session(media_id)
        if session["state"] is None:
            indexes = sorted(session["segments"])
            data = b"".join(session["segments"][i] for i in indexes)
            if indexes != list(range(len(indexes))) or len(data) != session["total"]:
                raise self.invalid("Segments do not add up to provided total file size.")
            info = _ffprobe(data)
            session["error"] = x_video_refusal(info)
            session["state"], session["queue"] = "pending", list(self.processing)
            self.media[media_id] = {"key": f"13_{media_id}", "bytes": len(data), "video": info,
                                    "alt": "", "used": False, "session": session}
        return {"data": {"id": media_id, "media_key": f"13_{media_id}", "size": session["total"],
                         "expires_after_secs": 86400, "processing_info": self._processing(session)}}

    def status(self, query):
        """``GET /2/media/upload?command=STATUS&media_id=``: the next processing state."""
        if query.get("command") != "STATUS":
            raise self.invalid("command must be STATUS")
        session = self._session(query.get("media_id", ""))
        if session["state"] is None:
            raise self.invalid("media upload was not finalized")
        if session["state"] in ("pending", "in_progress"):
            session["state"] = session["queue"].pop(0) if session["queue"] else "succeeded"
            if session["state"] == "succeeded" and session["error"]:
                session["state"] = "failed"
        return {"data": {"id": query["media_id"], "media_key": f"13_{query['media_id']}",
                         "processing_info": self._processing(session)}}

    def _processing(self, session) -> dict:
        info = {"state": session["state"]}
        if session["state"] in ("pending", "in_progress"):
            info["check_after_secs"] = self.check_after
        if session["state"] == "failed":
            info["error"] = {"code": 1, "name": "InvalidMedia", "message": session["error"]}
        return info

    def metadata(self, body):
        media = self.media.get(str(body.get("id")))
        alt = ((body.get("metadata") or {}).get("alt_text") or {}).get("text", "")
        if media is None or len(alt) > 1000:
            raise self.invalid("unknown media id or alt text over 1000 characters")
        media["alt"] = alt
        return {"data": {"id": body["id"], "associated_metadata": body["metadata"]}}

    def tweet(self, body):
        text = body.get("text", "")
        ids = [str(i) for i in ((body.get("media") or {}).get("media_ids") or [])]
        reply_to = str((body.get("reply") or {}).get("in_reply_to_tweet_id") or "")
        if len(ids) > 4 or any(i not in self.media or self.media[i]["used"] for i in ids):
            raise self.invalid("media_ids must hold 1 to 4 unused uploaded media")
        videos = [self.media[i] for i in ids if "session" in self.media[i]]
        if videos and (len(ids) > 1 or videos[0]["session"]["state"] != "succeeded"):
            raise self.invalid("Your media IDs are invalid.")  # one video, alone, processed
        if not ids and not text:
            raise self.invalid("One or more parameters to your request was invalid: text or media is required")
        if reply_to and not any(p["id"] == reply_to and not p.get("deleted") for p in self.posts):
            raise self.invalid("The Tweet you are replying to does not exist or is not visible to you.")
        if weighted_length(text) > X_CONFIG["maxWeightedTweetLength"]:
            raise self.invalid("Your Tweet text is too long. For more information on how X determines text "
                               "length see https://github.com/twitter/twitter-text.")
        if any(p["text"] == text for p in self.posts):
            raise self.duplicate()
        for i in ids:
            self.media[i]["used"] = True
        tweet_id = str(next(_ids))
        post = {"id": tweet_id, "text": text, "media": [self.media[i] for i in ids], "media_ids": ids,
                "in_reply_to": reply_to}
        post["shown"] = self.shown(post)
        self.commit(post, "tweets")
        return 201, {"data": {"id": tweet_id, "text": post["shown"]["text"], "edit_history_tweet_ids": [tweet_id]}}, {}

    def shown(self, post) -> dict:
        """The post as v2 returns it: links as t.co (with entities), a t.co link to the media appended,
        ``&``, ``<`` and ``>`` as HTML entities."""
        urls, parts, last = [], [], 0
        text = unicodedata.normalize("NFC", post["text"])
        for match in URL_RE.finditer(text):
            short = f"https://t.co/{next(self.links):010d}"
            parts += [html.escape(text[last:match.start()], quote=False), short]
            urls.append({"url": short, "expanded_url": match.group(), "display_url": match.group()[8:30]})
            last = match.end()
        parts.append(html.escape(text[last:], quote=False))
        shown = "".join(parts)
        if post["media_ids"]:
            media_link = f"https://t.co/{next(self.links):010d}"
            urls.append({"url": media_link, "display_url": "pic.x.com/abcdefghij",
                         "expanded_url": f"https://x.com/{self.username}/status/{post['id']}/"
                                         f"{'video' if self._key(post['media_ids'][0])[0] == '1' else 'photo'}/1",
                         "media_key": self._key(post["media_ids"][0])})
            shown += " " + media_link
        for entity in urls:  # indices in code points of the text as returned
            entity["start"] = shown.index(entity["url"])
            entity["end"] = entity["start"] + len(entity["url"])
        return {"text": shown, "entities": {"urls": urls} if urls else {},
                "attachments": {"media_keys": [self._key(i) for i in post["media_ids"]]} if post["media_ids"] else {}}

    def _key(self, media_id: str) -> str:
        """The media_key X shows for a media id: "3_" a photo, "13_" a video."""
        return self.media.get(media_id, {}).get("key", f"3_{media_id}")  # a test may store posts directly

    def delete(self, tweet_id):
        """``DELETE /2/tweets/:id``: ``{"data": {"deleted": true}}``; a post already gone: ``deleted: false``."""
        post = next((p for p in self.posts if p["id"] == tweet_id and not p.get("deleted")), None)
        if post is None:
            return {"data": {"deleted": False}}
        post["deleted"] = True
        self.applied("delete")
        return {"data": {"deleted": True}}

    def timeline(self, query):
        limit = min(max(int(query.get("max_results", 10)), 5), 100)
        fields = set(query.get("tweet.fields", "").split(","))  # only what was asked, as X does
        data = []
        for p in reversed([p for p in self.posts if not p.get("deleted")]):
            tweet = {"id": p["id"], "text": p["shown"]["text"], "edit_history_tweet_ids": [p["id"]]}
            tweet.update({k: p["shown"][k] for k in ("entities", "attachments") if k in fields and p["shown"][k]})
            data.append(tweet)
        return {"data": data[:limit], "meta": {"result_count": min(len(data), limit)}}


# ---------------------------------------------------------------------- Telegram Bot API

class _Caption(HTMLParser):
    ALLOWED = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "tg-spoiler",
               "span", "blockquote"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text, self.bad = "", None

    def handle_starttag(self, tag, attrs):
        if tag not in self.ALLOWED:
            self.bad = f"Unsupported start tag \"{tag}\""

    def handle_data(self, data):
        self.text += data


def parse_caption(caption: str) -> str:
    """Telegram-HTML ``caption`` as visible text; Reply 400 when Telegram could not parse it."""
    if re.search(r"<(?![a-zA-Z/])|&(?!(lt|gt|amp|quot|#\d+);)", caption):
        raise Reply(400, {"ok": False, "error_code": 400,
                          "description": "Bad Request: can't parse entities: unexpected character"})
    parser = _Caption()
    parser.feed(caption)
    parser.close()
    if parser.bad:
        raise Reply(400, {"ok": False, "error_code": 400,
                          "description": f"Bad Request: can't parse entities: {parser.bad}"})
    return parser.text


TELEGRAM_UPLOAD_LIMIT = 50 * 1024 * 1024  # "Bots can currently send video files of up to 50 MB in size"


def visible_caption(fields: dict) -> str:
    """The visible text of a message's ``caption`` (Telegram HTML with ``parse_mode``); 400 over 1024."""
    caption = fields.get("caption") or ""
    if caption and fields.get("parse_mode") == "HTML":
        caption = parse_caption(caption)
    if len(caption.encode("utf-16-le")) // 2 > 1024:
        raise Reply(400, {"ok": False, "error_code": 400, "description": "Bad Request: message caption is too long"})
    return caption


class TelegramEmulator(Emulator):
    """A bot posting albums (``sendMediaGroup``) or a video (``sendVideo``, issue 16) to one channel.

    ``sendVideo`` takes the file's bytes as multipart ``video``; a request over
    ``upload_limit`` (a bot uploads at most 50 MB, Bot API ``sendVideo``) is refused
    as Telegram's front end does: HTTP 413 ``Request Entity Too Large``
    (tdlib/telegram-bot-api#720 shows the body). A test lowers the limit instead of
    sending 50 MB.
    """

    def __init__(self, token="123456:ABC-DEF_sentinel", chat_id="-1001234567890", site_hosts=("127.0.0.1",),
                 upload_limit=TELEGRAM_UPLOAD_LIMIT):
        super().__init__(site_hosts)
        self.upload_limit = upload_limit
        self.token, self.chat_id, self.url = token, chat_id, self.root
        self.message_ids = itertools.count(100)
        self.messages: dict[int, dict] = {}  # message_id -> {"date", "deleted", ...}: the channel
        self.replies: list[dict] = []
        self.reshape: dict[str, str] = {}

    def route(self, method, path, request):
        match = re.fullmatch(r"/bot([^/]+)/(\w+)", path)
        if not match:
            raise Reply(404, {"ok": False, "error_code": 404, "description": "Not Found"})
        request["token"] = match.group(1)
        if match.group(2) == "deleteMessage" and method == "POST":
            return "deleteMessage", lambda: self.delete(request["json"] or request["form"])
        if match.group(2) == "sendMessage" and method == "POST":
            return "sendMessage", lambda: self.message(request["json"] or request["form"])
        if match.group(2) == "sendVideo" and method == "POST":
            return "sendVideo", lambda: self.send_video(request)
        if match.group(2) == "sendMediaGroup" and method == "POST":
            return "sendMediaGroup", _reshaped(self, "sendMediaGroup",
                                               lambda: self.send(request["json"] or request["form"]))
        raise Reply(404, {"ok": False, "error_code": 404, "description": "Not Found"})

    def authorize(self, request):
        if request.get("token") != self.token:
            raise Reply(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})

    def fail(self, fault, opts, endpoint):
        # Flood control as the Bot API documents it (core.telegram.org/bots/api#responseparameters,
        # /bots/faq "My bot is hitting limits"): 429, retry_after in seconds, in the body only.
        if fault == "rate_limit":
            wait = opts.get("wait", 1)
            raise Reply(429, {"ok": False, "error_code": 429, "description": f"Too Many Requests: retry after {wait}",
                              "parameters": {"retry_after": wait}})
        if fault in ("array_answer", "missing_id", "wrong_type"):
            self.reshape[endpoint] = fault
            return
        if fault == "server_error":
            raise Reply(500, {"ok": False, "error_code": 500, "description": "Internal Server Error"})
        if fault == "expired_token":
            raise Reply(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
        raise AssertionError(fault)

    def send(self, body):
        if str(body.get("chat_id")) != self.chat_id:
            raise Reply(400, {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"})
        media = body.get("media")
        media = json.loads(media) if isinstance(media, str) else media
        if not isinstance(media, list) or not 2 <= len(media) <= 10:
            raise Reply(400, {"ok": False, "error_code": 400,
                              "description": "Bad Request: media group must contain 2-10 items"})
        caption = visible_caption(media[0])
        images = []
        for entry in media:
            image = self.fetch_image(entry.get("media", "")) if entry.get("type") == "photo" else None
            if image is None:
                raise Reply(400, {"ok": False, "error_code": 400,
                                  "description": "Bad Request: failed to get HTTP URL content"})
            images.append(image)
        group = str(next(_ids))
        messages = [{"message_id": next(self.message_ids), "date": int(self.now()), "media_group_id": group,
                     "chat": {"id": int(self.chat_id), "type": "channel"}, "photo": [{"width": i["width"]}]}
                    for i in images]
        messages[0]["caption"] = caption
        for message in messages:
            self.messages[message["message_id"]] = {"date": message["date"], "deleted": False}
        self.commit({"id": str(messages[0]["message_id"]), "caption": caption, "media": images}, "sendMediaGroup")
        return {"ok": True, "result": messages}

    def send_video(self, request):
        """``sendVideo``: the uploaded MP4 (multipart ``video``) with its caption, one message."""
        if len(request["body"]) > self.upload_limit:
            raise Reply(413, {"ok": False, "error_code": 413, "description": "Request Entity Too Large"})
        form = request["form"]
        if str(form.get("chat_id")) != self.chat_id:
            raise self.bad("chat not found")
        if "video" not in request["files"]:
            raise self.bad("there is no video in the request")
        caption = visible_caption(form)
        # The real API would send an unreadable file as it is; the emulator refuses it, so that a client
        # uploading anything but the site's MP4 fails the test.
        info = _ffprobe(request["files"]["video"])
        if info is None:
            raise self.bad("wrong file: not an MP4 video")
        for key in ("width", "height", "duration"):
            if key in form and not form[key].isdigit():
                raise self.bad(f"field \"{key}\" must be of type Integer")
        message = {"message_id": next(self.message_ids), "date": int(self.now()),
                   "chat": {"id": int(self.chat_id), "type": "channel"}, "caption": caption,
                   "video": {"duration": round(info["duration"]), "width": info["width"], "height": info["height"],
                             "mime_type": "video/mp4", "file_id": f"BAAC{next(_ids)}",
                             "file_unique_id": f"AgAD{next(_ids)}", "file_size": len(request["files"]["video"])}}
        self.messages[message["message_id"]] = {"date": message["date"], "deleted": False}
        self.commit({"id": str(message["message_id"]), "caption": caption, "video": info,
                     "streaming": form.get("supports_streaming") == "true"}, "sendVideo")
        return {"ok": True, "result": message}

    @staticmethod
    def bad(description):
        return Reply(400, {"ok": False, "error_code": 400, "description": f"Bad Request: {description}"})

    def delete(self, body):
        """``deleteMessage``: only a message sent less than 48 hours ago (the emulator's clock)."""
        if str(body.get("chat_id")) != self.chat_id:
            raise self.bad("chat not found")
        message = self.messages.get(body.get("message_id"))
        if message is None or message["deleted"]:
            raise self.bad("message to delete not found")
        if self.now() - message["date"] >= 48 * 3600:
            raise self.bad("message can't be deleted")
        message["deleted"] = True
        self.applied("deleteMessage")
        return {"ok": True, "result": True}

    def message(self, body):
        """``sendMessage`` with ``reply_parameters.message_id``: a reply to a message of the channel."""
        if str(body.get("chat_id")) != self.chat_id:
            raise self.bad("chat not found")
        text = body.get("text") or ""
        if not text or len(text.encode("utf-16-le")) // 2 > 4096:
            raise self.bad("message text is empty" if not text else "message is too long")
        target = (body.get("reply_parameters") or {}).get("message_id")
        if target is not None and (target not in self.messages or self.messages[target]["deleted"]):
            raise self.bad("message to be replied not found")
        message_id = next(self.message_ids)
        self.messages[message_id] = {"date": int(self.now()), "deleted": False}
        self.replies.append({"message_id": message_id, "text": text, "reply_to": target})
        self.applied("sendMessage")
        return {"ok": True, "result": {"message_id": message_id, "date": int(self.now()), "text": text,
                                       "chat": {"id": int(self.chat_id), "type": "channel"},
                                       "reply_to_message": {"message_id": target}}}
