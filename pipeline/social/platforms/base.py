"""The types every platform client shares: ``Result``, ``Deferred``, ``Throttled``, ``Manual``, ``UNSEARCHABLE``.

Apart from ``pipeline.social.platforms`` (which loads the clients) so that a client
never imports the package that imports it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

UNSEARCHABLE = object()


@dataclass
class Result:
    """A post that exists: its id and public URL on the platform."""

    remote_id: str
    url: str
    data: dict = field(default_factory=dict)


class Manual(Exception):
    """The platform cannot delete this post through its API: a person deletes it ("hapus manual").

    Raised by a client's ``delete`` before any call that would be refused
    (Instagram always; Telegram past 48 hours), or after the platform said no.
    """

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class Deferred(Exception):
    """Not now, not an error: e.g. Instagram's daily publishing limit is used up."""


class Throttled(Deferred):
    """The platform throttles us longer than this run may wait: the next run tries again.

    ``seconds`` is the wait the platform announced (None when it named none).
    Nothing was done by the refused call, so the post stays retryable.
    """

    def __init__(self, platform: str, message: str, seconds: float | None = None):
        super().__init__(message)
        self.platform, self.message, self.seconds = platform, message, seconds
