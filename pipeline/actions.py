"""Output that GitHub Actions cannot mistake for a workflow command.

The runner reads a step's stdout and stderr line by line (.NET
``StreamReader.ReadLine``: a line ends at ``\\n``, ``\\r`` or ``\\r\\n``) and
tries every line as a command, in ``src/Runner.Common/ActionCommand.cs`` of
https://github.com/actions/runner:

- ``TryParseV2``: after ``TrimStart()`` (every Unicode white space) the line
  starts with ``::`` and holds a second ``::``; ``::add-mask::``,
  ``::stop-commands::``, ``::error::`` ...
- ``TryParse`` (the legacy form): ``##[`` **anywhere** in the line, then a
  ``]``; ``##[set-output name=x;]y``, ``##[error]x``.

The command name must be registered, but ``stop-commands`` registers any
token as a command, so this module treats the shape, not the name, as the
danger. Two layers:

1. ``shown(text)`` for every piece of user text (file names, values,
   platform messages) put into a message: control characters and line
   separators become visible escapes (``\\n``), so user text never starts a
   line of its own.
2. ``install()`` (called by ``cli.main`` when ``GITHUB_ACTIONS=true``) routes
   stdout and stderr through ``CommandFilter``, which neutralizes any line
   that would still parse as a command (``\\::`` at the start, ``##\\[``;
   both read the same once Markdown renders them). Only ``command()``, the
   one sanctioned channel, writes a command line as it is: ``portal check
   --format github`` sends its annotations (data escaped by report.py) there.
"""

from __future__ import annotations

import atexit
import io
import os
import re
import sys
import unicodedata

# What may go through command(): annotations only, one line, never
# add-mask / set-output / stop-commands / echo ...
_SANCTIONED = re.compile(r"::(error|warning|notice)( [^\r\n:]*)?::[^\r\n]*")
_LINE_END = re.compile(r"\r\n|\r|\n")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# Escaped by shown(): controls (Cc), invisible formatting (Cf: bidi overrides,
# zero-width characters), line and paragraph separators, lone surrogates (a
# file name that is not UTF-8 arrives with them).
_HIDDEN_CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Cs"}


def shown(text: object) -> str:
    """``text`` for one line of output: controls and separators as visible escapes (``\\n``, ``\\x1b``, ``\\u2028``)."""
    text = str(text)
    if text.isprintable():  # the common case, and printable excludes every category above
        return text
    return "".join(_escape(c) if unicodedata.category(c) in _HIDDEN_CATEGORIES else c for c in text)


def _escape(char: str) -> str:
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _leading_space(char: str) -> bool:
    # .NET's TrimStart() removes Char.IsWhiteSpace; Python's isspace() plus
    # the separator categories covers it (and a little more: harmless here).
    return char.isspace() or unicodedata.category(char) in ("Zs", "Zl", "Zp", "Cc", "Cf")


def neutralize(line: str) -> str:
    """``line`` (no line break in it) changed just enough that the runner parses no command from it."""
    line = line.replace("##[", "##\\[")  # the legacy form matches anywhere in the line
    start = 0
    while start < len(line) and _leading_space(line[start]):
        start += 1
    if line.startswith("::", start):
        line = f"{line[:start]}\\{line[start:]}"
    return line


class CommandFilter(io.TextIOBase):
    """A text stream that writes complete lines, each neutralized, to ``stream``.

    A line is held until its end arrives: two writes (``"  "`` then
    ``"::error::x\\n"``) could otherwise form a command together.
    """

    def __init__(self, stream):
        self.stream = stream
        self.pending = ""

    # typeshed declares these as plain attributes of TextIOBase; read-only
    # properties are right here (they mirror the wrapped stream).
    @property
    def encoding(self):  # type: ignore[override]
        return getattr(self.stream, "encoding", "utf-8")

    @property
    def errors(self):  # type: ignore[override]
        return getattr(self.stream, "errors", "strict")

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return self.stream.isatty()

    def fileno(self) -> int:
        return self.stream.fileno()

    def write(self, text: str) -> int:
        data = self.pending + text
        parts = _LINE_END.split(data)
        ends = _LINE_END.findall(data)
        self.pending = parts.pop()
        if parts:
            self.stream.write("".join(neutralize(p) + e for p, e in zip(parts, ends, strict=True)))
        return len(text)

    def command(self, line: str) -> None:
        """Write the workflow command ``line`` unchanged (annotations only)."""
        if not _SANCTIONED.fullmatch(line):
            raise ValueError(f"not a sanctioned workflow command: {line!r}")
        self._end_line()
        self.stream.write(line + "\n")
        self.stream.flush()

    def _end_line(self) -> None:
        # A partial line is ended on its own: a command must start its line.
        if self.pending:
            self.stream.write(neutralize(self.pending) + "\n")
            self.pending = ""

    def flush(self) -> None:
        self.stream.flush()

    def close(self) -> None:
        """End the last line (at exit): it is not written until now."""
        self._end_line()
        self.stream.flush()


def in_actions(env=None) -> bool:
    """Whether this process runs as a step of GitHub Actions."""
    return (os.environ if env is None else env).get("GITHUB_ACTIONS") == "true"


def install() -> None:
    """Route ``sys.stdout`` and ``sys.stderr`` through ``CommandFilter`` (once)."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is not None and not isinstance(stream, CommandFilter):
            wrapped = CommandFilter(stream)
            setattr(sys, name, wrapped)
            atexit.register(wrapped.close)  # a traceback is printed after main() returns


def command(line: str, stream=None) -> None:
    """Print the workflow command ``line`` through the sanctioned channel of ``stream`` (default stdout).

    Outside Actions (no filter installed) it is an ordinary line.
    """
    stream = stream or sys.stdout
    if isinstance(stream, CommandFilter):
        stream.command(line)
    else:
        print(line, file=stream)
