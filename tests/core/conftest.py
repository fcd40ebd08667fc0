"""Fixtures shared by the gmm_core tests."""

from collections.abc import Iterator

import pytest
from threadpoolctl import threadpool_limits

from gmm_core.datasets import Dataset, load_preset


@pytest.fixture(scope="module")
def one_blas_thread() -> Iterator[None]:
    """The app's setting: the matrices are tiny and a second BLAS thread only spins.

    A module that fits many models asks for it with
    ``pytestmark = pytest.mark.usefixtures("one_blas_thread")``.
    """
    with threadpool_limits(1):
        yield


@pytest.fixture(scope="module")
def faithful() -> Dataset:
    """The Old Faithful preset, raw (272 eruptions: duration and waiting time)."""
    return load_preset("faithful")
