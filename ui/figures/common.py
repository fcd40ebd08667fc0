"""Shared pieces of every figure: the component palette, point colours, sizes for projection,
layouts and axes, and the fast figure wrapper (the charts built from them are in ``charts``).

Pure Plotly (no Streamlit). Figures are built as plain dicts and wrapped with
``go.Figure(spec, _validate=False)``: Plotly's per-value validation costs tens of milliseconds
per 10,000 points and the dicts below are correct by construction. Large arrays are float32 or
small integers, which Plotly serialises as compact binary.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from ui.kit.escape import untrusted_plotly

# Okabe & Ito's colour-blind-safe palette (minus its grey-ish black first), then Paul Tol's wine
# and dark green for K = 9 and 10. Component k is always PALETTE_HEX[k], named PALETTE_NAMES[k].
# Every pair stays at least 10 CIEDE2000 units apart for normal vision and simulated protanopia,
# deuteranopia and tritanopia (tests/ui/test_colours.py says why 10); Tol's olive, the tenth
# colour before, was 5 units from the vermilion for a deuteranope.
PALETTE_HEX = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#D55E00",  # vermilion
    "#56B4E9",  # sky blue
    "#F0E442",  # yellow
    "#000000",  # black
    "#882255",  # wine (Tol)
    "#225522",  # dark green (Tol)
)
PALETTE_NAMES = ("blue", "orange", "bluish green", "reddish purple", "vermilion", "sky blue",
                 "yellow", "black", "wine", "dark green")
PALETTE_RGB = np.array(
    [[int(code[i : i + 2], 16) / 255.0 for i in (1, 3, 5)] for code in PALETTE_HEX]
)
# Points before the first E-step have no responsibilities yet.
UNASSIGNED_HEX = "#9E9E9E"
DECREASE_HEX = "#C00000"

# Above this many points use WebGL (Scattergl); below it SVG is crisper and as fast.
WEBGL_THRESHOLD = 2000


def component_hex(component: int) -> str:
    """The colour of component ``component`` (0-based), stable across every step and page."""
    return PALETTE_HEX[component % len(PALETTE_HEX)]


def component_colour_name(component: int) -> str:
    """The name of component ``component``'s colour (0-based), for text that refers to it."""
    return PALETTE_NAMES[component % len(PALETTE_NAMES)]


def component_rgba(component: int, alpha: float) -> str:
    red, green, blue = (round(255 * c) for c in PALETTE_RGB[component % len(PALETTE_RGB)])
    return f"rgba({red},{green},{blue},{alpha:g})"


def component_label(component: int) -> str:
    """How a component is named on screen: 1-based, as in the formulas."""
    return f"component {component + 1}"


def plotly_labels(names: Sequence[str]) -> tuple[str, ...]:
    """Column names (a user's CSV header, a preset's) made safe for Plotly titles and hover
    templates: no HTML, no %{...} substitution."""
    return tuple(untrusted_plotly(name) for name in names)


def scatter_type(n_points: int) -> str:
    return "scattergl" if n_points > WEBGL_THRESHOLD else "scatter"


@dataclass(frozen=True)
class FigureStyle:
    """Sizes of text, markers and lines; ``presentation`` enlarges them for a lecture hall."""

    font_size: int = 14
    marker_size: float = 6.0
    line_width: float = 2.0
    height: int = 560
    presentation: bool = False


def figure_style(n_points: int, presentation: bool = False) -> FigureStyle:
    """Marker sizes that keep N = 60 readable and N = 100,000 from becoming a solid blob."""
    if n_points <= 300:
        marker = 9.0
    elif n_points <= 3000:
        marker = 6.0
    elif n_points <= 30_000:
        marker = 4.0
    else:
        marker = 2.5
    if presentation:
        return FigureStyle(font_size=22, marker_size=marker * 1.6, line_width=4.0, height=680,
                           presentation=True)
    return FigureStyle(marker_size=marker)


# --- point colours ---------------------------------------------------------------------------


def blend_colours(responsibilities: np.ndarray) -> np.ndarray:
    """Each point's colour as the responsibility-weighted mix of its components' colours.

    responsibilities: (N, K), rows summing to 1. Returns (N, 3) RGB in [0, 1].
    """
    n_components = responsibilities.shape[1]
    palette = PALETTE_RGB[np.arange(n_components) % len(PALETTE_RGB)]
    return np.clip(responsibilities @ palette, 0.0, 1.0)


def _rgb_string(rgb: np.ndarray) -> str:
    red, green, blue = (int(round(255 * c)) for c in rgb)
    return f"rgb({red},{green},{blue})"


def encode_colours(responsibilities: np.ndarray, max_colours: int = 1500):
    """Blended point colours as a small integer array plus a colorscale (Plotly's fast path).

    responsibilities: (N, K). Each row is rounded to multiples of 1/32 (coarser if more than
    ``max_colours`` different mixtures occur), so a point owned by one component gets exactly
    that component's colour and only the mixtures that occur enter the colorscale. Returns
    (codes (N,) uint16, colorscale [[position, "rgb(...)"], ...], cmax): marker.color = codes
    with cmin = 0 and cmax draws each point in the blend of its rounded responsibilities.
    """
    n_components = responsibilities.shape[1]
    for levels in (32, 16, 8, 4, 2):
        rounded = np.rint(responsibilities * levels).astype(np.int64)
        # One integer per mixture: the rounded responsibilities as digits in base levels + 1.
        keys = rounded @ ((levels + 1) ** np.arange(n_components, dtype=np.int64))
        unique_keys, first, codes = np.unique(keys, return_index=True, return_inverse=True)
        if len(unique_keys) <= max_colours:
            break
    mixtures = rounded[first] / levels
    # Rounding may leave a row summing to slightly more or less than 1; renormalise it so the
    # colour's brightness does not depend on the rounding.
    mixtures /= np.maximum(mixtures.sum(axis=1, keepdims=True), 1e-12)
    colours = blend_colours(mixtures)
    codes = codes.astype(np.uint16).reshape(-1)
    if len(unique_keys) == 1:
        colour = _rgb_string(colours[0])
        return codes, [[0.0, colour], [1.0, colour]], 1
    top = len(unique_keys) - 1
    channels = np.rint(255 * colours).astype(int).tolist()
    colorscale = [[index / top, f"rgb({red},{green},{blue})"]
                  for index, (red, green, blue) in enumerate(channels)]
    return codes, colorscale, top


def channel_colours(responsibilities: np.ndarray, *, hard_labels: bool = False) -> np.ndarray:
    """Each point's colour as (N, 3) uint8 RGB, for WebGL traces.

    plotly.js turns a colour given as an RGB triple straight into numbers, whereas colour
    strings (and colorscale values, which become strings inside plotly.js) are parsed one by
    one: at 10,000 points that parsing cost the browser 50-150 ms on every step.
    """
    if hard_labels:
        n_components = responsibilities.shape[1]
        palette = PALETTE_RGB[np.arange(n_components) % len(PALETTE_RGB)]
        rgb = palette[np.argmax(responsibilities, axis=1)]
    else:
        rgb = blend_colours(responsibilities)
    return np.rint(rgb * 255).astype(np.uint8)


def point_marker(responsibilities: np.ndarray | None, style: FigureStyle, *,
                 hard_labels: bool = False, symbol: str | None = None) -> dict:
    """The ``marker`` dict of a point trace coloured by responsibilities.

    responsibilities: (N, K) or None (no E-step yet: every point grey). With ``hard_labels``
    each point takes the colour of its most responsible component. Above WEBGL_THRESHOLD
    points (a Scattergl trace) the colours are RGB triples (``channel_colours``); SVG traces
    cannot read those, so below it they are small integers with a colorscale.
    """
    marker: dict = {"size": style.marker_size}
    if symbol:
        marker["symbol"] = symbol
    if responsibilities is None:
        marker["color"] = UNASSIGNED_HEX
        return marker
    if scatter_type(len(responsibilities)) == "scattergl":
        marker["color"] = channel_colours(responsibilities, hard_labels=hard_labels)
        return marker
    n_components = responsibilities.shape[1]
    if hard_labels:
        codes = np.argmax(responsibilities, axis=1).astype(np.uint16)
        top = max(n_components - 1, 1)
        colorscale = []
        for component in range(max(n_components, 2)):
            colour = component_hex(min(component, n_components - 1))
            colorscale.append([component / top, colour])
        cmax = top
    else:
        codes, colorscale, cmax = encode_colours(responsibilities)
    marker.update(color=codes, colorscale=colorscale, cmin=0, cmax=cmax, showscale=False)
    return marker


def responsibility_hover(responsibilities: np.ndarray | None, coordinates: str):
    """(customdata, hovertemplate) showing a point's responsibilities in percent.

    responsibilities: (N, K) or None. customdata is (N, K) uint8 percentages: a quarter of the
    bytes of float32, and a hover needs no more precision than that.
    """
    if responsibilities is None:
        return None, coordinates + "<br>no responsibilities yet (run an E-step)<extra></extra>"
    percentages = np.rint(100.0 * responsibilities).astype(np.uint8)
    lines = [
        f"r<sub>{k + 1}</sub> = %{{customdata[{k}]}}%"
        for k in range(responsibilities.shape[1])
    ]
    return percentages, coordinates + "<br>" + "<br>".join(lines) + "<extra></extra>"


def base_layout(style: FigureStyle, *, height: int | None = None) -> dict:
    """Margins, fonts and the legend shared by every figure."""
    return {
        "height": height or style.height,
        "font": {"size": style.font_size},
        "margin": {"l": 10, "r": 10, "t": 40, "b": 10},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.01, "xanchor": "left", "x": 0,
                   "font": {"size": style.font_size}},
        "hoverlabel": {"font": {"size": style.font_size}},
        # Keeps zoom and legend clicks when the next step redraws the figure.
        "uirevision": "keep",
    }


def axis(style: FigureStyle, title: str, **settings) -> dict:
    """An axis dict whose title and tick labels follow the style's font size (the Streamlit
    theme would otherwise keep tick labels small in presentation mode)."""
    return {"title": {"text": title, "font": {"size": style.font_size}},
            "tickfont": {"size": max(style.font_size - 2, 10)}, **settings}


def _moved_reference(reference: str, axis_suffix: str) -> str:
    """An xref/yref of the lower figure once it sits on the second pair of axes."""
    if reference == "paper":
        return axis_suffix + " domain"
    if reference in ("x", "y"):
        return reference + axis_suffix[1:]
    return reference


def stack_figures(top: go.Figure, bottom: go.Figure, *, bottom_height: int,
                  bottom_title: str = "", gap_px: int = 70) -> go.Figure:
    """One figure with ``top`` above ``bottom`` (two SpecFigures): a single Plotly chart.

    Each chart on a Streamlit page costs the browser a fixed few hundred milliseconds per
    redraw; stacking the mixture and its log-likelihood halves that for every step. The bottom
    figure's traces move to axes x2/y2 (its shapes and annotations follow), its traces leave
    the legend, and ``bottom_title`` is written above it.
    """
    top_spec, bottom_spec = top.spec, bottom.spec
    top_layout, bottom_layout = dict(top_spec["layout"]), bottom_spec["layout"]
    height = top_layout["height"] + gap_px + bottom_height
    bottom_share = bottom_height / height
    gap_share = gap_px / height
    moved = []
    for trace in bottom_spec["data"]:
        trace = dict(trace, xaxis="x2", yaxis="y2", showlegend=False)
        moved.append(trace)
    layout = top_layout
    layout["height"] = height
    layout["yaxis"] = dict(top_layout.get("yaxis", {}), domain=[bottom_share + gap_share, 1.0])
    layout["xaxis"] = dict(top_layout.get("xaxis", {}), anchor="y")
    layout["xaxis2"] = dict(bottom_layout.get("xaxis", {}), anchor="y2")
    layout["yaxis2"] = dict(bottom_layout.get("yaxis", {}), anchor="x2", domain=[0.0, bottom_share])
    shapes = list(top_layout.get("shapes", []))
    for shape in bottom_layout.get("shapes", []):
        shapes.append(dict(shape, xref=_moved_reference(shape.get("xref", "x"), "x2"),
                           yref=_moved_reference(shape.get("yref", "y"), "y2")))
    annotations = list(top_layout.get("annotations", []))
    for note in bottom_layout.get("annotations", []):
        annotations.append(dict(note, xref=_moved_reference(note.get("xref", "x"), "x2"),
                                yref=_moved_reference(note.get("yref", "y"), "y2")))
    if bottom_title:
        annotations.append({"text": bottom_title, "xref": "paper", "yref": "paper", "x": 0,
                            "y": bottom_share + 0.2 * gap_share, "xanchor": "left",
                            "yanchor": "bottom", "showarrow": False,
                            "font": top_layout.get("font", {})})
    layout["shapes"], layout["annotations"] = shapes, annotations
    return make_figure({"data": list(top_spec["data"]) + moved, "layout": layout})


# plotly.js typed-array codes, and the keys whose arrays plotly.py never encodes.
_TYPED_ARRAY_CODES = {"int8": "i1", "uint8": "u1", "int16": "i2", "uint16": "u2", "int32": "i4",
                      "uint32": "u4", "float32": "f4", "float64": "f8"}
_UNENCODED_KEYS = frozenset({"geojson", "layer", "layers", "range"})


def _typed_array(array: np.ndarray):
    """A numpy array as plotly.js's typed-array spec {"dtype", "bdata"[, "shape"]}, as
    plotly.py writes it; other dtypes (int64, bool, text) and empty arrays as plain lists,
    which plotly.js reads as well."""
    code = _TYPED_ARRAY_CODES.get(array.dtype.name)
    if code is None or array.size == 0:
        return array.tolist()
    spec = {"dtype": code,
            "bdata": base64.b64encode(np.ascontiguousarray(array)).decode("ascii")}
    if array.ndim > 1:
        spec["shape"] = ", ".join(map(str, array.shape))
    return spec


def _encoded_copy(value, key=None):
    """A copy of nested dicts and lists with every numpy array as a base64 typed array.

    What plotly.py's ``convert_to_base64`` does, without its pandas/narwhals type checks on
    every value (those cost ~20 ms per mixture figure, on every click).
    """
    if isinstance(value, dict):
        return {name: _encoded_copy(item, name) for name, item in value.items()}
    if isinstance(value, list | tuple):
        return [_encoded_copy(item) for item in value]
    if isinstance(value, np.ndarray) and key not in _UNENCODED_KEYS:
        return _typed_array(value)
    return value


class SpecFigure(go.Figure):
    """A ``go.Figure`` made from a trusted figure dict, built into Plotly objects only if used.

    ``st.plotly_chart`` only calls ``to_dict()``, which returns the dict itself: constructing
    Plotly's object tree costs 2-3 ms per trace even without validation, 30-40 ms for a 2-D
    mixture figure, on every rerun. Any other use (``fig.data``, ``fig.add_trace(...)``,
    ``fig.update_layout(...)``) first builds the full figure, so it behaves as a go.Figure.
    """

    def __init__(self, spec: dict):
        object.__setattr__(self, "_spec", spec)
        object.__setattr__(self, "_materialised", False)

    def __getattr__(self, name: str):
        # Reached only for attributes that do not exist yet: go.Figure's internals before
        # the figure is built. Build it once, then look again.
        if name.startswith("__") or name in ("_spec", "_materialised") or self._materialised:
            raise AttributeError(name)
        object.__setattr__(self, "_materialised", True)
        go.Figure.__init__(self, self._spec, _validate=False)
        return getattr(self, name)

    @property
    def spec(self) -> dict:
        """The dict this figure was made from, numpy arrays and all (for tests and reuse)."""
        return self._spec

    def to_dict(self) -> dict:
        """The figure as a dict, numpy arrays encoded as typed arrays (as go.Figure does)."""
        if self._materialised:
            return super().to_dict()
        # Numeric arrays travel as base64 typed arrays: 4 bytes per float32 instead of ~10.
        return _encoded_copy(self._spec)

    def to_plotly_json(self) -> dict:
        return self.to_dict()


def make_figure(spec: dict) -> go.Figure:
    """Wrap a figure dict as a go.Figure without Plotly's per-value validation or object
    construction (see ``SpecFigure``); the dict must be a correct Plotly figure."""
    return SpecFigure(spec)
