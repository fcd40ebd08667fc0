"""Widget blocks of the page "Model selection" (pages/4_Model_selection.py).

- ``sidebar()``: the data (the stepper's data picker, 1-D or 2-D) and the fitting settings.
- ``grid_section(setup)``: BIC and AIC against K for every covariance type, with a progress bar
  while the grid runs, and one chosen (K, type) drawn with the stepper's figure.
- ``restarts_section(setup, ...)``: n random starts, the histogram of their final
  log-likelihoods, the best fit, and the initialisations side by side.
- ``faithful_section(setup)``: Old Faithful, one Gaussian against a mixture of two.

Every fit goes through a bounded ``st.cache_data`` keyed by the data's digest and the settings,
so moving an unrelated widget never refits anything.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import streamlit as st

from gmm_core import datasets
from gmm_core.mixture import predict_proba
from gmm_core.model_search import (
    RESTARTABLE_INITS,
    FitResult,
    GridEntry,
    GridResult,
    covariance_types_for,
    fit_covariance_types,
    fit_mixture,
    model_grid,
    restarts,
    score_fit,
)
from ui import controls, links, state
from ui.controls import LoadedData, StepperPage
from ui.figures import figure_style, mixture_figure_1d, mixture_figure_2d
from ui.figures.common import FigureStyle
from ui.figures.kmeans import relax_aspect
from ui.selection.figures import criterion_figure, init_comparison_figure, restarts_histogram

PREFIX = "msel"
PAGES = {
    n_features: StepperPage(n_features, controls.stepper_page(n_features).spec,
                            state.SessionKeys(f"{PREFIX}{n_features}d"))
    for n_features in (2, 1)
}
DIMENSION_KEY = f"{PREFIX}.dimension"
READY_KEY = f"{PREFIX}.ready"
PROBLEMS_KEY = f"{PREFIX}.link_problems"
INIT_KEY, SEED_KEY, REG_KEY = f"{PREFIX}.init", f"{PREFIX}.seed", f"{PREFIX}.reg"
K_MAX_KEY = f"{PREFIX}.k_max"
SHOW_K_KEY, SHOW_COV_KEY = f"{PREFIX}.show_k", f"{PREFIX}.show_cov"
RESTART_KEYS = {name: f"{PREFIX}.restart_{name}" for name in ("k", "cov", "init", "n")}
FAITHFUL_KEY = f"{PREFIX}.faithful"

REG_CHOICES = (1e-6, 1e-4, 1e-3, 1e-2, 1e-1)
RESTART_COUNTS = (5, 10, 20, 50, 100)
DEFAULT_RESTARTS = 20
TOL = 1e-3
MAX_ITER = 100
# The grid (40 fits) plus restarts of four initialisations (up to 400 fits) must stay
# interactive: at 20,000 points that is already tens of seconds on one core.
MAX_POINTS = 20_000
MAX_FITS_PER_VIEW = 10 * 4 + 4 * max(RESTART_COUNTS)
# Fits are small (a few parameters each); these bound the caches to a few megabytes.
MAX_CACHED_FITS = 2000
MAX_CACHED_ROWS = 400


@dataclass(frozen=True)
class SelectionSetup:
    """The data and the fitting settings chosen in the sidebar."""

    data: LoadedData
    page: StepperPage
    dataset: str
    init: str
    seed: int
    reg: float
    k_max: int
    style: FigureStyle

    @property
    def n_features(self) -> int:
        return self.data.X.shape[1]


# --- cached fits ---------------------------------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=MAX_CACHED_ROWS)
def _cached_row(digest: str, n_components: int, covariance_types: tuple[str, ...], init: str,
                seed: int, reg_covar: float, tol: float, max_iter: int,
                _X: np.ndarray) -> tuple[FitResult, ...]:
    return fit_covariance_types(_X, n_components, covariance_types, init=init, seed=seed,
                                reg_covar=reg_covar, tol=tol, max_iter=max_iter)


@st.cache_data(show_spinner=False, max_entries=MAX_CACHED_FITS)
def _cached_fit(digest: str, n_components: int, covariance_type: str, init: str, seed: int,
                reg_covar: float, tol: float, max_iter: int, _X: np.ndarray) -> FitResult:
    return fit_mixture(_X, n_components, covariance_type, init=init, seed=seed,
                       reg_covar=reg_covar, tol=tol, max_iter=max_iter)


def _row_function(data: LoadedData):
    """``fit_covariance_types`` through the cache, keyed by this data's digest."""

    def row(X, n_components, covariance_types, *, init, seed, reg_covar, tol, max_iter):
        return _cached_row(data.digest, n_components, tuple(covariance_types), init, seed,
                           reg_covar, tol, max_iter, X)

    return row


def _fit_function(data: LoadedData):
    """``fit_mixture`` through the cache, keyed by this data's digest."""

    def fit(X, n_components, covariance_type, *, init, seed, reg_covar, tol, max_iter):
        return _cached_fit(data.digest, n_components, covariance_type, init, seed, reg_covar,
                           tol, max_iter, X)

    return fit


class _Progress:
    """A progress bar that a gmm_core progress callback fills; removed when the work is done."""

    def __init__(self, text: str):
        self._text = text
        self._bar = st.progress(0.0, text=text)

    def __call__(self, done: int, total: int, label: str) -> None:
        self._bar.progress(done / total, text=f"{self._text} {label} ({done} of {total})")

    def close(self) -> None:
        self._bar.empty()


# --- deep link -> widget state --------------------------------------------------------------------


def _start_session() -> None:
    """On a session's first visit, load the link: dataset (any preset, 1-D or 2-D), its data
    parameters, k and cov (the fit shown), init, seed and reg."""
    if st.session_state.get(READY_KEY):
        return
    raw = {name: str(value) for name, value in st.query_params.to_dict().items()}
    dataset = raw.get("dataset", "").strip()
    n_features = datasets.PRESETS[dataset].n_features if dataset in datasets.PRESETS else 2
    problems = []
    init = "k-means"
    if "init" in raw:
        text = raw.pop("init").strip()
        if text in RESTARTABLE_INITS:
            init = text
        else:
            problems.append(f"init={text[:20]!r} is not one of {', '.join(RESTARTABLE_INITS)}; "
                            f"using {init}")
    page = PAGES[n_features]
    settings, parse_problems = links.parse_query(raw, page.spec)
    problems.extend(problem for problem in parse_problems if not problem.startswith("step"))
    controls.write_settings(page, settings)
    other = PAGES[3 - n_features]
    controls.write_settings(other, links.default_settings(other.spec))
    reg = min(REG_CHOICES, key=lambda choice: abs(math.log10(choice) - math.log10(
        max(settings.reg, 1e-12))))
    if "reg" in raw and not math.isclose(reg, settings.reg):
        problems.append(f"reg={settings.reg:g} is not offered here; using {reg:g}")
    st.session_state.update({
        DIMENSION_KEY: n_features, INIT_KEY: init, SEED_KEY: settings.seed, REG_KEY: reg,
        K_MAX_KEY: links.K_MAX,
        SHOW_K_KEY: settings.k if "k" in raw else None,
        SHOW_COV_KEY: settings.cov if "cov" in raw else None,
        PROBLEMS_KEY: (tuple(problems), None), READY_KEY: True,
    })


def _show_link_problems(signature: tuple) -> None:
    """The link's problems, shown until the user changes the data or a fitting setting.

    signature: the sidebar's values; the first one seen is the link's view.
    """
    problems, link_signature = st.session_state.get(PROBLEMS_KEY, ((), None))
    if not problems:
        return
    if link_signature is None:
        st.session_state[PROBLEMS_KEY] = (problems, signature)
        link_signature = signature
    if signature == link_signature:
        st.warning("Some values in this link could not be used:\n"
                   + "\n".join(f"- {problem}" for problem in problems))


def _sidebar_signature(page: StepperPage) -> tuple:
    names = ("dataset", "n", "centres", "spread", "stretch", "data_seed", "standardise")
    return (page.n_features, *(st.session_state.get(page.key(name)) for name in names),
            *(st.session_state.get(key) for key in (INIT_KEY, SEED_KEY, REG_KEY, K_MAX_KEY)))


# --- the sidebar ----------------------------------------------------------------------------------


def sidebar() -> SelectionSetup | None:
    """Data and fitting settings; None when there is no usable data yet (reason on screen)."""
    _start_session()
    with st.sidebar:
        st.header("Data")
        n_features = st.segmented_control(
            "Dimension", (2, 1), key=DIMENSION_KEY, required=True, persist_state="session",
            format_func=lambda dimension: f"{dimension}-D data")
        page = PAGES[int(n_features)]
        data = controls.data_picker(page, 1)
        st.header("Fitting")
        st.selectbox("Initialisation", RESTARTABLE_INITS, key=INIT_KEY, persist_state="session",
                     help="scikit-learn's GaussianMixture starts from k-means by default.")
        st.number_input("Seed", 0, links.SEED_MAX, step=1, key=SEED_KEY,
                        persist_state="session")
        st.select_slider("reg_covar (added to every variance)", REG_CHOICES, key=REG_KEY,
                         persist_state="session", format_func=lambda value: f"{value:g}")
        st.slider("Largest K in the grid", 2, links.K_MAX, key=K_MAX_KEY,
                  persist_state="session")
        st.header("Display")
        presentation = controls.presentation_toggle()
    _show_link_problems(_sidebar_signature(page))
    if data is None:
        st.info("Choose or fix the data in the sidebar to start.")
        return None
    if len(data.X) > MAX_POINTS:
        st.error(f"This page fits up to {MAX_FITS_PER_VIEW} models, which on {len(data.X):,} points "
                 f"would keep a shared server busy for minutes. Choose at most "
                 f"{MAX_POINTS:,} points (a smaller n, or another data set).")
        return None
    return SelectionSetup(
        data=data, page=page, dataset=st.session_state[page.key("dataset")],
        init=st.session_state[INIT_KEY], seed=int(st.session_state[SEED_KEY]),
        reg=float(st.session_state[REG_KEY]), k_max=int(st.session_state[K_MAX_KEY]),
        style=figure_style(len(data.X), presentation),
    )


# --- drawing one fit ------------------------------------------------------------------------------


def fit_figure(setup: SelectionSetup, params):
    """The stepper's figure of a fitted mixture (responsibilities as colours), 1-D or 2-D."""
    X = setup.data.X
    responsibilities = predict_proba(X, params)
    if setup.n_features == 1:
        return mixture_figure_1d(X, params, responsibilities, setup.style,
                                 feature_name=setup.data.feature_names[0])
    return relax_aspect(mixture_figure_2d(X, params, responsibilities, setup.style,
                                          feature_names=setup.data.feature_names), X)


def _number(value: float, digits: int = 6) -> str:
    return f"{value:.{digits}g}" if math.isfinite(value) else "—"


def entry_metrics(entry: GridEntry, n_samples: int) -> None:
    first, second, third, fourth = st.columns(4)
    first.metric("Log-likelihood", _number(entry.fit.log_likelihood),
                 help=f"{_number(entry.fit.log_likelihood / n_samples, 4)} per point")
    second.metric("BIC", _number(entry.bic))
    third.metric("AIC", _number(entry.aic))
    fourth.metric("Parameters", entry.n_params)
    st.caption(f"EM {entry.fit.status} after {entry.fit.n_iter} iteration(s) from "
               f"{entry.fit.init} (seed {entry.fit.seed}).")


# --- 1. the grid ----------------------------------------------------------------------------------


def run_grid(setup: SelectionSetup) -> GridResult:
    """The BIC/AIC grid (K = 1..k_max x covariance types), with a progress bar while it runs."""
    progress = _Progress("Fitting")
    try:
        return model_grid(setup.data.X, range(1, setup.k_max + 1),
                          covariance_types_for(setup.n_features), init=setup.init,
                          seed=setup.seed, reg_covar=setup.reg, tol=TOL, max_iter=MAX_ITER,
                          progress=progress, fit_row=_row_function(setup.data))
    finally:
        progress.close()


def _cov_choices(setup: SelectionSetup) -> tuple[str, ...]:
    return covariance_types_for(setup.n_features)


def grid_section(setup: SelectionSetup) -> GridResult:
    """BIC and AIC charts, the verdicts, the table, and the chosen fit drawn. Returns the grid."""
    grid = run_grid(setup)
    types = _cov_choices(setup)
    st.caption(f"{len(grid.entries)} models: K = 1…{setup.k_max} × "
               f"{len(types)} covariance type(s) ({', '.join(types)}), each fitted once from "
               f"{setup.init} (seed {setup.seed}), tol {TOL:g}, at most {MAX_ITER} iterations.")
    for problem in grid.problems:
        st.warning(f"Not scored: {problem}")
    best_bic, best_aic = grid.best("bic"), grid.best("aic")
    if best_bic is None:
        st.error("No model could be fitted to this data; try a larger reg_covar or more points.")
        return grid
    shown = _chosen_model(setup, grid, best_bic)
    left, right = st.columns(2)
    for column, criterion in ((left, "bic"), (right, "aic")):
        with column:
            st.markdown(f"**{criterion.upper()}** against K (lower is better)")
            st.plotly_chart(criterion_figure(grid, criterion, setup.style, selected=shown),
                            key=f"{PREFIX}.{criterion}_chart")
    st.markdown(
        f"**BIC chooses K = {best_bic.n_components} ({best_bic.covariance_type})**, "
        f"AIC chooses K = {best_aic.n_components} ({best_aic.covariance_type}). Both reward "
        "the log-likelihood and charge for parameters; BIC's charge, log N per parameter, "
        "grows with the data and usually picks fewer components than AIC's flat 2."
    )
    with st.expander("All models as a table"):
        st.dataframe(pd.DataFrame(grid.rows()), hide_index=True)
    st.subheader("Look at one model")
    entry = grid.entry(*shown)
    if entry is None or not entry.fit.usable:
        st.warning(f"K = {shown[0]}, {shown[1]} could not be fitted: "
                   f"{entry.fit.message if entry else 'not in the grid'}")
        return grid
    st.plotly_chart(fit_figure(setup, entry.fit.params), key=f"{PREFIX}.chosen_fit")
    entry_metrics(entry, len(setup.data.X))
    _stepper_link(setup, entry)
    return grid


def _chosen_model(setup: SelectionSetup, grid: GridResult,
                  best: GridEntry) -> tuple[int, str]:
    """The (K, covariance type) pickers; they start at the best BIC (or the link's choice)."""
    types = _cov_choices(setup)
    if st.session_state.get(SHOW_K_KEY) is None or st.session_state[SHOW_K_KEY] > setup.k_max:
        st.session_state[SHOW_K_KEY] = best.n_components
    if st.session_state.get(SHOW_COV_KEY) not in types:
        st.session_state[SHOW_COV_KEY] = best.covariance_type
    left, right = st.columns(2)
    left.select_slider("Show the fit with K =", list(range(1, setup.k_max + 1)),
                       key=SHOW_K_KEY)
    right.segmented_control("and covariance type", types, key=SHOW_COV_KEY, required=True)
    return int(st.session_state[SHOW_K_KEY]), st.session_state[SHOW_COV_KEY]


def _view_settings(setup: SelectionSetup, k: int, cov: str) -> links.ViewSettings:
    """The stepper's settings for this data and a model (K, covariance type)."""
    page = setup.page
    value = st.session_state.get
    return replace(
        links.default_settings(page.spec), dataset=setup.dataset,
        n=int(value(page.key("n"))), centres=int(value(page.key("centres"))),
        spread=float(value(page.key("spread"))), stretch=float(value(page.key("stretch"))),
        data_seed=int(value(page.key("data_seed"))),
        standardise=bool(value(page.key("standardise"))),
        k=k, cov=cov, init=setup.init, seed=setup.seed, reg=setup.reg, tol=TOL,
        max_iter=MAX_ITER,
    )


def _stepper_link(setup: SelectionSetup, entry: GridEntry) -> None:
    """A link that opens this fit in the stepper, where EM can be replayed step by step."""
    if setup.dataset == controls.CSV:
        st.caption("To step through this fit, upload the same CSV on the stepper page with "
                   f"K = {entry.n_components}, {entry.covariance_type}, init {setup.init}, "
                   f"seed {setup.seed}.")
        return
    settings = _view_settings(setup, entry.n_components, entry.covariance_type)
    query = links.to_query(settings, setup.page.spec)
    target = "EM_in_1-D" if setup.n_features == 1 else "EM_in_2-D"
    st.markdown(f"[Step through this fit in the stepper]({links.link_url(target, query)}) "
                "(same start, same result, one half-step at a time).")


def sync_link(setup: SelectionSetup) -> None:
    """Keep the address bar equal to the view's link (not for an uploaded CSV): the data, the
    fit shown (k, cov), init, seed and reg."""
    if setup.dataset == controls.CSV:
        return
    settings = _view_settings(setup, int(st.session_state.get(SHOW_K_KEY) or 1),
                              st.session_state.get(SHOW_COV_KEY) or "full")
    query = {name: text for name, text in links.to_query(settings, setup.page.spec).items()
             if name != "step"}
    if st.query_params.to_dict() != query:
        st.query_params.from_dict(query)


# --- 2. restarts ----------------------------------------------------------------------------------


def restarts_section(setup: SelectionSetup, grid: GridResult) -> None:
    """n random starts of one model: where they end, the best fit, and the initialisations."""
    types = _cov_choices(setup)
    best = grid.best("bic")
    defaults = {"k": best.n_components if best else 2,
                "cov": best.covariance_type if best else types[0],
                "init": "random-points", "n": DEFAULT_RESTARTS}
    for name, key in RESTART_KEYS.items():
        if key not in st.session_state or (name == "cov"
                                           and st.session_state[key] not in types):
            st.session_state[key] = defaults[name]
        if name == "k" and st.session_state[key] > setup.k_max:
            st.session_state[key] = min(defaults["k"], setup.k_max)
    columns = st.columns(4)
    columns[0].select_slider("K", list(range(1, setup.k_max + 1)), key=RESTART_KEYS["k"])
    columns[1].selectbox("Covariance type", types, key=RESTART_KEYS["cov"])
    columns[2].selectbox("Initialisation", RESTARTABLE_INITS, key=RESTART_KEYS["init"])
    columns[3].select_slider("Number of starts", RESTART_COUNTS, key=RESTART_KEYS["n"])
    k = int(st.session_state[RESTART_KEYS["k"]])
    covariance_type = st.session_state[RESTART_KEYS["cov"]]
    chosen_init = st.session_state[RESTART_KEYS["init"]]
    n_starts = int(st.session_state[RESTART_KEYS["n"]])
    results = _restarts_by_init(setup, k, covariance_type, n_starts)
    result = results[chosen_init]
    n_samples = len(setup.data.X)
    best_fit = result.best
    if best_fit is None:
        st.error("None of the starts could be fitted; try a smaller K or a larger reg_covar.")
        return
    left, right = st.columns(2)
    with left:
        st.markdown(f"**{n_starts} starts of {chosen_init}: where EM ended**")
        st.plotly_chart(restarts_histogram(result.log_likelihoods, setup.style),
                        key=f"{PREFIX}.restarts_histogram")
        st.markdown(
            f"The starts ended at **{result.n_distinct_optima(n_samples)} different "
            f"log-likelihood(s)**; {result.share_near_best(n_samples):.0%} of them reached the "
            "best (within 0.001 per point). Every bar to the left of the best is a local "
            "optimum where EM stopped for good."
        )
    with right:
        st.markdown(f"**The best of the {n_starts} starts** (seed {best_fit.seed})")
        st.plotly_chart(fit_figure(setup, best_fit.params), key=f"{PREFIX}.restarts_best")
        entry_metrics(score_fit(best_fit, k, covariance_type, n_samples, setup.n_features),
                      n_samples)
    st.markdown("**The initialisations side by side** (same K, covariance type and seeds; "
                "each point is one start)")
    st.plotly_chart(init_comparison_figure(
        {method: outcome.log_likelihoods for method, outcome in results.items()}, setup.style),
        key=f"{PREFIX}.init_comparison")
    st.dataframe(pd.DataFrame([_init_row(method, outcome, n_samples)
                               for method, outcome in results.items()]), hide_index=True)


def _restarts_by_init(setup: SelectionSetup, k: int, covariance_type: str, n_starts: int):
    progress = _Progress("Restarting")
    try:
        return {
            method: restarts(setup.data.X, k, covariance_type, init=method, n_starts=n_starts,
                             first_seed=setup.seed, reg_covar=setup.reg, tol=TOL,
                             max_iter=MAX_ITER, progress=progress,
                             fit=_fit_function(setup.data))
            for method in RESTARTABLE_INITS
        }
    finally:
        progress.close()


def _init_row(method: str, outcome, n_samples: int) -> dict:
    values = outcome.log_likelihoods
    finite = values[np.isfinite(values)]
    iterations = [fit.n_iter for fit in outcome.fits if fit.usable]
    return {
        "initialisation": method,
        "best log-likelihood": float(finite.max()) if finite.size else math.nan,
        "median": float(np.median(finite)) if finite.size else math.nan,
        "worst": float(finite.min()) if finite.size else math.nan,
        "starts reaching the best": f"{outcome.share_near_best(n_samples):.0%}",
        "distinct optima": outcome.n_distinct_optima(n_samples),
        "mean iterations": float(np.mean(iterations)) if iterations else math.nan,
    }


# --- 3. Old Faithful ------------------------------------------------------------------------------

FAITHFUL_CHOICES = {"faithful": "both measurements (2-D)",
                    "faithful-eruptions": "eruption durations only (1-D)"}


@st.cache_resource(show_spinner=False, max_entries=2)
def _faithful_data(key: str) -> LoadedData:
    dataset = datasets.load_preset(key)
    X = np.array(dataset.X)
    X.flags.writeable = False
    return LoadedData(X, None, dataset.name, dataset.feature_names, dataset.notices,
                      state.data_digest(X))


def faithful_section(setup: SelectionSetup) -> None:
    """One Gaussian against a mixture of two on Old Faithful, numbers side by side."""
    if FAITHFUL_KEY not in st.session_state:
        st.session_state[FAITHFUL_KEY] = "faithful"
    key = st.segmented_control("Old Faithful data", tuple(FAITHFUL_CHOICES), key=FAITHFUL_KEY,
                               format_func=FAITHFUL_CHOICES.get, required=True)
    data = _faithful_data(key)
    faithful = replace(setup, data=data, style=figure_style(len(data.X),
                                                            setup.style.presentation))
    n_samples, n_features = data.X.shape
    fit = _fit_function(data)
    entries = [
        score_fit(fit(data.X, k, "full", init="k-means", seed=0, reg_covar=1e-6, tol=TOL,
                      max_iter=MAX_ITER), k, "full", n_samples, n_features)
        for k in (1, 2)
    ]
    columns = st.columns(2)
    for column, entry, title in zip(columns, entries, ("One Gaussian", "A mixture of two"),
                                    strict=True):
        with column:
            st.markdown(f"**{title}** (K = {entry.n_components})")
            st.plotly_chart(fit_figure(faithful, entry.fit.params),
                            key=f"{PREFIX}.faithful_{entry.n_components}")
            entry_metrics(entry, n_samples)
    one, two = entries
    st.markdown(
        f"Two components raise the log-likelihood by **{two.fit.log_likelihood - one.fit.log_likelihood:.1f}** "
        f"for {two.n_params - one.n_params} extra parameters, and lower the BIC by "
        f"**{one.bic - two.bic:.1f}** (a BIC difference above 10 is very strong evidence). "
        "One Gaussian puts its mass in the empty middle between the short and the long "
        "eruptions; the mixture puts it where the eruptions are."
    )
    st.dataframe(pd.DataFrame(GridResult(tuple(entries), n_samples).rows()), hide_index=True)
