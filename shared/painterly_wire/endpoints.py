"""What an endpoint string asks of a ZeroMQ socket, the same on the daemon's side and the client's."""

from __future__ import annotations


def needs_ipv6(endpoint: str) -> bool:
    """True for tcp:// on a bracketed IPv6 address such as tcp://[::1]:7353. Only then is ZMQ_IPV6 switched on:
    with it on, a name like localhost may resolve to ::1 first and miss a daemon listening on 127.0.0.1."""
    scheme, _, address = endpoint.partition("://")
    return scheme == "tcp" and address.startswith("[")
