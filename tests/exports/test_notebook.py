"""The notebook: valid nbformat v4 with explanations, needing only numpy, scipy, scikit-learn and
plotly; executed with a kernel from the venv, its numbers equal the app's to 1e-8."""

import json

import nbformat
import numpy as np
from nbclient import NotebookClient

from gmm_core import datasets
from ui.exports import data_csv, export_file_names, needs_data_file, notebook, notebook_json

from .views import make_view

# Appended by the tests only: what the notebook computed, as JSON on one line.
RESULT_CELL = """\
import json
print("RESULT " + json.dumps({
    "pi": pi.tolist(), "mu": mu.tolist(), "Sigma": np.asarray(Sigma).tolist(),
    "r": None if r is None else r.tolist(), "log_likelihoods": log_likelihoods}))
"""


def execute(view, folder):
    """Run the view's notebook (plus RESULT_CELL) in ``folder``; return (cells, result)."""
    node = notebook(view)
    node.cells.append(nbformat.v4.new_code_cell(RESULT_CELL))
    if needs_data_file(view):
        (folder / export_file_names(view).data_csv).write_text(data_csv(view))
    NotebookClient(node, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(folder)}}).execute()
    outputs = [output for cell in node.cells if cell.cell_type == "code"
               for output in cell.outputs]
    errors = [output for output in outputs if output.output_type == "error"]
    assert not errors, errors
    text = "".join(output.get("text", "") for output in outputs
                   if output.output_type == "stream")
    result = json.loads(text.split("RESULT ", 1)[1])
    return node, text, result


def assert_equals_the_app(result, view, run):
    entry = run[view.index]
    assert np.allclose(result["pi"], entry.params.weights, rtol=1e-8, atol=1e-12)
    assert np.allclose(result["mu"], entry.params.means, rtol=1e-8, atol=1e-10)
    assert np.allclose(result["Sigma"], entry.params.covariances, rtol=1e-8, atol=1e-10)
    expected = [step.log_likelihood for step in run.history[:view.index + 1]]
    assert np.allclose(result["log_likelihoods"], expected, rtol=1e-8, atol=0)
    shown = run.responsibilities_at(view.index)
    if shown is None:
        assert result["r"] is None
    else:
        assert np.allclose(result["r"], shown, rtol=0, atol=1e-8)


def test_the_notebook_reproduces_a_2d_m_step_view(tmp_path):
    view, run = make_view("textbook", step=12)
    node, text, result = execute(view, tmp_path)
    assert_equals_the_app(result, view, run)
    assert "largest differences from scikit-learn after 6 iteration(s)" in text
    assert "scikit-learn's lower_bound_ × N" in text


def test_the_notebook_reproduces_a_1d_e_step_view_from_the_offered_data_file(tmp_path):
    data = datasets.make_blobs(300, 3, 1, spread=1.8, seed=5)
    view, run = make_view("csv", X=data.X, feature_names=("length",), data_name="rods.csv",
                          cov="tied", step=9)
    assert run[9].kind == "E" and needs_data_file(view)
    node, text, result = execute(view, tmp_path)
    assert_equals_the_app(result, view, run)
    assert export_file_names(view).data_csv in node.cells[2].source


def test_the_notebook_is_valid_explained_and_independent_of_the_app():
    view, _ = make_view("faithful", k=2, cov="spherical", step=0)
    node = nbformat.reads(notebook_json(view), as_version=4)
    nbformat.validate(node)
    kinds = [cell.cell_type for cell in node.cells]
    assert kinds[0] == "markdown" and kinds.count("markdown") >= 7
    # every code cell follows an explanation
    assert all(kinds[i - 1] == "markdown" for i, kind in enumerate(kinds) if kind == "code"
               and i > 0 and kinds[i - 1] != "code")
    code = "\n".join(cell.source for cell in node.cells if cell.cell_type == "code")
    assert "gmm_core" not in code and "from ui" not in code and "import ui" not in code
    for needed in ("def e_step", "def m_step", "N_k = r.sum(axis=0)", "GaussianMixture(",
                   "warm_start=True", "max_iter=1", "precisions_init=precisions_init"):
        assert needed in code
    words = "\n".join(cell.source for cell in node.cells if cell.cell_type == "markdown")
    for symbol in ("r_{ik}", "\\pi_k", "N_k", "x_i", "lower_bound_"):
        assert symbol in words


def test_an_uploaded_file_name_is_never_markup_in_the_notebook():
    X = np.random.default_rng(0).normal(size=(30, 2))
    view, _ = make_view("csv", X=X, feature_names=("<img src=x>", "b"),
                        data_name="<script>alert(1)</script>.csv", k=2, step=2)
    text = notebook_json(view)
    assert "<script>" not in text and "<img" not in json.dumps(
        [cell["source"] for cell in json.loads(text)["cells"]
         if cell["cell_type"] == "markdown"])


def test_a_collapsed_view_gives_a_notebook_that_still_runs_to_the_end(tmp_path):
    X = np.array([[1.0, 1.0]] * 5 + [[5.0, 5.0], [6.0, 4.0], [5.5, 6.0], [4.0, 5.0]])
    view, run = make_view("csv", X=X, feature_names=("a", "b"), data_name="d.csv", k=2,
                          init="given-means", means=[[1.0, 1.0], [5.0, 5.0]], reg=0.0)
    assert run.status == "collapsed"
    node, text, result = execute(view, tmp_path)
    assert "a component has collapsed onto a point" in text
    # Up to the collapse the numbers agree; the collapsed step itself is round-off (the app's
    # Cholesky factorisation failed: ℓ = +∞; numpy's may just succeed with a huge ℓ).
    expected = [step.log_likelihood for step in run.history[:-1]]
    assert np.allclose(result["log_likelihoods"][:-1], expected, rtol=1e-8, atol=0)
    assert result["log_likelihoods"][-1] > expected[-1] + 100
