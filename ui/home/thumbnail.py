"""A Plotly figure drawn as a small static SVG: the home page's fast path for pictures.

Plotly's own static export (kaleido) starts a browser and takes seconds per picture; a live
Plotly chart costs the visitor's browser a few hundred milliseconds each. A thumbnail needs
neither: the marks of the figure's traces (markers, lines, filled curves and bars on its main
axes) drawn as plain SVG in a few milliseconds, without text, ticks or hover. Traces of other
kinds (heatmaps, contours) and other axes are left out. Pure: no Streamlit.
"""

from __future__ import annotations

import base64
import math
import zlib

import numpy as np

_DTYPES = {"i1": np.int8, "u1": np.uint8, "i2": np.int16, "u2": np.uint16, "i4": np.int32,
           "u4": np.uint32, "f4": np.float32, "f8": np.float64}
_DASHES = {"dash": "6,4", "dot": "2,3", "dashdot": "6,3,2,3", "longdash": "10,4"}
_MARKER_SCALE = 0.55  # thumbnails are a quarter of a figure's size: smaller marks
_PADDING = 0.04


def figure_dict(figure) -> dict:
    """A figure's dict: the SpecFigure's own (numpy arrays kept) or a go.Figure's JSON."""
    spec = getattr(figure, "spec", None)
    return spec if isinstance(spec, dict) else figure.to_plotly_json()


def _array(value) -> np.ndarray:
    """A trace's data as a numpy array, also when plotly.py encoded it ({"dtype", "bdata"})."""
    if isinstance(value, dict) and "bdata" in value:
        array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=_DTYPES[value["dtype"]])
        shape = value.get("shape")
        if shape:
            array = array.reshape([int(size) for size in str(shape).split(",")])
        return array
    return np.asarray(value)


def _numbers(value) -> np.ndarray:
    array = _array(value)
    if array.dtype.kind not in "iuf":
        array = np.array([math.nan if item is None else item for item in array.tolist()],
                         dtype=float)
    return array.astype(float).reshape(-1)


def _on_main_axes(trace: dict) -> bool:
    return trace.get("xaxis", "x") == "x" and trace.get("yaxis", "y") == "y"


def _shown(trace: dict) -> bool:
    return trace.get("visible", True) is True and trace.get("type", "scatter") in (
        "scatter", "scattergl", "bar")


def _range(layout_axis: dict, values: list[np.ndarray]) -> list[float]:
    given = layout_axis.get("range")
    if given is not None and len(given) == 2 and None not in given:
        return [float(given[0]), float(given[1])]
    finite = np.concatenate([v[np.isfinite(v)] for v in values]) if values else np.array([])
    if not finite.size:
        return [0.0, 1.0]
    low, high = float(finite.min()), float(finite.max())
    pad = _PADDING * (high - low or 1.0)
    return [low - pad, high + pad]


def _colour_of_value(value: float, marker: dict) -> str:
    """A numeric marker colour through its colorscale (nearest stop: the app's colorscales
    are one stop per colour)."""
    scale = marker.get("colorscale")
    if not scale or not isinstance(scale, list | tuple):
        return "#444444"
    low, high = float(marker.get("cmin", 0.0)), float(marker.get("cmax", 1.0))
    position = 0.0 if high == low else (value - low) / (high - low)
    stops = np.array([float(stop[0]) for stop in scale])
    return str(scale[int(np.argmin(np.abs(stops - position)))][1])


def _marker_colours(marker: dict, n_points: int) -> list[str]:
    """One SVG colour per point from a marker's ``color`` (a string, strings, numbers through
    a colorscale, or RGB triples)."""
    colour = marker.get("color", "#444444")
    if isinstance(colour, str):
        return [colour] * n_points
    array = _array(colour)
    if array.ndim == 2 and array.shape[1] in (3, 4):  # RGB(A) triples, 0-255
        return [f"rgb({int(r)},{int(g)},{int(b)})" for r, g, b in array[:, :3]]
    if array.dtype.kind in "iuf":
        cache: dict[float, str] = {}
        values = array.reshape(-1).astype(float)
        return [cache.setdefault(value, _colour_of_value(value, marker)) for value in values]
    return [str(item) for item in array.reshape(-1)]


class _Frame:
    """Data coordinates to pixels inside the plot area."""

    def __init__(self, x_range, y_range, width: float, height: float, margin: float):
        self.x0, self.x1 = x_range
        self.y0, self.y1 = y_range
        self.left, self.top = margin, margin
        self.width, self.height = width - 2 * margin, height - 2 * margin

    def x(self, value):
        return self.left + self.width * (np.asarray(value) - self.x0) / (self.x1 - self.x0)

    def y(self, value):
        return self.top + self.height * (self.y1 - np.asarray(value)) / (self.y1 - self.y0)


def _equal_units(x_range, y_range, width: float, height: float):
    """Widen one range so that a unit is as long across as up (``scaleanchor``)."""
    (x0, x1), (y0, y1) = x_range, y_range
    per_x, per_y = (x1 - x0) / width, (y1 - y0) / height
    if per_x > per_y:
        middle, half = (y0 + y1) / 2, per_x * height / 2
        return [x0, x1], [middle - half, middle + half]
    middle, half = (x0 + x1) / 2, per_y * width / 2
    return [middle - half, middle + half], [y0, y1]


def _points(values_x, values_y):
    finite = np.isfinite(values_x) & np.isfinite(values_y)
    return values_x, values_y, finite


def _line_svg(trace: dict, frame: _Frame, x: np.ndarray, y: np.ndarray) -> list[str]:
    line = trace.get("line", {}) or {}
    colour = line.get("color", "#444444")
    width = max(float(line.get("width", 2.0)) * _MARKER_SCALE, 1.0)
    dash = _DASHES.get(line.get("dash", ""), "")
    px, py = frame.x(x), frame.y(np.clip(y, frame.y0 - 10 * (frame.y1 - frame.y0),
                                         frame.y1 + 10 * (frame.y1 - frame.y0)))
    finite = np.isfinite(px) & np.isfinite(py)
    parts, run = [], []
    for keep, a, b in zip(finite, px, py, strict=True):
        if keep:
            run.append(f"{a:.1f},{b:.1f}")
        elif run:
            parts.append(run)
            run = []
    if run:
        parts.append(run)
    shapes = []
    if trace.get("fill") == "tozeroy" and parts:
        fill = trace.get("fillcolor", colour)
        zero = float(frame.y(0.0))
        for run in parts:
            first_x, last_x = run[0].split(",")[0], run[-1].split(",")[0]
            shapes.append(f'<polygon points="{first_x},{zero:.1f} {" ".join(run)} '
                          f'{last_x},{zero:.1f}" fill="{fill}" stroke="none"/>')
    dash_attribute = f' stroke-dasharray="{dash}"' if dash else ""
    for run in parts:
        if len(run) > 1:
            shapes.append(f'<polyline points="{" ".join(run)}" fill="none" stroke="{colour}" '
                          f'stroke-width="{width:.1f}"{dash_attribute}/>')
    return shapes


def _markers_svg(trace: dict, frame: _Frame, x: np.ndarray, y: np.ndarray) -> list[str]:
    marker = trace.get("marker", {}) or {}
    size = marker.get("size", 6.0)
    radius = max(float(np.mean(_numbers(size))) * _MARKER_SCALE / 2, 1.2)
    colours = _marker_colours(marker, len(x))
    outline = (marker.get("line") or {}).get("color")
    symbol = str(marker.get("symbol", "circle"))
    px, py = frame.x(x), frame.y(y)
    shapes = []
    for a, b, colour, keep in zip(px, py, colours, np.isfinite(px) & np.isfinite(py),
                                  strict=False):
        if not keep:
            continue
        if symbol.startswith("x") or symbol.startswith("cross"):
            r = radius * 1.6
            shapes.append(f'<path d="M{a - r:.1f},{b - r:.1f}L{a + r:.1f},{b + r:.1f}M{a - r:.1f},'
                          f'{b + r:.1f}L{a + r:.1f},{b - r:.1f}" stroke="{colour}" '
                          f'stroke-width="{max(radius, 1.5):.1f}"/>')
        elif symbol.startswith("line-ns"):
            shapes.append(f'<line x1="{a:.1f}" x2="{a:.1f}" y1="{b - 2 * radius:.1f}" '
                          f'y2="{b + 2 * radius:.1f}" stroke="{colour}" stroke-width="1.2"/>')
        elif colour in ("rgba(0,0,0,0)", "transparent") and outline:
            shapes.append(f'<circle cx="{a:.1f}" cy="{b:.1f}" r="{radius:.1f}" fill="none" '
                          f'stroke="{outline}" stroke-width="1.5"/>')
        else:
            shapes.append(f'<circle cx="{a:.1f}" cy="{b:.1f}" r="{radius:.1f}" '
                          f'fill="{colour}"/>')
    return shapes


def _bar_widths(trace: dict, x: np.ndarray) -> np.ndarray:
    """Each bar's width (N,): the trace's, or 0.8 of the closest spacing as Plotly draws it."""
    if "width" in trace:
        return np.broadcast_to(_numbers(trace["width"]), x.shape)
    spacing = float(np.min(np.diff(np.sort(x)))) if len(x) > 1 else 1.0
    return np.full(x.shape, 0.8 * spacing)


def _bars_svg(trace: dict, frame: _Frame, x: np.ndarray, y: np.ndarray) -> list[str]:
    marker = trace.get("marker", {}) or {}
    colours = _marker_colours(marker, len(x))
    widths = _bar_widths(trace, x)
    zero = float(frame.y(0.0))
    shapes = []
    for centre, height, width, colour in zip(x, y, widths, colours, strict=False):
        if not (np.isfinite(centre) and np.isfinite(height)):
            continue
        left, right = float(frame.x(centre - width / 2)), float(frame.x(centre + width / 2))
        top = float(frame.y(height))
        shapes.append(f'<rect x="{left:.1f}" y="{min(top, zero):.1f}" '
                      f'width="{max(right - left, 0.5):.1f}" height="{abs(zero - top):.1f}" '
                      f'fill="{colour}"/>')
    return shapes


def _category_positions(values) -> np.ndarray:
    array = _array(values)
    if array.dtype.kind in "iuf":
        return array.astype(float).reshape(-1)
    return np.arange(array.size, dtype=float)


def thumbnail(figure, *, width: int = 360, height: int = 240, title: str = "") -> str:
    """``figure`` (a Plotly figure or SpecFigure) as an SVG string of ``width`` x ``height``
    pixels that scales to its container: the traces' marks on a white plot area with a frame.

    title: the SVG's <title> (for tools that read it; the page gives the image its alt text).
    """
    spec = figure_dict(figure)
    layout = spec.get("layout", {}) or {}
    traces = [trace for trace in spec.get("data", []) if _on_main_axes(trace) and _shown(trace)]
    xs = [_category_positions(trace.get("x", [])) for trace in traces]
    ys = [_numbers(trace.get("y", [])) for trace in traces]
    extents = list(xs)
    for trace, x in zip(traces, xs, strict=True):
        if trace.get("type") == "bar":  # a bar reaches half its width beyond its centre
            half = _bar_widths(trace, x) / 2
            extents.extend([x - half, x + half])
    # Bars stand on zero, which must be in the picture.
    bar_zero = [np.zeros(1)] if any(t.get("type") == "bar" for t in traces) else []
    x_range = _range(layout.get("xaxis", {}) or {}, extents)
    y_range = _range(layout.get("yaxis", {}) or {}, ys + bar_zero)
    margin = 6.0
    if (layout.get("yaxis", {}) or {}).get("scaleanchor") == "x":
        x_range, y_range = _equal_units(x_range, y_range, width - 2 * margin,
                                        height - 2 * margin)
    frame = _Frame(x_range, y_range, width, height, margin)
    marks = []
    for trace, x, y in zip(traces, xs, ys, strict=False):
        if trace.get("type") == "bar":
            marks.extend(_bars_svg(trace, frame, x, y))
            continue
        mode = trace.get("mode", "lines+markers")
        if "lines" in mode:
            marks.extend(_line_svg(trace, frame, x, y))
        if "markers" in mode:
            marks.extend(_markers_svg(trace, frame, x, y))
    body = "".join(marks)
    # An id of its own: two thumbnails inlined in one document must not share a clip path.
    clip = f"plot{zlib.crc32(body.encode()):08x}"
    return "".join([
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%">',
        f"<title>{_escape(title)}</title>" if title else "",
        f'<rect x="0.5" y="0.5" width="{width - 1}" height="{height - 1}" fill="white" '
        'stroke="#c8ced8"/>',
        f'<clipPath id="{clip}"><rect x="{margin}" y="{margin}" width="{width - 2 * margin}" '
        f'height="{height - 2 * margin}"/></clipPath><g clip-path="url(#{clip})">',
        body, "</g></svg>"])


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def side_by_side(svgs: list[str], *, gap: int = 8) -> str:
    """Several thumbnails (each from ``thumbnail``) in one SVG, left to right."""
    sizes = []
    for svg in svgs:
        view_box = svg.split('viewBox="0 0 ', 1)[1].split('"', 1)[0]
        sizes.append(tuple(float(value) for value in view_box.split()))
    width = sum(size[0] for size in sizes) + gap * (len(svgs) - 1)
    height = max(size[1] for size in sizes)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:g} {height:g}" '
             'width="100%">']
    x = 0.0
    for svg, (w, h) in zip(svgs, sizes, strict=True):
        inner = svg.split(">", 1)[1].rsplit("</svg>", 1)[0]
        parts.append(f'<svg x="{x:g}" y="0" width="{w:g}" height="{h:g}" '
                     f'viewBox="0 0 {w:g} {h:g}">{inner}</svg>')
        x += w + gap
    parts.append("</svg>")
    return "".join(parts)
