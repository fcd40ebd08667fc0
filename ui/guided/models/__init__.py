"""The computations behind each lesson, by the name a lesson file gives in ``model = "..."``.

``build(name, setup)`` makes (once per process, then from a cache) the model for a lesson's
``[setup]``: everything it shows is computed there from ``gmm_core`` and drawn with the app's
figure builders. Pure: no Streamlit.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping
from functools import lru_cache

from ui.guided.models.base import LessonModel, Picture, SetupError
from ui.guided.models.bic import HowManyComponents
from ui.guided.models.failures import WhereEMGoesWrong
from ui.guided.models.kmeans_em import KMeansOrEM
from ui.guided.models.likelihood import LogLikelihood
from ui.guided.models.m_step import MStepGuess
from ui.guided.models.responsibilities import ResponsibilitiesByHand
from ui.guided.models.story import GenerativeStory

__all__ = ["MODELS", "LessonModel", "Picture", "SetupError", "build"]

MODELS: dict[str, Callable[[Mapping[str, object]], LessonModel]] = {
    "generative_story": GenerativeStory,
    "responsibilities_by_hand": ResponsibilitiesByHand,
    "m_step": MStepGuess,
    "log_likelihood": LogLikelihood,
    "where_em_goes_wrong": WhereEMGoesWrong,
    "kmeans_or_em": KMeansOrEM,
    "how_many_components": HowManyComponents,
}
# Lesson files are few and fixed, so a small cache holds every lesson's model; an edited
# [setup] makes a new entry.
CACHE_SIZE = 32
# One lock per model and setup: sessions that open the same lesson at once wait for one
# computation instead of each doing it (the BIC grid takes seconds on a busy server).
_GUARD = threading.Lock()
_LOCKS: dict[tuple[str, str], threading.Lock] = {}


def build(name: str, setup: Mapping[str, object]) -> LessonModel:
    """The model ``name`` for ``setup`` (cached: the same setup gives the same object, which
    is only read once built).

    Raises SetupError for an unknown model or a setup it cannot use.
    """
    if name not in MODELS:
        raise SetupError(f"model {name!r} does not exist; the models are "
                         f"{', '.join(MODELS)}")
    key = (name, json.dumps(setup, sort_keys=True))
    with _GUARD:
        lock = _LOCKS.setdefault(key, threading.Lock())
    with lock:
        return _cached(*key)


@lru_cache(maxsize=CACHE_SIZE)
def _cached(name: str, setup_json: str) -> LessonModel:
    return MODELS[name](json.loads(setup_json))
