"""The figure on screen as SVG and PNG, rendered on the server by Kaleido with Debian's
Chromium (these tests start it, so they are browser tests)."""

import base64
import re
import struct
import time
import xml.etree.ElementTree as ElementTree

import pytest

from gmm_core import datasets
from ui.exports import close_renderer, figure_png, figure_svg, images, prepare_renderer
from ui.exports.images import (
    IMAGE_HEIGHT,
    IMAGE_MAX_POINTS,
    IMAGE_WIDTH,
    PNG_SCALE,
    chromium_path,
    image_figure,
)

from .views import make_view

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module", autouse=True)
def _one_renderer():
    yield
    close_renderer()  # no Chromium outlives these tests


def test_the_renderer_uses_debians_chromium_unless_told_otherwise(monkeypatch):
    monkeypatch.delenv("BROWSER_PATH", raising=False)
    assert chromium_path() == "/usr/bin/chromium"
    monkeypatch.setenv("BROWSER_PATH", "/opt/other/chrome")
    assert chromium_path() == "/opt/other/chrome"


def test_the_image_figure_is_the_view_on_a_white_slide():
    view, _ = make_view("textbook", step=12)
    figure = image_figure(view)
    layout = figure["layout"]
    assert (layout["width"], layout["height"]) == (IMAGE_WIDTH, IMAGE_HEIGHT)
    assert layout["paper_bgcolor"] == layout["plot_bgcolor"] == "white"
    assert layout["title"]["text"].startswith("Half-step 12: M-step (iteration 6)")
    assert "K = 3, full covariances" in layout["title"]["subtitle"]["text"]
    names = [trace.get("name") for trace in figure["data"]]
    assert names.count("component 1") == 2  # its 1σ and 2σ ellipses


def test_svg_is_a_white_vector_picture_of_the_half_step():
    view, _ = make_view("textbook", step=12)
    svg = figure_svg(view)
    root = ElementTree.fromstring(svg)
    assert root.tag.endswith("svg")
    assert (root.get("width"), root.get("height")) == (str(IMAGE_WIDTH), str(IMAGE_HEIGHT))
    text = svg.decode()
    assert "Half-step 12: M-step (iteration 6)" in text
    assert re.search(r'fill: ?rgb\(255, ?255, ?255\)', text)  # the white background
    # every data point is a vector shape (plus the means and the legend's marks)
    assert view.n_samples <= text.count('class="point') <= view.n_samples + 20
    assert "component 3" in text  # the legend


def test_a_picture_of_large_data_draws_a_sample_and_says_so():
    data = datasets.make_blobs(30_000, 2, 1, seed=2)
    view, _ = make_view("blobs-1d", X=data.X, feature_names=data.feature_names,
                        data_name=data.name, k=2, max_iter=2)
    figure = image_figure(view)
    rug = figure["data"][-1]
    assert rug["x"]["bdata"] and "customdata" not in rug
    assert len(base64.b64decode(rug["x"]["bdata"])) == 4 * IMAGE_MAX_POINTS
    assert f"a random sample of {IMAGE_MAX_POINTS:,} of the points" in (
        figure["layout"]["title"]["subtitle"]["text"])
    assert figure_svg(view).startswith(b"<svg")


def test_prepare_starts_the_browser_in_the_background_and_close_stops_it():
    close_renderer()
    prepare_renderer()
    renderer = images._RENDERER
    for _ in range(600):
        if renderer._kaleido is not None:
            break
        time.sleep(0.2)
    assert renderer._kaleido is not None
    view, _ = make_view("tutorial-1d", step=1)
    assert figure_svg(view).startswith(b"<svg")
    close_renderer()
    assert renderer._kaleido is None and renderer._thread is None


def test_png_has_slide_resolution():
    view, _ = make_view("tutorial-1d", step=5)
    png = figure_png(view)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == (IMAGE_WIDTH * PNG_SCALE, IMAGE_HEIGHT * PNG_SCALE)
