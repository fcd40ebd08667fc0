"""The data picker: a preset, the blob generator, a table's columns, or the user's CSV.

``data_picker`` draws the sidebar's data section and returns :class:`LoadedData` (read-only,
shared between sessions when it comes from a preset). ``data_settings`` reads the picker's
widgets as the data fields of a :class:`~ui.kit.view_settings.ViewSettings`, and
``write_data_settings`` puts a link's or a lesson's data settings into them: one place for the
generator's fields, used by every page that has the picker.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from gmm_core import datasets, generative
from ui.kit import view_settings as vs
from ui.kit.escape import untrusted_markdown
from ui.kit.run_store import data_digest
from ui.kit.session import Family, Field, PageState
from ui.kit.view_settings import LinkSpec, ViewSettings

CSV = "csv"
MESSAGE_CHARS = 1000


class DataState(PageState):
    """The data picker's widgets."""

    dataset = Field(str, "")
    n = Field(int, 500)
    centres = Field(int, 3)
    spread = Field(float, 1.0)
    stretch = Field(float, 1.0)
    data_seed = Field(int, 0)
    mixture = Field(str, "")          # a sampled mixture's spec (dataset "generated")
    columns = Family(list, list)      # data set -> the columns picked
    standardise = Field(bool, False)
    csv_file = Field(object, None)    # the uploader's widget
    csv_columns = Family(list, list)  # file fingerprint -> the columns picked in it


@dataclass(frozen=True)
class LoadedData:
    """The data on screen. X: (N, D) float64, read-only; labels: (N,) true labels or None."""

    X: np.ndarray
    labels: np.ndarray | None
    name: str
    feature_names: tuple[str, ...]
    notices: tuple[str, ...]
    digest: str


def _standardised(X: np.ndarray, notices: list[str]) -> np.ndarray:
    spread = X.std(axis=0)
    if np.any(spread == 0):
        notices.append("A column is constant, so the data was not standardised.")
        return X
    return (X - X.mean(axis=0)) / spread


def freeze(X, labels=None, name: str = "", feature_names=(), notices=(), *,
           standardise: bool = False) -> LoadedData:
    """Data X (N, D) as read-only float64 ``LoadedData`` (standardised per column if asked)."""
    notices = list(notices)
    X = np.array(X, dtype=np.float64)
    if standardise:
        X = _standardised(X, notices)
    X.flags.writeable = False
    return LoadedData(X, None if labels is None else np.asarray(labels), name,
                      tuple(feature_names), tuple(notices), data_digest(X))


@st.cache_resource(show_spinner=False, max_entries=24)
def load_dataset(key: str, n_features: int, n: int, centres: int, spread: float,
                 stretch: float, data_seed: int, columns: tuple[str, ...] | None,
                 standardise: bool, mixture: str | None = None) -> LoadedData:
    """A preset (the blob generator, or a sample of ``mixture``) as read-only LoadedData,
    shared across sessions. Raises ValueError with a message for the user."""
    if key == generative.GENERATED_DATASET:
        dataset = generative.sample_spec(generative.decode_spec(mixture or ""), n, data_seed)
    elif key in vs.BLOB_DATASETS.values():
        dataset = datasets.make_blobs(n, centres, n_features, spread=spread,
                                      stretch=stretch if n_features > 1 else 1.0,
                                      seed=data_seed)
    else:
        dataset = datasets.load_preset(key, columns=columns)
    return freeze(dataset.X, dataset.labels, dataset.name, dataset.feature_names,
                  dataset.notices, standardise=standardise)


@st.cache_resource(show_spinner=False, max_entries=8)
def check_csv(raw: bytes, n_components: int, n_features: int,
              columns: tuple[str, ...] | None):
    """``datasets.validate_csv`` for this page's dimension, cached on the file's bytes."""
    return datasets.validate_csv(raw, n_components=n_components, max_columns=n_features,
                                 min_columns=n_features, columns=columns)


# --- reading and writing the picker's settings -------------------------------------------------


def chosen_columns(state: DataState, spec: LinkSpec, dataset: str) -> tuple[str, ...] | None:
    """The columns picked for a table preset, or None (not a table, or not enough picked)."""
    if dataset not in spec.column_choices:
        return None
    chosen = state.columns[dataset]
    return tuple(chosen) if len(chosen) == spec.n_features else None


def data_settings(state: DataState, spec: LinkSpec) -> dict:
    """The picker's widgets as the data fields of ViewSettings."""
    dataset = state.dataset
    return {
        "dataset": dataset, "n": state.n, "centres": state.centres, "spread": state.spread,
        "stretch": state.stretch, "data_seed": state.data_seed,
        "mixture": (state.mixture or None) if dataset == generative.GENERATED_DATASET else None,
        "columns": chosen_columns(state, spec, dataset), "standardise": state.standardise,
    }


def write_data_settings(state: DataState, spec: LinkSpec, settings: ViewSettings) -> None:
    """Put the data part of ``settings`` into the widgets (before they are drawn)."""
    state.dataset = settings.dataset
    state.n, state.centres = settings.n, settings.centres
    state.spread, state.stretch = settings.spread, settings.stretch
    state.data_seed, state.mixture = settings.data_seed, settings.mixture or ""
    state.standardise = settings.standardise
    if settings.columns and settings.dataset in spec.column_choices:
        state.columns[settings.dataset] = list(settings.columns)


def ensure_data_defaults(state: DataState, spec: LinkSpec) -> None:
    """Give every data widget a value (the page's default view) unless it has one."""
    defaults = vs.default_settings(spec)
    for name, value in (("dataset", defaults.dataset), ("n", defaults.n),
                        ("centres", defaults.centres), ("spread", defaults.spread),
                        ("stretch", defaults.stretch), ("data_seed", defaults.data_seed),
                        ("mixture", ""), ("standardise", defaults.standardise)):
        state.set_default(name, value)


# --- the widgets -------------------------------------------------------------------------------


def _dataset_title(key: str) -> str:
    if key == CSV:
        return "Upload a CSV file…"
    if key == generative.GENERATED_DATASET:
        return "Sampled on The mixture model page"
    return datasets.PRESETS[key].title


def _blob_controls(state: DataState, n_features: int) -> None:
    st.number_input("Number of points n", vs.N_MIN, vs.N_MAX, step=100,
                    key=state.key("n"), persist_state="session",
                    help="Up to 100,000 points; large n shows how EM scales.")
    st.number_input("Number of blobs", vs.K_MIN, vs.K_MAX, step=1,
                    key=state.key("centres"), persist_state="session",
                    help="How many clusters the generator draws (the model's K is separate).")
    st.number_input("Spread (cluster standard deviation)", vs.SPREAD_MIN, vs.SPREAD_MAX,
                    step=0.1, key=state.key("spread"), persist_state="session")
    if n_features > 1:
        st.number_input("Stretch (1 = round clusters)", vs.STRETCH_MIN, vs.STRETCH_MAX,
                        step=0.5, key=state.key("stretch"), persist_state="session")
    st.number_input("Data seed", 0, vs.SEED_MAX, step=1, key=state.key("data_seed"),
                    persist_state="session", help="Draws a different data set.")


def _column_controls(state: DataState, spec: LinkSpec, dataset: str) -> tuple[str, ...] | None:
    info = datasets.PRESETS[dataset]
    state.columns.setdefault(dataset, list(info.default_columns))
    chosen = st.multiselect("Columns to show (pick two)", info.column_choices,
                            max_selections=spec.n_features, key=state.columns.key(dataset),
                            persist_state="session")
    if len(chosen) != spec.n_features:
        st.info(f"Pick {spec.n_features} columns; showing the default ones until then.")
        return None
    return tuple(chosen)


def _csv_data(state: DataState, n_features: int, n_components: int,
              standardise: bool) -> LoadedData | None:
    wanted = "one numeric column" if n_features == 1 else "two numeric columns"
    upload = st.file_uploader(f"CSV file ({wanted}, a header row)", type=["csv", "txt"],
                              key=state.key("csv_file"))
    if upload is None:
        st.info(f"Choose a CSV file with {wanted}. It stays in this browser session.")
        return None
    raw = upload.getvalue()
    result = check_csv(raw, n_components, n_features, None)
    if result.needs_column_choice:
        fingerprint = data_digest(np.frombuffer(raw, np.uint8))[:8]
        chosen = st.multiselect(f"The file has {len(result.column_names)} numeric columns: "
                                f"pick {n_features}", result.column_names,
                                max_selections=n_features,
                                key=state.csv_columns.key(fingerprint))
        if len(chosen) != n_features:
            st.info(f"Pick {n_features} column(s) to continue.")
            return None
        result = check_csv(raw, n_components, n_features, tuple(chosen))
    # The checker's sentences are the app's own words around short quotes from the file.
    for problem in result.problems:
        st.error(untrusted_markdown(problem, max_chars=MESSAGE_CHARS))
    for warning in result.warnings:
        st.warning(untrusted_markdown(warning, max_chars=MESSAGE_CHARS))
    for notice in result.notices:
        st.info(untrusted_markdown(notice, max_chars=MESSAGE_CHARS))
    if result.X is None:
        return None
    names = result.feature_names or tuple(f"x{d + 1}" for d in range(n_features))
    return freeze(result.X, None, upload.name, names, (), standardise=standardise)


def data_picker(state: DataState, spec: LinkSpec, n_components: int) -> LoadedData | None:
    """The data section of the sidebar; returns the data or None (with the reason shown).

    n_components: the model's K (a CSV needs at least K rows)."""
    # Data sampled on The mixture model page arrives by link; it is offered only then.
    generated = [spec.generated_dataset] if state.mixture and spec.generated_dataset else []
    options = [*spec.dataset_keys, *generated, CSV]
    dataset = st.selectbox("Data set", options, key=state.key("dataset"),
                           format_func=_dataset_title, persist_state="session")
    if dataset == generative.GENERATED_DATASET:
        st.caption(f"{state.n} points drawn from the mixture set on The mixture model page; "
                   "EM sees them without their colours.")
    elif dataset != CSV:
        st.caption(datasets.PRESETS[dataset].description)
    columns = None
    if dataset == spec.blob_dataset:
        _blob_controls(state, spec.n_features)
    elif dataset in spec.column_choices:
        columns = _column_controls(state, spec, dataset)
    standardise = st.toggle("Standardise (zero mean, unit variance per column)",
                            key=state.key("standardise"), persist_state="session")
    if dataset == CSV:
        return _csv_data(state, spec.n_features, n_components, standardise)
    settings = data_settings(state, spec)
    if dataset == spec.blob_dataset:
        generator = (settings["n"], settings["centres"], settings["spread"],
                     settings["stretch"], settings["data_seed"])
    elif dataset == generative.GENERATED_DATASET:
        generator = (settings["n"], 0, 0.0, 0.0, settings["data_seed"])
    else:
        generator = (0, 0, 0.0, 0.0, 0)
    try:
        data = load_dataset(dataset, spec.n_features, *generator, columns, bool(standardise),
                            settings["mixture"])
    except ValueError as error:
        st.error("This data set cannot be made: "
                 f"{untrusted_markdown(str(error), max_chars=MESSAGE_CHARS)}")
        return None
    for notice in data.notices:
        st.caption(untrusted_markdown(notice, max_chars=MESSAGE_CHARS))
    return data
