"""AppTest checks of the home page (app.py) and pure checks of its pictures (ui/home)."""

import base64
from urllib.parse import parse_qs

import numpy as np
import pytest
from streamlit.source_util import page_icon_and_name

from gmm_core.datasets import load_preset
from tests.conftest import REPO_ROOT
from ui import pages
from ui.figures import figure_style, mixture_figure_2d
from ui.home import previews
from ui.home.thumbnail import side_by_side, thumbnail
from ui.kit.view_settings import parse_query, stepper_link_spec


def _images(at):
    """(svg text, alt) of every image on the page."""
    shown = []
    for element in at.get("image"):
        for image in element.proto.imgs:
            prefix = "data:image/svg+xml;base64,"
            assert image.url.startswith(prefix)
            shown.append((base64.b64decode(image.url[len(prefix):]).decode(), image.alt))
    return shown


def test_home_page_runs_without_exception(run_app):
    at = run_app("app.py")
    assert not at.exception
    assert [title.value for title in at.title] == ["The EM algorithm for Gaussian mixtures"]
    assert "lecturers" in at.markdown[0].value and "students" in at.markdown[0].value


def test_the_registry_lists_every_page_file_with_the_url_streamlit_gives_it():
    on_disk = {path.relative_to(REPO_ROOT).as_posix() for path in (REPO_ROOT / "pages").glob("*.py")}
    assert {page.file for page in pages.PAGES} == on_disk
    for page in pages.PAGES:
        _icon, name = page_icon_and_name(REPO_ROOT / page.file)
        assert page.url_path == name, page.file


def test_the_navigation_says_home_and_follows_the_lecture(run_app):
    at = run_app("app.py")
    navigation = [link.proto.label for link in at.sidebar.get("page_link")]
    assert navigation[0] == "Home" and "app" not in navigation
    assert navigation[1:] == [page.title for page in pages.PAGES]
    assert pages.PAGES[0] is pages.MIXTURE_MODEL  # the lecture starts with the model


def test_the_page_starts_with_the_one_click_demo_on_the_textbook_data(run_app):
    at = run_app("app.py")
    demo = at.main.get("page_link")[0]
    assert demo.proto.label == "Start the demo: EM in 2-D on the textbook data"
    assert demo.proto.page == pages.EM_2D.url_path
    query = {name: values[-1] for name, values in parse_qs(demo.proto.query_string).items()}
    # The stepper reads the link as the textbook data with K = 3, from the start, no problems.
    settings, problems = parse_query(query, stepper_link_spec(2), means_picker=True)
    assert problems == ()
    assert (settings.dataset, settings.k, settings.step) == ("textbook", 3, 0)
    assert f"The textbook's {len(load_preset('textbook').X):,} points" in at.markdown[1].value
    # The demo comes before the list of pages.
    assert at.main.get("page_link")[1].proto.label == f"**{pages.PAGES[0].title}**"


def test_every_page_has_a_link_a_picture_and_its_description(run_app):
    at = run_app("app.py")
    links = at.main.get("page_link")[1:]
    assert [link.proto.label for link in links] == [f"**{page.title}**" for page in pages.PAGES]
    assert [link.proto.icon for link in links] == [page.icon for page in pages.PAGES]
    shown_text = [markdown.value for markdown in at.markdown]
    for page in pages.PAGES:
        assert page.description in shown_text
    images = _images(at)
    # The demo's picture, then one per page in the registry's order.
    assert len(images) == 1 + len(pages.PAGES)
    expected = previews.page_previews()
    assert images[0] == (expected[pages.EM_2D.url_path].svg, expected[pages.EM_2D.url_path].alt)
    for page, (svg, alt) in zip(pages.PAGES, images[1:], strict=True):
        assert (svg, alt) == (expected[page.url_path].svg, expected[page.url_path].alt)
        assert svg.startswith("<svg") and svg.endswith("</svg>") and len(svg) < 120_000
        assert len(alt) > 40


def test_lecture_expander_explains_links_keys_and_presentation(run_app):
    at = run_app("app.py")
    (expander,) = [e for e in at.expander if e.label == "How to use it in a lecture"]
    text = expander.markdown[0].value
    for topic in ("bookmark", "keyboard shortcuts", "presentation mode"):
        assert topic in text


# --- the pictures (pure) ----------------------------------------------------------------------


def test_every_page_has_a_preview_with_true_words():
    built = previews.page_previews()
    assert set(built) == {page.url_path for page in pages.PAGES}
    compare = built[pages.COMPARE.url_path].alt
    assert "adjusted Rand index" in compare
    # The comparison's lesson: on stretched clusters EM recovers them and k-means does not.
    kmeans_ari, em_ari = (float(word.rstrip(",")) for word in compare.split()
                          if word.rstrip(",").replace(".", "").isdigit() and "." in word)
    assert em_ari > 0.9 > kmeans_ari
    lesson = built[pages.GUIDED_LESSONS.url_path].alt
    assert "component 1 (blue)" in lesson and "component 2 (orange)" in lesson


def test_a_thumbnail_draws_every_point_in_its_colour_and_equal_units():
    X = np.array([[0.0, 0.0], [4.0, 0.0], [0.0, 1.0]])
    responsibilities = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]])
    figure = mixture_figure_2d(X, None, responsibilities, figure_style(3))
    svg = thumbnail(figure, width=300, height=200, title="three points")
    assert svg.count("<circle") == 3
    assert svg.count('fill="rgb(0,114,178)"') == 2 and svg.count('fill="rgb(230,159,0)"') == 1
    assert "<title>three points</title>" in svg
    # Equal units: the x span (4) sets the scale, so (0, 0) and (0, 1) are 1/4 of the width
    # of (4, 0) from (0, 0) apart vertically.
    centres = [(float(part.split('cx="')[1].split('"')[0]), float(part.split('cy="')[1].split('"')[0]))
               for part in svg.split("<circle")[1:]]
    (x0, y0), (x1, _), (_, y2) = centres
    assert (y0 - y2) == pytest.approx((x1 - x0) / 4, rel=0.02)


def test_thumbnails_side_by_side_keep_their_own_clip_paths():
    figure = mixture_figure_2d(np.array([[0.0, 0.0], [1.0, 1.0]]), None, None, figure_style(2))
    other = mixture_figure_2d(np.array([[0.0, 0.0], [2.0, 1.0]]), None, None, figure_style(2))
    both = side_by_side([thumbnail(figure, width=200), thumbnail(other, width=100)])
    assert 'viewBox="0 0 308 240"' in both
    clips = [part.split('"')[0] for part in both.split('clipPath id="')[1:]]
    assert len(clips) == 2 and clips[0] != clips[1]
