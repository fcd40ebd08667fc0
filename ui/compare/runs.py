"""The two runs of "k-means vs EM", shared between sessions through the kit's run store.

Both start from the same centres: k-means (a ``KMeansRun``) and the EM side: EM (an ``EMRun``)
or hard EM (a ``ClassificationEMRun``), with a covariance type or with equal weights and a fixed
σ²I. Each session keeps only its two positions (the tracks "kmeans" and "em" of the kit's
stepping state).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from gmm_core.comparison import ClassificationEMRun, fixed_sigma_run
from gmm_core.em_run import EMRun
from gmm_core.initialisation import params_from_means
from gmm_core.kmeans import KMeansRun
from ui.compare.sidebar import PairSetup
from ui.compare.state import EM, KMEANS
from ui.kit.escape import untrusted_markdown
from ui.kit.run_store import SharedRun, run_store
from ui.kit.stepping import Track


@dataclass(frozen=True)
class PairRuns:
    """The k-means run and the EM run of one setup, as the kit's tracks."""

    kmeans: SharedRun
    em: SharedRun

    @property
    def tracks(self) -> tuple[Track, Track]:
        return (Track(KMEANS, self.kmeans, self.kmeans.key),
                Track(EM, self.em, self.em.key))

    def track(self, name: str) -> Track:
        return self.tracks[0] if name == KMEANS else self.tracks[1]


def _em_builder(X: np.ndarray, means: np.ndarray, setup: PairSetup):
    """The EM side from ``means`` (K, 2): soft or hard, the fixed-σ model or ``setup.cov``."""
    hard = setup.model.hard
    if setup.sigma is not None:
        return lambda: fixed_sigma_run(X, means, setup.sigma, hard=hard, tol=setup.tol,
                                       max_iter=setup.max_iter)
    engine = ClassificationEMRun if hard else EMRun
    return lambda: engine(X, params_from_means(X, means, setup.cov, setup.reg),
                          reg_covar=setup.reg, tol=setup.tol, max_iter=setup.max_iter)


def paired_runs(setup: PairSetup) -> PairRuns | None:
    """The shared k-means and EM runs of ``setup``; None (with the reason shown) when one
    cannot start."""
    X, means = setup.data.X, np.array(setup.centres)
    centres = tuple(map(tuple, means.tolist()))
    digest, k = setup.data.digest, setup.n_components
    store = run_store()
    kmeans = store.get(("compare-kmeans", digest, centres, setup.max_iter),
                       lambda: SharedRun(X, lambda: KMeansRun(X, means, max_iter=setup.max_iter),
                                         n_components=k))
    em_key = ("compare-em", digest, centres, setup.model, setup.reg, setup.tol,
              setup.max_iter, setup.sigma)
    em = store.get(em_key, lambda: SharedRun(X, _em_builder(X, means, setup), n_components=k))
    for name, run in (("k-means", kmeans), (setup.model.title, em)):
        if run.error:
            st.error(f"{name} cannot start with these settings: {untrusted_markdown(run.error)}")
            return None
    return PairRuns(kmeans, em)
