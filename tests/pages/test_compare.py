"""AppTest checks of the page "k-means vs EM": every control, the paired stepping, hard EM,
the scenarios and the deep links."""

import base64
import json
import re

import numpy as np
import pytest

from gmm_core.comparison import COMPARISON_PRESETS, load_comparison_preset
from tests.pages.stepper_helpers import visible
from ui.compare.view import ACTIONS, button_key

PAGE = "pages/4_k-means_vs_EM.py"
KEY = "kmvem."
PLAY = KEY + "play_button.both.play"
PAUSE = KEY + "play_button.both.pause"


def decode(value) -> np.ndarray:
    """A figure JSON array: a plain list or Plotly's binary {"bdata", "dtype", "shape"}."""
    if isinstance(value, dict) and "bdata" in value:
        data = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        if "shape" in value:
            data = data.reshape([int(size) for size in str(value["shape"]).split(",")])
        return data
    return np.asarray(value)


def charts(at) -> list[dict]:
    """The page's figures: k-means, EM, inertia, log-likelihood (in that order)."""
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def trace_names(chart: dict) -> list[str]:
    return [trace.get("name", "") for trace in chart["data"]]


def param(at, name: str) -> str:
    """The value of a query parameter (the last one if repeated)."""
    value = at.query_params[name]
    return value[-1] if isinstance(value, list) else value


def positions(at) -> tuple[int, int]:
    """The half-steps on screen, read from the lines above the two figures."""
    kmeans_title, em_title = titles(at)
    return (int(re.search(r"half-step (\d+)", kmeans_title).group(1)),
            int(re.search(r"half-step (\d+)", em_title).group(1)))


def titles(at) -> tuple[str, str]:
    """The step lines above the two figures ("**k-means** · half-step 2: ...")."""
    found = [md.value for md in at.markdown if "· half-step" in md.value]
    assert len(found) == 2, found
    return found[0], found[1]


def metric(at, label: str, which: int = 0) -> str:
    return [m.value for m in at.metric if m.label == label][which]


def click(at, side: str, action: str):
    button = at.button(key=button_key(side, action))
    assert button.label == action
    assert not button.disabled, f"{side}: {action} is disabled"
    button.click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture
def page(run_app):
    at = run_app(PAGE)
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_opens_on_the_stretched_scenario_at_the_start(page):
    assert page.title[0].value == "k-means vs EM"
    assert positions(page) == (0, 0)
    assert len(charts(page)) == 4
    kmeans_chart, em_chart, inertia_chart, likelihood_chart = charts(page)
    assert "Voronoi cells" in trace_names(kmeans_chart)
    assert "component 1" in trace_names(em_chart)
    assert inertia_chart["layout"]["yaxis"]["title"]["text"].startswith("inertia")
    assert likelihood_chart["layout"]["yaxis"]["title"]["text"] == "log-likelihood"
    # no labels yet: ARI and inertia are not defined at the start
    assert metric(page, "Inertia (sum of squared distances)") == "—"
    assert metric(page, "Adjusted Rand index vs truth", 1) == "—"
    assert any("cut across long clusters" in info.value for info in page.info)
    assert param(page, "dataset") == "stretched"
    assert param(page, "init") == "preset"
    # the three stepping bars: 6 buttons each, Play on the shared one
    labels = [button.label for button in page.button]
    assert labels.count("E-step") == 3 and labels.count("Reset") == 3 and "Play" in labels
    assert page.button(key=button_key("both", "M-step")).disabled
    assert page.button(key=button_key("both", "Back")).disabled


def test_both_together_steps_assign_with_e_and_update_with_m(page):
    click(page, "both", "E-step")
    assert positions(page) == (1, 1)
    kmeans_title, em_title = titles(page)
    assert "assign (E-step)" in kmeans_title and "E-step" in em_title
    assert metric(page, "Inertia (sum of squared distances)") != "—"
    assert float(metric(page, "Adjusted Rand index vs truth", 0)) <= 1.0
    assert page.button(key=button_key("both", "E-step")).disabled
    click(page, "both", "M-step")
    assert positions(page) == (2, 2)
    assert "update (M-step)" in titles(page)[0] and "M-step" in titles(page)[1]
    click(page, "both", "EM iteration")
    assert positions(page) == (4, 4)
    assert param(page, "step") == "4"
    click(page, "both", "Back")
    assert positions(page) == (3, 3)
    click(page, "both", "Run to convergence")
    kmeans_index, em_index = positions(page)
    assert kmeans_index > 4 and em_index > 4
    captions = [caption.value for caption in page.caption]
    assert any(caption.startswith("k-means · converged at half-step") for caption in captions)
    assert any(caption.startswith("EM · converged at half-step") for caption in captions)
    assert page.button(key=button_key("both", "EM iteration")).disabled
    assert "converged" in json.dumps(charts(page)[2]["layout"].get("annotations", []))
    click(page, "both", "Reset")
    assert positions(page) == (0, 0)


def test_each_side_steps_alone(page):
    click(page, "kmeans", "E-step")
    assert positions(page) == (1, 0)
    click(page, "kmeans", "M-step")
    click(page, "kmeans", "EM iteration")
    assert positions(page) == (4, 0)
    click(page, "em", "EM iteration")
    assert positions(page) == (4, 2)
    click(page, "em", "E-step")
    click(page, "em", "M-step")
    assert positions(page) == (4, 4)
    click(page, "em", "Back")
    click(page, "kmeans", "Reset")
    assert positions(page) == (0, 3)
    # out of phase: the shared bar offers whatever either run can take
    assert not page.button(key=button_key("both", "E-step")).disabled
    assert not page.button(key=button_key("both", "M-step")).disabled
    click(page, "both", "M-step")  # only EM's next half-step is an M-step
    assert positions(page) == (0, 4)
    click(page, "em", "Reset")
    click(page, "em", "Run to convergence")
    click(page, "kmeans", "Run to convergence")
    click(page, "kmeans", "Back")
    assert positions(page)[0] > 0
    assert "step" not in page.query_params  # the two runs stand at different steps


def test_disagreements_are_counted_and_ringed_in_both_figures(page):
    click(page, "both", "Run to convergence")
    text = " ".join(md.value for md in page.markdown)
    match = re.search(r"disagree on (\d+) of 600 points", text)
    assert match and int(match.group(1)) > 50
    kmeans_chart, em_chart = charts(page)[:2]
    for chart in (kmeans_chart, em_chart):
        (rings,) = [t for t in chart["data"] if t.get("name") == "k-means and EM disagree"]
        assert len(decode(rings["x"])) == int(match.group(1))
    # the mixture wins on this scenario
    kmeans_ari = float(metric(page, "Adjusted Rand index vs truth", 0))
    em_ari = float(metric(page, "Adjusted Rand index vs truth", 1))
    assert kmeans_ari < 0.6 < 0.9 < em_ari


def test_soft_em_with_a_tiny_fixed_sigma_follows_kmeans_step_for_step(page):
    page.sidebar.toggle(key=KEY + "fixed_sigma").set_value(True).run()
    page.sidebar.select_slider(key=KEY + "sigma").set_value(1e-4).run()
    assert not page.exception
    for _ in range(3):
        click(page, "both", "EM iteration")
        gap = float(metric(page, "Largest gap between EM's means and k-means' centres"))
        assert gap < 1e-9
        assert metric(page, "Points with a soft responsibility (largest < 0.99)") == "0%"
    assert "EM with a fixed σ" in titles(page)[1]
    assert param(page, "sigma") == "0.0001" and "cov" not in page.query_params
    # a larger sigma: soft points appear, EM redraws at the same half-step as k-means
    page.sidebar.select_slider(key=KEY + "sigma").set_value(1.0).run()
    assert positions(page) == (6, 6)
    assert float(metric(page, "Largest gap between EM's means and k-means' centres")) > 0.01
    assert metric(page, "Points with a soft responsibility (largest < 0.99)") != "0%"
    em_chart = charts(page)[1]
    assert "component 1" in trace_names(em_chart)  # the stepper's ellipses (circles here)
    page.sidebar.toggle(key=KEY + "fixed_sigma").set_value(False).run()
    assert not page.exception and "cov" in page.query_params


@pytest.mark.parametrize("scenario", list(COMPARISON_PRESETS))
def test_every_scenario_brings_its_k_and_start(page, scenario):
    page.sidebar.selectbox(key=KEY + "scenario").set_value(scenario).run()
    assert not page.exception
    preset = COMPARISON_PRESETS[scenario]
    assert page.sidebar.slider(key=KEY + "k").value == preset.n_components
    assert page.sidebar.selectbox(key=KEY + "start").value == "preset"
    _, start = load_comparison_preset(scenario)
    centres = [trace for trace in charts(page)[0]["data"]
               if trace.get("name", "").startswith("centre ")]
    np.testing.assert_allclose([[c["x"][0], c["y"][0]] for c in centres], start)
    assert any(preset.lesson == info.value for info in page.info)


def test_k_start_seed_and_covariance_controls(page):
    page.sidebar.slider(key=KEY + "k").set_value(4).run()
    assert any("has 3 centres but K = 4" in info.value for info in page.info)
    centres = [t for t in charts(page)[0]["data"] if t.get("name", "").startswith("centre ")]
    assert len(centres) == 4
    page.sidebar.selectbox(key=KEY + "start").set_value("random-points").run()
    first = [t["x"][0] for t in charts(page)[0]["data"] if t.get("name", "").startswith("centre")]
    page.sidebar.number_input(key=KEY + "seed").set_value(7).run()
    second = [t["x"][0] for t in charts(page)[0]["data"] if t.get("name", "").startswith("centre")]
    assert first != second
    assert param(page, "seed") == "7" and param(page, "init") == "random-points"
    page.sidebar.selectbox(key=KEY + "start").set_value("k-means++").run()
    page.sidebar.selectbox(key=KEY + "cov").set_value("spherical").run()
    click(page, "both", "Run to convergence")
    assert param(page, "cov") == "spherical"


def test_display_toggles(page):
    page.sidebar.toggle(key=KEY + "cells").set_value(False).run()
    assert "Voronoi cells" not in trace_names(charts(page)[0])
    normal_font = charts(page)[1]["layout"]["font"]["size"]
    page.sidebar.toggle(key="presentation").set_value(True).run()
    assert charts(page)[1]["layout"]["font"]["size"] > normal_font


def test_play_pause_and_speed(page):
    play = page.button(key=PLAY)
    assert play.label == "Play"
    play.click().run()
    assert page.button(key=PAUSE).label == "Pause"
    page.select_slider(key=KEY + "speed").set_value(4.0).run()
    page.button(key=PAUSE).click().run()
    assert page.button(key=PLAY).label == "Play"


def test_any_data_set_through_the_steppers_picker(page):
    page.sidebar.selectbox(key=KEY + "scenario").set_value("any").run()
    assert page.sidebar.selectbox(key=KEY + "start").value == "k-means++"
    assert "preset" not in page.sidebar.selectbox(key=KEY + "start").options
    page.sidebar.selectbox(key=KEY + "dataset").set_value("blobs").run()
    page.sidebar.number_input(key=KEY + "n").set_value(300).run()
    assert not page.exception
    assert len(decode(charts(page)[1]["data"][0]["x"])) == 300
    click(page, "both", "EM iteration")
    assert param(page, "dataset") == "blobs" and param(page, "n") == "300"
    page.sidebar.selectbox(key=KEY + "dataset").set_value("faithful").run()
    click(page, "both", "E-step")
    # Old Faithful has no labels: no adjusted Rand index
    assert metric(page, "Adjusted Rand index vs truth", 0) == "—"
    # its columns span 3.5 and 53 minutes: the figure gives up equal units
    assert "scaleanchor" not in charts(page)[0]["layout"]["yaxis"]


def test_a_deep_link_reopens_the_view(run_app):
    at = run_app(PAGE, {"dataset": "bad-start", "init": "random-points", "seed": "4",
                        "sigma": "0.1", "step": "4"})
    assert not at.exception and not at.warning
    assert positions(at) == (4, 4)
    assert at.sidebar.selectbox(key=KEY + "scenario").value == "bad-start"
    assert at.sidebar.toggle(key=KEY + "fixed_sigma").value is True
    assert at.sidebar.toggle(key=KEY + "hard").value is False
    assert at.sidebar.select_slider(key=KEY + "sigma").value == 0.1
    assert at.sidebar.number_input(key=KEY + "seed").value == 4
    assert param(at, "sigma") == "0.1" and param(at, "step") == "4"


def test_bad_link_values_are_reported_and_replaced(run_app):
    at = run_app(PAGE, {"dataset": "nope", "k": "abc", "init": "k-means", "sigma": "7",
                        "seed": "-3"})
    assert not at.exception
    (warning,) = at.warning
    for fragment in ("dataset='nope'", "k='abc'", "init='k-means'", "sigma='7'", "seed='-3'"):
        assert fragment in visible(warning.value)
    assert at.sidebar.toggle(key=KEY + "fixed_sigma").value is False
    click(at, "both", "EM iteration")
    # the warning stays while the view is the link's view and goes once the user changes it
    assert at.warning
    at.sidebar.number_input(key=KEY + "seed").set_value(2).run()
    assert not at.warning


def test_a_sigma_between_the_offered_values_snaps_to_the_nearest(run_app):
    at = run_app(PAGE, {"sigma": "0.012"})
    assert at.sidebar.select_slider(key=KEY + "sigma").value == 0.01
    assert "nearest, 0.01" in visible(at.warning[0].value)


def test_every_action_has_a_button_on_every_bar(page):
    for side in ("both", "kmeans", "em"):
        for action in ACTIONS:
            assert page.button(key=button_key(side, action)).label == action


def test_the_preset_start_is_refused_for_other_data_sets(run_app):
    at = run_app(PAGE, {"dataset": "five-blobs", "init": "preset", "k": "5"})
    assert not at.exception
    assert "init=preset is the start of a teaching scenario" in visible(at.warning[0].value)
    assert at.sidebar.selectbox(key=KEY + "scenario").value == "any"
    assert at.sidebar.selectbox(key=KEY + "start").value == "k-means++"
    assert param(at, "dataset") == "five-blobs" and param(at, "k") == "5"


def test_links_carry_the_columns_picked_for_penguins_and_iris(page, run_app):
    """A lost feature of the old page: its links reopened the default columns."""
    page.sidebar.selectbox(key=KEY + "scenario").set_value("any").run()
    page.sidebar.selectbox(key=KEY + "dataset").set_value("penguins").run()
    page.sidebar.multiselect(key=KEY + "columns.penguins").set_value(
        ["flipper_length_mm", "body_mass_g"]).run()
    assert not page.exception
    assert param(page, "cols") == "flipper_length_mm,body_mass_g"
    assert charts(page)[0]["layout"]["xaxis"]["title"]["text"] == "flipper_length_mm"
    query = {name: param(page, name) for name in page.query_params}
    reopened = run_app(PAGE, query)
    assert not reopened.exception and not reopened.warning
    assert reopened.sidebar.multiselect(key=KEY + "columns.penguins").value == [
        "flipper_length_mm", "body_mass_g"]
    assert charts(reopened)[1]["layout"]["yaxis"]["title"]["text"] == "body_mass_g"


# --- issue #12: hard EM, true notes, one notation -------------------------------------------------


def captions(at) -> list[str]:
    return [caption.value for caption in at.caption]


def markdown_text(at) -> str:
    return "\n".join(visible(md.value) for md in at.markdown)


@pytest.mark.parametrize("sigma", [1e-4, 0.3, 2.0])
def test_hard_em_with_a_fixed_sigma_is_kmeans_at_any_sigma(page, sigma):
    page.sidebar.toggle(key=KEY + "hard").set_value(True).run()
    page.sidebar.toggle(key=KEY + "fixed_sigma").set_value(True).run()
    page.sidebar.select_slider(key=KEY + "sigma").set_value(sigma).run()
    assert titles(page)[1].startswith("**Hard EM with a fixed σ**")
    for _ in range(3):
        click(page, "both", "EM iteration")
        assert metric(page, "Largest gap between EM's means and k-means' centres") == "0"
        assert metric(page, "Points with a soft responsibility (largest < 0.99)") == "0%"
        assert "agree on all 600 points at the half-step shown" in markdown_text(page)
    click(page, "both", "Run to convergence")
    assert positions(page)[0] == positions(page)[1]
    assert metric(page, "Inertia (sum of squared distances)") != "—"
    assert any(caption.startswith("Hard EM with a fixed σ · converged at half-step")
               and "returned exactly the parameters it started from" in caption
               for caption in captions(page))
    assert param(page, "hard") == "1" and param(page, "sigma") == f"{sigma:g}"


def test_soft_em_with_a_fixed_sigma_is_soft_and_not_kmeans(page):
    page.sidebar.toggle(key=KEY + "fixed_sigma").set_value(True).run()
    click(page, "both", "EM iteration")
    # the default σ = 0.3 × spread: visibly soft, and the means are not k-means' centres
    soft = metric(page, "Points with a soft responsibility (largest < 0.99)")
    assert soft not in ("0%", "—") and float(metric(
        page, "Largest gap between EM's means and k-means' centres")) > 0.01
    assert "tends to k-means as σ → 0" in " ".join(
        expander.label for expander in page.expander) or any(
        "tends to k-means" in expander.label for expander in page.expander)


def test_hard_em_with_learnt_covariances_is_offered_and_linked(run_app):
    at = run_app(PAGE, {"dataset": "unequal-spreads", "hard": "1", "step": "2"})
    assert not at.exception and not at.warning
    assert at.sidebar.toggle(key=KEY + "hard").value is True
    assert titles(at)[1].startswith("**Hard EM** · half-step 2")
    em_chart = charts(at)[1]
    assert "component 1" in trace_names(em_chart)
    click(at, "both", "Run to convergence")
    assert any(caption.startswith("Hard EM · converged") for caption in captions(at))
    assert any("classification log-likelihood" in caption for caption in captions(at))
    assert param(at, "hard") == "1" and "sigma" not in at.query_params


def test_bad_hard_value_is_reported(run_app):
    at = run_app(PAGE, {"hard": "maybe"})
    assert not at.exception
    assert "hard='maybe' is not 1 or 0" in visible(at.warning[0].value)
    assert at.sidebar.toggle(key=KEY + "hard").value is False


def test_the_notes_say_how_each_run_ended_and_what_it_proves(page):
    # (the runs are shared: another test may have finished them already)
    assert any(caption.startswith("k-means · has not stopped: the next half-step is the assign")
               or caption.startswith("k-means · the run ends at half-step")
               for caption in captions(page))
    click(page, "both", "Run to convergence")
    em_note = next(caption for caption in captions(page) if caption.startswith("EM ·"))
    assert "changed ℓ by less than tol = 0.001 per point" in em_note
    assert "proves no maximum" in em_note
    kmeans_note = next(c for c in captions(page) if c.startswith("k-means ·"))
    assert "not necessarily the lowest inertia" in kmeans_note
    # going back: the note says where the run ends and which half-step this is
    last = positions(page)[1]
    click(page, "both", "Reset")
    assert f"EM · the run ends at half-step {last} (converged); this is half-step 0." in (
        captions(page))


def test_the_disagreement_sentence_names_the_half_steps_when_they_differ(page):
    click(page, "both", "EM iteration")
    click(page, "em", "EM iteration")
    text = markdown_text(page)
    assert "at the half-steps shown (k-means at 2, EM at 4)" in text


def test_a_scenarios_lesson_names_its_settings_once_they_change(page):
    lesson = COMPARISON_PRESETS["stretched"].lesson
    assert any(info.value == lesson for info in page.info)
    page.sidebar.selectbox(key=KEY + "cov").set_value("spherical").run()
    (note,) = [info.value for info in page.info if lesson in info.value]
    assert note.startswith("This scenario's lesson, for its own start, K = 3 and EM with full")


def test_notation_and_glossary_map_the_reference_texts_symbols(page):
    (notation,) = [expander for expander in page.expander
                   if expander.label == "Notation on this page"]
    text = " ".join(md.value for md in notation.markdown)
    for symbol in ("π_k", "r_ik", "N_k", "= Σ_i r_ik", "x_i", "component k", "N(x | μ, Σ)",
                   "z_i", "inertia", "spread", "Adjusted Rand index", "δ(Y_j = k, x_j)"):
        assert symbol in text, symbol
    (glossary,) = [expander for expander in page.expander
                   if expander.label.startswith("Notation, and how the textbook")]
    table = " ".join(md.value for md in glossary.markdown)
    for symbol in (r"\phi", "w_j^{(i)}", "m_c", "r_{ic}", "$c$", "x^{(i)}"):
        assert symbol in table, symbol


def test_a_link_beyond_the_end_of_both_runs_says_where_each_ends(run_app):
    at = run_app(PAGE, {"dataset": "unequal-spreads", "step": "2001"})
    assert not at.exception
    kmeans_index, em_index = positions(at)
    (note,) = [info.value for info in at.info if info.value.startswith("The link asks")]
    assert note == (f"The link asks for half-step 2001, but k-means ends at half-step "
                    f"{kmeans_index} and EM ends at half-step {em_index}: each is shown at its "
                    "last half-step.")
