"""The blob generator, the presets and the Dataset container (gmm_core.datasets)."""

import numpy as np
import pytest
from sklearn import datasets as sklearn_datasets
from sklearn.mixture import GaussianMixture

from gmm_core import datasets
from gmm_core.datasets import (
    IRIS_FEATURES,
    PENGUIN_NUMERIC_COLUMNS,
    PRESETS,
    Dataset,
    load_preset,
    make_blobs,
)

# ----------------------------------------------------------------------------- Dataset


def test_dataset_stores_float64_c_contiguous_data_and_int_labels():
    fortran_ints = np.asfortranarray(np.arange(6).reshape(3, 2))
    data = Dataset(fortran_ints, [0, 1, 1], "tiny", ["a", "b"], ["a notice"])
    assert data.X.dtype == np.float64 and data.X.flags.c_contiguous
    assert data.labels.dtype.kind == "i" and data.labels.tolist() == [0, 1, 1]
    assert data.feature_names == ("a", "b") and data.notices == ("a notice",)
    assert (data.n_samples, data.n_features) == (3, 2)


@pytest.mark.parametrize(
    ("X", "labels", "names", "message"),
    [
        (np.zeros(3), None, ("x",), "shape"),
        (np.zeros((3, 2)), [0, 1], ("a", "b"), "labels must have shape"),
        (np.zeros((3, 2)), None, ("a",), "feature names"),
    ],
)
def test_dataset_rejects_inconsistent_shapes(X, labels, names, message):
    with pytest.raises(ValueError, match=message):
        Dataset(X, labels, "bad", names)


# ----------------------------------------------------------------------------- make_blobs


@pytest.mark.parametrize("n_features", [1, 2])
def test_make_blobs_shapes_labels_and_sizes(n_features):
    data = make_blobs(501, 4, n_features, seed=3)
    assert data.X.shape == (501, n_features)
    assert data.labels.shape == (501,)
    sizes = np.bincount(data.labels, minlength=4)
    assert sizes.sum() == 501 and len(sizes) == 4 and sizes.min() >= 1
    assert len(data.feature_names) == n_features


def test_make_blobs_is_determined_by_its_seed():
    first, again, other = (make_blobs(300, 3, seed=s, stretch=2.0) for s in (7, 7, 8))
    np.testing.assert_array_equal(first.X, again.X)
    np.testing.assert_array_equal(first.labels, again.labels)
    assert not np.allclose(first.X, other.X)


def test_make_blobs_gives_every_component_a_point_when_k_equals_n():
    data = make_blobs(6, 6, seed=1)
    assert sorted(data.labels.tolist()) == [0, 1, 2, 3, 4, 5]


def test_make_blobs_weights_set_the_cluster_proportions():
    data = make_blobs(20_000, 2, weights=[1, 3], seed=0)
    proportions = np.bincount(data.labels) / data.n_samples
    np.testing.assert_allclose(proportions, [0.25, 0.75], atol=0.02)


def test_make_blobs_spread_sets_each_cluster_standard_deviation():
    data = make_blobs(20_000, 3, spread=[0.5, 1.0, 2.0], seed=0)
    for label, spread in enumerate([0.5, 1.0, 2.0]):
        cluster = data.X[data.labels == label]
        np.testing.assert_allclose(cluster.std(axis=0), [spread, spread], rtol=0.05)


def test_make_blobs_stretch_elongates_clusters_with_the_given_axis_ratio():
    data = make_blobs(30_000, 2, stretch=4.0, seed=5)
    for label in range(2):
        variances = np.linalg.eigvalsh(np.cov(data.X[data.labels == label].T))
        # standard deviations spread*sqrt(4) and spread/sqrt(4): variances 4 and 1/4
        np.testing.assert_allclose(variances, [0.25, 4.0], rtol=0.06)


def test_make_blobs_round_clusters_by_default():
    data = make_blobs(20_000, 2, seed=5)
    variances = np.linalg.eigvalsh(np.cov(data.X[data.labels == 0].T))
    np.testing.assert_allclose(variances, [1.0, 1.0], rtol=0.06)


@pytest.mark.parametrize("n_features", [1, 2])
def test_make_blobs_centres_are_far_apart(n_features):
    data = make_blobs(20_000, 8, n_features, seed=2)
    means = np.array([data.X[data.labels == k].mean(axis=0) for k in range(8)])
    gaps = np.linalg.norm(means[:, None] - means[None], axis=2)[np.triu_indices(8, 1)]
    assert gaps.min() > 4.8  # 5 standard deviations, less the noise of estimated means


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_samples": 0, "n_components": 1}, "n_samples must be between 1"),
        ({"n_samples": datasets.MAX_ROWS + 1, "n_components": 1}, "n_samples must be between"),
        ({"n_samples": 2.5, "n_components": 1}, "n_samples must be an integer"),
        ({"n_samples": 10, "n_components": 0}, "n_components must be between 1 and 10"),
        ({"n_samples": 10, "n_components": 11}, "n_components must be between 1 and 10"),
        ({"n_samples": 500, "n_components": 101}, "at most 100 clusters"),
        ({"n_samples": 10, "n_components": 2, "n_features": 3}, "n_features must be 1 or 2"),
        ({"n_samples": 10, "n_components": 2, "spread": 0}, "spread must be positive"),
        ({"n_samples": 10, "n_components": 2, "spread": [1, 2, 3]}, "spread must be a positive"),
        ({"n_samples": 10, "n_components": 2, "spread": float("nan")}, "spread must be positive"),
        ({"n_samples": 10, "n_components": 2, "weights": [1]}, "weights must be 2 positive"),
        ({"n_samples": 10, "n_components": 2, "weights": [1, -1]}, "weights must be positive"),
        ({"n_samples": 10, "n_components": 2, "stretch": 0.5}, "stretch must be a number >= 1"),
        ({"n_samples": 10, "n_components": 2, "stretch": "x"}, "stretch must be a number >= 1"),
        (
            {"n_samples": 10, "n_components": 2, "n_features": 1, "stretch": 2},
            "use stretch=1 for 1-D",
        ),
        ({"n_samples": 10, "n_components": 2, "seed": -1}, "seed must be a non-negative"),
        ({"n_samples": 10, "n_components": True}, "n_components must be an integer"),
    ],
)
def test_make_blobs_rejects_bad_arguments_with_clear_messages(kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_blobs(**kwargs)


# ----------------------------------------------------------------------------- presets


def test_presets_are_the_documented_keys():
    assert set(PRESETS) == {
        "blobs",
        "blobs-1d",
        "tutorial-1d",
        "tutorial-2d",
        "five-blobs",
        "textbook",
        "faithful",
        "faithful-eruptions",
        "penguins",
        "iris",
    }
    for key, info in PRESETS.items():
        assert info.key == key and info.title and info.description
        assert info.n_features in (1, 2)


@pytest.mark.parametrize("key", sorted(PRESETS))
def test_every_preset_loads_with_its_declared_dimension(key):
    data = load_preset(key)
    assert data.X.ndim == 2 and data.X.shape[1] == PRESETS[key].n_features
    assert data.X.dtype == np.float64 and data.X.flags.c_contiguous
    assert np.isfinite(data.X).all()
    assert len(data.feature_names) == data.n_features
    if data.labels is not None:
        assert data.labels.shape == (data.n_samples,)


def test_presets_resolve_assets_from_the_package_not_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert load_preset("faithful").X.shape == (272, 2)


def test_tutorial_1d_reproduces_the_tutorial_code():
    saved_state = np.random.get_state()
    try:
        np.random.seed(0)
        x = np.linspace(-5, 5, num=20)
        x0 = x * np.random.rand(len(x)) + 10
        x1 = x * np.random.rand(len(x)) - 10
        x2 = x * np.random.rand(len(x))
        expected = np.concatenate([x0, x1, x2])
    finally:
        np.random.set_state(saved_state)
    data = load_preset("tutorial-1d")
    assert data.X.shape == (60, 1)
    np.testing.assert_array_equal(data.X[:, 0], expected)
    assert data.labels.tolist() == [0] * 20 + [1] * 20 + [2] * 20


def test_loading_a_preset_leaves_numpys_global_random_state_alone():
    np.random.seed(123)
    expected = np.random.rand()
    np.random.seed(123)
    load_preset("tutorial-1d")
    assert np.random.rand() == expected


def test_tutorial_2d_is_sklearns_blobs_times_a_random_matrix():
    X, labels = sklearn_datasets.make_blobs(
        cluster_std=1.5, random_state=20, n_samples=500, centers=3
    )
    expected = X @ np.random.RandomState(0).randn(2, 2)
    data = load_preset("tutorial-2d")
    np.testing.assert_allclose(data.X, expected)
    np.testing.assert_array_equal(data.labels, labels)


def test_five_blobs_has_five_labelled_clusters_of_1000_points():
    data = load_preset("five-blobs")
    assert data.X.shape == (1000, 2)
    assert np.bincount(data.labels).tolist() == [200] * 5


def test_textbook_preset_matches_the_books_mixture():
    data = load_preset("textbook")
    assert data.X.shape == (1250, 2)
    assert np.bincount(data.labels).tolist() == [500, 500, 250]
    mixture = GaussianMixture(n_components=3, n_init=10, random_state=42).fit(data.X)
    np.testing.assert_allclose(np.sort(mixture.weights_), [0.2097, 0.3903, 0.4001], atol=0.02)


def test_faithful_presets():
    both = load_preset("faithful")
    assert both.X.shape == (272, 2) and both.labels is None
    assert both.feature_names == ("eruptions", "waiting")
    eruptions = load_preset("faithful-eruptions")
    assert eruptions.X.shape == (272, 1) and eruptions.feature_names == ("eruptions",)
    np.testing.assert_array_equal(eruptions.X[:, 0], both.X[:, 0])
    assert 1.5 < eruptions.X.min() and eruptions.X.max() < 5.2  # minutes


def test_penguins_default_columns_drop_the_two_unmeasured_birds():
    data = load_preset("penguins")
    assert data.feature_names == ("bill_length_mm", "flipper_length_mm")
    assert data.X.shape == (342, 2)
    assert data.notices == ("2 rows with missing measurements were dropped (344 -> 342).",)
    assert data.label_names == ("Adelie", "Chinstrap", "Gentoo")
    assert np.bincount(data.labels).tolist() == [151, 68, 123]


@pytest.mark.parametrize(
    "columns", [("bill_depth_mm", "body_mass_g"), ["body_mass_g", "bill_length_mm"]]
)
def test_penguins_any_two_numeric_columns(columns):
    data = load_preset("penguins", columns=columns)
    assert data.feature_names == tuple(columns)
    assert data.X.shape == (342, 2)
    assert set(columns) <= set(PENGUIN_NUMERIC_COLUMNS)


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        (("bill_length_mm", "species"), "no column 'species'; choose from: bill_length_mm"),
        (("bill_length_mm",), "pick exactly two columns"),
        ("bill_length_mm", "pick exactly two columns"),
        (("body_mass_g", "body_mass_g"), "pick two different columns"),
    ],
)
def test_penguins_bad_columns_list_the_valid_choices(columns, message):
    with pytest.raises(ValueError, match=message):
        load_preset("penguins", columns=columns)


def test_iris_defaults_to_petal_measurements_with_species_labels():
    data = load_preset("iris")
    assert data.feature_names == ("petal length (cm)", "petal width (cm)")
    assert data.X.shape == (150, 2)
    assert np.bincount(data.labels).tolist() == [50, 50, 50]
    assert data.label_names == ("setosa", "versicolor", "virginica")
    sepals = load_preset("iris", columns=IRIS_FEATURES[:2])
    np.testing.assert_array_equal(sepals.X, sklearn_datasets.load_iris().data[:, :2])


def test_iris_bad_feature_lists_the_valid_choices():
    with pytest.raises(ValueError, match=r"choose from: sepal length \(cm\)"):
        load_preset("iris", columns=("petal length", "petal width (cm)"))


def test_blob_presets_use_n_k_and_seed():
    default = load_preset("blobs")
    assert default.X.shape == (500, 2) and len(np.unique(default.labels)) == 3
    custom = load_preset("blobs", n=1000, k=5, seed=1)
    np.testing.assert_array_equal(custom.X, make_blobs(1000, 5, seed=1).X)
    line = load_preset("blobs-1d", n=50, k=2, seed=4)
    assert line.X.shape == (50, 1) and len(np.unique(line.labels)) == 2


def test_fixed_presets_ignore_generator_settings():
    np.testing.assert_array_equal(
        load_preset("faithful", n=10, k=7, seed=3).X, load_preset("faithful").X
    )


def test_unknown_preset_lists_the_valid_keys():
    with pytest.raises(ValueError, match="Unknown data set 'geyser'; choose one of: blobs"):
        load_preset("geyser")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"n": 0}, "n_samples must be between 1"), ({"k": 0}, "n_components must be between 1")],
)
def test_blob_preset_rejects_bad_sizes(kwargs, message):
    with pytest.raises(ValueError, match=message):
        load_preset("blobs", **kwargs)
