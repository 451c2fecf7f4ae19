"""The exceptions the client raises; every one is a PainterlyError carrying a stable code."""


class PainterlyError(Exception):
    """Base of every error the wire library raises."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{message} [{code}]")
        self.code = code
        self.message = message


class DaemonUnavailable(PainterlyError):
    """The daemon did not answer in time (not running, wrong endpoint, or wrong keys)."""


class ProtocolError(PainterlyError):
    """A message broke the protocol: wrong version, unknown type, missing or malformed fields."""


class JobFailed(PainterlyError):
    """The daemon refused or could not finish a request about a job."""


class JobCancelled(PainterlyError):
    """The job was cancelled, by its owner or because the daemon is stopping."""
