"""The figure on screen as SVG and PNG for slides and handouts, drawn on the server by Kaleido.

Kaleido (v1) renders Plotly figures in a headless Chromium. This module uses Debian's Chromium
(``/usr/bin/chromium``, or the ``BROWSER_PATH`` environment variable, or whatever ``chromium``
is on the PATH), always without its sandbox (``--no-sandbox``, Kaleido's default: needed as
root in a container), and never MathJax (Kaleido would fetch it from a CDN).

Starting Chromium costs seconds, so one browser is kept per server process and shared by
every session, one picture at a time (a lock); it closes itself after IDLE_SECONDS unused and
restarts on the next request. A picture that fails or takes longer than RENDER_TIMEOUT_S
raises ``ImageExportError`` with a sentence for the user, and the browser is restarted.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import threading
from pathlib import Path

import numpy as np

from ui.exports.look import place_title, white_background
from ui.exports.view import (
    ExportView,
    covariance_words,
    drawn_points,
    half_step_title,
    shown_responsibilities,
)
from ui.figures import figure_style, make_figure, mixture_figure_1d, mixture_figure_2d
from ui.kit.escape import untrusted_plotly

# A 16:9 slide; PNG at twice the resolution (2560 x 1440 pixels) stays sharp on a projector.
IMAGE_WIDTH, IMAGE_HEIGHT = 1280, 720
PNG_SCALE = 2
DEBIAN_CHROMIUM = "/usr/bin/chromium"
START_TIMEOUT_S = 90.0
RENDER_TIMEOUT_S = 60.0
IDLE_SECONDS = 300.0
# Beyond this many points a picture draws a seeded random sample of them (and says so): a
# slide shows no more, and a server's Chromium draws 100,000 marks far too slowly.
IMAGE_MAX_POINTS = 10_000


class ImageExportError(RuntimeError):
    """The picture could not be drawn; the message says why, for the user."""


def chromium_path() -> str | None:
    """The browser Kaleido drives: $BROWSER_PATH, Debian's /usr/bin/chromium, or `chromium`
    on the PATH; None lets Kaleido search on its own."""
    override = os.environ.get("BROWSER_PATH")
    if override:
        return override
    if Path(DEBIAN_CHROMIUM).is_file():
        return DEBIAN_CHROMIUM
    return shutil.which("chromium") or shutil.which("chromium-browser")


def image_figure(view: ExportView) -> dict:
    """The mixture figure of the half-step on screen, sized for a slide, white, with a title
    naming the half-step, its log-likelihood and the data (a JSON-ready dict)."""
    entry = view.entry
    drawn = drawn_points(view.n_samples, IMAGE_MAX_POINTS)
    X = view.X[drawn]
    responsibilities = shown_responsibilities(view.history, view.index, X)
    style = figure_style(len(X), view.presentation)
    # The figure builders escape the column names themselves.
    names = list(view.feature_names)
    title = untrusted_plotly(half_step_title(view, view.index), max_chars=300)
    sampled = (f" (drawn: a random sample of {len(drawn):,} of the points)"
               if len(drawn) < view.n_samples else "")
    subtitle = untrusted_plotly(f"{view.data_name}, N = {view.n_samples:,}, "
                                f"K = {view.n_components}, {covariance_words(view)}{sampled}",
                                max_chars=300)
    if view.n_features == 1:
        figure = mixture_figure_1d(X, entry.params, responsibilities, style,
                                   feature_name=names[0], title=title)
    else:
        figure = mixture_figure_2d(X, entry.params, responsibilities, style,
                                   feature_names=names[:2], title=title)
    spec = make_figure({"data": [_vector_trace(trace) for trace in figure.spec["data"]],
                        "layout": figure.spec["layout"]}).to_dict()
    layout = dict(spec["layout"], width=IMAGE_WIDTH, height=IMAGE_HEIGHT)
    layout.pop("uirevision", None)
    place_title(layout, top_margin=110)
    layout["title"]["subtitle"] = {"text": subtitle, "font": {"size": style.font_size}}
    white_background(layout)
    return {"data": spec["data"], "layout": layout}


def _vector_trace(trace: dict) -> dict:
    """A trace as the picture draws it: SVG instead of WebGL (true vectors in the SVG file, and
    Chromium's software WebGL on a server is slow), no hover data (a picture has no hover)."""
    trace = {key: value for key, value in trace.items()
             if key not in ("customdata", "hovertemplate")}
    if trace.get("type") == "scattergl":
        marker = dict(trace.get("marker", {}))
        colours = marker.get("color")
        if isinstance(colours, np.ndarray) and colours.ndim == 2:
            # WebGL takes (N, 3) RGB triples; SVG markers take colour strings.
            marker["color"] = [f"rgb({red},{green},{blue})" for red, green, blue in colours.tolist()]
        trace = dict(trace, type="scatter", marker=marker)
    return trace


class _Renderer:
    """One Kaleido (one headless Chromium) on its own event-loop thread, used under a lock."""

    def __init__(self):
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._kaleido = None
        self._idle_timer: threading.Timer | None = None

    def prepare(self) -> None:
        """Start the browser now (in the background) unless it runs or is starting."""
        def start():
            with self._lock:
                if self._kaleido is None:
                    try:
                        self._start()
                    except Exception:  # the next picture tries again and reports the error
                        self._stop()
        if self._kaleido is None and not self._lock.locked():
            threading.Thread(target=start, name="kaleido-start", daemon=True).start()

    def render(self, figure: dict, options: dict) -> bytes:
        with self._lock:
            if self._idle_timer is not None:
                self._idle_timer.cancel()
            try:
                if self._kaleido is None:
                    self._start()
                future = asyncio.run_coroutine_threadsafe(
                    self._kaleido.calc_fig(figure, opts=options), self._loop)
                image = future.result(RENDER_TIMEOUT_S)
            except Exception as error:
                self._stop()
                raise ImageExportError(
                    f"The picture could not be drawn on the server ({type(error).__name__}: "
                    f"{str(error)[:200]}). Try again; if it keeps failing, check that Chromium "
                    f"is installed (expected at {DEBIAN_CHROMIUM}).") from error
            self._idle_timer = threading.Timer(IDLE_SECONDS, self.close)
            self._idle_timer.daemon = True
            self._idle_timer.start()
            return image

    def _start(self) -> None:
        import kaleido  # imported on first use: the app starts without it

        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name="kaleido", daemon=True)
        thread.start()
        self._loop, self._thread = loop, thread
        path = chromium_path()

        async def open_browser():
            options = {"n": 1, "timeout": RENDER_TIMEOUT_S, "mathjax": False}
            if path:
                options["path"] = path
            renderer = kaleido.Kaleido(**options)
            await renderer.open()
            return renderer

        self._kaleido = asyncio.run_coroutine_threadsafe(open_browser(), loop).result(
            START_TIMEOUT_S)

    def _stop(self) -> None:
        """Close the browser and the loop (under the lock, or from close())."""
        kaleido_instance, loop, thread = self._kaleido, self._loop, self._thread
        self._kaleido = self._loop = self._thread = None
        if loop is None:
            return
        if kaleido_instance is not None:
            try:
                asyncio.run_coroutine_threadsafe(kaleido_instance.close(), loop).result(30)
            except Exception:  # the browser may already be gone; the loop stops either way
                pass
        loop.call_soon_threadsafe(loop.stop)
        if thread is not None:
            thread.join(10)
        if not loop.is_running():
            loop.close()

    def close(self) -> None:
        """Close the browser now (it restarts on the next picture)."""
        with self._lock:
            if self._idle_timer is not None:
                self._idle_timer.cancel()
                self._idle_timer = None
            self._stop()


_RENDERER = _Renderer()


def prepare_renderer() -> None:
    """Start the shared Chromium in the background (e.g. when a Download panel is shown), so
    that the first picture does not wait for it; returns at once."""
    _RENDERER.prepare()


def close_renderer() -> None:
    """Close the shared Chromium (tests, shutdown); the next picture starts it again."""
    _RENDERER.close()


def figure_svg(view: ExportView) -> bytes:
    """The figure on screen as an SVG document (1280 x 720, white background)."""
    return _RENDERER.render(image_figure(view), {"format": "svg", "width": IMAGE_WIDTH,
                                                 "height": IMAGE_HEIGHT, "scale": 1})


def figure_png(view: ExportView) -> bytes:
    """The figure on screen as a PNG image (2560 x 1440 pixels, white background)."""
    return _RENDERER.render(image_figure(view), {"format": "png", "width": IMAGE_WIDTH,
                                                 "height": IMAGE_HEIGHT, "scale": PNG_SCALE})
