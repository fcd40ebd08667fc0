"""The page "The mixture model" in a real browser, opened by its URL as a fresh server's first
request: the graphical model renders, drawing works, a click on the likelihood surface becomes
EM's start, and the hand-off link to the 2-D stepper carries the sample."""

from urllib.parse import parse_qs, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe

from devtools import browser as harness
from gmm_core import generative
from gmm_core.means_only import means_only_data, surface_grid, surface_resolution
from ui.mixture_model import state
from ui.mixture_model.links import stepper_query, why_em_climbs_link

PAGE = "pages/1_The_mixture_model.py"
# The page is long (eight sections, a dozen figures): its first view on a fresh server of a
# shared 2-core machine can take minutes.
OPEN_TIMEOUT_MS = 180_000


def _surface_chart(page):
    """The Plotly chart of the log-likelihood surface (its legend names the mirror line)."""
    charts = page.locator('[data-testid="stPlotlyChart"]').filter(has_text="the mirror")
    charts.first.wait_for(timeout=60_000)
    return charts.first


@pytest.mark.browser
def test_the_mixture_model_page_works_from_its_url(browser, fresh_server):
    page = harness.open_app_page(browser, harness.page_url(fresh_server(), PAGE),
                                 timeout_ms=OPEN_TIMEOUT_MS)
    harness.assert_no_exception(page)
    assert page.get_by_role("heading", name="The mixture model", level=1).is_visible()
    assert page.title() == "The mixture model"
    diagram = page.locator('[data-testid="stGraphVizChart"] svg')
    diagram.first.wait_for(timeout=120_000)
    labels = diagram.first.locator("text").all_text_contents()
    assert {"xᵢ", "zᵢ", "π", "i = 1..N", "k = 1..K"} <= set(labels)

    harness.click_and_wait(page, "Draw 10")
    assert page.get_by_text("Draw 10:", exact=False).first.is_visible()
    harness.assert_no_exception(page)

    # The hand-off: the link to the 2-D stepper carries spec, n, seed and K.
    link = page.locator('a[href*="dataset=generated"]').first
    query = {key: values[-1] for key, values in
             parse_qs(urlsplit(link.get_attribute("href")).query).items()}
    default = generative.PRESET_SPECS[generative.DEFAULT_PRESET][1]
    assert query == stepper_query(default, state.DEFAULT_N, 0)
    assert "EM_in_2-D" in link.get_attribute("href")

    # A click on the surface (a point of its invisible click grid) becomes EM's start.
    X = means_only_data(state.DEFAULT_SEPARATION, state.DEFAULT_LECTURE_N, 0)
    grid = surface_grid(X, surface_resolution(state.DEFAULT_LECTURE_N))
    clickable = grid[::4]
    target = (float(clickable[30]), float(clickable[8]))
    chart = _surface_chart(page)
    chart.scroll_into_view_if_needed()
    plot_area = chart.locator(".nsewdrag").first
    box = plot_area.bounding_box()
    low, high = float(grid[0]), float(grid[-1])
    position = {"x": (target[0] - low) / (high - low) * box["width"],
                "y": (high - target[1]) / (high - low) * box["height"]}
    plot_area.hover(position=position)
    plot_area.click(position=position)
    harness.wait_for_rerun(page)
    start_mu1 = page.get_by_label("start μ₁")
    start_mu2 = page.get_by_label("start μ₂")
    assert float(start_mu1.input_value()) == pytest.approx(round(target[0], 2))
    assert float(start_mu2.input_value()) == pytest.approx(round(target[1], 2))

    # The surface's step bar (the section "Why EM climbs" has a second one for the same run).
    page.get_by_role("button", name="Run to convergence", exact=True).first.click()
    harness.wait_for_rerun(page)
    assert page.get_by_text("EM stopped after", exact=False).first.is_visible()
    harness.assert_no_exception(page)
    chart.scroll_into_view_if_needed()
    harness.screenshot(page, "mixture_model_surface")


def _serious_violations(page) -> list[str]:
    """axe-core's critical and serious WCAG 2.1 A/AA violations on the page, one line each."""
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": [
        "wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
    return [f"{violation['id']} ({violation['impact']}): "
            + "; ".join(str(node["target"]) for node in violation["nodes"][:3])
            for violation in results.response["violations"]
            if violation["impact"] in ("critical", "serious")]


@pytest.mark.browser
def test_the_page_passes_an_accessibility_audit_and_links_to_why_em_climbs(browser,
                                                                            fresh_server):
    """axe-core, fresh and after stepping: no critical or serious violation (a wide formula
    used to be a scrollable region no keyboard could reach). The anchor of "Why EM climbs",
    which the steppers link to, scrolls to its heading."""
    base_url = fresh_server()
    # The steppers' link: the page's first view with the anchor.
    page = harness.open_app_page(browser, f"{base_url.rstrip('/')}/{why_em_climbs_link()}",
                         timeout_ms=OPEN_TIMEOUT_MS)
    assert page.evaluate("() => window.location.hash") == "#why-em-climbs"
    harness.assert_no_exception(page)
    heading = page.locator('[id="why-em-climbs"]')
    heading.wait_for(timeout=60_000)
    page.wait_for_function(
        "() => { const r = document.getElementById('why-em-climbs').getBoundingClientRect();"
        " return r.top >= -5 && r.top < window.innerHeight; }", timeout=120_000)
    page.locator('[data-testid="stPlotlyChart"]').last.wait_for(timeout=60_000)
    # No formula sits in a scrolling box: they wrap.
    assert page.locator(".katex-display").count() == 0
    assert _serious_violations(page) == []
    page.get_by_role("button", name="E-step", exact=True).first.click()
    harness.wait_for_rerun(page)
    page.get_by_role("button", name="M-step", exact=True).last.click()
    harness.wait_for_rerun(page)
    assert page.get_by_text("After an M-step", exact=False).first.is_visible()
    # The text alternatives are there for every figure.
    describe = page.get_by_text("Describe this figure", exact=True)
    assert describe.count() == page.locator('[data-testid="stPlotlyChart"]').count() + 1
    assert _serious_violations(page) == []
    harness.assert_no_exception(page)
