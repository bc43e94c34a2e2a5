"""Suite-wide fixtures, and a guard that fails any connection outside this machine."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from typing import Any

import pytest

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_getaddrinfo = socket.getaddrinfo
_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


class OutsideNetworkBlocked(RuntimeError):
    pass


def _is_local(host: Any) -> bool:
    if not isinstance(host, str):
        return True
    if host in _LOCAL_NAMES or host == "":
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _check(address: Any) -> None:
    if isinstance(address, tuple) and address and not _is_local(address[0]):
        raise OutsideNetworkBlocked(f"Tests may not reach {address[0]!r}: only loopback is allowed.")


def _guarded_connect(self: socket.socket, address: Any) -> Any:
    _check(address)
    return _real_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: Any) -> Any:
    _check(address)
    return _real_connect_ex(self, address)


def _guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    if isinstance(host, bytes):
        host = host.decode()
    if host is not None and not _is_local(host):
        raise OutsideNetworkBlocked(f"Tests may not resolve {host!r}: only loopback is allowed.")
    return _real_getaddrinfo(host, *args, **kwargs)


def pytest_configure(config: pytest.Config) -> None:
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = _guarded_getaddrinfo


@pytest.fixture
def loaded_model(db: None) -> Iterator[Any]:
    """The bundled maturity model, loaded into the test database."""
    from django.conf import settings

    from assessor.maturity import read_model_file
    from assessor.services import model_load

    yield model_load(spec=read_model_file(settings.MATURITY_MODEL_FILE)).version


@pytest.fixture
def demo_org(db: None) -> Any:
    from assessor.demo import seed_organization

    return seed_organization()
