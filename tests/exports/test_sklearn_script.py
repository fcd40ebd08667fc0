""""The same in scikit-learn": the generated script, executed with the venv's Python for several
views, prints the weights, means and log-likelihood the page shows."""

import ast
import re
import subprocess
import sys

import numpy as np
import pytest

from gmm_core import datasets
from ui.exports import data_csv, export_file_names, needs_data_file, sklearn_script

from .views import make_view

COMPONENT = re.compile(r"^component (\d+): π_\d+ = (\S+), μ_\d+ = \(([^)]*)\)$", re.MULTILINE)
LOG_LIKELIHOOD = re.compile(r"^log-likelihood ℓ = (\S+) ", re.MULTILINE)


def blob_upload():
    """Overlapping generated blobs, uploaded as a CSV file."""
    data = datasets.make_blobs(400, 3, 2, spread=1.5, seed=4)
    return dict(X=data.X, feature_names=("width", "height"), data_name="my blobs.csv")


VIEWS = {
    "2-D full, M-step, regenerated data": dict(dataset="textbook", step=12),
    "2-D diag, E-step after iterations, inline data": dict(dataset="faithful", k=2, cov="diag",
                                                           step=5),
    "1-D tied, the start": dict(dataset="tutorial-1d", cov="tied", step=0),
    "1-D full, first E-step": dict(dataset="faithful-eruptions", k=2, step=1),
    "2-D spherical, E-step, uploaded CSV": dict(dataset="csv", cov="spherical", k=3, step=7,
                                                **blob_upload()),
    "2-D tied, converged, standardised": dict(dataset="five-blobs", k=5, cov="tied",
                                              standardise=True, init="random-responsibilities"),
}


@pytest.fixture(scope="module")
def script_runs(tmp_path_factory):
    """Every view's script, written to its own folder (with the data CSV when it needs it) and
    run with the venv's Python, all at once: name -> (view, run, completed process)."""
    started = {}
    for position, (name, settings) in enumerate(VIEWS.items()):
        view, run = make_view(**settings)
        folder = tmp_path_factory.mktemp(f"script{position}")
        script = folder / export_file_names(view).sklearn_script
        script.write_text(sklearn_script(view), encoding="utf-8")
        if needs_data_file(view):
            (folder / export_file_names(view).data_csv).write_text(data_csv(view))
        process = subprocess.Popen([sys.executable, script.name], cwd=folder, text=True,
                                   encoding="utf-8", stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE)
        started[name] = (view, run, process)
    finished = {}
    for name, (view, run, process) in started.items():
        stdout, stderr = process.communicate(timeout=600)
        finished[name] = (view, run, process.returncode, stdout, stderr)
    return finished


@pytest.mark.parametrize("name", list(VIEWS))
def test_the_script_prints_the_numbers_of_the_page(name, script_runs):
    view, run, returncode, output, stderr = script_runs[name]
    assert returncode == 0, stderr
    entry = run[view.index]
    components = COMPONENT.findall(output)
    assert [int(k) for k, _, _ in components] == list(range(1, view.n_components + 1)), output
    weights = np.array([float(weight) for _, weight, _ in components])
    means = np.array([[float(v) for v in mean.split(",")] for _, _, mean in components])
    assert np.allclose(weights, entry.params.weights, rtol=1e-8, atol=1e-10)
    assert np.allclose(means, entry.params.means, rtol=1e-8, atol=1e-8)
    log_likelihood = float(LOG_LIKELIHOOD.search(output).group(1))
    assert log_likelihood == pytest.approx(entry.log_likelihood, rel=1e-8)
    assert f"Half-step {view.index} (" in output


def test_the_script_is_complete_and_readable():
    view, _ = make_view("textbook", step=12)
    text = sklearn_script(view)
    tree = ast.parse(text)
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                for alias in node.names}
    assert {"GaussianMixture", "make_blobs", "ConvergenceWarning"} <= imported
    for argument in ("weights_init=weights_init", "means_init=means_init",
                     "precisions_init=precisions_init", "covariance_type='full'",
                     "reg_covar=1e-06", "tol=0.001", "max_iter=6"):
        assert argument in text
    assert "?dataset=textbook&k=3&cov=full" in text
    assert "gm.score(X) * len(X)" in text  # the total ℓ, not sklearn's per-point score


def test_a_view_before_the_first_m_step_reads_the_start_from_lower_bound():
    view, _ = make_view("textbook", step=1)
    text = sklearn_script(view)
    assert "max_iter=1," in text and "gm.lower_bound_ * len(X)" in text
    assert "weights, means = weights_init, means_init" in text
