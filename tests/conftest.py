"""Backend selection for the whole suite (see tests/backends.py)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

from commerce_core import Actor, Commerce
from commerce_core.testing import FrozenClock, SequentialIds
from tests.backends import ALL_BACKENDS, Backend, open_backend, selected_backends

settings.register_profile(
    "default", deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
settings.register_profile(
    "ci",
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

_open: dict[str, Backend] = {}


def pytest_configure(config: pytest.Config) -> None:
    config._commerce_backends = selected_backends()  # type: ignore[attr-defined]


def pytest_report_header(config: pytest.Config) -> str:
    return "commerce backends: " + ",".join(config._commerce_backends)  # type: ignore[attr-defined]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        names = metafunc.config._commerce_backends  # type: ignore[attr-defined]
        wanted: tuple[str, ...] = getattr(metafunc.module, "BACKENDS", ALL_BACKENDS)
        chosen = [n for n in names if n in wanted]
        metafunc.parametrize("backend", chosen, indirect=True, ids=chosen)


@pytest.fixture(scope="session")
def _backend_registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Backend]]:
    yield _open
    for backend in _open.values():
        backend.close()
    _open.clear()


@pytest.fixture
def backend(
    request: pytest.FixtureRequest,
    _backend_registry: dict[str, Backend],
    tmp_path_factory: pytest.TempPathFactory,
) -> Backend:
    name: str = request.param
    if name not in _backend_registry:
        try:
            _backend_registry[name] = open_backend(name, tmp_path_factory.mktemp(name))
        except Exception as exc:  # a selected backend that is down is a failure, not a skip
            pytest.fail(f"backend {name!r} was selected but is unavailable: {exc}", pytrace=False)
    return _backend_registry[name]


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
def shop(backend: Backend, clock: FrozenClock) -> Iterator[Commerce]:
    """A Commerce on a clean store of the backend under test."""
    commerce = Commerce(backend.storage(), clock=clock, ids=SequentialIds("c"))
    try:
        yield commerce
    finally:
        commerce.close()


@pytest.fixture
def staff() -> Actor:
    return Actor.staff("alice")
