"""The whole run as one interactive HTML file that works offline (e.g. from a USB stick).

One Plotly figure: the mixture (2-D points and ellipses, or 1-D densities and rug) above the
log-likelihood chart, with one Plotly frame per half-step, a slider and Play/Pause. plotly.js
is embedded (no CDN, no MathJax, no fonts, no map tiles: the page fetches nothing).

Every frame is drawn by the app's own figure builders, then reduced to what changes between
half-steps (point colours and their hover, ellipses or densities, means, the current-step
marker, the title): the data's coordinates travel once. Large data is drawn as a seeded random
sample of its points (the fit used all of them; the page says so), so that the file stays a few
megabytes; very long runs keep every half-step of their first iterations and then an even
selection (the page says which).
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import plotly.io as pio

from ui.exports.look import place_title, white_background
from ui.exports.view import (
    ExportView,
    covariance_words,
    drawn_points,
    half_step_title,
    link_text,
    shown_responsibilities,
    status_sentence,
)
from ui.figures import (
    figure_style,
    log_likelihood_figure,
    make_figure,
    mixture_figure_1d,
    mixture_figure_2d,
    stack_figures,
)
from ui.kit.escape import untrusted_html, untrusted_plotly

# Frames: every half-step up to this many; a longer run keeps an even selection.
MAX_FRAMES = 241
# Bytes the per-frame point colours and hovers may take in all (before base64), and the most
# points drawn however short the run: beyond either, a random sample of the points is drawn.
POINT_BYTES_BUDGET = 1_500_000
MAX_DRAWN_POINTS = 10_000
LOG_LIKELIHOOD_HEIGHT = 260
PLAY_MS_PER_HALF_STEP = 700
DIV_ID = "em-run"
PLOT_CONFIG = {"displaylogo": False, "scrollZoom": False, "responsive": True,
               "modeBarButtonsToRemove": ["select2d", "lasso2d"]}

# A paragraph of the page quotes at most a file name; the rest is the app's own words.
PARAGRAPH_CHARS = 2000


def frame_indices(n_half_steps: int, current: int, max_frames: int = MAX_FRAMES) -> list[int]:
    """The half-steps that get a frame: all of them, or for a long run the first
    ``max_frames // 2``, then an even selection, always with the last and ``current``."""
    if n_half_steps <= max_frames:
        return list(range(n_half_steps))
    head = max_frames // 2
    rest = np.linspace(head, n_half_steps - 1, max_frames - head).round().astype(int)
    return sorted({*range(head), *rest.tolist(), current})


def drawn_point_count(n_samples: int, n_frames: int, n_components: int) -> int:
    """How many points the file draws: all of them unless the frames' colours (3 bytes per
    point for WebGL) and hovers (K bytes) would pass POINT_BYTES_BUDGET or MAX_DRAWN_POINTS."""
    per_point = n_frames * (3 + n_components)
    return int(min(n_samples, MAX_DRAWN_POINTS, max(POINT_BYTES_BUDGET // per_point, 500)))


def _frame_spec(view: ExportView, X: np.ndarray, index: int, style, names) -> dict:
    """The app's whole figure at half-step ``index`` (mixture above log-likelihood)."""
    history = view.history
    params = history[index].params
    responsibilities = shown_responsibilities(history, index, X)
    title = untrusted_plotly(half_step_title(view, index), max_chars=300)
    if view.n_features == 1:
        top = mixture_figure_1d(X, params, responsibilities, style, feature_name=names[0],
                                title=title)
    else:
        top = mixture_figure_2d(X, params, responsibilities, style, feature_names=names[:2],
                                title=title)
    bottom = log_likelihood_figure(
        [entry.log_likelihood for entry in history], [entry.kind for entry in history], index,
        style, lower_bounds=[entry.lower_bound for entry in history], status=view.status,
        height=LOG_LIKELIHOOD_HEIGHT)
    spec = stack_figures(top, bottom, bottom_height=LOG_LIKELIHOOD_HEIGHT,
                         bottom_title="log-likelihood ℓ after each half-step "
                                      "(dotted: the lower bound)").spec
    place_title(spec["layout"])
    return spec


# --- reducing frames to what changes ------------------------------------------------------------


def _same(a, b) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        if a.shape != b.shape or a.dtype.kind != b.dtype.kind:
            return False
        if a.dtype.kind in "fc":
            return bool(np.array_equal(a, b, equal_nan=True))
        return bool(np.array_equal(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[key], b[key]) for key in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return type(a) is type(b) and a == b


def _identities(traces: list[dict]) -> list[tuple]:
    """A key per trace that names the same trace in every frame (type, name, group, axes)."""
    seen: Counter = Counter()
    keys = []
    for trace in traces:
        key = (trace.get("type"), trace.get("name"), trace.get("legendgroup"),
               trace.get("xaxis", "x"))
        keys.append((key, seen[key]))
        seen[key] += 1
    return keys


def _compact(value):
    """Frame data with float64 arrays as float32 (drawing needs no more; half the bytes)."""
    if isinstance(value, dict):
        return {key: _compact(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_compact(item) for item in value]
    if isinstance(value, np.ndarray) and value.dtype == np.float64:
        return value.astype(np.float32)
    return value


def _animated(specs: dict[int, dict], base_index: int) -> tuple[dict, list[dict]]:
    """(base figure spec, frames): each frame carries, for the traces that change at all,
    the keys that change anywhere in the run, and the layout keys that change."""
    base = specs[base_index]
    base_traces = list(base["data"])
    order = _identities(base_traces)
    traces_by_frame = {}
    for index, spec in specs.items():
        traces_by_frame[index] = dict(zip(_identities(spec["data"]), spec["data"], strict=True))
        for identity, trace in traces_by_frame[index].items():
            if identity not in order:  # a trace the base view lacks: add it, hidden
                order.append(identity)
                base_traces.append(dict(trace, visible=False))
    changing: dict[int, list[str]] = {}
    for position, identity in enumerate(order):
        versions = [traces_by_frame[index].get(identity) for index in specs]
        present = [version for version in versions if version is not None]
        keys = sorted({key for version in present for key in version})
        varying = [key for key in keys
                   if any(not _same(version.get(key), present[0].get(key)) for version in present)]
        if len(present) != len(versions):
            varying.append("visible")
        if varying:
            changing[position] = varying
    layout_keys = sorted({key for spec in specs.values() for key in spec["layout"]})
    layout_varying = [key for key in layout_keys
                      if any(not _same(spec["layout"].get(key), base["layout"].get(key))
                             for spec in specs.values())]
    frames = []
    for index, spec in specs.items():
        data = []
        for position, keys in changing.items():
            trace = traces_by_frame[index].get(order[position])
            if trace is None:
                data.append({"visible": False})
                continue
            # A key this half-step lacks is sent as None, which resets it in plotly.js.
            update = {key: trace.get(key) for key in keys if key != "visible"}
            if "visible" in keys:
                update["visible"] = trace.get("visible", True)
            data.append(update)
        frames.append({"name": str(index), "data": _compact(data),
                       "traces": list(changing),
                       "layout": {key: spec["layout"].get(key) for key in layout_varying}})
    return dict(base, data=base_traces), frames


# --- the page -----------------------------------------------------------------------------------


def _controls(layout: dict, indices: list[int], current: int, font_size: int) -> None:
    """The slider over the half-steps and the Play/Pause buttons."""
    immediate = {"mode": "immediate", "transition": {"duration": 0},
                 "frame": {"duration": 0, "redraw": True}}
    layout["sliders"] = [{
        "active": indices.index(current),
        "currentvalue": {"prefix": "half-step ", "font": {"size": font_size}},
        "pad": {"t": 40, "b": 10}, "len": 0.86, "x": 0.14, "y": 0, "yanchor": "top",
        "steps": [{"label": str(index), "method": "animate",
                   "args": [[str(index)], immediate]} for index in indices],
    }]
    layout["updatemenus"] = [{
        "type": "buttons", "direction": "left", "showactive": False,
        "x": 0.0, "y": 0, "xanchor": "left", "yanchor": "top", "pad": {"t": 52, "r": 10},
        "font": {"size": font_size},
        "buttons": [
            {"label": "Play", "method": "animate",
             "args": [None, {"mode": "immediate", "fromcurrent": True,
                             "transition": {"duration": 0},
                             "frame": {"duration": PLAY_MS_PER_HALF_STEP, "redraw": True}}]},
            {"label": "Pause", "method": "animate",
             "args": [[None], {"mode": "immediate", "transition": {"duration": 0},
                               "frame": {"duration": 0, "redraw": False}}]},
        ],
    }]
    margin = dict(layout.get("margin", {}))
    margin["b"] = max(margin.get("b", 0), 120)
    layout["margin"] = margin


def run_figure(view: ExportView) -> tuple[dict, dict]:
    """The animated figure as a JSON-ready dict (numpy arrays as base64 typed arrays), and
    facts for the page: {"frames": [half-step indices], "drawn": points drawn}."""
    indices = frame_indices(len(view.history), view.index)
    drawn = drawn_points(view.n_samples,
                         drawn_point_count(view.n_samples, len(indices), view.n_components))
    X = view.X[drawn]
    style = figure_style(len(X), view.presentation)
    names = list(view.feature_names)  # the figure builders escape them
    specs = {index: _frame_spec(view, X, index, style, names) for index in indices}
    base, frames = _animated(specs, view.index)
    layout = dict(base["layout"])
    layout.pop("uirevision", None)
    white_background(layout)
    _controls(layout, indices, view.index, style.font_size)
    figure = make_figure({"data": base["data"], "layout": layout, "frames": frames}).to_dict()
    return figure, {"frames": indices, "drawn": len(drawn)}


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 1.2rem 2rem;
       color: #1a1a1a; background: #ffffff; line-height: 1.45; }}
h1 {{ font-size: 1.5rem; margin: 0 0 0.4rem 0; }}
p {{ margin: 0.3rem 0; max-width: 70rem; }}
.note {{ color: #444; font-size: 0.95rem; }}
.warning {{ color: #7a4a00; }}
</style>
</head>
<body>
<h1>{title}</h1>
{paragraphs}
{figure}
<p class="note">{footer}</p>
</body>
</html>
"""


def run_html(view: ExportView) -> str:
    """The page: a heading, what the run is, how to use the slider, the figure, the app's
    version. Works offline: everything it needs is in the file."""
    figure, facts = run_figure(view)
    dimension = f"{view.n_features}-D"
    title = (f"EM in {dimension}: {view.data_name}, K = {view.n_components} "
             f"({covariance_words(view)})")
    history = view.history
    paragraphs = [
        f"Data: {view.data_name}, N = {view.n_samples:,} points"
        + (" (standardised)" if view.standardised else "")
        + f". Start: {view.init}" + ("" if view.init == "given-means" else
                                      f", seed {view.seed}")
        + f". reg_covar λ = {view.reg_covar:g}, tol = {view.tol:g}, max_iter = {view.max_iter}.",
        status_sentence(view),
        "Drag the slider or press Play to step through the run: half-step 0 is the start, "
        "then E-step, M-step, E-step, ... An E-step recolours the points by their "
        "responsibilities r_ik (each point mixes the colours of the components in those "
        "proportions); an M-step moves the components (weights π_k, means μ_k, covariances "
        "Σ_k). The chart below follows the log-likelihood ℓ(θ); the dotted line is the lower "
        "bound, which the E-step raises to meet ℓ."
        + (" The ellipses hold 39.3 % (1σ) and 86.5 % (2σ) of each component's mass."
           if view.n_features == 2 else ""),
    ]
    notes = []
    if facts["drawn"] < view.n_samples:
        notes.append(f"To keep this file small, it draws a random sample of {facts['drawn']:,} "
                     f"of the {view.n_samples:,} points. EM used all of them: the components "
                     "and the log-likelihood are those of the whole data.")
    if len(facts["frames"]) < len(history):
        head = MAX_FRAMES // 2
        notes.append(f"This run has {len(history)} half-steps; the file holds {len(facts['frames'])}"
                     f" of them: every half-step up to {head - 1}, then an even selection up to "
                     f"the last one.")
    escaped = [f"<p>{untrusted_html(text, max_chars=PARAGRAPH_CHARS)}</p>"
               for text in paragraphs]
    escaped += [f'<p class="warning">{untrusted_html(text, max_chars=PARAGRAPH_CHARS)}</p>'
                for text in notes]
    figure_div = pio.to_html(figure, config=PLOT_CONFIG, auto_play=False,
                             include_plotlyjs=True, include_mathjax=False, full_html=False,
                             default_height=f"{figure['layout'].get('height', 800)}px",
                             validate=False, div_id=DIV_ID)
    footer = (f"Saved from the app \"See EM\" (version {view.version}): the link of this view "
              f"is {link_text(view)} (after the page's address). "
              "This file works offline: plotly.js is inside it.")
    return _PAGE.format(title=untrusted_html(title, max_chars=PARAGRAPH_CHARS),
                        paragraphs="\n".join(escaped), figure=figure_div,
                        footer=untrusted_html(footer, max_chars=PARAGRAPH_CHARS))
