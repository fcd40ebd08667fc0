"""The page's deep links, pure: a query string <-> :class:`CompareView` (no Streamlit).

Parameters: ``dataset`` (a scenario: stretched, unequal-sizes, unequal-spreads, bad-start; or any
2-D data set of the data picker, with the picker's own n, centres, spread, stretch, dseed, cols,
std, spec), ``k``, ``init`` (the common start: preset, k-means++ or random-points), ``seed``,
``cov`` (EM's covariance type) or ``sigma`` (equal weights and a fixed σ²I, σ as a multiple of
the data's spread), ``hard`` (1: hard EM, i.e. classification EM) and ``step`` (the half-step of
both runs). The data part is read and written
by the kit (``ui.kit.view_settings.parse_query`` / ``to_query``). A bad value never raises: it is
replaced by its default and reported in one sentence.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace

from gmm_core.comparison import COMPARISON_PRESETS
from ui.compare.state import (
    ANY_DATA,
    DEFAULT_SCENARIO,
    SIGMA_FRACTIONS,
    STARTS,
)
from ui.kit import view_settings as vs
from ui.kit.links import clean_query, parse_bool, shown
from ui.kit.view_settings import ViewSettings

# What this page accepts: the 2-D stepper's data sets and columns.
SPEC = vs.stepper_link_spec(2)
# This page's own parameters, besides the data picker's and k, cov, init, seed, step.
PAGE_PARAMETERS = ("sigma", "hard")
# The steppers' settings that this page does not have (it uses their defaults).
STEPPER_ONLY = ("reg", "tol", "iter", "means")
KNOWN_PARAMETERS = (*vs.QUERY_PARAMETERS, *PAGE_PARAMETERS)
# The model parameters of the steppers that the data part of a link must not carry here.
_STEPPER_MODEL_PARAMETERS = ("k", "cov", "init", "seed", "reg", "step")


@dataclass(frozen=True)
class CompareView:
    """Everything a link of this page determines.

    scenario: a key of COMPARISON_PRESETS or ANY_DATA; data: the data picker's settings (its
    model fields unused); k: K; start: one of STARTS; seed; sigma: σ / spread of the fixed-σ
    model, or None for EM with covariance type ``cov``; hard: hard EM (classification EM)
    instead of EM; step: the half-step of both runs, or None when they stand at different
    half-steps.
    """

    scenario: str
    data: ViewSettings
    k: int
    start: str
    seed: int
    sigma: float | None
    cov: str
    hard: bool = False
    step: int | None = 0


def parse_sigma(text: str):
    """``sigma=`` as a multiple of the spread -> (the nearest offered fraction or None, problem)."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and SIGMA_FRACTIONS[0] <= value <= SIGMA_FRACTIONS[-1]):
        return None, (f"sigma={shown(text)} is not a number from {SIGMA_FRACTIONS[0]:g} to "
                      f"{SIGMA_FRACTIONS[-1]:g} (a multiple of the data's spread); "
                      "EM learns the covariances (no fixed σ)")
    nearest = min(SIGMA_FRACTIONS, key=lambda option: abs(math.log(option / value)))
    if not math.isclose(nearest, value):
        return nearest, f"sigma={value:g} is not offered; using the nearest, {nearest:g}"
    return nearest, None


def read_query(query: Mapping[str, object]) -> tuple[CompareView, tuple[str, ...]]:
    """The view a link asks for, and one sentence per value that could not be used (unknown
    names and over-long values included). Never raises."""
    problems: list[str] = []
    raw = clean_query(query, KNOWN_PARAMETERS, problems)
    ignored = [name for name in STEPPER_ONLY if raw.pop(name, None) is not None]
    if ignored:
        defaults = vs.default_settings(SPEC)
        problems.append(
            f"{', '.join(ignored)} {'is a setting' if len(ignored) == 1 else 'are settings'} of "
            f"the EM steppers; this page always uses reg_covar = {defaults.reg:g}, "
            f"tol = {defaults.tol:g} and at most {defaults.max_iter} iterations, and places no "
            "means by hand; ignored")
    scenario = DEFAULT_SCENARIO
    if raw.get("dataset") in COMPARISON_PRESETS:
        scenario = raw.pop("dataset")
    elif "dataset" in raw:
        scenario = ANY_DATA
    start = "preset" if scenario != ANY_DATA else "k-means++"
    if "init" in raw:
        text = raw.pop("init").strip()
        if text in STARTS:
            start = text
        else:
            problems.append(f"init={shown(text)} is not a start of this page (choose from "
                            f"{', '.join(STARTS)}); using {start}")
    if scenario == ANY_DATA and start == "preset":
        problems.append("init=preset is the start of a teaching scenario (dataset=stretched, "
                        "unequal-sizes, unequal-spreads or bad-start); using k-means++")
        start = "k-means++"
    sigma = None
    if "sigma" in raw:
        sigma, problem = parse_sigma(raw.pop("sigma"))
        if problem:
            problems.append(problem)
    hard = False
    if "hard" in raw:
        hard, problem = parse_bool("hard", raw.pop("hard"), False)
        if problem:
            problems.append(problem)
    settings, parse_problems = vs.parse_query(raw, SPEC)
    problems.extend(parse_problems)
    k, cov = settings.k, settings.cov
    if scenario != ANY_DATA:
        preset = COMPARISON_PRESETS[scenario]
        k = k if "k" in raw else preset.n_components
        cov = cov if "cov" in raw else preset.covariance_type
    view = CompareView(scenario, settings, k, start, settings.seed, sigma, cov, hard,
                       settings.step)
    return view, tuple(problems)


def to_query(view: CompareView) -> dict[str, str] | None:
    """The query string that reopens ``view`` (None for an uploaded CSV, which a link cannot
    carry). The data part (incl. the columns picked for penguins or iris) is the kit's."""
    if view.scenario == ANY_DATA:
        if view.data.dataset == "csv":
            return None
        data = replace(vs.default_settings(SPEC), **{
            name: getattr(view.data, name)
            for name in ("dataset", "n", "centres", "spread", "stretch", "data_seed", "mixture",
                         "columns", "standardise")})
        query = {name: value for name, value in vs.to_query(data, SPEC).items()
                 if name not in _STEPPER_MODEL_PARAMETERS}
    else:
        query = {"dataset": view.scenario}
    query.update(k=str(view.k), init=view.start, seed=str(view.seed))
    if view.sigma is not None:
        query["sigma"] = f"{view.sigma:g}"
    else:
        query["cov"] = view.cov
    if view.hard:
        query["hard"] = "1"
    if view.step is not None:
        query["step"] = str(view.step)
    return query
