"""AppTest tests of the page "EM in 1-D" (the controls shared with the 2-D page are tested
in depth there; here: what differs in 1-D, and every stepping control once)."""

import numpy as np
import pytest

from tests.pages.stepper_helpers import (
    PAGE_1D,
    assert_clean,
    charts,
    click,
    decode,
    formula_texts,
    index,
    open_page,
    probe_at,
    show_details,
    tables,
    texts,
    traces,
)
from ui.figures import PALETTE_HEX, UNASSIGNED_HEX

PAGE = PAGE_1D


def _rug(app):
    return traces(charts(app)[0], "data (rug)")[0]


def test_opens_with_the_1d_controls():
    app = open_page(PAGE)
    assert "1-D" in app.title[0].value
    assert app.selectbox(key="em1d.cov").options == ["own variance per component",
                                                     "one shared variance"]
    assert app.selectbox(key="em1d.dataset").value == "tutorial-1d"
    figure = charts(app)[0]
    names = [trace["name"] for trace in figure["data"]]
    assert names[0] == "histogram (density)"
    assert "mixture density p(x)" in names
    assert _rug(app)["marker"]["color"] == UNASSIGNED_HEX
    assert "stretch" not in " ".join(element.label for element in app.number_input)


def test_every_stepping_button():
    app = open_page(PAGE)
    click(app, PAGE, "E-step")
    rug = _rug(app)
    assert "bdata" in rug["marker"]["color"]
    assert decode(rug["customdata"]).shape == (60, 3)
    click(app, PAGE, "M-step")
    click(app, PAGE, "EM iteration")
    assert index(app, PAGE) == 4
    click(app, PAGE, "Back")
    assert index(app, PAGE) == 3
    click(app, PAGE, "Run to convergence")
    last = index(app, PAGE)
    assert app.button(key="em1d.step_button.main.e_step").disabled and app.button(key="em1d.step_button.main.m_step").disabled
    app.slider(key="em1d.history_slider").set_value(1).run()
    assert index(app, PAGE) == 1
    click(app, PAGE, "Play")
    click(app, PAGE, "Pause")
    click(app, PAGE, "Reset")
    assert index(app, PAGE) == 0 and last > 4


def test_component_curves_keep_their_colours():
    app = open_page(PAGE)
    for label in ("E-step", "M-step", "Run to convergence"):
        click(app, PAGE, label)
        figure = charts(app)[0]
        colours = [trace["line"]["color"] for trace in figure["data"]
                   if trace.get("legendgroup", "").startswith("component-")]
        assert colours == ["rgba(0,114,178,1)", "rgba(230,159,0,1)", "rgba(0,158,115,1)"]
    assert PALETTE_HEX[0] == "#0072B2"


def test_shared_variance_gives_equal_variances():
    app = open_page(PAGE, {"cov": "shared", "k": "3"})
    assert app.selectbox(key="em1d.cov").value == "tied"
    click(app, PAGE, "Run to convergence")
    show_details(app, PAGE, "The numbers", "The formulas")
    assert "σ²_k (variance)" in tables(app)[0]
    # The run ends on an M-step, so its formula (one variance shared by all) is on screen.
    assert r"\sigma^2 = \frac{1}{N}" in formula_texts(app)


@pytest.mark.parametrize("dataset", ["tutorial-1d", "blobs-1d", "faithful-eruptions"])
def test_every_1d_preset_runs(dataset):
    app = open_page(PAGE, {"dataset": dataset})
    click(app, PAGE, "EM iteration")


def test_2d_datasets_and_covariances_are_refused_in_a_link():
    app = open_page(PAGE, {"dataset": "iris", "cov": "spherical"})
    warning = texts(app.warning)
    assert "dataset='iris' is not a data set of this page" in warning
    assert "cov=spherical is the same as cov=full (own variance) in 1-D" in warning


def test_hand_placed_means_in_1d():
    app = open_page(PAGE, {"init": "given-means", "means": "-10;0;10;20"})
    assert app.slider(key="em1d.k").value == 4
    assert app.text_input(key="em1d.means").value == "-10; 0; 10; 20"
    click(app, PAGE, "EM iteration")


def test_probe_point_in_1d():
    app = open_page(PAGE)
    click(app, PAGE, "EM iteration")
    probe_at(app, PAGE, 9.5)
    bars = [figure for figure in charts(app) if figure["data"][0]["type"] == "bar"
            and figure["data"][0].get("name") != "histogram (density)"][0]
    assert np.isclose(decode(bars["data"][0]["y"]).sum(), 1.0)
    assert traces(charts(app)[0], "probe point")[0]["x"] == [9.5]


def test_one_column_csv():
    values = "\n".join(f"{v:.3f}" for v in np.random.default_rng(0).normal(size=50))
    app = open_page(PAGE)
    app.selectbox(key="em1d.dataset").set_value("csv").run()
    app.file_uploader(key="em1d.csv_file").set_value(
        ("times.csv", f"minutes\n{values}\n".encode(), "text/csv")).run()
    assert_clean(app)
    assert charts(app)[0]["layout"]["xaxis"]["title"]["text"] == "minutes"
    click(app, PAGE, "E-step")


def test_two_column_csv_asks_for_one_column():
    rows = "\n".join(f"{a:.3f},{b:.3f}" for a, b in np.random.default_rng(0).normal(size=(30, 2)))
    app = open_page(PAGE)
    app.selectbox(key="em1d.dataset").set_value("csv").run()
    app.file_uploader(key="em1d.csv_file").set_value(
        ("two.csv", f"a,b\n{rows}\n".encode(), "text/csv")).run()
    assert_clean(app)
    picker = [select for select in app.multiselect if "pick 1" in select.label][0]
    picker.set_value(["b"]).run()
    assert_clean(app)
    assert charts(app)[0]["layout"]["xaxis"]["title"]["text"] == "b"


def test_a_csv_with_fewer_rows_than_components_is_explained():
    app = open_page(PAGE, {"k": "5"})
    app.selectbox(key="em1d.dataset").set_value("csv").run()
    app.file_uploader(key="em1d.csv_file").set_value(
        ("tiny.csv", b"x\n1\n2\n3\n", "text/csv")).run()
    assert_clean(app)
    assert "Only 3 usable rows for 5 components" in texts(app.error)
    assert not app.get("plotly_chart")


def test_collapse_lesson_in_1d():
    app = open_page(PAGE)
    app.button(key="em1d.lesson.collapse").click().run()
    assert_clean(app)
    assert "run collapsed" in texts(app.markdown)
    figure = charts(app)[0]
    spike = [trace for trace in figure["data"] if trace.get("legendgroup", "").startswith(
        "component-")]
    assert len(spike) == 10
    app.button(key="em1d.lesson.safe").click().run()
    assert_clean(app)
    assert "keeps a floor of 0.01" in texts(app.success)
