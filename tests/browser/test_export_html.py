"""The exported run (one HTML file) in headless Chromium with the network off: it renders,
the slider and Play step it, it holds one frame per half-step, and it asks for nothing."""

from urllib.parse import urlparse

import pytest

from tests.exports.views import make_view
from ui.exports import export_file_names, run_html

# The data points: the first scatter trace of the mixture (means and ℓ markers come later).
POINT = "svg.main-svg .subplot.xy .scatterlayer .trace:first-child path.point"
CURRENT_VALUE = ".slider-container .slider-group > text.slider-label"
GREY = "rgb(158, 158, 158)"


def open_offline(browser, path):
    """Open the file with the network off; return (page, requests that were not file://)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1200})
    context.set_offline(True)
    attempted = []

    def refuse_network(route):
        if urlparse(route.request.url).scheme != "file":
            attempted.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    context.route("**/*", refuse_network)
    page = context.new_page()
    # Software rendering of every frame: slow while other tests share the machine's 2 cores.
    page.set_default_timeout(120_000)
    page.on("request", lambda request: (urlparse(request.url).scheme not in ("file", "data")
                                        and attempted.append(request.url)))
    page.goto(path.as_uri())
    page.wait_for_selector(POINT, timeout=60_000)
    return page, attempted


def first_point_colour(page) -> str:
    return page.eval_on_selector(POINT, "point => getComputedStyle(point).fill")


def ellipse_path(page) -> str:
    # The first line trace after the points: component 1's 1σ ellipse.
    return page.eval_on_selector_all(
        "svg.main-svg .subplot.xy .scatterlayer .trace path.js-line", "paths => paths[0].getAttribute('d')")


def click_slider_step(page, step: int, n_steps: int) -> None:
    """Click the slider's rail where ``step`` sits, as a user would."""
    rail = page.locator(".slider-container rect.slider-rail-rect").bounding_box()
    grip = page.locator(".slider-container rect.slider-grip-rect").bounding_box()
    inset = grip["width"] / 2
    x = rail["x"] + inset + (rail["width"] - 2 * inset) * step / (n_steps - 1)
    page.mouse.click(x, rail["y"] + rail["height"] / 2)


@pytest.mark.browser
def test_the_exported_run_renders_steps_and_plays_offline(browser, tmp_path):
    view, run = make_view("faithful", k=2, cov="full", step=0)
    path = tmp_path / export_file_names(view).run_html
    path.write_text(run_html(view), encoding="utf-8")
    page, attempted = open_offline(browser, path)

    assert page.locator(POINT).count() == view.n_samples
    assert page.evaluate("document.getElementById('em-run')._transitionData._frames.length") \
        == len(run)
    assert page.locator(CURRENT_VALUE).text_content() == "half-step 0"
    assert first_point_colour(page) == GREY  # the start: no responsibilities yet
    start_ellipse = ellipse_path(page)

    click_slider_step(page, 1, len(run))  # the first E-step recolours the points
    page.wait_for_function(f"document.querySelector('{CURRENT_VALUE}').textContent"
                           " === 'half-step 1'")
    page.wait_for_function(f"getComputedStyle(document.querySelector('{POINT}')).fill"
                           f" !== '{GREY}'")
    assert ellipse_path(page) == start_ellipse  # an E-step does not move the components

    click_slider_step(page, 2, len(run))  # the M-step moves them
    page.wait_for_function(f"document.querySelector('{CURRENT_VALUE}').textContent"
                           " === 'half-step 2'")
    page.wait_for_function("d => document.querySelector('svg.main-svg .subplot.xy .scatterlayer .trace "
                           "path.js-line').getAttribute('d') !== d", arg=start_ellipse)
    assert page.locator("text.gtitle").text_content().startswith(
        "Half-step 2: M-step (iteration 1)")

    page.get_by_text("Play", exact=True).click()
    page.wait_for_function(f"document.querySelector('{CURRENT_VALUE}').textContent"
                           " === 'half-step 4'", timeout=120_000)
    page.get_by_text("Pause", exact=True).click()

    assert attempted == []
    # The watch works: a request the page did make would have been caught.
    page.evaluate("fetch('https://example.org/probe').catch(() => null)")
    page.wait_for_function("true")
    assert any("example.org/probe" in url for url in attempted)
