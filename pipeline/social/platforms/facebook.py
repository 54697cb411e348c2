"""Facebook Page through the Graph API.

Each photo is uploaded unpublished (``POST /{page}/photos`` with ``url=``
and ``published=false``: Facebook fetches it from the site), then one
``POST /{page}/feed`` with the message and ``attached_media`` makes the
post. A post is found again only if it is exactly this attempt's: the same
message text and, when known, exactly the unpublished photos this attempt
uploaded (their ids are unique per attempt: the attempt's marker). "Any post
containing the article URL" would also match another item whose caption
quotes that URL.

With a video (``post.video``, issue 16) the Page gets the video with the
post's text instead of the photos, through the resumable upload of the Video
API ("Publish a video to a Page", developers.facebook.com/docs/video-api/
guides/publishing; the Page videos edge, /docs/graph-api/reference/page/
videos): ``POST /{page}/videos`` with ``upload_phase=start`` and
``file_size`` answers ``video_id``, ``upload_session_id`` and the first
chunk's ``start_offset``/``end_offset``; ``upload_phase=transfer`` sends each
chunk (``video_file_chunk``, multipart) at ``start_offset`` until the offsets
meet; ``upload_phase=finish`` with ``description`` posts it. The video id is
the attempt's marker: recorded before finish, ``GET /{video-id}`` tells
whether the finish took effect.
"""

from __future__ import annotations

import json

from pipeline.social.platforms.base import Result
from pipeline.social.platforms.http import ApiError, Transport, json_body

PLATFORM, NAME = "facebook", "Facebook"
ENV = ("FACEBOOK_PAGE_ID", "FACEBOOK_PAGE_TOKEN")
DEFAULT_URL = "https://graph.facebook.com/v21.0"

# Graph API "Error codes" and "Rate Limiting" (developers.facebook.com/docs/graph-api/guides/error-handling,
# /docs/graph-api/overview/rate-limiting): 4 app, 17 user, 32 Page, 613 custom rate limit, and
# the Business Use Case limits 80000-80014 (80001 Pages, 80002 Instagram, ...). Meta answers them
# with HTTP 400 (403 for some) and an OAuthException body, not 429.
THROTTLE_CODES = frozenset({4, 17, 32, 613, *range(80000, 80015)})
# Video API "Error codes" (developers.facebook.com/documentation/video-api/reference/error-codes): a chunk
# sent at another offset than the one the upload session expects.
BAD_OFFSET = 1363037


def graph_error(response) -> dict:
    """The ``error`` object of a Graph API answer ({} when the body has none)."""
    body = json_body(response)
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, dict) else {}


class GraphTransport(Transport):
    """Graph API errors: code 190 is an expired or revoked token, 506 a duplicate post."""

    def throttled(self, response) -> bool:
        if super().throttled(response):
            return True
        if response.status_code not in (400, 403):
            return False
        error = graph_error(response)
        # is_transient: "a temporary issue ... retry" (Error codes); never on a permanent refusal.
        return error.get("code") in THROTTLE_CODES or error.get("is_transient") is True

    def error(self, response) -> ApiError:
        error = graph_error(response)
        code, subcode = (value if isinstance(value, int) and not isinstance(value, bool) else None
                         for value in (error.get("code"), error.get("error_subcode")))
        return ApiError(self.platform, self._message(response), response.status_code, code,
                        auth=code == 190 or response.status_code == 401, duplicate=code == 506, subcode=subcode)


def gone(exc: ApiError) -> bool:
    """Whether a Graph API refusal says the object no longer exists (code 100, subcode 33).

    "Unsupported delete request. Object with ID '...' does not exist, cannot be
    loaded due to missing permissions, or does not support this operation": what
    a second DELETE of a post answers, so a DELETE whose answer was lost and is
    made again counts as done.
    """
    return exc.code == 100 and exc.subcode == 33


class Facebook:
    """Posts to one Facebook Page."""

    platform, name, searchable = PLATFORM, NAME, True

    def __init__(self, page_id: str, token: str, base_url: str, transport: Transport):
        self.page, self.base, self.http = page_id, base_url.rstrip("/"), transport
        self.auth = {"Authorization": f"Bearer {token}"}  # a header, never the URL

    def publish(self, post, attempting) -> Result:
        if post.video is not None:
            return self._publish_video(post, attempting)
        ids = []
        for photo in post.photos:
            response = self.http.call("POST", f"{self.base}/{self.page}/photos", headers=self.auth,
                                      data={"url": photo.url, "published": "false", "alt_text_custom": photo.alt})
            ids.append(self.http.expect(response, "id"))
        form = {"message": post.text}
        form.update({f"attached_media[{i}]": json.dumps({"media_fbid": fbid}) for i, fbid in enumerate(ids)})
        attempting({"photos": ids})
        response = self.http.call("POST", f"{self.base}/{self.page}/feed", headers=self.auth, data=form, final=True)
        post_id = self.http.expect(response, "id", final=True)
        return Result(post_id, f"https://www.facebook.com/{post_id}")

    def _publish_video(self, post, attempting) -> Result:
        """The video from the site, uploaded in the chunks the Page asks for, then finished with the text."""
        data = self.http.call("GET", post.video.url).content  # the site's own file, as published
        # graph.facebook.com: "The graph-video.facebook.com host for video uploads has been deprecated" (Video API
        # overview, developers.facebook.com/docs/video-api/overview).
        url = f"{self.base}/{self.page}/videos"
        try:
            video_id, session = self._upload(url, data)
        except ApiError as exc:
            if exc.subcode != BAD_OFFSET:
                raise
            # A chunk whose answer was lost landed after all, so its retry came at a stale offset: the Page
            # refuses it (1363037). An unfinished upload is no post, so a fresh one is safe; once.
            video_id, session = self._upload(url, data)
        attempting({"video": video_id})
        answer = self.http.call("POST", url, headers=self.auth, final=True, data={
            "upload_phase": "finish", "upload_session_id": session, "description": post.text,
            "title": post.video.title})
        if self.http.expect(answer, "success", kind=bool, final=True) is not True:
            raise ApiError(PLATFORM, self.http.cut(f"Facebook tidak menerbitkan video {video_id} (success: false)"))
        return Result(video_id, self._video_link(video_id))

    def _upload(self, url: str, data: bytes) -> tuple[str, str]:
        """``upload_phase`` start and transfer of ``data``: the video id and upload session id to finish."""
        start = self.http.call("POST", url, headers=self.auth, data={"upload_phase": "start",
                                                                     "file_size": str(len(data))})
        video_id, session = self.http.expect(start, "video_id"), self.http.expect(start, "upload_session_id")
        offsets = self._offsets(start)
        while offsets[0] < offsets[1]:
            begin, end = offsets
            answer = self.http.call("POST", url, headers=self.auth, data={
                "upload_phase": "transfer", "upload_session_id": session, "start_offset": str(begin)},
                files={"video_file_chunk": ("chunk", data[begin:end], "application/octet-stream")})
            offsets = self._offsets(answer)
            if offsets[0] <= begin:  # the Page must move on; otherwise the loop would never end
                raise ApiError(PLATFORM, f"Facebook tidak menerima potongan video pada offset {begin}")
        if offsets[0] != len(data):
            raise ApiError(PLATFORM, f"Facebook berhenti menerima video pada byte {offsets[0]} dari {len(data)}")
        return video_id, session

    def _offsets(self, response) -> tuple[int, int]:
        """``start_offset`` and ``end_offset`` of an upload answer (strings in the Graph API)."""
        return int(self.http.expect(response, "start_offset")), int(self.http.expect(response, "end_offset"))

    def _video_link(self, video_id: str, permalink: object = None) -> str:
        """The video's public link: ``permalink_url`` (site-relative in the Graph API) or the Page's video URL."""
        if isinstance(permalink, str) and permalink.startswith("/"):
            return f"https://www.facebook.com{permalink}"
        return f"https://www.facebook.com/{self.page}/videos/{video_id}/"

    def _find_video(self, data) -> Result | None:
        """This attempt's video when its finish took effect (uploading phase complete), else None.

        Without a recorded video id nothing is claimed: an upload that never reached
        finish is no post, and another video with the same text is not this one.
        """
        video_id = (data or {}).get("video")
        if not video_id:
            return None
        response = self.http.call("GET", f"{self.base}/{video_id}", headers=self.auth,
                                  params={"fields": "status,permalink_url,description"})
        phase = self.http.expect(response, "status", "uploading_phase", "status", kind=str)
        if phase != "complete":
            return None
        return Result(str(video_id), self._video_link(str(video_id), json_body(response).get("permalink_url")))

    def delete(self, posted, now) -> None:
        """``DELETE /{post-id}`` (answers ``{"success": true}``); a post already gone counts as deleted."""
        try:
            response = self.http.call("DELETE", f"{self.base}/{posted.remote_id}", headers=self.auth)
        except ApiError as exc:
            if gone(exc):
                return
            raise
        if self.http.expect(response, "success", kind=bool) is not True:
            raise ApiError(PLATFORM, self.http.cut(f"Facebook tidak menghapus {posted.remote_id} (success: false)"))

    def reply(self, posted, text: str) -> Result:
        """A comment under the Page's post: ``POST /{post-id}/comments`` with ``message``."""
        response = self.http.call("POST", f"{self.base}/{posted.remote_id}/comments", headers=self.auth,
                                  data={"message": text}, final=True)
        comment = self.http.expect(response, "id", final=True)
        return Result(comment, f"https://www.facebook.com/{posted.remote_id}?comment_id={comment.rsplit('_', 1)[-1]}")

    def find(self, post, data) -> Result | None:
        """This attempt's post among the Page's recent ones: exactly its text and, when known, its photos."""
        if post.video is not None:
            return self._find_video(data)
        response = self.http.call("GET", f"{self.base}/{self.page}/feed", headers=self.auth,
                                  params={"fields": "id,message,permalink_url,attachments{target,subattachments}",
                                          "limit": "100"})
        photos = {str(p) for p in ((data or {}).get("photos") or [])}
        for entry in self.http.expect(response, "data", kind=list):
            if not isinstance(entry, dict) or str(entry.get("message") or "").strip() != post.text.strip():
                continue
            if photos and attached_photos(entry) != photos:
                continue  # the same text, other photos: another attempt's or another item's post
            post_id = self.http.expect(entry, "id")
            link = entry.get("permalink_url")
            return Result(post_id, link if isinstance(link, str) and link else f"https://www.facebook.com/{post_id}")
        return None


def attached_photos(entry: dict) -> set[str]:
    """Ids of the photos a feed entry shows (``attachments{target,subattachments}``), both shapes."""
    found: set[str] = set()
    attachments = entry.get("attachments")
    for attachment in (attachments.get("data") if isinstance(attachments, dict) else None) or []:
        if not isinstance(attachment, dict):
            continue
        subs = attachment.get("subattachments")
        targets = [s.get("target") for s in ((subs.get("data") if isinstance(subs, dict) else None) or [])
                   if isinstance(s, dict)] or [attachment.get("target")]
        found.update(str(t["id"]) for t in targets if isinstance(t, dict) and "id" in t)
    return found


def from_env(env, redact, budget) -> Facebook:
    """A client configured from ``FACEBOOK_*`` variables."""
    return Facebook(env["FACEBOOK_PAGE_ID"], env["FACEBOOK_PAGE_TOKEN"], env.get("FACEBOOK_GRAPH_URL") or DEFAULT_URL,
                    GraphTransport(PLATFORM, redact, budget))
