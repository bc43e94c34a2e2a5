import socket

import pytest

from tests.conftest import OutsideNetworkBlocked


def test_it_refuses_connections_outside_loopback():
    with pytest.raises(OutsideNetworkBlocked), socket.create_connection(("192.0.2.10", 80), timeout=1):
        pass


def test_it_refuses_to_resolve_outside_names():
    with pytest.raises(OutsideNetworkBlocked):
        socket.getaddrinfo("api.github.com", 443)


def test_it_allows_loopback():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    with socket.create_connection(server.getsockname(), timeout=1):
        pass
    server.close()
