"""The daemon's ROUTER socket as to identities and liveness: unpredictable routing ids, unroutable sends reported,
ZeroMQ heartbeats.

libzmq gives a peer that sets no routing id the next of a counter (b"\\0" + 4 bytes) and aborts the process
(`Assertion failed: ok (src/socket_base.cpp)`) when a peer has already claimed that id by setting it. The counter
starts at the C library's rand(), which nothing seeds: every process starts at the same value, so a local program
could claim the next ids and crash the daemon. Seeding rand() from the OS's randomness right before the socket is
made puts the counter at a start no peer can know (one guess in 2**32 per claimed id). libzmq 4.3 offers no option
to refuse peer-chosen ids (ZMQ_ROUTER_NOTIFY is a draft API, not in pyzmq's build; ZMQ_ROUTER_HANDOVER would let
a newcomer take over a live connection's id), so the daemon never trusts a routing id: owning a job is holding
its secret (ownership.py), and the client library sets a random 128-bit routing id of its own.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import secrets

import zmq

HEARTBEAT_IVL_MS = 1000  # ping every peer this often
HEARTBEAT_TIMEOUT_MS = 5000  # and drop one that has sent nothing for this long (its jobs become orphans)
HEARTBEAT_TTL_MS = 5000  # a peer that hears nothing from the daemon for this long drops the connection

log = logging.getLogger(__name__)


def router_socket(context: zmq.Context) -> zmq.Socket:
    """A ROUTER whose auto-assigned routing ids start at a secret random value, that raises EHOSTUNREACH for a
    send to a peer that went away (ZMQ_ROUTER_MANDATORY) and that heartbeats its peers."""
    seed_c_random()
    socket = context.socket(zmq.ROUTER)
    socket.router_mandatory = 1
    socket.heartbeat_ivl = HEARTBEAT_IVL_MS
    socket.heartbeat_timeout = HEARTBEAT_TIMEOUT_MS
    socket.heartbeat_ttl = HEARTBEAT_TTL_MS
    return socket


def seed_c_random() -> None:
    """srand() from the OS's randomness: libzmq's routing-id counter starts at the next rand()."""
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name)
        libc.srand(ctypes.c_uint(secrets.randbits(32)))
    except (OSError, AttributeError, TypeError):
        log.warning("cannot seed the C library's rand(): libzmq's routing ids are predictable on this system")
