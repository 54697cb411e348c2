"""Work on a second CPU in a forked child process, its result sent back through a pipe.

``portal build`` is CPU-bound Python: the machines it runs on (CI: two cores)
sit half idle while one process does everything. A forked child shares the
parent's loaded content for free (copy on write) and sends back only its
result, pickled (parent and child are the same program: nothing untrusted
is unpickled). Used by the build to run the content rules beside the stage
(``pipeline.site.build``) and to render half of the articles
(``pipeline.site.split``).
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable
from typing import Any, NoReturn


class ChildFailed(Exception):
    """The child process failed; the message says why."""


def cpus() -> int:
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def possible() -> bool:
    """A child would run beside this process: two CPUs, ``fork``, and no other thread.

    A fork copies only the calling thread: a lock another thread held would
    stay locked in the child forever.
    """
    return hasattr(os, "fork") and cpus() >= 2 and threading.active_count() == 1


def fork() -> tuple[int, int]:
    """Fork: ``(pid, read end)`` in the parent, ``(0, write end)`` in the child."""
    read, write = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid:
        os.close(write)
        return pid, read
    os.close(read)
    return 0, write


def send(fd: int, value: Any, status: int = 0) -> NoReturn:
    """In the child: send ``value`` and exit with ``status``, skipping the parent's cleanup (atexit, finally)."""
    try:
        data = memoryview(pickle.dumps(value, pickle.HIGHEST_PROTOCOL))
        while data:
            data = data[os.write(fd, data):]
    finally:
        os._exit(status)


def receive(pid: int, fd: int) -> Any:
    """In the parent: the value the child ``pid`` sent on ``fd``, once it has exited.

    Raises ``ChildFailed`` (with what the child sent, if anything) when it
    exited otherwise than with status 0.
    """
    with os.fdopen(fd, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    value = pickle.loads(data) if data else None
    if status != 0:
        raise ChildFailed(value if value is not None else _ended(os.waitstatus_to_exitcode(status)))
    return value


def _ended(code: int) -> str:
    """How a child that sent nothing ended (killed by the kernel for lack of memory, typically)."""
    if code < 0:
        name = signal.Signals(-code).name if -code in signal.valid_signals() else str(-code)
        return f"proses anak dihentikan oleh sinyal {name} (kehabisan memori?)" if name == "SIGKILL" \
            else f"proses anak dihentikan oleh sinyal {name}"
    return f"proses anak berhenti dengan kode {code}"


def kill(pid: int, fd: int) -> None:
    """In the parent: stop the child ``pid`` (the work it does is no longer wanted)."""
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except OSError:
        pass
    os.close(fd)


class Call:
    """``function()`` running in a child process (or, where none can run, here, when asked for)."""

    def __init__(self, function: Callable[[], Any]) -> None:
        self._function = function
        self._child: tuple[int, int] | None = None
        if possible():
            pid, fd = fork()
            if pid == 0:
                try:
                    value = function()
                except BaseException as exc:  # the parent raises it as ChildFailed
                    send(fd, str(exc) or type(exc).__name__, 1)
                send(fd, value)
            self._child = pid, fd

    def result(self) -> Any:
        """The function's value; a failure in the child raises ``ChildFailed``."""
        if self._child is None:
            return self._function()
        child, self._child = self._child, None
        return receive(*child)

    def cancel(self) -> None:
        """Stop the child: its result is no longer wanted."""
        if self._child is not None:
            kill(*self._child)
            self._child = None
