"""The server-wide run store (ui.kit.run_store): one computation for a whole hall, bounded."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from ui.kit import run_store as store_module
from ui.kit.run_store import RunSpec, RunStore, SharedRun

REPO_ROOT = Path(__file__).resolve().parents[2]
PAGE_2D = REPO_ROOT / "pages" / "3_EM_in_2-D.py"


@pytest.fixture
def counted_runs(monkeypatch):
    """Counts the EM runs built and the half-steps computed, from an empty run store."""
    counts = {"runs": 0, "half_steps": 0}

    class CountingRun(store_module.EMRun):
        def __init__(self, *args, **kwargs):
            counts["runs"] += 1
            super().__init__(*args, **kwargs)

        def step(self):
            if not self.finished:
                counts["half_steps"] += 1
            return super().step()

    monkeypatch.setattr(store_module, "EMRun", CountingRun)
    store_module.run_store.clear()
    yield counts
    store_module.run_store.clear()


def _open_default_demo() -> AppTest:
    app = AppTest.from_file(str(PAGE_2D), default_timeout=60)
    app.run()
    assert not app.exception, [element.value for element in app.exception]
    return app


def _click(app: AppTest, key: str) -> None:
    app.button(key=key).click().run()
    assert not app.exception, [element.value for element in app.exception]


def test_sessions_on_the_same_demo_share_one_run_and_keep_their_own_step(counted_runs):
    students = [_open_default_demo() for _ in range(3)]
    assert counted_runs["runs"] == 1
    specs = {app.session_state["em2d.followed_run.em"] for app in students}
    assert len(specs) == 1
    assert len(store_module.run_store()) == 1

    # One student steps ahead; the others then step over half-steps already computed.
    first, second, third = students
    for _ in range(3):
        _click(first, "em2d.step_button.main.iterate")
    computed = counted_runs["half_steps"]
    assert computed == 6
    _click(second, "em2d.step_button.main.iterate")
    _click(third, "em2d.step_button.main.e_step")
    assert counted_runs["half_steps"] == computed
    assert counted_runs["runs"] == 1

    # Each session still shows its own half-step, in its state and in its link.
    assert [app.session_state["em2d.position.em"] for app in students] == [6, 2, 1]
    assert [app.query_params["step"][-1] for app in students] == ["6", "2", "1"]


def test_a_different_seed_is_a_different_run(counted_runs):
    plain = _open_default_demo()
    other = AppTest.from_file(str(PAGE_2D), default_timeout=60)
    other.query_params["seed"] = "7"
    other.run()
    assert not other.exception
    assert counted_runs["runs"] == 2
    assert (plain.session_state["em2d.followed_run.em"]
            != other.session_state["em2d.followed_run.em"])


def _spec(seed: int, k: int = 2) -> RunSpec:
    return RunSpec(data_digest="d", n_components=k, covariance_type="full", init="k-means++",
                   seed=seed, reg_covar=1e-6, tol=1e-3, max_iter=100)


def test_run_store_is_bounded_by_count_and_keeps_the_recently_used():
    X = np.random.default_rng(0).normal(size=(50, 2))
    store = RunStore(max_runs=3, max_values=10**9)
    first = store.em_run(X, _spec(0))
    for seed in (1, 2):
        store.em_run(X, _spec(seed))
    assert store.em_run(X, _spec(0)) is first  # a hit refreshes it
    store.em_run(X, _spec(3))
    assert len(store) == 3
    assert store.em_run(X, _spec(0)) is first
    assert store.em_run(X, _spec(1)) is not None and len(store) == 3  # seed 1 was rebuilt


def test_run_store_is_bounded_by_memory():
    X = np.zeros((1000, 2))
    weight = SharedRun(X, lambda: None, n_components=2).weight
    store = RunStore(max_runs=100, max_values=3 * weight)
    for seed in range(10):
        store.em_run(X, _spec(seed))
    assert len(store) == 3
    # One run larger than the whole budget is still served (and is alone in the store).
    big = np.zeros((10_000, 2))
    assert store.em_run(big, _spec(99)).X is big
    assert len(store) == 1


def test_a_shared_run_reports_an_impossible_start_instead_of_raising():
    X = np.zeros((3, 2))
    run = RunStore().em_run(X, _spec(0, k=5))
    assert "5" in run.error and run.history() == () and run.status() == "failed"


def test_server_wide_bounds_fit_a_small_server():
    """The run store's bound (about 240 MB of arrays) fits next to 200 sessions on a 2 GB box."""
    assert store_module.MAX_STORED_VALUES * 8 <= 512 * 2**20
    assert store_module.MAX_RUNS <= 100
