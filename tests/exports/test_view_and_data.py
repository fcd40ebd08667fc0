"""The export view, its file names, the responsibilities it shows, and how the data reaches the
notebook and the script (regenerated, inline, or the data CSV)."""

import json
import subprocess
import sys

import numpy as np
import pytest

from gmm_core import datasets
from ui.exports import (
    ExportView,
    data_csv,
    data_source,
    export_file_names,
    needs_data_file,
    shown_responsibilities,
)
from ui.exports.code import INLINE_MAX_VALUES

from .views import make_view, standardised


def test_file_names_describe_the_view():
    view, _ = make_view("textbook", step=12)
    names = export_file_names(view)
    assert names.run_html == "em-2d-textbook-k3-full-seed0.html"
    assert names.figure_svg == "em-2d-textbook-k3-full-seed0-step12.svg"
    assert names.figure_png == "em-2d-textbook-k3-full-seed0-step12.png"
    assert names.history_csv == "em-2d-textbook-k3-full-seed0-history.csv"
    assert names.history_json == "em-2d-textbook-k3-full-seed0-history.json"
    assert names.notebook == "em-2d-textbook-k3-full-seed0-step12.ipynb"
    assert names.sklearn_script == "em-2d-textbook-k3-full-seed0-step12-sklearn.py"
    assert names.data_csv == "em-2d-textbook-k3-full-seed0-data.csv"


def test_file_names_carry_what_differs_from_the_defaults_and_nothing_unsafe():
    blobs, _ = make_view("blobs-1d", n=300, k=2, cov="tied", init="random-points", seed=7,
                         reg=0.0, step=3, standardise=True)
    assert export_file_names(blobs).figure_svg == (
        "em-1d-blobs-1d-n300-std-k2-tied-random-points-seed7-reg0-step3.svg")
    X = np.random.default_rng(0).normal(size=(40, 2))
    upload, _ = make_view("csv", X=X, feature_names=("a", "b"),
                          data_name="../My Data <b>2024</b>.CSV", k=2)
    assert export_file_names(upload).run_html == "em-2d-csv-my-data-b-2024-b-k2-full-seed0.html"


def test_the_view_refuses_inconsistent_inputs():
    view, run = make_view("textbook", max_iter=2)
    common = dict(feature_names=view.feature_names, data_name="t", query=view.query,
                  history=run.history, status="max_iter", reg_covar=1e-6, tol=1e-3,
                  max_iter=2, seed=0, init="k-means++")
    with pytest.raises(ValueError, match="outside the history"):
        ExportView(X=view.X, index=len(run), **common)
    with pytest.raises(ValueError, match="feature"):
        ExportView(X=view.X[:, :1], index=0, **common)
    with pytest.raises(ValueError, match="status"):
        ExportView(X=view.X, index=0, **dict(common, status="finished"))


def test_shown_responsibilities_are_the_runs_at_every_half_step():
    view, run = make_view("faithful", k=2, cov="tied", max_iter=6)
    assert shown_responsibilities(view.history, 0, view.X) is None
    for index in range(1, len(run)):
        expected = run.responsibilities_at(index)
        assert np.allclose(shown_responsibilities(view.history, index, view.X), expected,
                           rtol=0, atol=1e-14), index


@pytest.mark.parametrize("dataset, columns", [
    ("tutorial-1d", None), ("tutorial-2d", None), ("five-blobs", None), ("textbook", None),
    ("iris", None), ("iris", ("sepal width (cm)", "petal length (cm)")),
])
@pytest.mark.parametrize("standardise", [False, True])
def test_presets_are_regenerated_exactly_by_the_code(dataset, columns, standardise):
    view, _ = make_view(dataset, k=2, columns=columns, standardise=standardise, max_iter=1)
    source = data_source(view)
    assert source.kind == "generator"
    namespace = {"np": np}
    exec("\n".join((*source.imports, source.code)), namespace)
    expected = datasets.load_preset(dataset, columns=columns).X
    assert np.array_equal(namespace["X"], standardised(expected) if standardise else expected)


def test_small_data_is_written_inline_exactly_and_large_data_or_uploads_go_to_the_file():
    faithful, _ = make_view("faithful", k=2, max_iter=1)
    inline = data_source(faithful)
    assert inline.kind == "inline" and not needs_data_file(faithful)
    namespace = {"np": np}
    exec(inline.code, namespace)
    assert np.array_equal(namespace["X"], faithful.X)

    blobs, _ = make_view("blobs", n=INLINE_MAX_VALUES, k=3, max_iter=1)  # 2 x 800 values
    assert data_source(blobs).kind == "file" and needs_data_file(blobs)
    upload, _ = make_view("csv", X=faithful.X[:20], feature_names=("a", "b"),
                          data_name="tiny.csv", k=2, max_iter=1)
    source = data_source(upload)
    assert source.kind == "file" and source.file_name == export_file_names(upload).data_csv
    assert source.file_name in source.code


def test_data_csv_reads_back_exactly_with_the_codes_loader(tmp_path):
    X = np.random.default_rng(3).normal(size=(50, 2)) * [1e-7, 3e5]
    view, _ = make_view("csv", X=X, feature_names=('len, "mm"', "w"), data_name="u.csv",
                        k=2, max_iter=1)
    text = data_csv(view)
    assert text.splitlines()[0] == '"len, ""mm""",w'
    (tmp_path / export_file_names(view).data_csv).write_text(text)
    code = data_source(view).code
    completed = subprocess.run(
        [sys.executable, "-c", "import json\nimport numpy as np\n" + code
         + "\nprint(json.dumps(X.tolist()))"],
        cwd=tmp_path, capture_output=True, text=True, check=True)
    assert np.array_equal(np.array(json.loads(completed.stdout)), X)
