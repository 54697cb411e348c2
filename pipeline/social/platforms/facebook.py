"""Facebook Page through the Graph API.

Each photo is uploaded unpublished (``POST /{page}/photos`` with ``url=``
and ``published=false``: Facebook fetches it from the site), then one
``POST /{page}/feed`` with the message and ``attached_media`` makes the
post. A post is found again only if it is exactly this attempt's: the same
message text and, when known, exactly the unpublished photos this attempt
uploaded (their ids are unique per attempt: the attempt's marker). "Any post
containing the article URL" would also match another item whose caption
quotes that URL.
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
