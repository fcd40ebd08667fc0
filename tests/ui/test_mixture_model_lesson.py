"""The pure parts of the mixture-model page's lesson (issue #12): the sentences about the
surface, the notes of "Why EM climbs", the parameter-count formulas, the new figures."""

import re

import numpy as np
import pytest

from gmm_core.gaussian import covariance_2d
from gmm_core.means_only import means_only_data, means_only_path, surface_grid, surface_shape
from gmm_core.selection import n_parameters
from ui.figures.common import figure_style
from ui.mixture_model import surface_notes
from ui.mixture_model.bound import climb_note, climb_state
from ui.mixture_model.gaussian import COVARIANCE_TYPES, covariance_types_table
from ui.mixture_model.gaussian_figure import gaussian_figure
from ui.mixture_model.surface_figures import bound_figure


@pytest.mark.parametrize("name", ["spherical", "diag", "tied", "full"])
def test_the_parameter_count_formulas_are_the_ones_bic_uses(name):
    (formula,) = [f for n, _sigma, _assumes, f in COVARIANCE_TYPES if n == name]
    expression = formula.replace("·", "*")
    assert re.fullmatch(r"[KD0-9 ()*/+]+", expression)
    for K in range(1, 6):
        for D in range(1, 6):
            covariance = eval(expression, {"__builtins__": {}}, {"K": K, "D": D})  # noqa: S307
            assert (K - 1) + K * D + covariance == n_parameters(K, D, name)
    assert f"| {name} |" in covariance_types_table()


@pytest.mark.parametrize(("data", "start", "phrases", "absent"), [
    ((4.0, 200, 0), (-1.0, -0.5), ["one fit and its mirror image", "**saddle**"],
     ["no label switching", "different fits"]),
    ((0.5, 200, 1), (-1.0, -0.5), ["only maximum lies on the mirror line", "no label switching",
                                   "is a **maximum**", "1 maximum (star) and no saddles."],
     ["mirror image", "**saddle**"]),
    ((5.0, 10, 14), (-3.5, 2.0), ["**2 different fits**", "genuinely different local optima",
                                  "passes between different maxima"], ["no label switching"]),
])
def test_the_surface_is_described_as_computed(data, start, phrases, absent):
    X = means_only_data(*data)
    shape = surface_shape(X)
    text = surface_notes.surface_summary(shape, len(X))
    for phrase in phrases:
        assert phrase in text
    for phrase in absent:
        assert phrase not in text
    end = surface_notes.end_note(shape, means_only_path(X, *start))
    assert "Stopping proves no maximum" in end


def test_the_end_note_names_a_saddle_and_the_start_note_says_what_the_mirror_point_is():
    X = means_only_data(4.0, 200, 0)
    shape = surface_shape(X)
    end = surface_notes.end_note(shape, means_only_path(X, 1.0, 1.0))
    assert "the **saddle** on the mirror line, not a maximum" in end
    assert "a saddle, not a maximum" in surface_notes.start_note(shape, 1.0, 1.0)
    assert surface_notes.start_note(shape, 1.0, 1.5) is None
    close = surface_shape(means_only_data(0.5, 200, 1))
    assert "which for these data is the maximum." in surface_notes.start_note(close, 1.0, 1.0)


def test_the_climb_notes_follow_the_half_steps():
    X = means_only_data(4.0, 200, 0)
    path = means_only_path(X, -1.0, -0.5)
    start, e_state, m_state = (climb_state(X, path, index) for index in (0, 1, 2))
    assert start.q is None and "no q yet" in climb_note(start, 0)
    assert e_state.bound == pytest.approx(e_state.log_likelihood, rel=1e-12)
    assert "After an E-step" in climb_note(e_state, 0)
    np.testing.assert_allclose(e_state.top, path.means[2], rtol=1e-12)
    assert m_state.before == path.log_likelihoods[1]
    assert m_state.before <= m_state.bound <= m_state.log_likelihood
    note = climb_note(m_state, 1)
    assert "After an M-step" in note and "new μ₁" in note


def test_the_bound_figure_and_the_gaussian_figure_are_labelled():
    grid = np.linspace(-3, 3, 50)
    figure = bound_figure(grid, -grid**2, -grid**2 - 1, 1, 0.5, (0.0, 0.0, -1.0),
                          figure_style(200), top=(0.0, -1.0), before=-2.0)
    names = [trace.name for trace in figure.data]
    assert names[0] == "ℓ along μ₂ (μ₁ = 0.500)"
    assert "the gap ℓ − F = KL(q ‖ p(z | x, θ))" in names and "ℓ before this M-step" in names
    assert figure.layout.xaxis.title.text == "μ₂"
    draws = np.random.default_rng(0).normal(size=(100, 2))
    figure = gaussian_figure(covariance_2d(2.0, 1.0, 0.0), draws, figure_style(100),
                             coverage=True)
    names = [trace.name for trace in figure.data]
    assert "1σ ellipse: 39.3 % of the mass" in names and "2σ ellipse: 86.5 % of the mass" in names
    assert "95 % ellipse (c = 2.45σ)" in names
    assert surface_grid(means_only_data(4.0, 20, 0), 10).shape == (10,)


def test_the_descriptions_say_what_each_figure_shows_now():
    from gmm_core.generative import PRESET_SPECS, sample_spec, supervised_estimates
    from ui.mixture_model import describe

    spec = PRESET_SPECS["two-separated"][1]
    data = sample_spec(spec, 50, 0)
    params = spec.to_params()
    shown = describe.sampling(data.labels, 5, params, False, data.X)
    counts = np.bincount(data.labels[:5], minlength=2)
    assert shown.startswith("5 of 50 points drawn from 2 components")
    assert f"1: {counts[0]}, 2: {counts[1]}" in shown
    assert f"came from component {data.labels[4] + 1}." in shown
    hidden = describe.sampling(data.labels, 5, params, True, data.X)
    assert "hidden" in hidden and "came from" not in hidden
    assert "no draws yet" in describe.draw_counts(spec.weights, data.labels[:0])
    assert "component 2: π = 0.50, drawn" in describe.draw_counts(spec.weights, data.labels)
    assert "component 1: 0.250, component 2: 0.750" in describe.posterior(
        params, 50, (1.0, 2.0), [0.25, 0.75])
    estimates = supervised_estimates(data.X[:3], data.labels[:3] * 0, 2)
    assert "component 2: no points, no estimate" in describe.supervised(estimates, params, 3)
    X = means_only_data(0.5, 200, 1)
    path = means_only_path(X, -1.0, -0.5)
    shape = surface_shape(X)
    text = describe.surface(surface_grid(X, 20), shape, path, 0)
    assert "Saddles (crosses): none" in text and "has reached half-step 0" in text
    assert "no E-step has computed" in describe.one_d(200, path.means[0], False)
    assert "it never goes down" in describe.likelihood_curve(path.log_likelihoods)
    grid = np.linspace(-2, 2, 5)
    assert "No lower bound is drawn yet" in describe.bound("μ₁", "μ₂", 0.5, grid, -grid**2,
                                                           None, (0.0, 0.0, None), None)
    text = describe.gaussian(2.0, 1.0, 0.0, covariance_2d(2.0, 1.0, 0.0),
                             np.random.default_rng(0).normal(size=(100, 2)))
    assert "half-axes 2.00 and 1.00, the long one at 0.0°" in text and "39.3 %" in text
