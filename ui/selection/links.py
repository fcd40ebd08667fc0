"""The page's deep links, pure: a query string <-> the data and fitting settings it shows.

A link is user input: :func:`read_link` never raises; a bad value takes its default and adds one
plain sentence to ``problems`` (escaped where it is shown). The data part and ``k``, ``cov``,
``seed`` and ``reg`` are read as the steppers read them (``ui.kit.view_settings``), so a link
copied from a stepper opens the same data here. The grid's own parameters:

- ``kmax``: the largest K of the grid (K = 1..kmax);
- ``types``: the covariance types compared, comma-separated (``full,tied,diag,spherical``);
- ``starts``: starts per model, a whole number or ``auto`` (gmm_core's default for N);
- ``degenerate``: 1 shows degenerate fits (hollow markers), 0 hides them;
- ``bic``: the sign convention of the BIC chart, ``scikit-learn`` or ``mclust``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace

from gmm_core import datasets
from gmm_core.model_search import RESTARTABLE_INITS, covariance_types_for
from ui.kit import view_settings as vs
from ui.kit.links import parse_bool, parse_choice, parse_int, shown
from ui.kit.view_settings import LinkSpec, ViewSettings
from ui.selection.settings import (
    AUTO_STARTS,
    CONVENTIONS,
    DEFAULT_INIT,
    MAX_ITER,
    MAX_STARTS,
    REG_CHOICES,
    STARTS_CHOICES,
    TOL,
    GridChoice,
)

# The step shown belongs to the steppers; a link copied from one may carry it.
IGNORED_PARAMETERS = ("step",)
# The steppers' stopping rule: this page fits with TOL and MAX_ITER (a link is told so).
STEPPER_ONLY = ("tol", "iter")
K_MAX_MIN = 2


@dataclass(frozen=True)
class SelectionLink:
    """What a link asks the page to show.

    n_features: the dimension of its data set (1 or 2); settings: the data part of the view
    (and k, cov, seed, reg as validated); init: the grid's initialisation; reg: reg_covar moved
    to the nearest of ``REG_CHOICES``; show_k, show_cov: the model drawn below the grid (None:
    the grid's best); grid: the grid's own settings; problems: one sentence per bad or ignored
    value.
    """

    n_features: int
    settings: ViewSettings
    init: str
    reg: float
    show_k: int | None
    show_cov: str | None
    grid: GridChoice
    problems: tuple[str, ...]


def link_spec(n_features: int) -> LinkSpec:
    """The data sets and columns a link may name in this dimension (the stepper's)."""
    return vs.stepper_link_spec(n_features)


def nearest_reg(value: float) -> float:
    """The choice of ``REG_CHOICES`` nearest to ``value`` on a log scale."""
    return min(REG_CHOICES, key=lambda choice: abs(math.log10(choice)
                                                   - math.log10(max(value, 1e-12))))


def _parse_types(text: str, n_features: int, problems: list[str]) -> tuple[str, ...]:
    """Covariance types "full,tied" (each known in this dimension, at least one), in the
    page's order; all of them (with a problem) otherwise."""
    choices = covariance_types_for(n_features)
    names = [part.strip().lower() for part in text.split(",") if part.strip()]
    if not names or any(name not in choices for name in names):
        problems.append(f"types={shown(text)} must be one or more of {','.join(choices)} "
                        f"(comma-separated); using all of them")
        return choices
    return tuple(name for name in choices if name in names)


def _parse_starts(text: str, problems: list[str]) -> int:
    """"auto" or one of ``STARTS_CHOICES`` (another whole number moves to the nearest)."""
    if text.strip().lower() == "auto":
        return AUTO_STARTS
    value, problem = parse_int("starts", text, 1, MAX_STARTS, AUTO_STARTS)
    if problem:
        problems.append(problem.replace(f"using {AUTO_STARTS}", "using auto"))
        return value
    if value not in STARTS_CHOICES:
        nearest = min((choice for choice in STARTS_CHOICES if choice != AUTO_STARTS),
                      key=lambda choice: (abs(choice - value), choice))
        problems.append(f"starts={value} is not offered here; using {nearest}")
        return nearest
    return value


def _read_grid(raw: dict[str, str], n_features: int, problems: list[str]) -> GridChoice:
    """The grid's own parameters (removed from ``raw``)."""
    defaults = GridChoice(types=covariance_types_for(n_features))
    values = {}
    if "kmax" in raw:
        values["k_max"], problem = parse_int("kmax", raw.pop("kmax"), K_MAX_MIN, vs.K_MAX,
                                             defaults.k_max)
        problems.extend([problem] if problem else [])
    if "types" in raw:
        values["types"] = _parse_types(raw.pop("types"), n_features, problems)
    if "starts" in raw:
        values["starts"] = _parse_starts(raw.pop("starts"), problems)
    if "degenerate" in raw:
        values["show_degenerate"], problem = parse_bool("degenerate", raw.pop("degenerate"),
                                                        defaults.show_degenerate)
        problems.extend([problem] if problem else [])
    if "bic" in raw:
        values["convention"], problem = parse_choice("bic", raw.pop("bic"), CONVENTIONS,
                                                     defaults.convention)
        problems.extend([problem] if problem else [])
    return replace(defaults, **values)


def read_link(query: Mapping[str, str]) -> SelectionLink:
    """Read a link; never raises. query: parameter name -> its (last) value."""
    raw = {name: value for name, value in query.items() if name not in IGNORED_PARAMETERS}
    dataset = raw.get("dataset", "").strip()
    n_features = datasets.PRESETS[dataset].n_features if dataset in datasets.PRESETS else 2
    problems: list[str] = []
    grid = _read_grid(raw, n_features, problems)
    ignored = [name for name in STEPPER_ONLY if raw.pop(name, None) is not None]
    if ignored:
        problems.append(f"{' and '.join(name + '=' for name in ignored)} only apply to the "
                        f"steppers; this page fits with tol {TOL:g} and at most {MAX_ITER} "
                        "iterations; ignored")
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
        grid=grid, problems=tuple(problems),
    )


def view_settings(data: Mapping[str, object], n_features: int, *, k: int, cov: str,
                  init: str, seed: int, reg: float, tol: float = TOL,
                  max_iter: int = MAX_ITER) -> ViewSettings:
    """The stepper's settings for this data (``ui.kit.data_picker.data_settings``) and a
    model (K, covariance type) fitted from one start (the page's tol and max_iter unless a fit
    was run on further)."""
    defaults = vs.default_settings(link_spec(n_features))
    return replace(defaults, **data, k=k, cov=cov, init=init, seed=seed, reg=reg, tol=tol,
                   max_iter=max_iter)


def stepper_query(settings: ViewSettings, n_features: int) -> dict[str, str]:
    """The stepper's parameters of ``settings``, without the step."""
    query = vs.to_query(settings, link_spec(n_features))
    return {name: value for name, value in query.items() if name not in IGNORED_PARAMETERS}


def grid_query(grid: GridChoice) -> dict[str, str]:
    """The grid's own parameters."""
    return {"kmax": str(grid.k_max), "types": ",".join(grid.types),
            "starts": "auto" if grid.starts == AUTO_STARTS else str(grid.starts),
            "degenerate": "1" if grid.show_degenerate else "0", "bic": grid.convention}


def page_query(settings: ViewSettings, n_features: int, grid: GridChoice) -> dict[str, str]:
    """This page's link: the data and model of ``settings`` and the grid's settings."""
    return {**stepper_query(settings, n_features), **grid_query(grid)}
