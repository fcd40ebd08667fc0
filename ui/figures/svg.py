"""The log-likelihood chart as a small inline SVG (pure text; no Plotly, no Streamlit).

The stepper redraws this chart on every half-step. As a second Plotly chart it cost the
browser 200-300 ms per step (axes, ticks and text measured by Plotly, the chart remounted by
Streamlit); as plain SVG markup it costs a few milliseconds. It shows the same things as
``ui.figures.charts.log_likelihood_figure``: the log-likelihood after each half-step (E-steps as
hollow circles), the lower bound, the current half-step, decreases in red, convergence and
collapse. Hovering a circle shows its numbers (an SVG <title>).
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

import numpy as np

from ui.figures.charts import decrease_indices
from ui.figures.common import DECREASE_HEX
from ui.kit.step_rules import KIND_NAMES

_LINE = "#333333"
_BOUND = "#0072B2"
_CURRENT = "#D55E00"



def _nice_ticks(low: float, high: float, count: int = 4) -> list[float]:
    """About ``count`` round numbers covering [low, high]."""
    span = high - low
    raw = span / max(count, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.ceil(low / step) * step
    ticks = []
    value = first
    while value <= high + 1e-9 * span:
        ticks.append(0.0 if abs(value) < 1e-12 * step else value)
        value += step
    return ticks


def _label(value: float) -> str:
    return f"{value:,.6g}".replace(",", "\u2009")


def _polyline(points: list[tuple[float, float] | None], **attributes) -> str:
    """Polylines through ``points``, broken where a point is None (a non-finite value)."""
    runs, current = [], []
    for point in points + [None]:
        if point is None:
            if len(current) > 1:
                runs.append(current)
            current = []
        else:
            current.append(point)
    attribute_text = " ".join(f'{name.replace("_", "-")}="{value}"'
                              for name, value in attributes.items())
    return "".join(
        '<polyline fill="none" points="'
        + " ".join(f"{x:.1f},{y:.1f}" for x, y in run) + f'" {attribute_text}/>'
        for run in runs
    )


_LEGEND_ROW = 1.3  # line height of the legend's rows, in font sizes


def _legend_items(show_bound: bool) -> list[tuple[str, dict[str, str]]]:
    items = [("log-likelihood ℓ(θ)", {"stroke": _LINE, "stroke-width": "2"})]
    if show_bound:
        items.append(("lower bound F(q, θ)", {"stroke": _BOUND, "stroke-width": "1.5",
                                               "stroke-dasharray": "2,3"}))
    return items


def _legend_rows(items, left: float, right_end: float, font_size: int) -> list[list[tuple]]:
    """The legend's items laid out in rows that fit between ``left`` and ``right_end``: a
    narrow chart (large text in a column) puts the lower bound under the log-likelihood
    instead of cutting it off. Each row: [(x, label, style), ...]."""
    rows: list[list[tuple]] = [[]]
    x = left
    for label, style in items:
        width = (2.4 + 0.55 * len(label)) * font_size
        if rows[-1] and x + width > right_end:
            rows.append([])
            x = left
        rows[-1].append((x, label, style))
        x += width + 0.4 * font_size
    return rows


def _legend(rows, top: float, font_size: int) -> list[str]:
    """The chart's legend above the plot (rows from ``_legend_rows``), its last row just above
    ``top``: the log-likelihood line and the lower bound's."""
    parts = []
    for number, row in enumerate(rows):
        y = top - 0.55 * font_size - (len(rows) - 1 - number) * _LEGEND_ROW * font_size
        for x, label, style in row:
            attributes = " ".join(f'{name}="{value}"' for name, value in style.items())
            parts.append(f'<line x1="{x:.1f}" x2="{x + 2 * font_size:.1f}" '
                         f'y1="{y - font_size / 3:.1f}" y2="{y - font_size / 3:.1f}" '
                         f"{attributes}/>")
            parts.append(f'<text x="{x + 2.4 * font_size:.1f}" y="{y:.1f}" fill="#222">'
                         f"{label}</text>")
    return parts


def log_likelihood_svg(
    log_likelihoods: Sequence[float],
    kinds: Sequence[str],
    current: int,
    *,
    lower_bounds: Sequence[float | None] | None = None,
    status: str = "running",
    width: int = 640,
    height: int = 220,
    font_size: int = 13,
) -> str:
    """The chart as an SVG string that scales to its container's width.

    log_likelihoods: (S,) total log-likelihood per half-step (non-finite values leave a gap);
    kinds: (S,) "start" | "E" | "M"; current: the half-step on screen; lower_bounds: (S,) the
    ELBO or None; status: the run's status ("converged" and "collapsed" are labelled).
    """
    values = np.array([v if v is not None else math.nan for v in log_likelihoods], dtype=float)
    bounds = (np.array([b if b is not None else math.nan for b in lower_bounds], dtype=float)
              if lower_bounds is not None else np.full(len(values), math.nan))
    finite = values[np.isfinite(values)]
    low, high = (float(finite.min()), float(finite.max())) if finite.size else (-1.0, 1.0)
    visible_bounds = bounds[np.isfinite(bounds) & (bounds >= low - (high - low))]
    if visible_bounds.size:
        low = min(low, float(visible_bounds.min()))
    if high - low < 1e-9 * max(abs(high), 1.0):
        low, high = low - 1.0, high + 1.0
    padding = 0.08 * (high - low)
    low, high = low - padding, high + padding

    left, right, bottom = 7.5 * font_size, 1.2 * font_size, 2.8 * font_size
    legend_rows = _legend_rows(_legend_items(bool(np.isfinite(bounds).any())), left,
                               width - right, font_size)
    top = (2.2 + _LEGEND_ROW * (len(legend_rows) - 1)) * font_size
    last_step = max(len(values) - 1, 4)

    def x_of(step: float) -> float:
        return left + (width - left - right) * step / last_step

    def y_of(value: float) -> float:
        return top + (height - top - bottom) * (high - value) / (high - low)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" font-family="sans-serif" font-size="{font_size}" role="img" '
        'aria-label="log-likelihood after each half-step">'
    ]
    for tick in _nice_ticks(low, high):
        y = y_of(tick)
        parts.append(f'<line x1="{left:.1f}" x2="{width - right:.1f}" y1="{y:.1f}" '
                     f'y2="{y:.1f}" stroke="#e3e6eb"/>')
        parts.append(f'<text x="{left - 6:.1f}" y="{y + font_size / 3:.1f}" '
                     f'text-anchor="end" fill="#444">{_label(tick)}</text>')
    for tick in _nice_ticks(0, last_step, 6):
        if float(tick).is_integer():
            x = x_of(tick)
            parts.append(f'<text x="{x:.1f}" y="{height - bottom + 1.2 * font_size:.1f}" '
                         f'text-anchor="middle" fill="#444">{int(tick)}</text>')
    parts.append(f'<line x1="{left:.1f}" x2="{width - right:.1f}" y1="{height - bottom:.1f}" '
                 f'y2="{height - bottom:.1f}" stroke="#888"/>')
    parts.append(f'<text x="{(left + width - right) / 2:.1f}" y="{height - 0.4 * font_size:.1f}"'
                 f' text-anchor="middle" fill="#444">half-step (start, E, M, E, M, …)</text>')
    parts.append(f'<text x="{0.9 * font_size:.1f}" y="{(top + height - bottom) / 2:.1f}" '
                 f'text-anchor="middle" fill="#444" transform="rotate(-90 {0.9 * font_size:.1f} '
                 f'{(top + height - bottom) / 2:.1f})">log-likelihood</text>')

    parts.extend(_legend(legend_rows, top, font_size))

    current = int(np.clip(current, 0, max(len(values) - 1, 0)))
    x_now = x_of(current)
    parts.append(f'<line x1="{x_now:.1f}" x2="{x_now:.1f}" y1="{top:.1f}" '
                 f'y2="{height - bottom:.1f}" stroke="{_CURRENT}" stroke-width="2" '
                 'stroke-dasharray="5,4"/>')
    parts.append(_polyline(
        [(x_of(i), y_of(b)) if math.isfinite(b) and b >= low else None
         for i, b in enumerate(bounds)],
        stroke=_BOUND, stroke_width=1.5, stroke_dasharray="2,3"))
    parts.append(_polyline(
        [(x_of(i), y_of(v)) if math.isfinite(v) else None for i, v in enumerate(values)],
        stroke=_LINE, stroke_width=2))
    radius = max(2.5, min(5.0, 0.45 * (width - left - right) / last_step))
    for i, (value, kind) in enumerate(zip(values, kinds, strict=False)):
        if not math.isfinite(value):
            continue
        fill = "white" if kind == "E" else _LINE
        title = (f"half-step {i}: {KIND_NAMES.get(kind, kind)}, log-likelihood {value:.6f}"
                 + (f", lower bound {bounds[i]:.6f}" if math.isfinite(bounds[i]) else ""))
        parts.append(f'<circle cx="{x_of(i):.1f}" cy="{y_of(value):.1f}" r="{radius:.1f}" '
                     f'fill="{fill}" stroke="{_LINE}" stroke-width="1.5">'
                     f"<title>{html.escape(title)}</title></circle>")
    for i in decrease_indices(values):
        x, y = x_of(i), y_of(values[i])
        parts.append(f'<path d="M{x - 6:.1f},{y - 6:.1f}L{x + 6:.1f},{y + 6:.1f}'
                     f'M{x - 6:.1f},{y + 6:.1f}L{x + 6:.1f},{y - 6:.1f}" '
                     f'stroke="{DECREASE_HEX}" stroke-width="3"><title>the log-likelihood '
                     f"decreased at half-step {i}</title></path>")
    if len(values) and math.isfinite(values[current]):
        parts.append(f'<circle cx="{x_now:.1f}" cy="{y_of(values[current]):.1f}" '
                     f'r="{radius + 5:.1f}" fill="none" stroke="{_CURRENT}" stroke-width="3"/>')
    last = len(values) - 1
    if status == "converged" and last >= 0 and math.isfinite(values[last]):
        parts.append(f'<text x="{x_of(last) - 8:.1f}" y="{y_of(values[last]) + 1.8 * font_size:.1f}"'
                     f' text-anchor="end" fill="#222">converged</text>')
    if status == "collapsed" or (last >= 0 and not math.isfinite(values[last])):
        parts.append(f'<text x="{width - right:.1f}" y="{top - 0.4 * font_size:.1f}" '
                     f'text-anchor="end" fill="{DECREASE_HEX}" font-weight="bold">'
                     "→ +∞ (a component collapsed)</text>")
    parts.append("</svg>")
    return "".join(parts)
