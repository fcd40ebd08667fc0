"""The pure figure builders: colours, ellipses, 1-D densities, the log-likelihood chart."""

import base64
import json
import math

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from gmm_core.mixture import MixtureParams, e_step
from ui.figures import (
    PALETTE_HEX,
    PALETTE_RGB,
    UNASSIGNED_HEX,
    blend_colours,
    component_densities,
    component_hex,
    decrease_indices,
    ellipse_outline,
    encode_colours,
    figure_style,
    histogram_density,
    log_likelihood_figure,
    membership_bar_figure,
    mixture_figure_1d,
    mixture_figure_2d,
    point_marker,
)
from ui.figures.common import SpecFigure
from ui.figures.svg import log_likelihood_svg


def _params_2d(n_components=3, seed=0):
    rng = np.random.default_rng(seed)
    covariances = np.array([[[2.0, 0.5], [0.5, 1.0]]] * n_components)
    return MixtureParams(np.full(n_components, 1 / n_components),
                         rng.normal(scale=3, size=(n_components, 2)), covariances)


def _data_2d(n=400, seed=1):
    return np.random.default_rng(seed).normal(scale=3, size=(n, 2))


def _colour_of(code, colorscale, cmax):
    """The colour Plotly draws for a numeric marker colour ``code`` (exact at the stops)."""
    position = code / cmax if cmax else 0.0
    for stop, colour in colorscale:
        if math.isclose(stop, position, abs_tol=1e-12):
            return colour
    raise AssertionError(f"{code} falls between colorscale stops")


def _rgb(text):
    return tuple(int(v) for v in text[text.index("(") + 1:-1].split(","))


def _hex_rgb(code):
    return tuple(int(code[i:i + 2], 16) for i in (1, 3, 5))


def test_palette_is_okabe_ito_first_and_distinct():
    assert PALETTE_HEX[:7] == ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00",
                               "#56B4E9", "#F0E442")
    assert len(set(PALETTE_HEX)) == 10
    assert UNASSIGNED_HEX not in PALETTE_HEX
    assert component_hex(12) == component_hex(2)


def test_blend_of_a_certain_point_is_its_components_colour():
    responsibilities = np.eye(4)
    assert np.allclose(blend_colours(responsibilities), PALETTE_RGB[:4])
    half = blend_colours(np.array([[0.5, 0.5]]))
    assert np.allclose(half, (PALETTE_RGB[0] + PALETTE_RGB[1]) / 2)


def test_encoded_colours_reproduce_the_blend_to_within_a_rounding_step():
    responsibilities = np.random.default_rng(0).dirichlet(np.ones(3), size=2000)
    codes, colorscale, cmax = encode_colours(responsibilities)
    assert codes.dtype == np.uint16 and codes.shape == (2000,)
    assert len(colorscale) == cmax + 1 <= 1500
    drawn = np.array([_rgb(_colour_of(code, colorscale, cmax)) for code in codes[:300]])
    exact = blend_colours(responsibilities[:300]) * 255
    assert np.abs(drawn - exact).max() <= 255 * 1.5 / 32 * 3


def test_a_point_owned_by_one_component_gets_exactly_its_colour():
    responsibilities = np.array([[1.0, 0.0, 0.0], [0.0, 0.999, 0.001], [0.5, 0.5, 0.0]])
    codes, colorscale, cmax = encode_colours(responsibilities)
    drawn = [_rgb(_colour_of(code, colorscale, cmax)) for code in codes]
    assert drawn[0] == _hex_rgb(PALETTE_HEX[0])
    assert drawn[1] == _hex_rgb(PALETTE_HEX[1])
    halfway = (np.array(_hex_rgb(PALETTE_HEX[0])) + np.array(_hex_rgb(PALETTE_HEX[1]))) / 2
    assert np.abs(np.array(drawn[2]) - halfway).max() <= 1


def test_many_mixtures_fall_back_to_coarser_rounding():
    responsibilities = np.random.default_rng(1).dirichlet(np.ones(10), size=20_000)
    codes, colorscale, cmax = encode_colours(responsibilities, max_colours=500)
    assert cmax + 1 <= 500 and codes.max() == cmax


def test_encoding_a_single_colour():
    codes, colorscale, cmax = encode_colours(np.tile([0.0, 0.0, 1.0], (5, 1)))
    assert set(codes) == {0} and cmax == 1
    assert colorscale[0][1] == colorscale[1][1] == "rgb(0,158,115)"


def test_hard_labels_use_exactly_the_component_colours():
    responsibilities = np.array([[0.9, 0.1, 0.0], [0.2, 0.3, 0.5], [0.1, 0.8, 0.1]])
    marker = point_marker(responsibilities, figure_style(3), hard_labels=True)
    colours = [_colour_of(code, marker["colorscale"], marker["cmax"]) for code in marker["color"]]
    assert colours == [PALETTE_HEX[0], PALETTE_HEX[2], PALETTE_HEX[1]]


def test_points_are_grey_before_the_first_e_step():
    assert point_marker(None, figure_style(10))["color"] == UNASSIGNED_HEX


@pytest.mark.parametrize("n_sigma", [1.0, 2.0])
def test_ellipse_points_lie_at_n_sigma_mahalanobis_distance(n_sigma):
    mean = np.array([1.0, -2.0])
    covariance = np.array([[4.0, 1.2], [1.2, 1.0]])
    outline = ellipse_outline(mean, covariance, n_sigma)
    diffs = outline - mean
    distances = np.einsum("nd,de,ne->n", diffs, np.linalg.inv(covariance), diffs)
    assert np.allclose(np.sqrt(distances), n_sigma)


def test_a_collapsed_covariance_draws_a_segment_not_an_error():
    outline = ellipse_outline(np.zeros(2), np.array([[1.0, 1.0], [1.0, 1.0]]), 1.0)
    assert np.all(np.isfinite(outline))


def test_2d_figure_structure_and_component_colours():
    X, params = _data_2d(), _params_2d()
    responsibilities, _ = e_step(X, params)
    figure = mixture_figure_2d(X, params, responsibilities, figure_style(len(X)),
                               show_density=True, probe=(0.0, 0.0), feature_names=("a", "b"))
    spec = figure.spec
    types = [trace["type"] for trace in spec["data"]]
    assert types[0] == "contour" and types[1] == "scatter"
    ellipses = [t for t in spec["data"] if t.get("mode") == "lines"]
    assert len(ellipses) == 6
    for k in range(3):
        assert {t["line"]["color"] for t in ellipses if t["legendgroup"] == f"component-{k}"} \
            == {PALETTE_HEX[k]}
    means = [t for t in spec["data"] if t.get("name", "").startswith("mean")]
    assert [t["marker"]["color"] for t in means] == list(PALETTE_HEX[:3])
    assert spec["data"][-1]["name"] == "probe point"
    points = spec["data"][1]
    assert points["customdata"].dtype == np.uint8
    assert np.all(np.abs(points["customdata"].sum(axis=1).astype(int) - 100) <= 2)
    assert "r<sub>3</sub>" in points["hovertemplate"]
    assert spec["layout"]["yaxis"]["scaleanchor"] == "x"
    assert spec["layout"]["xaxis"]["title"]["text"] == "a"


def test_large_data_uses_webgl_and_compact_binary_arrays():
    X = np.random.default_rng(0).normal(size=(10_000, 2))
    params = _params_2d()
    responsibilities, _ = e_step(X, params)
    figure = mixture_figure_2d(X, params, responsibilities, figure_style(len(X)))
    serialised = json.loads(pio.to_json(figure, validate=False))
    points = serialised["data"][0]
    assert points["type"] == "scattergl"
    assert points["x"]["dtype"] == "f4" and "bdata" in points["x"]
    # WebGL colours travel as RGB triples: plotly.js reads them without parsing strings.
    assert points["marker"]["color"]["dtype"] == "u1"
    assert points["marker"]["color"]["shape"] == "10000, 3"
    assert "colorscale" not in points["marker"]
    assert points["customdata"]["dtype"] == "u1"
    # 2 x 4 bytes for coordinates, 3 for the colour and K = 3 for the hover, in base64: about
    # 19 bytes a point plus the ellipses; colour strings would cost 40 or more.
    assert len(pio.to_json(figure, validate=False)) < 27 * 10_000


def test_webgl_colours_are_the_blends_and_the_palette():
    responsibilities = np.random.default_rng(0).dirichlet(np.ones(3), size=3000)
    responsibilities[0] = [0.0, 1.0, 0.0]
    soft = point_marker(responsibilities, figure_style(3000))["color"]
    assert soft.shape == (3000, 3) and soft.dtype == np.uint8
    assert np.abs(soft / 255 - blend_colours(responsibilities)).max() <= 0.5 / 255 + 1e-12
    assert tuple(soft[0]) == _hex_rgb(PALETTE_HEX[1])
    hard = point_marker(responsibilities, figure_style(3000), hard_labels=True)["color"]
    expected = np.array([_hex_rgb(PALETTE_HEX[k]) for k in responsibilities.argmax(axis=1)])
    assert np.array_equal(hard, expected)


def test_spec_figure_is_a_full_go_figure_when_used_as_one():
    figure = mixture_figure_2d(_data_2d(), _params_2d(), None, figure_style(400))
    assert isinstance(figure, SpecFigure) and isinstance(figure, go.Figure)
    as_dict = figure.to_dict()
    assert as_dict["data"][0]["x"]["dtype"] == "f4"  # numpy arrays as typed arrays
    assert isinstance(figure.spec["data"][0]["x"], np.ndarray)  # the spec is left alone
    assert figure.data[1].line.color == PALETTE_HEX[0]
    figure.add_trace(go.Scatter(x=[0], y=[0], name="extra"))
    assert figure.to_dict()["data"][-1]["name"] == "extra"
    figure.update_layout(height=123)
    assert json.loads(pio.to_json(figure))["layout"]["height"] == 123


def test_density_contours_are_skipped_for_a_singular_covariance():
    params = MixtureParams(np.array([0.5, 0.5]), np.array([[0.0, 0.0], [1.0, 1.0]]),
                           np.array([np.eye(2), np.zeros((2, 2))]))
    figure = mixture_figure_2d(_data_2d(), params, None, figure_style(400), show_density=True)
    assert all(trace["type"] != "contour" for trace in figure.spec["data"])


def test_presentation_mode_enlarges_everything():
    normal, big = figure_style(500), figure_style(500, presentation=True)
    assert big.font_size > normal.font_size
    assert big.marker_size > normal.marker_size
    assert big.line_width > normal.line_width
    assert big.height > normal.height
    assert figure_style(100_000).marker_size < figure_style(100).marker_size


# --- 1-D ----------------------------------------------------------------------------------------


def _params_1d():
    return MixtureParams(np.array([0.3, 0.7]), np.array([[-2.0], [3.0]]),
                         np.array([[[1.0]], [[0.25]]]))


def test_histogram_is_a_density():
    x = np.random.default_rng(0).normal(size=5000)
    centres, widths, heights = histogram_density(x)
    assert len(centres) <= 80
    assert math.isclose(float((widths * heights).sum()), 1.0, rel_tol=1e-9)


def test_weighted_component_densities_integrate_to_their_weights():
    grid = np.linspace(-15, 15, 20_001)
    densities = component_densities(grid, _params_1d())
    areas = densities.sum(axis=1) * (grid[1] - grid[0])
    assert np.allclose(areas, [0.3, 0.7], atol=1e-6)


def test_zero_variance_component_is_a_spike_at_its_mean():
    params = MixtureParams(np.array([0.5, 0.5]), np.array([[0.0], [1.0]]),
                           np.array([[[1.0]], [[0.0]]]))
    densities = component_densities(np.array([0.5, 1.0, 1.5]), params)
    assert densities[1].tolist() == [0.0, math.inf, 0.0]


def test_1d_figure_structure():
    x = np.random.default_rng(0).normal(size=(300, 1))
    params = _params_1d()
    responsibilities, _ = e_step(x, params)
    spec = mixture_figure_1d(x, params, responsibilities, figure_style(300),
                             probe=0.5).spec
    names = [trace["name"] for trace in spec["data"]]
    assert names[0] == "histogram (density)"
    assert names[1].startswith("π₁ N(x | μ₁") and names[2].startswith("π₂")
    assert names[3] == "mixture density p(x)"
    assert names[4] == "data (rug)" and names[5] == "probe point"
    assert [spec["data"][k]["line"]["color"] for k in (1, 2)] == ["rgba(0,114,178,1)",
                                                                  "rgba(230,159,0,1)"]
    rug = spec["data"][4]
    assert np.all(rug["y"] < 0) and rug["customdata"].shape == (300, 2)
    mixture = spec["data"][3]["y"]
    assert np.allclose(mixture, spec["data"][1]["y"] + spec["data"][2]["y"], rtol=1e-5)


def test_1d_figure_keeps_its_y_range_across_steps():
    x = np.random.default_rng(0).normal(size=(300, 1))
    style = figure_style(300)
    ranges = {tuple(mixture_figure_1d(x, params, None, style).spec["layout"]["yaxis"]
                    ["range"])
              for params in (_params_1d(), None)}
    assert len(ranges) == 1


# --- log-likelihood chart and bars ---------------------------------------------------------------


def test_log_likelihood_chart_marks_the_current_step_and_convergence():
    values = [-120.0, -120.0, -100.0, -100.0, -99.5]
    figure = log_likelihood_figure(values, ["start", "E", "M", "E", "M"], 2, figure_style(100),
                                   lower_bounds=[None, -120.0, -101.0, -100.0, -99.6],
                                   status="converged").spec
    names = [trace["name"] for trace in figure["data"]]
    assert names == ["log-likelihood", "lower bound F(q, θ)", "now"]
    assert figure["data"][2]["x"] == [2]
    assert figure["layout"]["shapes"][0]["x0"] == 2
    assert figure["layout"]["annotations"][0]["text"] == "converged"
    # E-steps are hollow markers, the others filled.
    assert figure["data"][0]["marker"]["color"] == ["#333333", "white", "#333333", "white",
                                                    "#333333"]


def test_a_decrease_is_marked_in_red():
    values = [-10.0, -10.0, -12.0]
    assert decrease_indices(np.array(values)) == [2]
    figure = log_likelihood_figure(values, ["start", "E", "M"], 2, figure_style(10)).spec
    assert "decrease!" in [trace["name"] for trace in figure["data"]]


def test_round_off_is_not_a_decrease():
    assert decrease_indices(np.array([-1000.0, -1000.0 - 1e-11])) == []


def test_an_infinite_likelihood_leaves_a_gap_and_a_label():
    figure = log_likelihood_figure([-50.0, -50.0, math.inf], ["start", "E", "M"], 2,
                                   figure_style(10), status="collapsed").spec
    assert math.isnan(figure["data"][0]["y"][2])
    assert "+∞" in figure["layout"]["annotations"][0]["text"]
    assert json.loads(pio.to_json(log_likelihood_figure([-1.0, math.inf], ["start", "E"], 1,
                                                        figure_style(10))))


def test_membership_bars_one_per_component_in_its_colour():
    figure = membership_bar_figure([0.2, 0.7, 0.1], figure_style(10)).spec
    bars = figure["data"][0]
    assert list(bars["y"]) == [0.2, 0.7, 0.1]
    assert bars["marker"]["color"] == list(PALETTE_HEX[:3])
    assert bars["text"] == ["20.0%", "70.0%", "10.0%"]


def test_colours_follow_components_not_positions():
    # Swapping two components' parameters swaps the colours drawn at their places: the colour
    # is attached to the component index, so it never jumps between steps of one run.
    X = _data_2d()
    params = _params_2d()
    swapped = MixtureParams(params.weights[[1, 0, 2]], params.means[[1, 0, 2]],
                            params.covariances[[1, 0, 2]])
    first = mixture_figure_2d(X, params, None, figure_style(400)).spec["data"]
    second = mixture_figure_2d(X, swapped, None, figure_style(400)).spec["data"]
    assert np.allclose(first[1]["x"], second[3]["x"])
    assert first[1]["line"]["color"] == second[1]["line"]["color"] == PALETTE_HEX[0]


# --- the log-likelihood chart as inline SVG -------------------------------------------------


def test_svg_chart_has_one_circle_per_finite_half_step_with_its_numbers():
    svg = log_likelihood_svg([-120.0, -120.0, -100.0, -100.0, -99.5], ["start", "E", "M", "E", "M"],
                             2, lower_bounds=[None, -120.0, -101.0, -100.0, -99.6],
                             status="converged")
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert svg.count("<circle") == 5 + 1  # five half-steps and the ring around the current one
    assert "half-step 2: M-step, log-likelihood -100.000000, lower bound -101.000000" in svg
    assert svg.count('fill="white"') == 2  # the two E-steps are hollow
    assert ">converged</text>" in svg
    assert "nan" not in svg and "inf" not in svg


def test_svg_chart_marks_decreases_and_a_collapse():
    svg = log_likelihood_svg([-10.0, -10.0, -12.0, math.inf], ["start", "E", "M", "M"], 3,
                             status="collapsed")
    assert "the log-likelihood decreased at half-step 2" in svg
    assert "→ +∞ (a component collapsed)" in svg
    assert svg.count("<circle") == 3  # the infinite value has no circle (and no ring)


def test_svg_chart_handles_a_single_value_and_escapes_nothing_unsafe():
    svg = log_likelihood_svg([-5.0], ["start"], 0)
    assert svg.count("<circle") == 2
    assert "<script" not in svg


def _decoded(value):
    """Nested dicts and lists with every typed-array spec {"dtype", "bdata"[, "shape"]} read
    back into plain lists (what plotly.js sees)."""
    if isinstance(value, dict) and "bdata" in value and "dtype" in value:
        array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        if "shape" in value:
            array = array.reshape([int(n) for n in value["shape"].split(",")])
        return array.tolist()
    if isinstance(value, dict):
        return {key: _decoded(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_decoded(item) for item in value]
    if isinstance(value, np.ndarray):  # plotly.py leaves empty arrays unencoded
        return value.tolist()
    return value


def test_spec_figure_encodes_arrays_as_plotly_does():
    """SpecFigure's own encoder writes float and small-integer arrays exactly as plotly.py's
    convert_to_base64 does, and every array (int64 and empty ones as plain lists) holds the
    same values for plotly.js."""
    from _plotly_utils.utils import convert_to_base64

    X = _data_2d()
    responsibilities = np.random.default_rng(0).dirichlet(np.ones(3), size=len(X))
    figure = mixture_figure_2d(X, _params_2d(), responsibilities, figure_style(len(X)),
                               show_density=True)
    figure.spec["data"].append({"type": "scatter", "x": np.arange(4, dtype=np.int64),
                                "y": np.array([], dtype=float), "mode": "markers"})
    reference = _reference_copy(figure.spec)
    convert_to_base64(reference)
    ours = figure.to_dict()
    # The app's own traces (float32 and small integers): byte for byte.
    assert (pio.to_json({"data": ours["data"][:-1], "layout": ours["layout"]}, validate=False)
            == pio.to_json({"data": reference["data"][:-1], "layout": reference["layout"]},
                           validate=False))
    assert _decoded(ours) == _decoded(reference)
    assert ours["data"][-1]["x"] == [0, 1, 2, 3] and ours["data"][-1]["y"] == []
    assert any(trace.get("customdata", {}).get("shape") for trace in ours["data"])


def _reference_copy(value):
    if isinstance(value, dict):
        return {key: _reference_copy(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_reference_copy(item) for item in value]
    return value
