"""``config.launch.listen`` hands over a port no one else listens on, even when another process
binds the same port between our bind and our listen (two demos starting at once: with
SO_REUSEADDR both binds succeed, and the loser only learns at ``listen()``)."""

import socket

from config import launch


def test_a_port_taken_between_our_bind_and_our_listen_is_skipped(monkeypatch):
    free = launch.listen("127.0.0.1", 0)
    port = free.getsockname()[1]
    free.close()
    rivals = []
    plain_socket = socket.socket

    class RacedSocket(plain_socket):
        def bind(self, address):
            super().bind(address)
            if address[1] == port and not rivals:  # the other demo binds and listens right after us
                rival = plain_socket(socket.AF_INET, socket.SOCK_STREAM)
                rival.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                rival.bind(address)
                rival.listen(16)
                rivals.append(rival)

    monkeypatch.setattr(launch.socket, "socket", RacedSocket)
    try:
        # when we ask for that port
        ours = launch.listen("127.0.0.1", port)
        # then we get the next one, listening, instead of crashing with "Address already in use"
        assert rivals and ours.getsockname()[1] != port
        ours.close()
    finally:
        for rival in rivals:
            rival.close()
