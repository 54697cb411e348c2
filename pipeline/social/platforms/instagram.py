"""Instagram (professional account) through the Graph API's content publishing.

A child container per photo from its public JPEG URL (``is_carousel_item``),
a ``CAROUSEL`` container with the caption, polled until ``FINISHED``, then
``media_publish``. The publishing limit (``content_publishing_limit``) is
read first: when it is used up the item is deferred to a later run. The
carousel container is what the ledger remembers: ``PUBLISHED`` means done,
``FINISHED`` means it only needs ``media_publish``.

With a video (``post.video``, issue 16) the account gets a Reel instead of
the carousel ("Content publishing", developers.facebook.com/docs/instagram-
platform/content-publishing): one container with ``media_type=REELS``,
``video_url`` (Instagram fetches the site's copy), the caption and
``share_to_feed``, polled like the carousel, then ``media_publish``. A
container not published within 24 hours expires (status ``EXPIRED``,
publishing refused with subcode 2207020): a new container is made instead,
and the expired one can never be published, so nothing is posted twice.
"""

from __future__ import annotations

from pipeline.social.platforms.base import Deferred, Manual, Result
from pipeline.social.platforms.facebook import GraphTransport
from pipeline.social.platforms.http import ApiError, json_body

PLATFORM, NAME = "instagram", "Instagram"
ENV = ("INSTAGRAM_USER_ID", "INSTAGRAM_TOKEN")
DEFAULT_URL = "https://graph.facebook.com/v21.0"
POLL_SECONDS, POLL_MAX = 2.0, 60
EXPIRED = 2207020  # "The media you are trying to access has expired": make a new container (Error codes)


class Instagram:
    """Posts carousels to one Instagram professional account."""

    platform, name, searchable = PLATFORM, NAME, True

    def __init__(self, user_id: str, token: str, base_url: str, transport: GraphTransport):
        self.user, self.base, self.http = user_id, base_url.rstrip("/"), transport
        self.auth = {"Authorization": f"Bearer {token}"}

    def _post(self, path: str, form: dict, final: bool = False):
        return self.http.call("POST", f"{self.base}/{path}", headers=self.auth, data=form, final=final)

    def _get(self, path: str, **params):
        return self.http.call("GET", f"{self.base}/{path}", headers=self.auth, params=params)

    def publish(self, post, attempting) -> Result:
        limit = self.http.expect(self._get(f"{self.user}/content_publishing_limit", fields="config,quota_usage"),
                                 kind=dict)
        usage = self.http.expect(limit, "data", 0, "quota_usage", kind=int)
        config = limit["data"][0].get("config")
        total = config.get("quota_total") if isinstance(config, dict) else None
        total = total if isinstance(total, int) and not isinstance(total, bool) else 100
        if usage >= total:
            raise Deferred(f"batas unggahan Instagram 24 jam sudah terpakai ({usage} dari {total})")
        if post.video is None:
            return self._ready_and_published(self._carousel(post), "carousel", attempting)
        try:
            return self._ready_and_published(self._reel(post), "video", attempting)
        except ApiError as exc:
            if exc.subcode != EXPIRED:
                raise
        # Expired between FINISHED and media_publish: it can never be published, so a new one is safe.
        return self._ready_and_published(self._reel(post), "video", attempting)

    def _carousel(self, post) -> str:
        """The carousel container: a child container per photo, then the carousel with the caption."""
        children = [self.http.expect(self._post(f"{self.user}/media", {"image_url": p.url, "is_carousel_item": "true",
                                                                      "alt_text": p.alt}), "id")
                    for p in post.photos]
        return self.http.expect(self._post(f"{self.user}/media", {
            "media_type": "CAROUSEL", "children": ",".join(children), "caption": post.text}), "id")

    def _reel(self, post) -> str:
        """The Reels container: Instagram fetches the video from the site; the Reel also shows in the feed."""
        return self.http.expect(self._post(f"{self.user}/media", {
            "media_type": "REELS", "video_url": post.video.url, "caption": post.text, "share_to_feed": "true"}), "id")

    def _ready_and_published(self, container: str, kind: str, attempting) -> Result:
        """``container`` polled until FINISHED, recorded as the attempt's marker, then published."""
        status = self._wait(container)
        if status == "IN_PROGRESS":  # still processing after the wait: nothing is published, the next run goes on
            raise Deferred(f"Instagram masih memproses {kind}; diterbitkan pada proses berikutnya")
        if status != "FINISHED":
            raise ApiError(PLATFORM, self.http.cut(f"Instagram gagal memproses {kind} (status {status})"))
        attempting({"container": container})
        return self._publish(container)

    def _publish(self, container: str) -> Result:
        try:
            response = self._post(f"{self.user}/media_publish", {"creation_id": container}, final=True)
        except ApiError as exc:
            if exc.code == 9:  # the publishing limit: nothing was published
                raise Deferred(f"batas unggahan Instagram 24 jam sudah terpakai ({exc.message})") from None
            raise
        media = self.http.expect(response, "id", final=True)
        return Result(media, self._permalink(media), {"container": container})

    def _permalink(self, media: str) -> str:
        """The post's public link, or "" when Instagram does not say: the post exists either way."""
        try:
            link = json_body(self._get(media, fields="permalink"))
        except ApiError:
            return ""
        link = link.get("permalink") if isinstance(link, dict) else None
        return link if isinstance(link, str) else ""

    def _wait(self, container: str) -> str:
        status = ""
        for _ in range(POLL_MAX):
            status = self.http.expect(self._get(container, fields="status_code"), "status_code", kind=str)
            if status != "IN_PROGRESS":
                return status
            self.http.budget.wait(POLL_SECONDS, NAME)
        return status

    def delete(self, posted, now) -> None:
        """Never through the API: the Instagram Graph API has no way to delete media, so a person does."""
        raise Manual("API Instagram tidak dapat menghapus unggahan")

    def reply(self, posted, text: str) -> Result:
        """A comment under the carousel: ``POST /{ig-media-id}/comments`` with ``message``."""
        if not posted.remote_id:
            raise ApiError(PLATFORM, "id unggahan Instagram tidak tercatat, jadi komentar tidak dapat dikirim")
        response = self._post(f"{posted.remote_id}/comments", {"message": text}, final=True)
        return Result(self.http.expect(response, "id", final=True), posted.url)

    def find(self, post, data) -> Result | None:
        container = (data or {}).get("container")
        if not container:
            return None  # killed before the carousel existed: nothing was published
        status = self._wait(container)
        if status == "PUBLISHED":
            return Result("", "", {"container": container})
        if status == "FINISHED":  # made but never published: publishing it is the rest of the job
            return self._publish(container)
        return None


def from_env(env, redact, budget) -> Instagram:
    """A client configured from ``INSTAGRAM_*`` variables."""
    return Instagram(env["INSTAGRAM_USER_ID"], env["INSTAGRAM_TOKEN"], env.get("INSTAGRAM_GRAPH_URL") or DEFAULT_URL,
                     GraphTransport(PLATFORM, redact, budget))
