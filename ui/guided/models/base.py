"""What every lesson's model provides, and the helpers they share.

A model turns a lesson file's ``[setup]`` (the example's numbers) into everything the lesson
shows: ``facts`` (formatted numbers and computed answers for the ``{{name}}`` templates),
``numbers`` (what typed answers are checked against, and each mistake's number), ``points``
(what placed points are checked against) and pictures (figures with a generated text
alternative), all computed with ``gmm_core`` and drawn with ``ui.figures``. Pure: no Streamlit.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from ui.figures import FigureStyle, make_figure
from ui.kit import text


class SetupError(ValueError):
    """A ``[setup]`` value a model cannot use; the message names it and says what is allowed."""


@dataclass(frozen=True)
class Picture:
    """A figure and its text alternative (what it shows, in words, computed from its numbers)."""

    figure: go.Figure
    description: str
    title: str = ""  # shown above the figure (a title inside would sit on the legend)


class LessonModel:
    """The computations behind one lesson (subclasses fill the three mappings in __init__ and
    define ``figure_<name>(style, guesses)`` methods returning a Picture or a tuple of them)."""

    def __init__(self) -> None:
        self.facts: dict[str, str] = {}
        self.numbers: dict[str, float] = {}
        self.points: dict[str, np.ndarray] = {}

    def picture_names(self) -> tuple[str, ...]:
        """The names a lesson file may use for ``figure`` and ``reveal_figure``."""
        return tuple(name.removeprefix("figure_") for name in dir(self)
                     if name.startswith("figure_"))

    def pictures(self, name: str, style: FigureStyle,
                 guesses: np.ndarray | None = None) -> tuple[Picture, ...]:
        """The pictures called ``name`` in a lesson file. guesses: (K, 2) points the student
        placed (nan where not yet placed), for the figures that show them."""
        draw: Callable | None = getattr(self, f"figure_{name}", None)
        if draw is None:
            raise SetupError(f"there is no figure {name!r}; this lesson draws: "
                             f"{', '.join(self.picture_names())}")
        drawn = draw(style, guesses)
        return drawn if isinstance(drawn, tuple) else (drawn,)


# --- reading [setup] ----------------------------------------------------------------------------


def setting(setup: Mapping[str, object], name: str, *, low: float = -1e6, high: float = 1e6,
            size: int | None = None, shape: tuple[int, ...] | None = None,
            integer: bool = False) -> np.ndarray | float | int:
    """``setup[name]`` checked: a number (or an array of ``size`` numbers, or of ``shape``)
    from low to high. Raises SetupError saying what is wrong."""
    if name not in setup:
        raise SetupError(f"[setup] needs {name}")
    raw = setup[name]
    try:
        values = np.asarray(raw, dtype=np.float64)
    except (TypeError, ValueError):
        raise SetupError(f"[setup] {name} must be numbers, not {raw!r}") from None
    wanted = shape if shape is not None else ((size,) if size is not None else ())
    if values.shape != wanted:
        raise SetupError(f"[setup] {name} must have shape {wanted or 'of one number'}, "
                         f"not {values.shape}")
    if not np.all(np.isfinite(values)) or np.any(values < low) or np.any(values > high):
        raise SetupError(f"[setup] {name} must be finite numbers from {low:g} to {high:g}")
    if integer:
        if not np.all(values == np.round(values)):
            raise SetupError(f"[setup] {name} must be whole numbers")
        return int(values) if values.ndim == 0 else values.astype(int)
    return float(values) if values.ndim == 0 else values


def vector_setting(setup: Mapping[str, object], name: str, *, low: float, high: float,
                   sizes: tuple[int, int]) -> np.ndarray:
    """A list of sizes[0] to sizes[1] numbers from low to high: (M,)."""
    raw = setup.get(name)
    if not isinstance(raw, list) or not sizes[0] <= len(raw) <= sizes[1]:
        raise SetupError(f"[setup] {name} must list {sizes[0]} to {sizes[1]} numbers")
    return setting(setup, name, low=low, high=high, size=len(raw))


def weights_setting(setup: Mapping[str, object], name: str, size: int) -> np.ndarray:
    """Mixture weights: ``size`` positive numbers summing to 1 (within 1e-9)."""
    weights = setting(setup, name, low=1e-6, high=1.0, size=size)
    if abs(weights.sum() - 1.0) > 1e-9:
        raise SetupError(f"[setup] {name} must sum to 1, not {weights.sum():g}")
    return weights


# --- formatting ---------------------------------------------------------------------------------


def share(value: float) -> str:
    """A probability with three significant digits: "0.619"."""
    return text.number(value, 3)


def percent(value: float) -> str:
    """A share as a percentage with one decimal, never rounded to 0 % or 100 % unless exact."""
    shown = 100.0 * value
    if 0 < shown < 0.05:
        return "< 0.1 %"
    if 99.95 < shown < 100:
        return "> 99.9 %"
    return f"{text.number(shown, 3)} %"


def change_word(before: float, after: float, n_samples: int) -> str:
    """"up", "down" or "same": how ℓ changed, beyond round-off (1e-10 relative, as
    ``gmm_core.em_run.likelihood_decreases`` counts a fall)."""
    scale = 1e-10 * max(abs(before), abs(after), float(n_samples))
    if not (math.isfinite(before) and math.isfinite(after)):
        return "up" if after > before else ("down" if after < before else "same")
    if after > before + scale:
        return "up"
    if after < before - scale:
        return "down"
    return "same"


def subscripted(symbol: str, k: int) -> str:
    return f"{symbol}{text.subscript(k)}"


# --- figures --------------------------------------------------------------------------------------


def with_traces(figure: go.Figure, traces: Sequence[dict], **layout) -> go.Figure:
    """A figure of ``ui.figures`` (built from a spec) with more traces on top and layout
    settings changed."""
    spec = figure.spec
    return make_figure({"data": [*spec["data"], *traces], "layout": {**spec["layout"], **layout}})


def marker_trace(points: np.ndarray, name: str, style: FigureStyle, *, symbol: str,
                 colours: Sequence[str], hover: str, text_labels: Sequence[str] = ()) -> dict:
    """Markers at ``points`` (M, 2), one colour each (a guess, an old mean ...)."""
    trace = {
        "type": "scatter", "x": points[:, 0].tolist(), "y": points[:, 1].tolist(),
        "mode": "markers+text" if text_labels else "markers", "name": name,
        "marker": {"symbol": symbol, "size": style.marker_size * 2 + 10,
                   "color": list(colours), "line": {"color": "#111111", "width": 2}},
        "hovertemplate": hover + "<extra></extra>",
    }
    if text_labels:
        trace.update(text=list(text_labels), textposition="top center",
                     textfont={"size": style.font_size})
    return trace
