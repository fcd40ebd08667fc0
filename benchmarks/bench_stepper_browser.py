"""Browser redraw time of one `EM iteration` click on "EM in 2-D", against a bare page.

Usage: python benchmarks/bench_stepper_browser.py [--n 10000] [--rounds 12]

Starts two fresh servers: the app, and ``reference_scatter_page.py`` (one Scattergl of the
same number of points, redrawn on a button click: the cost of Streamlit + Plotly themselves).
Both pages are open in one headless Chromium; the clicks alternate between them so a busy
machine slows both alike. A click's time runs from the click to the moment the page is
redrawn: the script run has finished and every Plotly chart has emitted its last
``plotly_afterplot`` (caught by wrapping ``emit`` on the chart elements before Plotly
installs it) with nothing redrawn for half a second after. Prints both medians and the ratio
(the target is at most 1.5).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from devtools.browser import (  # noqa: E402
    VIEWPORT,
    launch_chromium,
    page_url,
    streamlit_server,
)

# Installed before any page script: when Plotly sets ``gd.emit`` on a chart element, wrap it
# to timestamp every plotly_afterplot; a MutationObserver timestamps the script state.
HOOK = """
window.__bench = {plots: [], states: []};
Object.defineProperty(HTMLElement.prototype, 'emit', {
  configurable: true,
  get() { return undefined; },
  set(original) {
    Object.defineProperty(this, 'emit', {
      configurable: true, writable: true,
      value: function (event) {
        if (event === 'plotly_afterplot') window.__bench.plots.push(performance.now());
        return original.apply(this, arguments);
      },
    });
  },
});
new MutationObserver(() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (app) window.__bench.states.push(
    [performance.now(), app.getAttribute('data-test-script-state')]);
}).observe(document, {subtree: true, attributes: true,
                      attributeFilter: ['data-test-script-state']});
"""

CLICK = """label => {
  const button = [...document.querySelectorAll('button')]
    .find(b => b.innerText.trim().split('\\n')[0].trim() === label);
  if (!button || button.disabled) return null;
  window.__bench.plots = []; window.__bench.states = [];
  const start = performance.now();
  button.click();
  return start;
}"""

SETTLE_MS = 500
TIMEOUT_S = 60


def redraw_time(page, label: str, *, fallback: str | None = None) -> float:
    """Click ``label``; return the milliseconds until the page has finished redrawing.

    If ``label`` is disabled (the run has finished), click ``fallback`` first (unmeasured).
    """
    start = page.evaluate(CLICK, label)
    if start is None and fallback is not None:
        redraw_time(page, fallback)
        start = page.evaluate(CLICK, label)
    if start is None:
        raise RuntimeError(f"no enabled button {label!r} on {page.url}")
    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline:
        time.sleep(0.05)
        now, plots, states = page.evaluate(
            "() => [performance.now(), window.__bench.plots, window.__bench.states]")
        finished = [t for t, state in states if state == "notRunning" and t > start]
        if not finished or not plots:
            continue
        last = max(max(plots), max(finished))
        if now - last > SETTLE_MS:
            return last - start
    raise TimeoutError(f"{page.url}: no redraw within {TIMEOUT_S} s of clicking {label!r}")


def open_page(browser, url: str):
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(HOOK)
    page = context.new_page()
    page.goto(url, wait_until="domcontentloaded", timeout=TIMEOUT_S * 1000)
    page.wait_for_selector('[data-testid="stPlotlyChart"] .main-svg', timeout=TIMEOUT_S * 1000)
    page.wait_for_timeout(1500)
    return page


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="number of points")
    parser.add_argument("--rounds", type=int, default=12, help="measured clicks per page")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--page", default="pages/3_EM_in_2-D.py")
    arguments = parser.parse_args()
    from playwright.sync_api import sync_playwright

    # When the run ends, Reset starts it over (unmeasured).
    query = f"?dataset=blobs&n={arguments.n}&k=5&seed=1&tol=1e-12&iter=1000"
    with streamlit_server() as app_base, \
            streamlit_server(script="benchmarks/reference_scatter_page.py") as bare_base, \
            sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        stepper = open_page(browser, page_url(app_base, arguments.page) + query)
        bare = open_page(browser, f"{bare_base}/?n={arguments.n}")
        ours, reference = [], []
        for round_index in range(arguments.warmup + arguments.rounds):
            ours_ms = redraw_time(stepper, "EM iteration", fallback="Reset")
            bare_ms = redraw_time(bare, "Redraw")
            if round_index >= arguments.warmup:
                ours.append(ours_ms)
                reference.append(bare_ms)
        browser.close()
    ours_median, bare_median = statistics.median(ours), statistics.median(reference)
    print(f"N = {arguments.n}: one click redrawn in the browser (median of {arguments.rounds})")
    print(f"  EM in 2-D, `EM iteration`: {ours_median:7.0f} ms   "
          f"(all: {', '.join(f'{t:.0f}' for t in ours)})")
    print(f"  bare page, `Redraw`:       {bare_median:7.0f} ms   "
          f"(all: {', '.join(f'{t:.0f}' for t in reference)})")
    print(f"  ratio: {ours_median / bare_median:.2f} (target <= 1.5)")


if __name__ == "__main__":
    main()
