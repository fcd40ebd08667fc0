"""AppTest checks of the page "The mixture model": every control, the deep links, the hand-off."""

import re
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest

from gmm_core import generative
from gmm_core.generative import decode_spec, encode_spec
from gmm_core.means_only import means_only_data, surface_shape
from tests.pages.stepper_helpers import charts, texts
from tests.pages.stepper_helpers import decode as array
from ui.kit.step_rules import FinishedRun, advance
from ui.kit.stepping import BUTTON_NAMES
from ui.mixture_model import links
from ui.mixture_model.controls import component_key
from ui.mixture_model.state import DEFAULT_N, STATE
from ui.mixture_model.story import play_batch
from ui.mixture_model.surface import start_from_selection

PAGE = "pages/1_The_mixture_model.py"
DEFAULT_SPEC = generative.PRESET_SPECS[generative.DEFAULT_PRESET][1]


@pytest.fixture
def page(run_app):
    at = run_app(PAGE)
    assert not at.exception
    return at


def chart_with_trace(at, name: str) -> dict:
    found = [chart for chart in charts(at)
             if any(trace.get("name") == name for trace in chart["data"])]
    assert len(found) == 1, f"expected one chart with a trace {name!r}, found {len(found)}"
    return found[0]


def trace(chart: dict, name: str) -> dict:
    (found,) = [trace for trace in chart["data"] if trace.get("name") == name]
    return found


def sampling_title(at) -> str:
    titles = [chart["layout"].get("title", {}).get("text", "") for chart in charts(at)]
    (title,) = [title for title in titles if "points drawn" in title]
    return title


def button(at, label: str):
    (found,) = [candidate for candidate in at.button if candidate.label == label]
    return found


def step_button(at, label: str, bar: str = "surface"):
    """A stepping button of the means-only run: bar "surface" (section 5) or "bound" (6)."""
    found = at.button(key=STATE.step_button.key(f"{bar}.{BUTTON_NAMES[label]}"))
    assert found.label == label
    return found


def stepper_link(at) -> tuple[str, dict[str, str]]:
    """(link text, query) of the hand-off to the 2-D stepper (a page link or, when the page runs
    as its own script, a markdown link)."""
    for link in at.get("page_link"):
        if "EM in 2-D" in link.proto.label:
            return link.proto.label, {k: v[-1] for k, v in parse_qs(link.proto.query_string).items()}
    for markdown in at.markdown:
        match = re.fullmatch(r"\[(.+?) →\]\((EM_in_2-D\?.+)\)", markdown.value)
        if match:
            query = parse_qs(urlsplit(match.group(2)).query)
            return match.group(1), {key: values[-1] for key, values in query.items()}
    raise AssertionError("no link to the 2-D stepper on the page")


def url_spec(at) -> generative.MixtureSpec:
    return decode_spec(at.query_params["spec"][-1] if isinstance(at.query_params["spec"], list)
                       else at.query_params["spec"])


def query_value(at, name: str) -> str:
    value = at.query_params[name]
    return value[-1] if isinstance(value, list) else value


# --- the page as a whole -----------------------------------------------------------------------


def test_the_page_shows_the_model_the_story_and_the_formulas(page):
    assert [title.value for title in page.title] == ["The mixture model"]
    headers = [header.value for header in page.header]
    assert headers[0] == "1 · The model" and len(headers) == 8
    assert "6 · Why EM climbs" in headers and "7 · The Gaussian behind the ellipses" in headers
    dot = page.get("graphviz_chart")[0].proto.spec
    assert "subgraph cluster_plate" in dot and "fillcolor" in dot
    formulas = " ".join(m.value for m in page.markdown if m.value.startswith("$\\displaystyle"))
    for piece in (r"\sum_{k=1}^{K} \pi_k\, \mathcal{N}(x \mid \mu_k, \Sigma_k)",  # density
                  r"\log p(X \mid \theta) \;=\; \sum_{i=1}^{N} \log \sum_{k=1}^{K}",  # marginal
                  r"P(z = k \mid x, \theta)",  # posterior
                  r"\mathrm{Categorical}(\pi)"):
        assert piece in formulas
    assert any("exactly what EM's E-step computes" in m.value for m in page.markdown)
    assert not page.warning and not page.error


def test_the_url_holds_the_mixture_on_screen(page):
    assert url_spec(page) == DEFAULT_SPEC
    assert query_value(page, "n") == str(DEFAULT_N)
    assert query_value(page, "seed") == "0"


# --- the mixture controls ------------------------------------------------------------------------


@pytest.mark.parametrize("key", list(generative.PRESET_SPECS))
def test_the_preset_selector_loads_the_preset_into_the_sliders(page, key):
    page.selectbox(key=STATE.key("preset")).set_value(key).run()
    spec = generative.PRESET_SPECS[key][1]
    assert page.slider(key=STATE.key("k")).value == spec.n_components
    assert len(page.tabs) == spec.n_components
    assert url_spec(page) == spec


def test_the_number_of_components_adds_and_removes_components(page):
    page.slider(key=STATE.key("k")).set_value(5).run()
    spec = url_spec(page)
    assert spec.n_components == 5 and len(page.tabs) == 5
    # Components 1-3 keep their values, the new ones start at the spare layout.
    assert spec.components[:3] == DEFAULT_SPEC.components
    assert spec.components[3:] == generative.SPARE_COMPONENTS[3:]
    page.slider(key=STATE.key("k")).set_value(1).run()
    assert url_spec(page).components == DEFAULT_SPEC.components[:1]
    story = charts(page)[0]
    assert [t["name"] for t in story["data"] if t["name"].startswith("component")] == [
        "component 1", "component 1"]  # its 1- and 2-sigma ellipses


@pytest.mark.parametrize(("field", "value"), [("weight", 1.0), ("mean_x", 6.5),
                                              ("mean_y", -7.0), ("std_x", 2.5),
                                              ("std_y", 0.4), ("correlation", -0.9)])
def test_every_component_slider_changes_the_mixture(page, field, value):
    page.slider(key=component_key(1, field)).set_value(value).run()
    assert not page.exception
    spec = url_spec(page)
    assert getattr(spec.components[1], field) == value
    assert spec.components[0] == DEFAULT_SPEC.components[0]
    _label, query = stepper_link(page)
    assert decode_spec(query["spec"]) == spec
    # The drawn ellipse of component 2 follows its new mean / shape.
    ellipse = [t for t in charts(page)[0]["data"] if t["name"] == "component 2"][0]  # 1 sigma
    centre = (array(ellipse["x"])[:-1].mean(), array(ellipse["y"])[:-1].mean())
    np.testing.assert_allclose(centre, spec.components[1].mean, atol=1e-6)


def test_the_weights_are_shown_normalised(page):
    page.slider(key=component_key(0, "weight")).set_value(1.0).run()
    caption = [c.value for c in page.caption if c.value.startswith("The weights")][0]
    assert "π₁ = 0.59, π₂ = 0.24, π₃ = 0.18" in caption  # 1 / 1.7, 0.4 / 1.7, 0.3 / 1.7


def test_n_and_seed_choose_the_sample(page):
    page.number_input(key=STATE.key("n")).set_value(500).run()
    label, query = stepper_link(page)
    assert "500 points" in label and query["n"] == "500"
    table = page.dataframe[1].value
    assert table["points Nₖ"].sum() == 500
    button(page, "Draw 1").click().run()
    first = trace(charts(page)[0], "sample")
    page.number_input(key=STATE.key("seed")).set_value(5).run()
    assert stepper_link(page)[1]["dseed"] == "5" and query_value(page, "seed") == "5"
    other = trace(charts(page)[0], "sample")
    assert not np.array_equal(array(first["x"]), array(other["x"]))


# --- the generative story -----------------------------------------------------------------------


def test_the_draw_buttons_reveal_the_sample_progressively(page):
    assert sampling_title(page) == "0 of 300 points drawn"
    assert button(page, "Start over").disabled
    for label, total in (("Draw 1", 1), ("Draw 10", 11), ("Draw 100", 111), ("Draw all", 300)):
        button(page, label).click().run()
        assert sampling_title(page) == f"{total} of 300 points drawn"
    for label in ("Draw 1", "Draw 10", "Draw 100", "Draw all", "Play"):
        assert button(page, label).disabled
    counts = trace(chart_with_trace(page, "weight πₖ (set by you)"),
                   "fraction of the 300 draws")
    assert array(counts["customdata"]).sum() == 300
    button(page, "Start over").click().run()
    assert sampling_title(page) == "0 of 300 points drawn"


def test_the_story_names_the_component_of_the_newest_point(page):
    button(page, "Draw 1").click().run()
    sample = generative.sample_spec(DEFAULT_SPEC, 300, 0)
    z = int(sample.labels[0]) + 1
    assert any(m.value.startswith(f"**Draw 1:** the die gave z₁ = {z}") for m in page.markdown)
    newest = trace(charts(page)[0], "newest point")
    np.testing.assert_allclose([newest["x"][0], newest["y"][0]], sample.X[0])


def test_play_draws_by_itself_until_every_point_is_shown(page):
    page.number_input(key=STATE.key("n")).set_value(12).run()
    button(page, "Play").click().run()
    assert button(page, "Pause")
    first = int(sampling_title(page).split()[0])
    assert first == 1
    # run_every does not tick in AppTest: each run() stands for one tick.
    seen = [first]
    for _ in range(20):
        page.run()
        seen.append(int(sampling_title(page).split()[0]))
        if not [b for b in page.button if b.label == "Pause"]:
            break
    assert seen == sorted(seen) and seen[-1] == 12
    assert button(page, "Play").disabled  # everything is drawn
    assert not page.exception


def test_pause_stops_the_drawing(page):
    button(page, "Play").click().run()
    page.run()
    button(page, "Pause").click().run()
    paused_at = sampling_title(page)
    page.run()
    page.run()
    assert sampling_title(page) == paused_at
    assert not button(page, "Play").disabled


def test_hiding_the_colours_shows_the_data_as_em_sees_it(page):
    button(page, "Draw 100").click().run()
    page.toggle(key=STATE.key("hide_colours")).set_value(True).run()
    figure = charts(page)[0]
    assert "all EM sees" in figure["layout"]["title"]["text"]
    assert trace(figure, "sample")["marker"]["color"] == "#9E9E9E"
    assert not any(str(t.get("name", "")).startswith("component") for t in figure["data"])
    assert any("hidden" in info.value for info in page.info)
    page.toggle(key=STATE.key("hide_colours")).set_value(False).run()
    assert any(t["name"] == "component 1" for t in charts(page)[0]["data"])


def test_one_click_hands_the_sample_to_the_stepper(page):
    page.selectbox(key=STATE.key("preset")).set_value("two-separated").run()
    label, query = stepper_link(page)
    assert label == "Fit these 300 points with EM in 2-D (K = 2)"
    assert query == links.stepper_query(generative.PRESET_SPECS["two-separated"][1], 300, 0)
    (code,) = [code.value for code in page.code if "dataset=generated" in code.value]
    assert parse_qs(urlsplit(code).query) == {key: [value] for key, value in query.items()}


# --- deep links to this page -------------------------------------------------------------------


def test_a_link_reopens_the_same_mixture_and_sample(run_app):
    spec = generative.PRESET_SPECS["stretched"][1]
    at = run_app(PAGE, query_params={"spec": encode_spec(spec), "n": "120", "seed": "7"})
    assert not at.exception and not at.warning
    assert at.slider(key=STATE.key("k")).value == 2
    assert at.slider(key=component_key(0, "correlation")).value == 0.8
    assert at.number_input(key=STATE.key("n")).value == 120
    assert at.number_input(key=STATE.key("seed")).value == 7
    assert url_spec(at) == spec


def test_a_bad_link_is_reported_and_replaced_by_defaults(run_app):
    at = run_app(PAGE, query_params={"spec": "0.5_0_0_0_1_0", "n": "lots", "seed": "3"})
    assert not at.exception
    warnings = texts(at.warning)
    assert "std x = 0 is outside the allowed range" in warnings
    assert "n='lots' is not a whole number" in warnings
    assert url_spec(at) == DEFAULT_SPEC
    assert at.number_input(key=STATE.key("seed")).value == 3
    assert query_value(at, "n") == str(DEFAULT_N)


# --- the posterior -------------------------------------------------------------------------------


def test_the_probe_shows_the_posterior_of_each_component(page):
    page.number_input(key=STATE.key("probe_x")).set_value(-4.0).run()
    page.number_input(key=STATE.key("probe_y")).set_value(0.0).run()
    table = page.dataframe[0].value
    posterior = table["P(z = k | x)"].to_numpy()
    assert posterior[0] > 0.999 and posterior.sum() == pytest.approx(1.0)
    bars = [chart for chart in charts(page)
            if chart["layout"].get("yaxis", {}).get("title", {}).get("text") == "p(z = k | x)"]
    np.testing.assert_allclose(array(bars[0]["data"][0]["y"]), posterior)
    probe = trace(chart_with_trace(page, "probe point"), "probe point")
    assert probe["x"] == [-4.0] and probe["y"] == [0.0]
    page.number_input(key=STATE.key("probe_x")).set_value(2.5).run()
    page.number_input(key=STATE.key("probe_y")).set_value(1.0).run()
    shared = page.dataframe[0].value["P(z = k | x)"].to_numpy()
    assert shared[1] > 0.1 and shared[2] > 0.1  # between clusters 2 and 3 they share it


# --- labels known ----------------------------------------------------------------------------


def test_the_supervised_estimates_are_drawn_and_tabulated(page):
    table = page.dataframe[1].value
    assert list(table["component"]) == [1, 2, 3]
    sample = generative.sample_spec(DEFAULT_SPEC, 300, 0)
    counts = np.bincount(sample.labels, minlength=3)
    assert list(table["points Nₖ"]) == list(counts)
    assert list(table["π̂ estimated"]) == [f"{c / 300:.3f}" for c in counts]
    figure = chart_with_trace(page, "estimate 1")
    mean = trace(figure, "estimated mean 1")
    np.testing.assert_allclose([mean["x"][0], mean["y"][0]],
                               sample.X[sample.labels == 0].mean(axis=0))


def test_a_component_without_points_is_reported(page):
    page.number_input(key=STATE.key("n")).set_value(10).run()
    page.slider(key=component_key(2, "weight")).set_value(0.05).run()
    spec = url_spec(page)
    labels = generative.sample_spec(spec, 10, 0).labels
    if 2 in labels:  # the seed decides; find one where component 3 drew nothing
        for seed in range(1, 50):
            if 2 not in generative.sample_spec(spec, 10, seed).labels:
                page.number_input(key=STATE.key("seed")).set_value(seed).run()
                break
    assert any("produced no point" in warning.value for warning in page.warning)
    assert "no points" in list(page.dataframe[1].value["μ̂ estimated"])


# --- labels unknown: the surface -------------------------------------------------------------


def maxima_of(X) -> np.ndarray:
    return np.array([point.means for point in surface_shape(X).maxima])


def surface(at) -> dict:
    return chart_with_trace(at, "EM's path")


def half_step_text(at) -> str:
    (text,) = [m.value for m in at.markdown if m.value.startswith("Half-step")]
    return text


def test_the_step_buttons_walk_along_ems_path(page):
    assert half_step_text(page).startswith("Half-step **0**")
    assert step_button(page, "M-step").disabled and step_button(page, "Back").disabled
    assert step_button(page, "Reset").disabled
    step_button(page, "E-step").click().run()
    assert half_step_text(page).startswith("Half-step **1**")
    assert step_button(page, "E-step").disabled and not step_button(page, "M-step").disabled
    step_button(page, "M-step").click().run()
    assert half_step_text(page).startswith("Half-step **2**")
    assert len(array(trace(surface(page), "EM's path")["x"])) == 3
    step_button(page, "EM iteration").click().run()
    assert half_step_text(page).startswith("Half-step **4**")
    step_button(page, "Back").click().run()
    assert half_step_text(page).startswith("Half-step **3**")
    step_button(page, "Run to convergence").click().run()
    assert page.success and "converged" in page.success[0].value
    assert step_button(page, "EM iteration").disabled and step_button(page, "Run to convergence").disabled
    path = trace(surface(page), "EM's path")
    maxima = trace(surface(page), "maxima")
    end = np.array([array(path["x"])[-1], array(path["y"])[-1]])
    distances = np.hypot(array(maxima["x"]) - end[0], array(maxima["y"]) - end[1])
    assert distances.min() < 1e-2
    (log_likelihood,) = [chart for chart in charts(page) if chart["data"][0]["type"] == "scatter"
                         and chart["data"][0]["name"] == "log-likelihood"]
    values = array(log_likelihood["data"][0]["y"])
    assert len(values) == len(array(path["x"]))
    assert np.all(np.diff(values) >= -1e-9)
    step_button(page, "Reset").click().run()
    assert half_step_text(page).startswith("Half-step **0**")


def test_the_1d_view_colours_the_rug_after_an_e_step(page):
    rug = trace(chart_with_trace(page, "data (rug)"), "data (rug)")
    assert rug["marker"]["color"] == "#9E9E9E"
    step_button(page, "E-step").click().run()
    rug = trace(chart_with_trace(page, "data (rug)"), "data (rug)")
    assert "colorscale" in rug["marker"]


def test_the_start_inputs_move_the_start_and_rewind(page):
    step_button(page, "EM iteration").click().run()
    page.number_input(key=STATE.key("start_mu1")).set_value(3.0).run()
    page.number_input(key=STATE.key("start_mu2")).set_value(-4.0).run()
    start = trace(surface(page), "start")
    assert (start["x"], start["y"]) == ([3.0], [-4.0])
    assert half_step_text(page).startswith("Half-step **0**")
    step_button(page, "Run to convergence").click().run()
    path = trace(surface(page), "EM's path")
    assert array(path["x"])[-1] > 0 > array(path["y"])[-1]  # the maximum on its side of the mirror


def test_a_start_on_the_mirror_line_is_explained(page):
    page.number_input(key=STATE.key("start_mu1")).set_value(1.0).run()
    page.number_input(key=STATE.key("start_mu2")).set_value(1.0).run()
    assert any("a saddle, not a maximum" in warning.value for warning in page.warning)


def test_the_lecture_data_controls_change_the_surface(page):
    before = trace(surface(page), "maxima")
    page.slider(key=STATE.key("separation")).set_value(8.0).run()
    after = trace(surface(page), "maxima")
    gap_after = abs(array(after["x"])[0] - array(after["y"])[0])
    assert gap_after > abs(array(before["x"])[0] - array(before["y"])[0]) + 2
    expected = maxima_of(means_only_data(8.0, 200, 0))
    np.testing.assert_allclose(array(after["x"]), expected[:, 0])
    page.number_input(key=STATE.key("lecture_n")).set_value(500).run()
    page.number_input(key=STATE.key("lecture_seed")).set_value(3).run()
    expected = maxima_of(means_only_data(8.0, 500, 3))
    np.testing.assert_allclose(array(trace(surface(page), "maxima")["x"]), expected[:, 0])
    contour = trace(surface(page), "log-likelihood")
    assert contour["type"] == "contour"


# --- the pure helpers behind the controls ------------------------------------------------------


def test_play_reveals_one_at_a_time_then_faster_and_never_past_the_end():
    assert [play_batch(r, 300) for r in (0, 5, 9)] == [1, 1, 1]
    assert play_batch(40, 300) == 10 and play_batch(298, 300) == 2 and play_batch(300, 300) == 0


def test_step_targets_follow_the_kinds_of_half_steps():
    """The surface's buttons follow the kit's rules on the finished means-only run."""
    run = FinishedRun(("start", "E", "M", "E", "M"))

    def step_target(current, action):
        return advance(run, current, action)

    assert step_target(0, "E-step") == 1 and step_target(0, "M-step") == 0
    assert step_target(1, "M-step") == 2 and step_target(0, "EM iteration") == 2
    assert step_target(1, "EM iteration") == 2
    assert step_target(4, "EM iteration") == 4
    assert step_target(0, "Run to convergence") == 4
    assert step_target(3, "Back") == 2 and step_target(0, "Back") == 0
    assert step_target(3, "Reset") == 0
    with pytest.raises(ValueError, match="unknown action"):
        step_target(0, "Jump")


def test_a_click_on_the_surface_becomes_the_start():
    assert start_from_selection({"points": [{"x": 1.23456, "y": -2.0, "curve_number": 2}]}) == (
        1.23, -2.0)
    assert start_from_selection({"points": [{"x": 99.0, "y": 0.0}]}) == (20.0, 0.0)
    assert start_from_selection({"points": []}) is None
    assert start_from_selection(None) is None
    assert start_from_selection({"points": [{"x": "a", "y": 1}]}) is None


def test_presentation_mode_enlarges_every_figure(page):
    normal = {chart["layout"]["font"]["size"] for chart in charts(page)}
    page.toggle(key="presentation").set_value(True).run()
    assert not page.exception
    enlarged = {chart["layout"]["font"]["size"] for chart in charts(page)}
    assert min(enlarged) > max(normal)
