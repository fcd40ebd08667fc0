"""The figure on screen as SVG and PNG, rendered on the server by Kaleido with Debian's
Chromium (these tests start it, so they are browser tests)."""

import re
import struct
import xml.etree.ElementTree as ElementTree

import pytest

from ui.exports import close_renderer, figure_png, figure_svg
from ui.exports.images import IMAGE_HEIGHT, IMAGE_WIDTH, PNG_SCALE, chromium_path, image_figure

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
    # every data point is a vector shape (with its hover data)
    assert text.count('class="point plotly-customdata"') == view.n_samples
    assert "component 3" in text  # the legend


def test_png_has_slide_resolution():
    view, _ = make_view("tutorial-1d", step=5)
    png = figure_png(view)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == (IMAGE_WIDTH * PNG_SCALE, IMAGE_HEIGHT * PNG_SCALE)
