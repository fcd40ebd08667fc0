"""The page's deep links, pure: a query string <-> the data and fitting settings it shows.

A link is user input: :func:`read_link` never raises; a bad value takes its default and adds one
plain sentence to ``problems`` (escaped where it is shown). The data part and ``k``, ``cov``,
``seed`` and ``reg`` are read as the steppers read them (``ui.kit.view_settings``), so a link
copied from a stepper opens the same data here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace

from gmm_core import datasets
from gmm_core.model_search import RESTARTABLE_INITS
from ui.kit import view_settings as vs
from ui.kit.links import parse_choice
from ui.kit.view_settings import LinkSpec, ViewSettings
from ui.selection.state import DEFAULT_INIT

# reg_covar is a select slider here: a link's value is moved to the nearest choice.
REG_CHOICES = (1e-6, 1e-4, 1e-3, 1e-2, 1e-1)
# Every fit of the page stops by scikit-learn's defaults.
TOL = 1e-3
MAX_ITER = 100
# The step shown belongs to the steppers; a link copied from one may carry it.
IGNORED_PARAMETERS = ("step",)


@dataclass(frozen=True)
class SelectionLink:
    """What a link asks the page to show.

    n_features: the dimension of its data set (1 or 2); settings: the data part of the view
    (and k, cov, seed, reg as validated); init: the grid's initialisation; reg: reg_covar moved
    to the nearest of ``REG_CHOICES``; show_k, show_cov: the model drawn below the grid (None:
    the grid's best); problems: one sentence per bad or ignored value.
    """

    n_features: int
    settings: ViewSettings
    init: str
    reg: float
    show_k: int | None
    show_cov: str | None
    problems: tuple[str, ...]


def link_spec(n_features: int) -> LinkSpec:
    """The data sets and columns a link may name in this dimension (the stepper's)."""
    return vs.stepper_link_spec(n_features)


def nearest_reg(value: float) -> float:
    """The choice of ``REG_CHOICES`` nearest to ``value`` on a log scale."""
    return min(REG_CHOICES, key=lambda choice: abs(math.log10(choice)
                                                   - math.log10(max(value, 1e-12))))


def read_link(query: Mapping[str, str]) -> SelectionLink:
    """Read a link; never raises. query: parameter name -> its (last) value."""
    raw = {name: value for name, value in query.items() if name not in IGNORED_PARAMETERS}
    dataset = raw.get("dataset", "").strip()
    n_features = datasets.PRESETS[dataset].n_features if dataset in datasets.PRESETS else 2
    problems: list[str] = []
    init = DEFAULT_INIT
    if "init" in raw:
        init, problem = parse_choice("init", raw.pop("init"), RESTARTABLE_INITS, DEFAULT_INIT)
        problems.extend([problem] if problem else [])
    settings, parse_problems = vs.parse_query(raw, link_spec(n_features))
    problems.extend(parse_problems)
    reg = nearest_reg(settings.reg)
    if "reg" in raw and not math.isclose(reg, settings.reg):
        problems.append(f"reg={settings.reg:g} is not offered here; using {reg:g}")
    return SelectionLink(
        n_features=n_features, settings=settings, init=init, reg=reg,
        show_k=settings.k if "k" in raw else None,
        show_cov=settings.cov if "cov" in raw else None,
        problems=tuple(problems),
    )


def view_settings(data: Mapping[str, object], n_features: int, *, k: int, cov: str,
                  init: str, seed: int, reg: float) -> ViewSettings:
    """The stepper's settings for this data (``ui.kit.data_picker.data_settings``) and a
    model (K, covariance type) fitted the page's way."""
    defaults = vs.default_settings(link_spec(n_features))
    return replace(defaults, **data, k=k, cov=cov, init=init, seed=seed, reg=reg, tol=TOL,
                   max_iter=MAX_ITER)


def page_query(settings: ViewSettings, n_features: int) -> dict[str, str]:
    """This page's link to ``settings`` (the stepper's parameters, without the step)."""
    query = vs.to_query(settings, link_spec(n_features))
    return {name: value for name, value in query.items() if name not in IGNORED_PARAMETERS}
