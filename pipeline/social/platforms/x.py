"""X (Twitter) API v2 with an OAuth 2.0 user token.

Each photo's social JPEG is fetched from the site and uploaded
(``POST /2/media/upload``, ``media_category=tweet_image``) with its alt text
(``POST /2/media/metadata``); ``POST /2/tweets`` with up to 4 ``media_ids``
makes the post. A post is found again by its article URL among the account's
recent posts (X shortens links; ``entities.urls[].expanded_url`` keeps them).
"""

from __future__ import annotations

from pipeline.social.platforms.base import Result
from pipeline.social.platforms.http import ApiError, Transport, json_body

PLATFORM, NAME = "x", "X"
ENV = ("X_ACCESS_TOKEN",)
DEFAULT_URL = "https://api.x.com"


class XTransport(Transport):
    """X errors: 401 is a bad token; a 403 about duplicate content is a post that exists."""

    def error(self, response) -> ApiError:
        message = self._message(response)
        return ApiError(self.platform, message, response.status_code, auth=response.status_code == 401,
                        duplicate=response.status_code == 403 and "duplicate" in message.lower())


class X:
    """Posts to the X account the token belongs to."""

    platform, name, searchable = PLATFORM, NAME, True

    def __init__(self, token: str, base_url: str, transport: Transport):
        self.base, self.http = base_url.rstrip("/"), transport
        self.auth = {"Authorization": f"Bearer {token}"}

    def publish(self, post, attempting) -> Result:
        media_ids = []
        for index, photo in enumerate(post.photos, start=1):
            image = self.http.call("GET", photo.url).content  # the site's own file, as published
            response = self.http.call("POST", f"{self.base}/2/media/upload", headers=self.auth,
                                      data={"media_category": "tweet_image"},
                                      files={"media": (f"foto-{index}.jpg", image, "image/jpeg")})
            media_id = str(response.json()["data"]["id"])
            if photo.alt:
                self.http.call("POST", f"{self.base}/2/media/metadata", headers=self.auth,
                               json={"id": media_id, "metadata": {"alt_text": {"text": photo.alt[:1000]}}})
            media_ids.append(media_id)
        attempting({"media_ids": media_ids})
        response = self.http.call("POST", f"{self.base}/2/tweets", headers=self.auth, final=True,
                                  json={"text": post.text, "media": {"media_ids": media_ids}})
        tweet = str(response.json()["data"]["id"])
        return Result(tweet, f"https://x.com/i/web/status/{tweet}")

    def find(self, post, data) -> Result | None:
        me = self.http.call("GET", f"{self.base}/2/users/me", headers=self.auth).json()["data"]["id"]
        response = self.http.call("GET", f"{self.base}/2/users/{me}/tweets", headers=self.auth,
                                  params={"max_results": "100", "tweet.fields": "entities,created_at"})
        for tweet in (json_body(response) or {}).get("data") or []:
            urls = ((tweet.get("entities") or {}).get("urls")) or []
            if any(u.get("expanded_url") == post.url for u in urls) or post.url in tweet.get("text", ""):
                return Result(str(tweet["id"]), f"https://x.com/i/web/status/{tweet['id']}")
        return None


def from_env(env, redact, budget) -> X:
    """A client configured from ``X_*`` variables."""
    return X(env["X_ACCESS_TOKEN"], env.get("X_API_URL") or DEFAULT_URL, XTransport(PLATFORM, redact, budget))
