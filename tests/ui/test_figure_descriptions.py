"""The text alternatives of the mixture figures and the log-likelihood chart (issue #14): every
number they state is the one the figure draws, in the state it draws."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from gmm_core.datasets import load_preset
from gmm_core.em_run import EMRun
from gmm_core.initialisation import initial_params
from gmm_core.mixture import MixtureParams
from ui.figures import describe
from ui.figures.common import PALETTE_NAMES
from ui.kit.text import log_likelihood


@pytest.fixture(scope="module")
def textbook_run():
    X = load_preset("textbook").X
    run = EMRun(X, initial_params(X, 3, "full", "k-means++", seed=0))
    for _ in range(8):
        run.step()
    return run


def test_the_2d_description_lists_every_component_with_its_numbers(textbook_run):
    run = textbook_run
    X, entry = run.X, run[4]
    responsibilities = run.responsibilities_at(4)
    text = describe.mixture_2d(X, entry.params, responsibilities, feature_names=("x1", "x2"))
    assert text.startswith("Scatter plot of 1250 points, x1 across and x2 up, coloured by their "
                           "responsibilities r_ik")
    counts = np.bincount(responsibilities.argmax(axis=1), minlength=3)
    assert counts.sum() == len(X)
    for k in range(3):
        mean = entry.params.means[k]
        deviations = np.sqrt(np.linalg.eigvalsh(entry.params.covariances[k]))[::-1]
        assert (f"component {k + 1} ({PALETTE_NAMES[k]}) at ({mean[0]:.4g}, {mean[1]:.4g}) with "
                f"weight π{'₁₂₃'[k]} = {entry.params.weights[k]:.3g}, standard deviations "
                f"{deviations[0]:.3g} and {deviations[1]:.3g} along its ellipse's axes, most "
                f"responsible for {counts[k]} points") in text
    assert "3 components, each drawn as a cross at its mean and ellipses around it" in text
    assert "probe" not in text and "contour" not in text


def test_the_2d_description_follows_the_display_options(textbook_run):
    run = textbook_run
    start = run[0]
    grey = describe.mixture_2d(run.X, start.params, None, feature_names=("a", "b"))
    assert "coloured grey: no responsibilities yet (the first E-step computes them)" in grey
    assert "most responsible" not in grey
    hard = describe.mixture_2d(run.X, run[2].params, run.responsibilities_at(2), hard_labels=True,
                               show_density=True, probe=(0.5, -1.25))
    assert "in the colour of their most responsible component (hard labels)" in hard
    assert "Grey contour lines show the mixture density p(x)." in hard
    assert hard.endswith("The probe point (a black star) is at (0.5, -1.25).")


def test_the_1d_description_gives_mean_spread_and_weight():
    X = load_preset("faithful-eruptions").X
    run = EMRun(X, initial_params(X, 2, "full", "k-means++", seed=0))
    run.step()
    params, responsibilities = run[1].params, run.responsibilities_at(1)
    text = describe.mixture_1d(X, params, responsibilities, feature_name="eruptions", probe=3.0)
    assert text.startswith(f"Histogram of {len(X)} points of eruptions on a density scale")
    counts = np.bincount(responsibilities.argmax(axis=1), minlength=2)
    for k in range(2):
        sigma = math.sqrt(params.covariances[k].ravel()[0])
        assert (f"component {k + 1} ({PALETTE_NAMES[k]}): mean μ{'₁₂'[k]} = "
                f"{params.means[k, 0]:.4g}, σ{'₁₂'[k]} = {sigma:.4g}, weight π{'₁₂'[k]} = "
                f"{params.weights[k]:.3g}, most responsible for {counts[k]} points") in text
    assert "2 weighted component densities π_k N(x | μ_k, σ²_k)" in text
    assert text.endswith("The probe point (a black star) is at 3.")


def test_what_an_e_step_and_an_m_step_did(textbook_run):
    run = textbook_run
    X = run.X
    # Half-step 3 is the second E-step: compare its colours with those of half-step 2 (= 1).
    now, before = run.responsibilities_at(3), run.responsibilities_at(2)
    changed = describe.changed_assignments(now, before)
    assert changed == int(np.sum(now.argmax(axis=1) != before.argmax(axis=1)))
    assert 0 < changed < len(X)
    assert describe.half_step_change("E", len(X), changed=changed) == (
        f"In this E-step {changed} of the 1250 points changed their most responsible component.")
    assert describe.half_step_change("E", len(X), changed=0) == (
        "In this E-step no point changed its most responsible component.")
    assert "first E-step" in describe.half_step_change("E", len(X), changed=None)
    moved = describe.half_step_change("M", len(X), params=run[4].params,
                                      previous_params=run[3].params)
    distances = np.linalg.norm(run[4].params.means - run[3].params.means, axis=1)
    assert moved.startswith(f"This M-step moved the means by {distances[0]:.3g} (component 1), ")
    assert f"and {distances[2]:.3g} (component 3)" in moved
    assert describe.half_step_change("start", len(X)) == ""


def test_the_chart_description_states_the_half_step_its_change_and_the_run(textbook_run):
    run = textbook_run
    values = [entry.log_likelihood for entry in run.history]
    kinds = [entry.kind for entry in run.history]
    bounds = [entry.lower_bound for entry in run.history]
    text = describe.log_likelihood_chart(values, kinds, 4, lower_bounds=bounds, status="running")
    assert text.startswith("Line chart of the log-likelihood ℓ(θ) after each half-step, 0 to 8 "
                           "(8 half-steps computed; E-steps as hollow circles). Marked: half-step 4 "
                           f"(M-step), ℓ = {log_likelihood(values[4])}.")
    assert f"This M-step raised ℓ by {log_likelihood(values[4] - values[3])}." in text
    assert (f"From {log_likelihood(values[0])} at the start to {log_likelihood(values[8])} at "
            "half-step 8.") in text
    gap = values[4] - bounds[4]
    assert (f"The lower bound F(q, θ) (dotted) is {log_likelihood(bounds[4])} here, "
            f"{log_likelihood(gap)} below ℓ.") in text
    assert text.endswith("The run has not stopped yet.")
    e_step = describe.log_likelihood_chart(values, kinds, 3, status="running")
    assert "This E-step did not change ℓ (to four decimals)." in e_step
    assert "decreased" not in e_step


def test_the_chart_description_of_a_finished_run_and_of_a_decrease():
    kinds = ["start", "E", "M", "E", "M"]
    converged = describe.log_likelihood_chart([-10.0, -10.0, -8.0, -8.0, -7.5], kinds, 4,
                                              status="converged")
    assert converged.endswith("The run converged at half-step 4.")
    fell = describe.log_likelihood_chart([-10.0, -10.0, -8.0, -8.0, -9.0], kinds, 4,
                                         status="max_iter")
    assert "This M-step lowered ℓ by 1.0000." in fell
    assert "highest -8.0000 at half-step 2" in fell
    assert "ℓ decreased at half-step 4 (red crosses)." in fell
    assert fell.endswith("The run stopped at the iteration limit at half-step 4.")
    collapsed = describe.log_likelihood_chart([-10.0, -10.0, math.inf], kinds[:3], 2,
                                              status="collapsed")
    assert "ℓ = +∞" in collapsed
    assert collapsed.endswith("A component collapsed at half-step 2: ℓ runs away to +∞.")


def test_membership_bars_in_percent_never_rounded_to_certainty():
    text = describe.membership_bars([0.99996, 0.00004, 0.0], point=(1.0, 2.0))
    assert text == ("Bar chart of the membership probabilities p(z = k | x) of the probe point at "
                    "(1, 2): component 1 (blue) > 99.9 %, component 2 (orange) < 0.1 % and "
                    "component 3 (bluish green) 0.0 %. The most likely component is component 1.")


def test_descriptions_name_untrusted_columns_as_given_for_escaping_where_shown():
    """The describer keeps a column name as it is (plain text); the page escapes it."""
    X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 2.0]])
    params = MixtureParams(weights=[1.0], means=[[1.0, 1.0]], covariances=[np.eye(2)])
    text = describe.mixture_2d(X, params, np.ones((3, 1)), feature_names=("<b>x</b>", "*y*"))
    assert "<b>x</b> across and *y* up" in text
    assert re.search(r"component 1 \(blue\) at \(1, 1\) with weight π₁ = 1, standard deviations "
                     r"1 and 1 along its ellipse's axes, most responsible for 3 points", text)
