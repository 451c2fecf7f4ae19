"""The client raises ProtocolError for exactly the protocol's own error codes (messages.PROTOCOL_ERROR_CODES) and
JobFailed for every other code the daemon sends: one list of codes, in messages.py, not a copy in the client."""

from __future__ import annotations

import msgpack
import pytest
import zmq

from painterly_wire import Client, JobFailed, ProtocolError
from painterly_wire.messages import ERROR_CODES, PROTOCOL_ERROR_CODES, encode


def test_the_protocol_codes_are_those_of_a_message_that_broke_the_protocol():
    assert PROTOCOL_ERROR_CODES == ("bad_message", "version_mismatch", "unknown_type", "missing_field", "bad_field")
    assert set(PROTOCOL_ERROR_CODES) <= set(ERROR_CODES)


@pytest.fixture
def router():
    socket = zmq.Context.instance().socket(zmq.ROUTER)
    socket.linger = 0
    port = socket.bind_to_random_port("tcp://127.0.0.1")
    yield socket, f"tcp://127.0.0.1:{port}"
    socket.close()


@pytest.mark.parametrize("code", ERROR_CODES)
def test_each_error_code_the_daemon_sends_raises_its_kind(router, code):
    socket, endpoint = router
    with Client(endpoint, timeout_s=5) as client:
        client.cancel("x" * 32)  # connects; the fake daemon learns the sender
        sender, header = socket.recv_multipart()
        req = msgpack.unpackb(header)["req"] + 1  # the hello below
        socket.send_multipart([sender, *encode({"type": "error", "code": code, "message": "m", "req": req})])
        with pytest.raises((ProtocolError, JobFailed)) as raised:
            client.hello()
    assert raised.value.code == code
    assert isinstance(raised.value, ProtocolError) == (code in PROTOCOL_ERROR_CODES)
