"""The one exception family for user errors.

The CLI prints ``Galat: <message>`` for these and exits 1, without a
traceback; any other exception is a bug and keeps its traceback.
"""


class PortalError(Exception):
    """A problem the user can fix (bad config, missing project, ...)."""


class UsageError(PortalError):
    """The command line itself is wrong; the CLI exits 2."""
