"""The Painterly wire protocol and its client; pure Python 3.10-3.13 on pyzmq and msgpack."""

from painterly_wire.client import Client, LibraryStyle, StyleSpec
from painterly_wire.curve import ClientKeys
from painterly_wire.errors import DaemonUnavailable, JobCancelled, JobFailed, PainterlyError, ProtocolError
from painterly_wire.messages import DEFAULT_ENDPOINT, PROTOCOL_VERSION
from painterly_wire.pixels import Pixels
from painterly_wire.records import Accepted, Cancelled, Failed, JobEvent, Progress, Result

__all__ = [
    "DEFAULT_ENDPOINT",
    "PROTOCOL_VERSION",
    "Accepted",
    "Cancelled",
    "Client",
    "ClientKeys",
    "DaemonUnavailable",
    "Failed",
    "JobCancelled",
    "JobEvent",
    "JobFailed",
    "LibraryStyle",
    "PainterlyError",
    "Pixels",
    "Progress",
    "ProtocolError",
    "Result",
    "StyleSpec",
]
