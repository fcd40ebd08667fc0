"""AppTest tests of the page "EM in 2-D": every control, deep links, bad input, lessons."""

import re

import numpy as np
import pytest

from gmm_core.em_run import EMRun
from gmm_core.initialisation import initial_params
from tests.pages.stepper_helpers import (
    PAGE_2D,
    STEP_BUTTONS,
    assert_clean,
    charts,
    click,
    decode,
    formula_texts,
    html_bodies,
    index,
    key,
    likelihood_svg,
    likelihood_values,
    open_page,
    show_details,
    tables,
    texts,
    traces,
)
from ui.figures import PALETTE_HEX, UNASSIGNED_HEX

PAGE = PAGE_2D


def _points(app):
    return charts(app)[0]["data"][0]


def _ellipse(app, component):
    return traces(charts(app)[0], f"component {component + 1}")[0]


def _log_likelihood_points(app):
    values = likelihood_values(app)
    return np.array([values.get(step, np.nan) for step in range(max(values) + 1)])


def test_opens_with_every_control():
    app = open_page(PAGE)
    assert "2-D" in app.title[0].value
    labels = [button.label for button in app.button]
    for label in ("E-step", "M-step", "EM iteration", "Run to convergence", "Back", "Reset",
                  "Play"):
        assert label in labels
    assert app.button(key="em2d.step_button.main.e_step").disabled is False
    assert app.button(key="em2d.step_button.main.m_step").disabled is True
    assert app.button(key="em2d.step_button.main.back").disabled is True
    assert app.selectbox(key="em2d.cov").options == ["full (any ellipse)",
                                                     "tied (one shared ellipse)",
                                                     "diag (axis-aligned ellipses)",
                                                     "spherical (circles)"]
    assert len(app.selectbox(key="em2d.init").options) == 5
    assert app.slider(key="em2d.k").value == 3
    assert app.text_input(key="em2d.reg").value == "1e-06"
    assert app.text_input(key="em2d.tol").value == "0.001"
    assert app.number_input(key="em2d.max_iter").value == 100
    assert app.number_input(key="em2d.seed").value == 0
    assert app.toggle(key="em2d.standardise").value is False
    assert app.toggle(key="presentation").value is False
    # At the start: grey points, K ellipses, the log-likelihood of the start.
    assert _points(app)["marker"]["color"] == UNASSIGNED_HEX
    assert len(_log_likelihood_points(app)) == 1


def test_keyboard_shortcuts_are_attached():
    app = open_page(PAGE)
    shortcuts = {button.label: button.proto.shortcut for button in app.button}
    assert shortcuts["E-step"] == "right"
    assert shortcuts["M-step"] == ""  # the next half-step is an E-step: only it answers Right
    assert shortcuts["Back"] == "left"
    assert shortcuts["Play"] == "p"
    click(app, PAGE, "E-step")
    shortcuts = {button.label: button.proto.shortcut for button in app.button}
    assert (shortcuts["E-step"], shortcuts["M-step"]) == ("", "right")


def test_e_step_recolours_points_and_keeps_the_ellipses():
    app = open_page(PAGE)
    before = decode(_ellipse(app, 0)["x"])
    click(app, PAGE, "E-step")
    assert index(app, PAGE) == 1
    points = _points(app)
    assert points["marker"]["cmin"] == 0 and "bdata" in points["marker"]["color"]
    assert np.array_equal(decode(_ellipse(app, 0)["x"]), before)
    percentages = decode(points["customdata"]).astype(int)
    assert percentages.shape[1] == 3
    assert np.all(np.abs(percentages.sum(axis=1) - 100) <= 2)
    assert app.button(key="em2d.step_button.main.m_step").disabled is False
    assert app.button(key="em2d.step_button.main.e_step").disabled is True


def test_m_step_moves_the_ellipses_and_keeps_the_colours():
    app = open_page(PAGE)
    click(app, PAGE, "E-step")
    colours = _points(app)["marker"]
    ellipse = decode(_ellipse(app, 0)["x"])
    click(app, PAGE, "M-step")
    assert index(app, PAGE) == 2
    assert _points(app)["marker"] == colours
    assert not np.allclose(decode(_ellipse(app, 0)["x"]), ellipse)
    values = _log_likelihood_points(app)
    assert values[2] > values[1]


def test_em_iteration_completes_the_current_iteration():
    app = open_page(PAGE)
    click(app, PAGE, "EM iteration")
    assert index(app, PAGE) == 2
    click(app, PAGE, "E-step")
    click(app, PAGE, "EM iteration")  # only the M-step was missing
    assert index(app, PAGE) == 4


def test_run_to_convergence_back_and_reset():
    app = open_page(PAGE)
    click(app, PAGE, "Run to convergence")
    last = index(app, PAGE)
    assert last > 4
    for label in ("E-step", "M-step", "EM iteration", "Run to convergence"):
        assert app.button(key=key(app, PAGE, STEP_BUTTONS[label])).disabled
    assert "converged" in app.markdown[0].value or "converged" in texts(app.markdown)
    click(app, PAGE, "Back")
    assert index(app, PAGE) == last - 1
    click(app, PAGE, "Reset")
    assert index(app, PAGE) == 0
    assert _points(app)["marker"]["color"] == UNASSIGNED_HEX


def test_history_slider_jumps_to_any_computed_half_step():
    app = open_page(PAGE)
    click(app, PAGE, "Run to convergence")
    slider = app.slider(key="em2d.history_slider")
    assert slider.max == index(app, PAGE)
    slider.set_value(3).run()
    assert_clean(app)
    assert index(app, PAGE) == 3
    assert app.slider(key="em2d.history_slider").value == 3


def test_play_pause_toggle_and_speed():
    app = open_page(PAGE)
    click(app, PAGE, "Play")
    assert app.session_state["em2d.playing"] is True
    assert app.button(key="em2d.play_button.main.pause").label == "Pause"
    app.select_slider(key="em2d.speed").set_value(4.0).run()
    assert_clean(app)
    click(app, PAGE, "Pause")
    assert app.session_state["em2d.playing"] is False
    assert app.button(key="em2d.play_button.main.play").label == "Play"


def test_component_colours_do_not_change_between_steps():
    app = open_page(PAGE, {"dataset": "five-blobs", "k": "5", "seed": "2"})
    seen = []
    for label in ("E-step", "M-step", "EM iteration", "EM iteration", "Run to convergence",
                  "Back"):
        click(app, PAGE, label)
        figure = charts(app)[0]
        colours = [traces(figure, f"component {k + 1}")[0]["line"]["color"] for k in range(5)]
        means = [traces(figure, f"mean {k + 1}")[0]["marker"]["color"] for k in range(5)]
        seen.append((colours, means))
    assert all(entry == (list(PALETTE_HEX[:5]), list(PALETTE_HEX[:5])) for entry in seen)


def test_hard_labels_and_density_contours():
    app = open_page(PAGE)
    click(app, PAGE, "E-step")
    app.toggle(key="em2d.hard_labels").set_value(True).run()
    assert_clean(app)
    colours = {stop[1] for stop in _points(app)["marker"]["colorscale"]}
    assert colours <= set(PALETTE_HEX[:3])
    app.toggle(key="em2d.density").set_value(True).run()
    assert_clean(app)
    assert charts(app)[0]["data"][0]["type"] == "contour"


def test_presentation_mode_enlarges_the_figure():
    app = open_page(PAGE)
    normal = charts(app)[0]["layout"]
    app.toggle(key="presentation").set_value(True).run()
    assert_clean(app)
    big = charts(app)[0]["layout"]
    assert big["font"]["size"] > normal["font"]["size"]
    assert big["height"] > normal["height"]
    assert big["xaxis"]["tickfont"]["size"] > normal["xaxis"]["tickfont"]["size"]
    # The page's own text and buttons grow too (a style sheet), and so does the chart's text.
    assert any("font-size: 1.3rem" in body for body in html_bodies(app))
    assert 'font-size="19"' in likelihood_svg(app)


def test_probe_point_shows_membership_bars():
    app = open_page(PAGE)
    click(app, PAGE, "EM iteration")
    app.toggle(key="em2d.probe_on").set_value(True).run()
    assert_clean(app)
    app.number_input(key="em2d.probe.0").set_value(0.0).run()
    app.number_input(key="em2d.probe.1").set_value(1.0).run()
    assert_clean(app)
    figures = charts(app)
    bars = [figure for figure in figures if figure["data"][0]["type"] == "bar"][0]
    assert np.isclose(decode(bars["data"][0]["y"]).sum(), 1.0)
    probe = traces(figures[0], "probe point")[0]
    assert (probe["x"], probe["y"]) == ([0.0], [1.0])


def test_model_controls_start_a_new_run():
    app = open_page(PAGE)
    click(app, PAGE, "EM iteration")
    app.slider(key="em2d.k").set_value(4).run()
    assert_clean(app)
    assert index(app, PAGE) == 0
    assert len(traces(charts(app)[0], "component 4")) == 2  # its 1σ and 2σ ellipses
    for widget, value in (("cov", "diag"), ("init", "random-responsibilities")):
        app.selectbox(key=f"em2d.{widget}").set_value(value).run()
        assert_clean(app)
    app.number_input(key="em2d.seed").set_value(5).run()
    app.text_input(key="em2d.tol").set_value("1e-2").run()
    app.number_input(key="em2d.max_iter").set_value(2).run()
    assert_clean(app)
    click(app, PAGE, "Run to convergence")
    assert index(app, PAGE) <= 4
    assert app.query_params["cov"] == ["diag"] or app.query_params["cov"] == "diag"


def test_the_iteration_limit_is_explained():
    app = open_page(PAGE, {"iter": "1", "tol": "1e-12"})
    click(app, PAGE, "Run to convergence")
    assert index(app, PAGE) == 2
    assert "Stopped after 1 iterations" in texts(app.info)


def test_bad_reg_and_tolerance_text_is_reported():
    app = open_page(PAGE)
    app.text_input(key="em2d.reg").set_value("minus one").run()
    app.text_input(key="em2d.tol").set_value("-5").run()
    assert_clean(app)
    errors = texts(app.error)
    assert "reg_covar: “minus one” is not one number" in errors and "Using 1e-06." in errors
    assert "tolerance: “-5” is out of range: type a number from 1e-12 to 1" in errors
    # A minus sign pasted from a PDF is a minus sign (and still out of range here).
    app.text_input(key="em2d.tol").set_value("1e\u22124").run()
    assert_clean(app)
    assert "tolerance" not in texts(app.error)
    assert app.query_params["tol"] in ("0.0001", ["0.0001"])


def test_reg_zero_is_allowed():
    app = open_page(PAGE)
    app.text_input(key="em2d.reg").set_value("0").run()
    assert_clean(app)
    assert not app.error
    assert app.query_params["reg"] in ("0.0", ["0.0"])


def test_hand_placed_means():
    app = open_page(PAGE)
    app.selectbox(key="em2d.init").set_value("given-means").run()
    assert_clean(app)
    app.text_input(key="em2d.means").set_value("-10, 0; 0, 20; 20, 20; 10, 10").run()
    assert_clean(app)
    assert app.slider(key="em2d.k").value == 4
    assert app.slider(key="em2d.k").disabled
    means = [traces(charts(app)[0], f"mean {k + 1}")[0] for k in range(4)]
    assert [(m["x"][0], m["y"][0]) for m in means] == [(-10, 0), (0, 20), (20, 20), (10, 10)]
    app.text_input(key="em2d.means").set_value("1, 2; oops").run()
    assert_clean(app)
    assert "mean 2 ('oops') is not two numbers" in texts(app.error)


def test_standardise_toggle():
    app = open_page(PAGE)
    app.toggle(key="em2d.standardise").set_value(True).run()
    assert_clean(app)
    x = decode(_points(app)["x"])
    assert abs(float(x.mean())) < 1e-3 and abs(float(x.std()) - 1) < 1e-3


def test_blob_generator_controls_and_large_n():
    app = open_page(PAGE, {"dataset": "blobs", "n": "10000", "k": "5", "seed": "1"})
    assert _points(app)["type"] == "scattergl"
    assert len(decode(_points(app)["x"])) == 10_000
    app.number_input(key="em2d.centres").set_value(2).run()
    app.number_input(key="em2d.spread").set_value(2.0).run()
    app.number_input(key="em2d.stretch").set_value(3.0).run()
    app.number_input(key="em2d.data_seed").set_value(4).run()
    app.number_input(key="em2d.n").set_value(300).run()
    assert_clean(app)
    assert len(decode(_points(app)["x"])) == 300
    assert app.query_params["dseed"] in ("4", ["4"])


def test_penguin_columns():
    app = open_page(PAGE, {"dataset": "penguins"})
    select = app.multiselect(key="em2d.columns.penguins")
    assert select.value == ["bill_length_mm", "flipper_length_mm"]
    select.set_value(["bill_depth_mm", "body_mass_g"]).run()
    assert_clean(app)
    assert charts(app)[0]["layout"]["xaxis"]["title"]["text"] == "bill_depth_mm"


@pytest.mark.parametrize("dataset", ["tutorial-2d", "five-blobs", "textbook", "faithful",
                                     "penguins", "iris", "blobs"])
def test_every_2d_preset_runs(dataset):
    app = open_page(PAGE, {"dataset": dataset})
    click(app, PAGE, "EM iteration")


# --- deep links -------------------------------------------------------------------------------


def test_a_deep_link_reproduces_the_view():
    query = {"dataset": "faithful", "k": "2", "cov": "diag", "init": "random-points",
             "seed": "3", "reg": "0.001", "step": "5"}
    app = open_page(PAGE, query)
    assert index(app, PAGE) == 5
    assert app.selectbox(key="em2d.cov").value == "diag"
    assert app.text_input(key="em2d.reg").value == "0.001"
    # The same run computed directly: half-step 5 is the M-step of iteration 2... wait, 5 is
    # start, E, M, E, M, E: an E-step, whose log-likelihood is that of iteration 2's M-step.
    from gmm_core.datasets import load_preset

    X = load_preset("faithful").X
    run = EMRun(X, initial_params(X, 2, "diag", "random-points", seed=3, reg_covar=1e-3),
                reg_covar=1e-3)
    run.extend_to(5)
    assert np.isclose(_log_likelihood_points(app)[5], run[5].log_likelihood)
    # The address bar keeps the view and the copy box shows the same link.
    assert app.query_params["step"] in ("5", ["5"])
    assert "step=5" in app.code[0].value and "dataset=faithful" in app.code[0].value


def test_the_link_follows_the_steps():
    app = open_page(PAGE)
    click(app, PAGE, "EM iteration")
    assert app.query_params["step"] in ("2", ["2"])
    assert "step=2" in app.code[0].value


def test_bad_link_values_are_reported_and_replaced():
    app = open_page(PAGE, {"k": "abc", "cov": "round", "reg": "-1", "dataset": "mnist",
                           "seed": "x"})
    warning = texts(app.warning)
    assert "k='abc' is not a whole number from 1 to 10; using 3" in warning
    assert "cov='round' is not one of full, tied, diag, spherical; using full" in warning
    assert "reg='-1' is not a number at least 0" in warning
    assert "dataset='mnist' is not a data set of this page" in warning
    assert "seed='x'" in warning
    assert app.slider(key="em2d.k").value == 3
    click(app, PAGE, "E-step")


def test_a_step_beyond_the_end_is_clamped_with_a_notice():
    app = open_page(PAGE, {"step": "1999"})
    last = index(app, PAGE)
    assert 0 < last < 1999
    assert f"The link asks for half-step 1999, but this run ends at half-step {last}" \
        in texts(app.info)


def test_a_csv_link_is_reported():
    app = open_page(PAGE, {"dataset": "csv"})
    assert "dataset=csv cannot be reopened from a link" in texts(app.warning)


# --- CSV upload ---------------------------------------------------------------------------------


def _upload(app, content: bytes, name="data.csv"):
    app.selectbox(key="em2d.dataset").set_value("csv").run()
    assert_clean(app)
    app.file_uploader(key="em2d.csv_file").set_value((name, content, "text/csv")).run()
    assert_clean(app)
    return app


def test_a_good_csv_is_used():
    rows = "\n".join(f"{x:.3f},{y:.3f}" for x, y in
                     np.random.default_rng(0).normal(size=(60, 2)))
    app = _upload(open_page(PAGE), f"height,weight\n{rows}\n".encode())
    assert charts(app)[0]["layout"]["xaxis"]["title"]["text"] == "height"
    click(app, PAGE, "EM iteration")
    assert "cannot be shared as a link" in texts(app.caption)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"a,b\n", "header"),
        (b"a,b\nx,y\nz,w\n", "no column holds numbers"),
        (b"a,b\n1,2\n3,4\n", "row"),
        (b"\x00\x01\x02\xff\xfe", "UTF-8"),
    ],
)
def test_a_bad_csv_gets_a_clear_message_and_no_exception(content, message):
    app = _upload(open_page(PAGE), content)
    errors = texts(app.error)
    assert message.lower() in errors.lower(), errors
    assert not app.get("plotly_chart")


def test_a_csv_with_more_columns_asks_which_to_use():
    rows = "\n".join(",".join(f"{v:.3f}" for v in row) for row in
                     np.random.default_rng(1).normal(size=(40, 3)))
    app = _upload(open_page(PAGE), f"a,b,c\n{rows}\n".encode())
    picker = [select for select in app.multiselect if "pick 2" in select.label][0]
    picker.set_value(["c", "a"]).run()
    assert_clean(app)
    assert charts(app)[0]["layout"]["xaxis"]["title"]["text"] == "c"


# --- the numbers, the formulas, the lessons ----------------------------------------------------


def test_numbers_and_formulas_follow_the_half_step():
    app = open_page(PAGE)
    assert not tables(app) and not formula_texts(app)  # the details open on request
    show_details(app, PAGE, "The numbers", "The formulas")
    assert len(tables(app)) == 2
    click(app, PAGE, "E-step")
    latex = formula_texts(app)
    assert r"r_{ik} = \frac{\pi_k" in latex
    # The worked example is written for the followed point itself, e.g. x_{17} and r_{17,1}.
    assert re.search(r"x_\{(\d+)\} = .*r_\{\1,1\} =", latex)
    assert r"\mathcal{N}(x_i" not in latex.split("Worked")[-1].split("aligned")[1]
    click(app, PAGE, "M-step")
    latex = formula_texts(app)
    assert r"\mu_k = \frac{1}{N_k}" in latex and "N_{1} =" in latex
    app.selectbox(key="em2d.worked_component.3").set_value(2).run()
    assert_clean(app)
    assert "N_{3} =" in formula_texts(app)
    assert "#FFE08A" in tables(app)[0]  # the M-step changed the parameters: highlighted
    app.toggle(key="em2d.all_formulas").set_value(True).run()
    assert_clean(app)
    assert r"\ell(\theta) = \sum_{i=1}^{N}" in formula_texts(app)


def test_followed_points_input():
    app = open_page(PAGE)
    show_details(app, PAGE, "The numbers")
    click(app, PAGE, "E-step")
    app.text_input(key="em2d.followed").set_value("0, 7").run()
    assert_clean(app)
    assert "<td style=\"\">7</td>" in tables(app)[1]
    app.text_input(key="em2d.followed").set_value("0, 99999").run()
    assert "There is no point 99999" in texts(app.error)
    # Superscript and circled digits (AltGr+2 on a German keyboard) used to raise ValueError;
    # the message stays after every step.
    for typed in ("1, ²", "³", "④"):
        app.text_input(key="em2d.followed").set_value(typed).run()
        assert_clean(app)
        assert "Showing the default points." in texts(app.error)
        click(app, PAGE, "M-step" if app.button(key="em2d.step_button.main.m_step").disabled
              is False else "E-step")
        assert_clean(app)


def test_collapse_lesson_shows_the_runaway_and_its_cure():
    app = open_page(PAGE)
    app.button(key="em2d.lesson.collapse").click().run()
    assert_clean(app)
    assert app.text_input(key="em2d.reg").value == "0.0"
    values = _log_likelihood_points(app)
    # The log-likelihood runs away: from about -130 to hundreds within a few steps.
    assert values[-1] > values[0] + 500
    assert "run collapsed" in texts(app.markdown)
    errors = texts(app.error)
    assert "Component" in errors and "essentially zero" in errors
    assert "→ +∞ (a component collapsed)" in likelihood_svg(app)
    app.button(key="em2d.lesson.safe").click().run()
    assert_clean(app)
    assert app.text_input(key="em2d.reg").value == "0.01"
    assert "every variance keeps a floor of 0.01" in texts(app.success)
    app.button(key="em2d.lesson.unsafe").click().run()
    assert_clean(app)
    assert app.text_input(key="em2d.reg").value == "0.0"


def test_textbook_example_shows_both_fits():
    app = open_page(PAGE)
    app.button(key="em2d.lesson.textbook").click().run()
    assert_clean(app)
    table = app.dataframe[0].value
    assert list(table["log-likelihood"]) == ["-4034.25", "-4033.79"]
    assert table["weights"][1] == "0.400 / 0.203 / 0.396"
    app.button(key="em2d.lesson.continue").click().run()
    assert_clean(app)
    assert app.text_input(key="em2d.tol").value == "1e-08"
    assert "at log-likelihood -4033.79" in texts(app.markdown)
