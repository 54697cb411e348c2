"""Build a site's articles on two processes: MkDocs renders one page at a time.

At 1,000 items Markdown, the sanitizer and Material's templates were two
thirds of ``portal build``, page after page on one core while the other (CI
runs on two) idled. After MkDocs has read the files and made the nav, the
portal plugin forks: the *helper* process reads, sanitizes, renders and
writes its ``share`` of the articles, the *main* process the rest and every
other page (nav pages, lists, theme templates, the sitemap, the search index).
Each process stubs the other's articles (no Markdown, no template, nothing
written), so the written site is the same file for file as a one-process
build (``tests/test_build_split.py`` compares them byte for byte).

The helper sends back what the main process needs to finish the build: its
articles' search entries (put where the main process noted each article's
place, so the index keeps the order of a one-process build), the pages it
sanitized and gave their policy, and its MkDocs warnings (logged again by
the main process, so they are shown once and ``strict`` counts them). A
helper that fails fails the build; a build that fails kills its helper.
Anchors in the other process's articles are not checked (MkDocs' anchor
validation is at ``info`` level unless mkdocs.yml raises it).

Only articles are split: their search entry is the portal's own
(``PortalPlugin._index``), never Material's, and no nav needs their title.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from pipeline import forked

# Below this many articles a second process costs more than it saves.
MIN_ARTICLES = 2


class _Capture(logging.Handler):
    """The helper's MkDocs warnings, kept to be logged again by the main process."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.name, record.levelno, record.getMessage()))


@dataclass
class Split:
    """Which articles the helper builds, and this process's side of the fork."""

    helper_pages: frozenset[str]  # src_uri of the articles the helper builds
    pid: int  # the helper's pid in the main process; 0 in the helper
    fd: int  # the pipe: read end in the main process, write end in the helper
    capture: _Capture | None = None
    # In the main process, where each of the helper's articles goes in the search index (url: position).
    places: dict[str, int] = field(default_factory=dict)

    @property
    def helper(self) -> bool:
        """This process is the helper."""
        return self.pid == 0

    def mine(self, src_uri: str) -> bool:
        """This process builds the page ``src_uri``."""
        return (src_uri in self.helper_pages) == self.helper

    def finish(self, payload: dict[str, Any]) -> None:
        """In the helper: send ``payload`` and the captured warnings, and exit."""
        forked.send(self.fd, (payload, self._logs()))

    def fail(self, error: BaseException) -> None:
        """In the helper: send ``error`` and exit."""
        forked.send(self.fd, (str(error) or type(error).__name__, self._logs()), 1)

    def _logs(self) -> list[tuple[str, int, str]]:
        return self.capture.records if self.capture else []

    def collect(self) -> dict[str, Any]:
        """In the main process: the helper's payload once it has exited.

        Its warnings are logged here; a helper that failed raises ``forked.ChildFailed``.
        """
        pid, self.pid = self.pid, -1
        try:
            payload, logs = forked.receive(pid, self.fd)
        except forked.ChildFailed as exc:
            error = exc.args[0]
            if isinstance(error, tuple):  # the helper's message and warnings
                error, logs = error
                _log(logs)
            raise forked.ChildFailed(error) from None
        _log(logs)
        return payload

    def abandon(self) -> None:
        """In the main process, when the build fails: stop the helper (it may be writing)."""
        if self.pid > 0:
            forked.kill(self.pid, self.fd)
            self.pid = -1


def _log(records: list[tuple[str, int, str]]) -> None:
    for name, level, message in records:
        logging.getLogger(name).log(level, message)


def share(articles: dict[str, int], others: int) -> frozenset[str]:
    """The articles the helper builds so that both processes get about the same work.

    ``articles`` maps each article's src_uri to its cost, ``others`` is the
    cost of every other page (the main process builds those): the helper
    takes articles in order until it has half of the whole.
    """
    half, taken, helper = (sum(articles.values()) + others) / 2, 0, []
    for name, cost in articles.items():
        if taken + cost / 2 > half:
            break
        helper.append(name)
        taken += cost
    return frozenset(helper)


def start(articles: dict[str, int], others: int) -> Split | None:
    """Fork a helper for its ``share`` of ``articles`` (src_uri: cost), or None.

    None (build on one process) when a child cannot run beside this one
    (``forked.possible``) or there are too few articles.
    """
    if len(articles) < MIN_ARTICLES or not forked.possible():
        return None
    helper_pages = share(articles, others)
    pid, fd = forked.fork()
    if pid:
        return Split(helper_pages, pid, fd)
    # The helper's warnings go to the main process, which logs them in its own stream.
    capture = _Capture()
    logger = logging.getLogger("mkdocs")
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
    logger.addHandler(capture)
    logger.propagate = False
    return Split(helper_pages, 0, fd, capture)
