"""Accessibility helpers for the browser tests (issue #14): an axe-core audit with WCAG 2.1 A/AA
rules, waiting for a page to finish drawing, and walking a page with the Tab key.

axe-core comes bundled with the ``axe-playwright-python`` package (no network). It sees the DOM:
the text alternatives of figures, labels, contrast of HTML text, keyboard reach of scrolling
boxes; it cannot see inside a WebGL canvas (the steppers' figures above 2,000 points).
"""

from __future__ import annotations

from dataclasses import dataclass

from axe_playwright_python.sync_playwright import Axe

WCAG_21_AA = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
BLOCKING = ("critical", "serious")

# Lazy widgets show grey skeletons for a moment after a run ends; figures draw after that.
DRAWN = """() => {
  if (document.querySelector('[data-testid="stSkeleton"]')) return false;
  const charts = document.querySelectorAll('[data-testid="stPlotlyChart"]');
  if (![...charts].every(chart => chart.querySelector('.main-svg'))) return false;
  return [...document.querySelectorAll('img')].every(image => image.complete);
}"""


@dataclass(frozen=True)
class AuditResult:
    """axe-core's violations on one page in one state, split by impact."""

    where: str
    blocking: tuple[str, ...]   # critical and serious, one line each
    other: tuple[str, ...]      # moderate and minor, one line each


def _line(violation: dict) -> str:
    nodes = violation["nodes"]
    targets = "; ".join(" ".join(map(str, node["target"])) for node in nodes[:3])
    more = f" (+{len(nodes) - 3} more)" if len(nodes) > 3 else ""
    return (f"{violation['id']} ({violation['impact']}, {len(nodes)} element"
            f"{'' if len(nodes) == 1 else 's'}): {violation['help']} -- {targets}{more}")


def wait_until_drawn(page, timeout_ms: int = 60_000) -> None:
    """Wait until no skeleton is left, every Plotly chart has drawn and every image loaded."""
    page.wait_for_function(DRAWN, timeout=timeout_ms)


def audit(page, where: str) -> AuditResult:
    """Run axe-core's WCAG 2.1 A and AA rules on the whole document (sidebar included)."""
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": list(WCAG_21_AA)},
                                       "resultTypes": ["violations"]})
    violations = results.response["violations"]
    return AuditResult(
        where,
        tuple(_line(v) for v in violations if v["impact"] in BLOCKING),
        tuple(_line(v) for v in violations if v["impact"] not in BLOCKING))


def focused(page, matches: str) -> bool:
    """Whether the focused element satisfies the JavaScript predicate ``matches`` (a function
    of the element, as text)."""
    return bool(page.evaluate(f"(() => {{ const e = document.activeElement; return !!e && "
                              f"({matches})(e); }})()"))


def tab_to(page, matches: str, *, max_tabs: int = 250, backwards: bool = False) -> int:
    """Press Tab (Shift+Tab when ``backwards``) until the focused element satisfies
    ``matches``, as a keyboard user would; return how many presses it took. Fails after
    ``max_tabs`` presses."""
    key = "Shift+Tab" if backwards else "Tab"
    for presses in range(1, max_tabs + 1):
        page.keyboard.press(key)
        if focused(page, matches):
            return presses
    raise AssertionError(f"{key} never reached an element matching {matches}")


def blocking_violations(page, where: str = "") -> list[str]:
    """axe-core's critical and serious WCAG 2.1 A/AA violations on ``page``, one line each
    (what makes a browser test fail)."""
    return list(audit(page, where).blocking)
