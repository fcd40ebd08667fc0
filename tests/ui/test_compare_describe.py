"""Text alternatives of the figures of "k-means vs EM" (ui.compare.describe): each describes
the state it is shown with, numbers included."""

import numpy as np

from gmm_core.comparison import fixed_sigma_run, load_comparison_preset
from gmm_core.em_run import EMRun
from gmm_core.initialisation import params_from_means
from gmm_core.kmeans import KMeansRun
from ui.compare import describe

NAMES = ("x1", "x2")


def _runs():
    data, start = load_comparison_preset("unequal-spreads")
    kmeans = KMeansRun(data.X, start)
    em = EMRun(data.X, params_from_means(data.X, start, "full"))
    return data, kmeans, em


def test_the_kmeans_figure_before_and_after_an_assignment():
    data, kmeans, _ = _runs()
    text = describe.kmeans_figure(0, kmeans[0], None, None, None, cells=True,
                                  feature_names=NAMES)
    assert text.startswith("k-means, half-step 0 (start, iteration 0): 2 centres: centre 1 at (")
    assert "not assigned yet" in text and "Shaded cells" in text
    assert text.endswith("Horizontal axis x1, vertical axis x2.")
    for _ in range(3):
        kmeans.step()
    labels = kmeans.labels_at(3)
    changed = int(np.count_nonzero(labels != kmeans.labels_at(1)))
    text = describe.kmeans_figure(3, kmeans[3], labels, changed, 12, cells=False,
                                  feature_names=NAMES)
    counts = np.bincount(labels, minlength=2)
    assert f"points per cluster: 1: {counts[0]}, 2: {counts[1]}" in text
    assert f"Inertia {kmeans[3].inertia:.6g}" in text
    assert f"{changed} point" in text and "changed cluster in this assignment" in text
    assert "12 points disagree with EM's hard labels (ringed in red)" in text
    assert "Shaded" not in text


def test_the_em_figure_lists_every_component_and_the_log_likelihood():
    data, _, em = _runs()
    em.extend_to(2)
    entry = em[2]
    text = describe.em_figure("EM", 2, entry, em.responsibilities_at(2), None, 0,
                              feature_names=("bill <b>", "mass"))
    assert text.startswith("EM, half-step 2 (M-step, iteration 1): 2 components; component 1: "
                           f"weight {entry.params.weights[0]:.3f}, mean (")
    assert "component 2: weight" in text and "1σ ellipse half-axes" in text
    assert "Every point agrees with k-means' clusters." in text
    assert text.endswith("Horizontal axis bill <b>, vertical axis mass.")  # escaped when shown
    start = describe.em_figure("EM", 0, em[0], None, None, None, feature_names=NAMES)
    assert "no responsibilities computed yet" in start


def test_the_half_axes_are_the_square_roots_of_the_covariance_eigenvalues():
    data, start = load_comparison_preset("stretched")
    run = fixed_sigma_run(data.X, start, 0.5)
    text = describe.em_figure("EM with a fixed σ", 0, run[0], None, None, None,
                              feature_names=NAMES)
    assert text.count("1σ ellipse half-axes 0.5 and 0.5") == 3


def test_the_curves_say_where_they_start_end_and_which_point_is_marked():
    text = describe.inertia_chart([None, 30.0, 20.0, 18.0, 18.0], 2, "converged")
    assert text == ("Inertia after each half-step, 5 computed: 30 at half-step 1, 18 at "
                    "half-step 4. Marked: half-step 2, 20. The run has converged.")
    assert describe.inertia_chart([None], 0, "running").startswith("No inertia yet")
    text = describe.likelihood_chart([-1200.0, -1200.0, -1130.5], [None, -1200.0, -1131.0], 1,
                                     "running")
    assert "-1 200.0000 at half-step 0, -1 130.5000 at half-step 2" in text
    assert text.endswith("Marked: half-step 1, -1 200.0000. Lower bound at half-step 1: "
                         "-1 200.0000.")
