"""Every deep link we have published opens the view it describes (issue #11: the ui/ move must
not change behaviour; these links are on slides and in course forums).

The links: those in the README, the home page's demo, and the links the lessons, benchmarks and
tests use. Each is opened as the first request of a new session (AppTest of its page with its
query string): the page shows no exception and no "Some values in this link could not be used"
box, and the address it writes back keeps every value the link gave (the view on screen is the
link's, not a default that replaced it).
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from streamlit.testing.v1 import AppTest

from ui import pages

REPO_ROOT = Path(__file__).resolve().parents[2]
LINK_PROBLEM = "Some values in this link could not be used"
BY_URL_PATH = {page.url_path: page for page in pages.PAGES}

# Links the tests, lessons and benchmarks open (each on a different page, data set or setting).
USED_LINKS = (
    "/EM_in_1-D?dataset=faithful-eruptions&k=2&step=4",
    "/EM_in_2-D?dataset=textbook&k=3&step=6",
    "/EM_in_2-D?dataset=tutorial-2d&k=3&seed=1",
    "/EM_in_2-D?dataset=five-blobs&k=5",
    "/EM_in_2-D?dataset=iris&k=4&init=k-means&seed=0&reg=0&step=99",
    "/EM_in_2-D?dataset=blobs&n=200&k=2&seed=1",
    "/k-means_vs_EM?dataset=unequal-spreads",
    "/k-means_vs_EM?dataset=unequal-sizes",
    "/Model_selection?dataset=faithful-eruptions&kmax=4&starts=2",
    "/Guided_lessons?lesson=3",
)


def readme_links() -> tuple[str, ...]:
    """The complete example links of the README (not those with a placeholder to fill in)."""
    text = (REPO_ROOT / "README.md").read_text()
    paths = "|".join(re.escape(page.url_path) for page in pages.PAGES)
    found = re.findall(rf"/(?:{paths})\?[^\s`)\"'<>]*", text)
    return tuple(sorted({link for link in found if not link.endswith("=")}))


def home_demo_link() -> str:
    """The one-click demo of the home page."""
    import app  # the entry point's constants, without running it as a page

    return f"/{pages.EM_2D.url_path}?" + "&".join(f"{k}={v}" for k, v in app.DEMO_QUERY.items())


def open_link(link: str) -> tuple[AppTest, dict[str, str]]:
    parts = urlsplit(link)
    page = BY_URL_PATH[parts.path.strip("/")]
    query = dict(parse_qsl(parts.query))
    app = AppTest.from_file(str(REPO_ROOT / page.file), default_timeout=120)
    for name, value in query.items():
        app.query_params[name] = value
    app.run()
    return app, query


def same_value(name: str, given: str, written: str | None) -> bool:
    """Whether the page kept a link's value: the same text or number (``reg=0`` is written
    ``0.0``); a ``step`` beyond the end of the run shows the run's last half-step."""
    if written is None or written == given:
        return True
    try:
        given_number, written_number = float(given), float(written)
    except ValueError:
        return False
    if name == "step":
        return written_number <= given_number
    return given_number == written_number


def test_the_readme_has_example_links():
    assert len(readme_links()) >= 3, readme_links()


@pytest.mark.parametrize("link", [*readme_links(), *USED_LINKS])
def test_a_published_link_opens_its_view(link):
    app, query = open_link(link)
    assert not app.exception, [element.value for element in app.exception]
    warnings = " ".join(str(element.value) for element in app.warning)
    assert LINK_PROBLEM not in warnings, warnings
    written = {name: value if isinstance(value, str) else value[-1]
               for name, value in app.query_params.items()}
    kept = {name: value for name, value in query.items()
            if not same_value(name, value, written.get(name))}
    assert not kept, f"the page replaced {kept} by {[written[name] for name in kept]}"


def test_the_home_demo_opens_the_textbook_view_at_its_start():
    app, query = open_link(home_demo_link())
    assert not app.exception
    assert query["dataset"] == "textbook" and query["k"] == "3"
    text = " ".join(str(element.value) for element in app.markdown)
    assert "Half-step 0" in text
