"""The numbers behind the picture: parameter and responsibility tables (pure pandas).

``parameter_table`` lists π_k, N_k, μ_k and Σ_k per component and marks which cells the last
half-step changed; ``table_html`` renders a table as plain HTML with the changed cells
highlighted and each component's colour next to its number (a pandas Styler through
``st.dataframe`` costs 30 ms per rerun and does not grow with presentation mode).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from gmm_core.mixture import MixtureParams, full_covariances
from ui.figures.common import component_hex
from ui.kit.escape import untrusted_html

CHANGED_BACKGROUND = "background:#FFE08A;font-weight:600"
COMPONENT_COLUMN = "component"


def _parameter_columns(params: MixtureParams, counts: np.ndarray | None,
                       feature_names: Sequence[str]) -> dict[str, np.ndarray]:
    n_features = params.n_features
    columns: dict[str, np.ndarray] = {"π_k (weight)": params.weights}
    columns["N_k (soft count)"] = counts if counts is not None else np.full(params.n_components,
                                                                          np.nan)
    covariances = full_covariances(params)
    if n_features == 1:
        columns["μ_k (mean)"] = params.means[:, 0]
        columns["σ²_k (variance)"] = covariances[:, 0, 0]
        return columns
    for d, name in enumerate(feature_names[:n_features]):
        columns[f"μ_k {name}"] = params.means[:, d]
    for row in range(n_features):
        for column in range(row, n_features):
            columns[f"Σ_k[{row + 1},{column + 1}]"] = covariances[:, row, column]
    return columns


def parameter_table(params: MixtureParams, *, counts: np.ndarray | None = None,
                    previous: MixtureParams | None = None,
                    previous_counts: np.ndarray | None = None,
                    feature_names: Sequence[str] = ("x", "y")):
    """One row per component: weight, soft count, mean and covariance entries.

    params: the parameters shown; counts: (K,) soft counts N_k = sum_i r_ik of the
    responsibilities shown (None before the first E-step); previous / previous_counts: the
    same one half-step earlier. Returns (table, changed): two DataFrames of the same shape,
    ``changed`` True where the last half-step changed the value.
    """
    current = _parameter_columns(params, counts, feature_names)
    table = pd.DataFrame(current)
    table.insert(0, COMPONENT_COLUMN, [f"{k + 1}" for k in range(params.n_components)])
    changed = pd.DataFrame(False, index=table.index, columns=table.columns)
    if previous is not None and previous.n_components == params.n_components:
        before = _parameter_columns(previous, previous_counts, feature_names)
        for name, values in current.items():
            old = before[name]
            with np.errstate(invalid="ignore"):
                scale = np.maximum(np.abs(old), np.abs(values))
                moved = np.abs(values - old) > 1e-9 * np.maximum(scale, 1e-12)
            both_missing = np.isnan(values) & np.isnan(old)
            one_missing = np.isnan(values) != np.isnan(old)
            changed[name] = np.where(both_missing, False, moved | one_missing)
    return table, changed


def _cell(value) -> str:
    if isinstance(value, float | np.floating):
        return "—" if np.isnan(value) else f"{value:.4g}"
    return untrusted_html(value)


def table_html(table: pd.DataFrame, *, changed: pd.DataFrame | None = None,
               tints: pd.DataFrame | None = None, font_size: int = 14) -> str:
    """The table as a small HTML table (fast to render; scales with presentation mode).

    changed: booleans of the same shape, True cells highlighted; tints: CSS colours (or "")
    for cell backgrounds. The component column shows each component's colour.
    """
    header = "".join(f"<th>{untrusted_html(name)}</th>" for name in table.columns)
    rows = []
    for row_index, row in table.iterrows():
        cells = []
        for name, value in row.items():
            style = ""
            if name == COMPONENT_COLUMN:
                style = (f"background:{component_hex(int(value) - 1)};color:white;"
                         "font-weight:700;text-align:center")
            elif changed is not None and bool(changed.at[row_index, name]):
                style = CHANGED_BACKGROUND
            elif tints is not None and tints.at[row_index, name]:
                style = f"background:{tints.at[row_index, name]}"
            cells.append(f'<td style="{style}">{_cell(value)}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (
        f'<table style="border-collapse:collapse;font-size:{font_size}px;'
        'font-variant-numeric:tabular-nums" class="em-table">'
        f"<thead><tr>{header}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        "<style>.em-table td,.em-table th{border:1px solid #c8ccd4;padding:2px 10px;"
        "text-align:right}.em-table th{background:#eef1f6}</style>"
    )


def default_followed_points(X: np.ndarray, n_points: int = 5) -> tuple[int, ...]:
    """A few points spread along the first coordinate (at 10%, 30%, ... of its range order).

    X: (N, D). Returns row indices; deterministic, so a link shows the same points.
    """
    order = np.argsort(X[:, 0], kind="stable")
    positions = ((np.arange(n_points) + 0.5) / n_points * len(order)).astype(int)
    return tuple(sorted({int(order[min(p, len(order) - 1)]) for p in positions}))


def responsibility_table(X: np.ndarray, responsibilities: np.ndarray | None,
                         indices: Sequence[int], feature_names: Sequence[str] = ("x", "y")):
    """The followed points: their coordinates and r_i1 .. r_iK (NaN before the first E-step).

    X: (N, D); responsibilities: (N, K) or None; indices: rows of X. Returns a DataFrame.
    """
    indices = list(indices)
    table = pd.DataFrame({"point": indices})
    for d in range(X.shape[1]):
        table[feature_names[d] if d < len(feature_names) else f"x{d + 1}"] = X[indices, d]
    if responsibilities is not None:
        for k in range(responsibilities.shape[1]):
            table[f"r_i{k + 1}"] = responsibilities[indices, k]
    return table


def responsibility_tints(table: pd.DataFrame) -> pd.DataFrame:
    """Background colours for a responsibility table: r_ik in component k's colour, as
    strong as its value."""
    tints = pd.DataFrame("", index=table.index, columns=table.columns)
    for name in table.columns:
        if name.startswith("r_i") and name[3:].isdigit():
            colour = component_hex(int(name[3:]) - 1)
            alphas = np.clip(table[name].to_numpy(dtype=float), 0, 1)
            tints[name] = [f"{colour}{int(round(alpha * 160)):02X}" for alpha in alphas]
    return tints
