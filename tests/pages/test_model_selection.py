"""AppTest checks of the page "Model selection": every control, the grid, restarts, Old Faithful
and the deep links."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from gmm_core.datasets import load_preset
from gmm_core.model_search import RESTARTABLE_INITS, fit_mixture
from tests.pages.selection_helpers import (
    PAGE,
    all_text,
    best_marker,
    chart_keys,
    charts,
    decode,
    descriptions,
    link_warnings,
    metric_values,
    open_page,
    param,
)


@pytest.fixture(scope="module")
def page():
    """One session for the read-only checks (the grid takes a while the first time)."""
    return open_page()


@pytest.fixture
def run_app():
    """Like the shared fixture, with this page's longer timeout."""

    def run(script: str, query_params=None):
        assert script == PAGE
        return open_page(query_params)

    return run


def test_grid_charts_mark_the_best_model_and_show_it(page):
    keys = chart_keys(page)
    assert keys[:3] == ["msel.bic_chart", "msel.aic_chart", "msel.chosen_fit"]
    figures = charts(page)
    bic = figures["msel.bic_chart"]
    assert best_marker(figures["msel.aic_chart"])[0] >= 3  # AIC's lighter charge: K >= BIC's
    assert {trace["name"] for trace in bic["data"]} >= {"full", "tied", "diag", "spherical"}
    for trace in bic["data"][:4]:
        assert trace["x"] == list(range(1, 11))
    best = best_marker(bic)
    assert best == (3, "tied")  # three sheared blobs of the same shape
    verdict = " ".join(md.value for md in page.markdown)
    assert "BIC chooses K = 3 (tied)" in verdict
    # the model shown starts at the best BIC and is drawn with the stepper's figure
    assert page.select_slider(key="msel.show_k").value == 3
    assert page.segmented_control(key="msel.show_cov").value == "tied"
    assert "component 3" in {t.get("name") for t in figures["msel.chosen_fit"]["data"]}
    assert any("40 models" in caption.value for caption in page.caption)
    assert param(page, "k") == "3" and param(page, "cov") == "tied"
    assert param(page, "init") == "k-means" and param(page, "dataset") == "tutorial-2d"
    # the table lists every model
    assert len(page.dataframe[0].value) == 40


def test_stepper_link_reproduces_the_fit(page):
    (link,) = [md.value for md in page.markdown if "Step through this fit" in md.value]
    target = re.search(r"\((EM_in_2-D\?[^)]*)\)", link).group(1)
    query = {name: values[-1] for name, values in parse_qs(urlsplit(target).query).items()}
    assert query["k"] == "3" and query["cov"] == "tied" and query["init"] == "k-means"
    assert query["dataset"] == "tutorial-2d" and query["step"] == "0"
    # the link starts from the kept fit's own start (one of the seeds 0..9) and stopping rule,
    # so the stepper's run ends exactly at the fit shown here
    caption = next(c.value for c in page.caption if c.value.startswith("EM from k-means"))
    assert f"(seed {query['seed']})" in caption
    X = load_preset("tutorial-2d").X
    fit = fit_mixture(X, 3, "tied", init="k-means", seed=int(query["seed"]),
                      reg_covar=float(query["reg"]), tol=float(query.get("tol", "0.001")),
                      max_iter=int(query.get("iter", "100")))
    shown = float(metric_values(page, "Log-likelihood")[0])
    assert fit.log_likelihood == pytest.approx(shown, rel=1e-5)


def test_restarts_histogram_best_fit_and_initialisations(page):
    figures = charts(page)
    histogram = figures["msel.restarts_histogram"]
    assert histogram["data"][0]["type"] == "histogram"
    comparison = figures["msel.init_comparison"]
    assert [trace["name"] for trace in comparison["data"]] == list(RESTARTABLE_INITS)
    assert "component 1" in {t.get("name") for t in figures["msel.restarts_best"]["data"]}
    text = all_text(page.markdown)
    assert re.search(r"ended at \*\*\d+ different value\(s\) of ℓ", text)
    assert re.search(r"Of the 20 runs: \*\*\d+\*\* stopped by tol", text)
    table = page.dataframe[1].value
    assert list(table["initialisation"]) == list(RESTARTABLE_INITS)


def test_old_faithful_two_components_beat_one(page):
    figures = charts(page)
    assert "msel.faithful_1" in figures and "msel.faithful_2" in figures
    bics = [float(value) for value in metric_values(page, "BIC")[-2:]]
    assert bics[1] < bics[0] - 100
    text = " ".join(md.value for md in page.markdown)
    assert "lower the BIC by" in text
    faithful_table = page.dataframe[-1].value
    assert list(faithful_table["K"]) == [1, 2]


def test_show_controls_change_the_drawn_fit(run_app):
    at = run_app(PAGE)
    at.select_slider(key="msel.show_k").set_value(5).run()
    at.segmented_control(key="msel.show_cov").set_value("spherical").run()
    assert not at.exception
    figure = charts(at)["msel.chosen_fit"]
    names = {trace.get("name") for trace in figure["data"]}
    assert "component 5" in names and "component 6" not in names
    assert param(at, "k") == "5" and param(at, "cov") == "spherical"
    # the chosen model gets a ring on both criterion charts
    bic = charts(at)["msel.bic_chart"]
    (ring,) = [t for t in bic["data"] if t.get("name") == "shown below"]
    assert ring["x"] == [5]


def test_fitting_controls_refit_and_the_grid_is_cached(run_app):
    at = run_app(PAGE)
    at.sidebar.slider(key="msel.k_max").set_value(4).run()
    assert charts(at)["msel.bic_chart"]["data"][0]["x"] == [1, 2, 3, 4]
    assert any("16 models" in caption.value for caption in at.caption)
    at.sidebar.selectbox(key="msel.init").set_value("random-points").run()
    at.sidebar.number_input(key="msel.seed").set_value(3).run()
    at.sidebar.select_slider(key="msel.reg").set_value(1e-3).run()
    assert not at.exception
    assert param(at, "init") == "random-points" and param(at, "seed") == "3"
    assert param(at, "reg") == "0.001"
    assert any("random-points, seeds 3…" in caption.value for caption in at.caption)
    # an unrelated control (presentation mode) reuses every fit from the cache
    from ui.selection import fits

    calls = []
    original = fits.fit_covariance_types
    fits.fit_covariance_types = lambda *a, **k: calls.append(a) or original(*a, **k)
    try:
        at.sidebar.toggle(key="presentation").set_value(True).run()
    finally:
        fits.fit_covariance_types = original
    assert not at.exception and calls == []


def test_restart_controls(run_app):
    at = run_app(PAGE)
    at.select_slider(key="msel.restart_k").set_value(2).run()
    at.selectbox(key="msel.restart_cov").set_value("diag").run()
    at.selectbox(key="msel.restart_init").set_value("k-means++").run()
    at.select_slider(key="msel.restart_n").set_value(5).run()
    assert not at.exception
    histogram = charts(at)["msel.restarts_histogram"]
    assert sum(len(decode(trace["x"])) for trace in histogram["data"]) == 5
    assert any("5 starts of k-means++" in md.value for md in at.markdown)
    comparison = charts(at)["msel.init_comparison"]
    assert all(len(decode(trace["y"])) == 5 for trace in comparison["data"])


def test_one_dimensional_data_and_the_faithful_switch(run_app):
    at = run_app(PAGE)
    at.sidebar.segmented_control(key="msel.dimension").set_value(1).run()
    assert not at.exception
    assert at.sidebar.selectbox(key="msel1d.dataset").value == "tutorial-1d"
    bic = charts(at)["msel.bic_chart"]
    assert [trace["name"] for trace in bic["data"][:2]] == ["full", "tied"]
    assert "histogram (density)" in {t.get("name") for t in charts(at)["msel.chosen_fit"]["data"]}
    (link,) = [md.value for md in at.markdown if "Step through this fit" in md.value]
    assert "EM_in_1-D?" in link
    at.sidebar.selectbox(key="msel1d.dataset").set_value("faithful-eruptions").run()
    assert param(at, "dataset") == "faithful-eruptions"
    at.segmented_control(key="msel.faithful").set_value("faithful-eruptions").run()
    assert not at.exception
    figure = charts(at)["msel.faithful_2"]
    assert "histogram (density)" in {t.get("name") for t in figure["data"]}


def test_a_deep_link_opens_the_chosen_fit(run_app):
    at = run_app(PAGE, {"dataset": "faithful", "k": "2", "cov": "full", "init": "k-means++",
                        "seed": "5", "reg": "0.001"})
    assert not at.exception and not link_warnings(at)
    assert at.select_slider(key="msel.show_k").value == 2
    assert at.segmented_control(key="msel.show_cov").value == "full"
    assert at.sidebar.selectbox(key="msel.init").value == "k-means++"
    assert at.sidebar.select_slider(key="msel.reg").value == 1e-3
    assert param(at, "dataset") == "faithful" and param(at, "seed") == "5"


def test_bad_link_values_are_reported_and_replaced(run_app):
    at = run_app(PAGE, {"dataset": "nope", "k": "99", "init": "given-means", "reg": "0.05",
                        "cov": "round"})
    assert not at.exception
    (warning,) = link_warnings(at)
    for fragment in ("dataset='nope'", "k='99'", "init='given-means'", "reg=0.05", "cov='round'"):
        assert fragment in warning
    assert at.sidebar.select_slider(key="msel.reg").value == 0.1
    assert param(at, "dataset") == "tutorial-2d"
    # the warning stays while the view is the link's, and goes once a setting changes
    at.select_slider(key="msel.show_k").set_value(2).run()
    assert link_warnings(at)
    at.sidebar.number_input(key="msel.seed").set_value(1).run()
    assert not link_warnings(at)


def test_too_many_points_are_refused_with_a_clear_message(run_app):
    at = run_app(PAGE, {"dataset": "blobs", "n": "50000"})
    assert not at.exception
    (error,) = at.error
    assert "50,000 points" in error.value and "at most 20,000" in error.value
    assert not at.get("plotly_chart")


def test_too_many_points_then_fewer_keeps_the_other_settings(run_app):
    """Moved from tests/test_stateful_pages.py: a refused data set loses no other setting."""
    at = run_app(PAGE)
    at.sidebar.number_input(key="msel.seed").set_value(7).run()
    at.sidebar.selectbox(key="msel2d.dataset").set_value("blobs").run()
    at.sidebar.number_input(key="msel2d.n").set_value(100_000).run()
    assert "Choose at most" in " ".join(error.value for error in at.error)
    assert at.sidebar.number_input(key="msel.seed").value == 7
    at.sidebar.number_input(key="msel2d.n").set_value(500).run()
    assert not at.error and not at.exception
    assert at.sidebar.number_input(key="msel.seed").value == 7
    assert at.get("plotly_chart")


def test_every_figure_has_a_text_alternative(page):
    """#14: "Describe this figure" under each chart says what it shows now."""
    described = descriptions(page)
    assert len(described) == len(page.get("plotly_chart")) == 8
    best = best_marker(charts(page)["msel.bic_chart"])
    assert f"lowest at K = {best[0]}, {best[1]}" in described[0]
    assert described[0].startswith("BIC against K for 4 covariance types")
    assert "component 1 at (" in described[2]
    assert "Histogram of the final log-likelihood ℓ of 20 runs" in described[3]


def test_one_notation_with_every_symbol_defined(page):
    """#12: ℓ, p, N, D defined where first used; the reference texts' symbols mapped."""
    intro = page.markdown[0].value
    for definition in ("ℓ = Σ_i log p(x_i | θ)", "N data points x_i (i = 1..N)",
                       "p is the number of free parameters", "in D dimensions",
                       "BIC = −2ℓ + p log N"):
        assert definition in intro
    labels = [expander.label for expander in page.expander]
    assert any(label.startswith("Notation") for label in labels)
    assert "This page's symbols, and how scikit-learn and mclust name them" in labels
    text = all_text((*page.markdown, *page.caption))
    assert "log L" not in text and "stopped for good" not in text


def test_restart_runs_are_marked_by_how_they_ended(page):
    """#12: which runs stopped by tol, at max_iter, degenerate; no 'local optimum' claim."""
    histogram = charts(page)["msel.restarts_histogram"]
    names = {trace["name"] for trace in histogram["data"]}
    assert names and names <= {"stopped by tol", "stopped at max_iter", "degenerate"}
    sentence = next(md.value for md in page.markdown if md.value.startswith("Of the 20 runs"))
    counts = [int(n) for n in re.findall(r"\*\*(\d+)\*\* (?:stopped|ended|collapsed|could)",
                                         sentence)]
    assert sum(counts) == 20
    assert "stopping by tol proves none of them" in sentence
    table = page.dataframe[1].value
    assert (table[["stopped by tol", "stopped at max_iter", "degenerate", "collapsed"]]
            .sum(axis=1) <= 20).all()
