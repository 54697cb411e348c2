"""Facebook Page through the Graph API.

Each photo is uploaded unpublished (``POST /{page}/photos`` with ``url=``
and ``published=false``: Facebook fetches it from the site), then one
``POST /{page}/feed`` with the message and ``attached_media`` makes the
post. A post is found again by its article URL among the Page's recent posts.
"""

from __future__ import annotations

import json

from pipeline.social.platforms.base import Result
from pipeline.social.platforms.http import ApiError, Transport, json_body

PLATFORM, NAME = "facebook", "Facebook"
ENV = ("FACEBOOK_PAGE_ID", "FACEBOOK_PAGE_TOKEN")
DEFAULT_URL = "https://graph.facebook.com/v21.0"


class GraphTransport(Transport):
    """Graph API errors: code 190 is an expired or revoked token, 506 a duplicate post."""

    def error(self, response) -> ApiError:
        body = json_body(response)
        error = body.get("error") if isinstance(body, dict) else None
        code = error.get("code") if isinstance(error, dict) else None
        return ApiError(self.platform, self._message(response), response.status_code, code,
                        auth=code == 190 or response.status_code == 401, duplicate=code == 506)


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
            ids.append(str(response.json()["id"]))
        form = {"message": post.text}
        form.update({f"attached_media[{i}]": json.dumps({"media_fbid": fbid}) for i, fbid in enumerate(ids)})
        attempting({"photos": ids})
        response = self.http.call("POST", f"{self.base}/{self.page}/feed", headers=self.auth, data=form, final=True)
        post_id = str(response.json()["id"])
        return Result(post_id, f"https://www.facebook.com/{post_id}")

    def find(self, post, data) -> Result | None:
        response = self.http.call("GET", f"{self.base}/{self.page}/feed", headers=self.auth,
                                  params={"fields": "id,message,permalink_url", "limit": "100"})
        for entry in response.json().get("data", []):
            if post.url in str(entry.get("message") or ""):
                post_id = str(entry["id"])
                return Result(post_id, entry.get("permalink_url") or f"https://www.facebook.com/{post_id}")
        return None


def from_env(env, redact, budget) -> Facebook:
    """A client configured from ``FACEBOOK_*`` variables."""
    return Facebook(env["FACEBOOK_PAGE_ID"], env["FACEBOOK_PAGE_TOKEN"], env.get("FACEBOOK_GRAPH_URL") or DEFAULT_URL,
                    GraphTransport(PLATFORM, redact, budget))
