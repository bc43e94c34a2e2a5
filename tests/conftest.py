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


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Each test starts with an empty cache: ids repeat between tests, so a dashboard page cached by one
    test could otherwise be served to the next under the same key."""
    from django.core.cache import cache

    cache.clear()


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


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = __import__("pathlib").Path(__file__).resolve().parent.parent / "test-artifacts"


def keep_screenshot(page: Any, name: str, *, full_page: bool = False) -> None:
    """Keep a screenshot of the page in test-artifacts/ for people to look at.

    The picture is a by-product, not an assertion: headless Chromium under load
    sometimes answers "Unable to capture screenshot" while the page itself is fine.
    It is tried three times, and a last failure is reported as a warning.
    """
    import warnings

    from playwright.sync_api import Error as PlaywrightError

    for attempt in range(3):
        try:
            page.screenshot(path=str(ARTIFACTS / name), full_page=full_page)
            return
        except PlaywrightError as error:
            if attempt == 2:
                warnings.warn(f"Screenshot {name} not kept: {error.message.splitlines()[0]}", stacklevel=2)
            else:
                page.wait_for_timeout(300 * (attempt + 1))


@pytest.fixture
def browser_page(live_server: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A Playwright page in Debian's Chromium; skipped where none is installed, except in CI."""
    import os

    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is required in CI (apt-get install chromium).")
        pytest.skip(f"No Chromium at {CHROMIUM}; install Debian's chromium to run browser tests.")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make are still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        errors: list[str] = []
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.console_errors = errors  # type: ignore[attr-defined]
        try:
            yield page
        finally:
            browser.close()


@pytest.fixture
def worker_mode() -> Iterator[None]:
    """Tasks are queued for a worker, as outside the tests (the test settings run them inline)."""
    from celery import current_app

    eager = current_app.conf.task_always_eager
    current_app.conf.task_always_eager = False
    yield
    current_app.conf.task_always_eager = eager
