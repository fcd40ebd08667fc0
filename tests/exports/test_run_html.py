"""The whole run as one offline HTML file: plotly.js inside, one frame per half-step carrying
only what changes, nothing fetched from the network, honest notes for sampled points."""

import re

import numpy as np
import plotly

from gmm_core import datasets
from ui.exports import run_html
from ui.exports.run_html import (
    MAX_FRAMES,
    drawn_point_count,
    frame_indices,
    run_figure,
)

from .views import make_view

PLOTLY_JS_VERSION = plotly.offline.get_plotlyjs_version()


def test_every_half_step_is_a_frame_carrying_only_what_changes():
    view, run = make_view("textbook", step=6)
    figure, facts = run_figure(view)
    frames = figure["frames"]
    assert [frame["name"] for frame in frames] == [str(i) for i in range(len(run))]
    assert facts == {"frames": list(range(len(run))), "drawn": view.n_samples}
    points = figure["data"][0]
    assert points["x"]["dtype"] == "f4"  # the coordinates travel once, as float32
    for frame in frames:
        assert 0 in frame["traces"]  # the points' colours change
        update = frame["data"][frame["traces"].index(0)]
        assert "x" not in update and "y" not in update
        assert set(frame["layout"]) == {"shapes", "title"}
    slider = figure["layout"]["sliders"][0]
    assert slider["active"] == 6 and len(slider["steps"]) == len(run)
    assert [button["label"] for button in figure["layout"]["updatemenus"][0]["buttons"]] == [
        "Play", "Pause"]
    # the base figure is the view on screen
    assert figure["layout"]["title"]["text"].startswith("Half-step 6: M-step (iteration 3)")
    assert figure["layout"]["paper_bgcolor"] == "white"


def test_the_frames_hold_the_runs_ellipses_and_colours():
    view, run = make_view("faithful", k=2, cov="full", max_iter=4)
    figure, _ = run_figure(view)
    start, after_e = figure["frames"][0], figure["frames"][1]
    point_update = after_e["data"][after_e["traces"].index(0)]
    assert start["data"][start["traces"].index(0)]["marker"]["color"] == "#9E9E9E"  # no r yet
    assert isinstance(point_update["marker"]["color"], dict)  # coded colours after an E-step
    assert "customdata" in point_update  # the hover shows r_ik
    # an M-step moves the ellipses, an E-step does not
    ellipse = next(i for i, trace in enumerate(figure["data"])
                   if trace.get("name") == "component 1" and trace.get("mode") == "lines")
    position = figure["frames"][0]["traces"].index(ellipse)
    outlines = [frame["data"][position]["x"]["bdata"] for frame in figure["frames"]]
    assert outlines[0] == outlines[1] != outlines[2] == outlines[3]


def test_the_page_embeds_plotly_and_fetches_nothing():
    view, run = make_view("tutorial-1d", cov="tied", step=4)
    page = run_html(view)
    assert page.startswith("<!DOCTYPE html>")
    assert PLOTLY_JS_VERSION in page and len(page) > 3_000_000  # plotly.js is inside
    markup = re.sub(r"<script\b[^>]*>.*?</script>", "", page, flags=re.DOTALL)
    assert "<script src" not in page and "<link" not in markup and "@import" not in markup
    assert "mathjax" not in markup.lower() and "cdnjs" not in page
    assert 'id="em-run"' in page
    assert page.count("Plotly.addFrames") == 1
    assert "EM in 1-D: Tutorial: three 1-D clusters, K = 3 (one shared variance)" in page
    assert "converged" not in page or "not a proof" in page


def test_user_text_is_escaped_in_the_page():
    X = np.random.default_rng(0).normal(size=(40, 2))
    view, _ = make_view("csv", X=X, feature_names=("<b>x</b>", "y"),
                        data_name="<script>alert(1)</script>.csv", k=2, max_iter=2)
    page = run_html(view)
    tail = page.split("</script>")[-1]  # the text after plotly.js and the figure
    head = page.split("<script")[0]
    assert "<script>alert" not in head + tail
    assert "&lt;script&gt;alert(1)&lt;/script&gt;.csv" in head
    assert "<b>x</b>" not in page  # the axis title is escaped for plotly too


def test_large_data_is_drawn_as_a_sample_and_the_page_says_so():
    data = datasets.make_blobs(100_000, 3, 2, spread=1.5, seed=1)
    view, run = make_view("blobs", X=data.X, feature_names=data.feature_names,
                          data_name=data.name, k=3, max_iter=3)
    figure, facts = run_figure(view)
    assert facts["drawn"] == drawn_point_count(100_000, len(run), 3) < 100_000
    assert figure["data"][0]["type"] == "scattergl"
    page = run_html(view)
    assert f"a random sample of {facts['drawn']:,} of the 100,000 points" in page
    assert len(page.encode()) < 8_000_000


def test_long_runs_keep_the_first_half_steps_an_even_selection_and_the_view():
    assert frame_indices(31, 5) == list(range(31))
    indices = frame_indices(2001, 1000)
    assert len(indices) <= MAX_FRAMES + 1
    assert indices[:MAX_FRAMES // 2] == list(range(MAX_FRAMES // 2))
    assert 1000 in indices and indices[-1] == 2000 and indices == sorted(set(indices))


def test_no_network_address_is_loaded_by_the_page():
    view, _ = make_view("textbook", max_iter=2)
    page = run_html(view)
    # plotly.js mentions map-tile and CDN addresses it only uses for map traces and MathJax;
    # the page itself loads no URL (no src=, href= outside the script).
    markup = re.sub(r"<script\b[^>]*>.*?</script>", "", page, flags=re.DOTALL)
    assert not re.search(r"""(src|href)\s*=\s*["']?https?:""", markup)
