"""The run's history as data: a CSV with one row per half-step and component, a JSON file with
the same numbers plus the settings, and readers that turn both back into ``MixtureParams``.

Every float is written with ``repr`` (the shortest text that reads back as the same float), so
a round trip gives bit-identical parameters. Non-finite values (a collapsed run's +∞
log-likelihood) are written as ``inf``/``-inf``/``nan`` in the CSV and as the strings "inf",
"-inf", "nan" in the JSON, which stays valid JSON.

CSV columns: half_step, kind ("start", "E", "M"), iteration (completed M-steps), component
(1..K), covariance_type, weight (π_k), mean_x1..mean_xD (μ_k), the covariance entries, then
log_likelihood (total ℓ over the N points) and lower_bound (empty where undefined: at the
start). The covariance entries follow scikit-learn's layout per covariance type:
full and tied: cov_xi_xj for every i, j (tied repeats the shared Σ on each component's row);
diag: cov_xi_xi; spherical: variance (σ_k², the same in every direction).
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from gmm_core.mixture import COVARIANCE_TYPES, MixtureParams
from ui.exports.view import FORMAT_VERSION, ExportView, status_sentence

JSON_FORMAT = "em-gaussian-mixtures/history"
KINDS = ("start", "E", "M")


@dataclass(frozen=True, eq=False)
class HistoryRecord:
    """One half-step read back from a file."""

    half_step: int
    kind: str
    iteration: int
    params: MixtureParams
    log_likelihood: float
    lower_bound: float | None


@dataclass(frozen=True, eq=False)
class HistoryFile:
    """A JSON history read back: its half-steps and everything else it carried."""

    records: tuple[HistoryRecord, ...]
    settings: dict
    model: dict
    data: dict
    status: str
    view_half_step: int
    app_version: str
    format_version: int


def _text(value: float | None) -> str:
    return "" if value is None else repr(float(value))


def _json_number(value: float | None):
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else repr(value)


def _read_number(value, what: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{what} is not a number: {value!r}") from None


def covariance_columns(covariance_type: str, n_features: int) -> list[str]:
    """The CSV's covariance column names for one covariance type and dimension D."""
    names = [f"x{i + 1}" for i in range(n_features)]
    if covariance_type in ("full", "tied"):
        return [f"cov_{a}_{b}" for a in names for b in names]
    if covariance_type == "diag":
        return [f"cov_{a}_{a}" for a in names]
    return ["variance"]


def _covariance_row(params: MixtureParams, component: int) -> list[float]:
    covariances = params.covariances
    if params.covariance_type == "full":
        return list(covariances[component].ravel())
    if params.covariance_type == "tied":
        return list(covariances.ravel())
    if params.covariance_type == "diag":
        return list(covariances[component])
    return [covariances[component]]


def history_csv(view: ExportView) -> str:
    """The history as CSV text: one row per half-step and component (see the module doc)."""
    params0 = view.history[0].params
    n_features, cov_type = params0.n_features, params0.covariance_type
    header = (["half_step", "kind", "iteration", "component", "covariance_type", "weight"]
              + [f"mean_x{i + 1}" for i in range(n_features)]
              + covariance_columns(cov_type, n_features) + ["log_likelihood", "lower_bound"])
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for half_step, entry in enumerate(view.history):
        params = entry.params
        for k in range(params.n_components):
            writer.writerow(
                [half_step, entry.kind, entry.iteration, k + 1, cov_type,
                 _text(params.weights[k])]
                + [_text(v) for v in params.means[k]]
                + [_text(v) for v in _covariance_row(params, k)]
                + [_text(entry.log_likelihood), _text(entry.lower_bound)])
    return buffer.getvalue()


def read_history_csv(text: str) -> tuple[HistoryRecord, ...]:
    """Read ``history_csv``'s output back. Raises ValueError saying what is wrong."""
    rows = list(csv.DictReader(io.StringIO(text)))
    if not rows:
        raise ValueError("the file holds no half-steps")
    header = list(rows[0])
    cov_type = rows[0].get("covariance_type")
    if cov_type not in COVARIANCE_TYPES:
        raise ValueError(f"unknown covariance_type {cov_type!r}")
    mean_columns = [name for name in header if name.startswith("mean_x")]
    n_features = len(mean_columns)
    cov_columns = covariance_columns(cov_type, n_features)
    missing = [name for name in ["half_step", "kind", "iteration", "component", "weight",
                                 *cov_columns, "log_likelihood", "lower_bound"]
               if name not in header]
    if n_features == 0 or missing:
        raise ValueError(f"missing column(s): {', '.join(missing) or 'mean_x1'}")
    groups: dict[int, list[dict]] = {}
    for row in rows:
        groups.setdefault(int(row["half_step"]), []).append(row)
    records = []
    for half_step in sorted(groups):
        group = sorted(groups[half_step], key=lambda row: int(row["component"]))
        first = group[0]
        where = f"half-step {half_step}"
        weights = [_read_number(row["weight"], f"{where}: weight") for row in group]
        means = [[_read_number(row[name], f"{where}: {name}") for name in mean_columns]
                 for row in group]
        entries = np.array([[_read_number(row[name], f"{where}: {name}") for name in cov_columns]
                            for row in group])
        covariances = _covariances_from_rows(entries, cov_type, n_features)
        lower = first["lower_bound"]
        records.append(HistoryRecord(
            half_step=half_step, kind=_kind(first["kind"]), iteration=int(first["iteration"]),
            params=MixtureParams(weights, means, covariances, cov_type),
            log_likelihood=_read_number(first["log_likelihood"], f"{where}: log_likelihood"),
            lower_bound=None if lower == "" else _read_number(lower, f"{where}: lower_bound"),
        ))
    return tuple(records)


def _kind(text: str) -> str:
    if text not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {text!r}")
    return text


def _covariances_from_rows(entries: np.ndarray, cov_type: str, n_features: int) -> np.ndarray:
    """entries (K, C) of one half-step -> covariances in scikit-learn's shape for the type."""
    if cov_type == "full":
        return entries.reshape(-1, n_features, n_features)
    if cov_type == "tied":
        return entries[0].reshape(n_features, n_features)
    if cov_type == "diag":
        return entries
    return entries[:, 0]


# --- JSON ------------------------------------------------------------------------------------


def history_json(view: ExportView) -> str:
    """The history as JSON: the half-steps, the settings, the data's description, the status,
    the half-step on screen, the app's version and this format's version."""
    entries = []
    for half_step, entry in enumerate(view.history):
        params = entry.params
        entries.append({
            "half_step": half_step,
            "kind": entry.kind,
            "iteration": entry.iteration,
            "weights": [_json_number(v) for v in params.weights],
            "means": [[_json_number(v) for v in row] for row in params.means],
            "covariances": _nested(params.covariances),
            "log_likelihood": _json_number(entry.log_likelihood),
            "lower_bound": _json_number(entry.lower_bound),
        })
    document = {
        "format": JSON_FORMAT,
        "format_version": FORMAT_VERSION,
        "app_version": view.version,
        "settings": dict(view.query),
        "model": {
            "n_components": view.n_components,
            "covariance_type": view.covariance_type,
            "reg_covar": float(view.reg_covar),
            "tol": float(view.tol),
            "max_iter": int(view.max_iter),
            "init": view.init,
            "seed": int(view.seed),
        },
        "data": {
            "name": view.data_name,
            "feature_names": list(view.feature_names),
            "n_samples": view.n_samples,
            "n_features": view.n_features,
            "standardised": view.standardised,
        },
        "status": view.status,
        "status_text": status_sentence(view),
        "view_half_step": view.index,
        "notes": ("log_likelihood is the total over the N points; lower_bound is the evidence "
                  "lower bound with the responsibilities shown at that half-step (null at the "
                  "start); covariances follow scikit-learn's shapes for covariance_type; "
                  "non-finite numbers are written as the strings \"inf\", \"-inf\", \"nan\"."),
        "half_steps": entries,
    }
    return json.dumps(document, indent=1, ensure_ascii=False, allow_nan=False)


def _nested(array: np.ndarray):
    if array.ndim == 0:
        return _json_number(array)
    return [_nested(item) for item in array]


def read_history_json(text: str) -> HistoryFile:
    """Read ``history_json``'s output back. Raises ValueError saying what is wrong."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"not JSON: {error}") from None
    if not isinstance(document, dict) or document.get("format") != JSON_FORMAT:
        raise ValueError(f"not a history file (its format is not {JSON_FORMAT!r})")
    if document.get("format_version") != FORMAT_VERSION:
        raise ValueError(f"format version {document.get('format_version')!r}; this app reads "
                         f"version {FORMAT_VERSION}")
    cov_type = document["model"]["covariance_type"]
    records = []
    for entry in document["half_steps"]:
        where = f"half-step {entry['half_step']}"
        lower = entry["lower_bound"]
        records.append(HistoryRecord(
            half_step=int(entry["half_step"]), kind=_kind(entry["kind"]),
            iteration=int(entry["iteration"]),
            params=MixtureParams(_floats(entry["weights"], where), _floats(entry["means"], where),
                                 _floats(entry["covariances"], where), cov_type),
            log_likelihood=_read_number(entry["log_likelihood"], f"{where}: log_likelihood"),
            lower_bound=None if lower is None else _read_number(lower, f"{where}: lower_bound"),
        ))
    return HistoryFile(
        records=tuple(records), settings=dict(document["settings"]),
        model=dict(document["model"]), data=dict(document["data"]),
        status=document["status"], view_half_step=int(document["view_half_step"]),
        app_version=str(document["app_version"]),
        format_version=int(document["format_version"]),
    )


def _floats(nested: Sequence, where: str) -> np.ndarray:
    """Nested lists of numbers (or "inf"/"nan" strings) -> float64 array."""
    def convert(value):
        if isinstance(value, list):
            return [convert(item) for item in value]
        return _read_number(value, where)
    return np.array(convert(nested), dtype=np.float64)
