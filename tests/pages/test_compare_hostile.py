"""k-means vs EM under hostile input (issue #17): links with markup, URLs, Unicode digits and
minus signs and 10,000-character values in every parameter; degenerate data; σ at its extremes.
No exception, no markup the app did not write, one box for the link's problems."""

import json
import re

import pytest

from tests.pages.hostile_checks import foreign_markup
from tests.pages.stepper_helpers import visible
from ui.compare.links import KNOWN_PARAMETERS
from ui.compare.view import button_key
from ui.kit import stepping

PAGE = "pages/4_k-means_vs_EM.py"
KEY = "kmvem."

HOSTILE = (
    "[Re-login](https://evil.example/p)", "![](https://evil.example/pixel.png)",
    "<img src=x onerror=alert(1)>", "https://evil.example/x", "www.evil.example",
    "³", "−1", "x" * 10_000,
)
def assert_no_foreign_markup(at) -> None:
    """Nothing a renderer would turn into markup the app did not write (the shared check)."""
    assert foreign_markup(at) == []


def link_warnings(at) -> list[str]:
    return [w.value for w in at.warning if "could not be used" in w.value]


def click_if_enabled(at, bar: str, action: str) -> None:
    button = at.button(key=button_key(bar, action))
    if not button.disabled:
        button.click().run()
        assert not at.exception, [e.value for e in at.exception]


@pytest.mark.parametrize("dataset", [None, "blobs", "stretched"])
@pytest.mark.parametrize("value", HOSTILE)
def test_a_hostile_value_in_every_parameter(run_app, value, dataset):
    query = {name: value for name in KNOWN_PARAMETERS}
    query[value[:50] or "empty"] = value  # a hostile parameter name too
    if dataset:
        query["dataset"] = dataset
    at = run_app(PAGE, query)
    assert not at.exception, [e.value for e in at.exception]
    assert len(link_warnings(at)) == 1  # every problem of the link in one box
    assert_no_foreign_markup(at)
    # the address bar holds a clean link: only known names, none of the hostile values
    assert set(at.query_params) <= set(KNOWN_PARAMETERS)
    values = [str(at.query_params[name]) for name in at.query_params]
    assert value not in values and not any("evil" in text for text in values)
    click_if_enabled(at, "both", "EM iteration")
    click_if_enabled(at, "em", "E-step")


def test_a_problem_quotes_the_value_shortened_and_escaped(run_app):
    at = run_app(PAGE, {"k": "[Re-login](https://evil.example/p)", "seed": "9" * 10_000})
    (warning,) = link_warnings(at)
    text = visible(warning)
    assert "k='[Re-login](https://evil.example/p)' is not a whole number from 1 to 10" in text
    assert "seed= is longer than 2000 characters; ignored" in text
    assert_no_foreign_markup(at)


def _upload(at, content: bytes, k: int = 3):
    at.sidebar.selectbox(key=KEY + "scenario").set_value("any").run()
    at.sidebar.slider(key=KEY + "k").set_value(k).run()
    at.sidebar.selectbox(key=KEY + "dataset").set_value("csv").run()
    at.sidebar.file_uploader(key=KEY + "csv_file").set_value(("d.csv", content,
                                                              "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_csv_column_names_are_text_in_axis_titles_and_hovers(run_app):
    header = "[x](https://evil.example),<b>y</b> %{x}"
    rows = "\n".join(f"{i % 7},{(i * 3) % 11}" for i in range(40))
    at = _upload(run_app(PAGE), f"{header}\n{rows}\n".encode())
    for chart in at.get("plotly_chart")[:2]:
        spec = json.loads(chart.proto.spec)
        assert spec["layout"]["xaxis"]["title"]["text"] == "[x](https://evil.example)"
        y_title = spec["layout"]["yaxis"]["title"]["text"]
        assert y_title.startswith("&lt;b&gt;y&lt;/b&gt; %\u2060{x}")
        hover = spec["data"][1 if "Voronoi" in spec["data"][0].get("name", "") else 0].get(
            "hovertemplate", "")
        assert "<b>y" not in hover and "%{x}" not in hover.split("=")[1]
    assert_no_foreign_markup(at)


@pytest.mark.parametrize(("content", "k"), [
    (b"x,y\n0,0\n1,1\n", 2),                            # a CSV of two rows, K = N
    (b"x,y\n0,0\n1,1\n", 1),
    (b"x,y\n" + b"1,1\n" * 19 + b"2,3\n", 3),           # nearly all points identical
    (b"x,y\n" + b"1,1\n2,2\n" * 10, 3),                 # two distinct points, K = 3
    (b"x,y\n" + b"".join(f"{a},{2 * a}\n".encode() for a in range(20)), 3),  # on a line
])
@pytest.mark.parametrize("model", [{}, {"hard": True}, {"fixed_sigma": True, "sigma": 1e-4},
                                   {"fixed_sigma": True, "sigma": 2.0, "hard": True}])
def test_degenerate_data_and_sigma_extremes_end_in_a_clear_state(run_app, content, k, model):
    at = _upload(run_app(PAGE), content, k)
    for name, value in model.items():
        if name == "sigma":
            at.sidebar.select_slider(key=KEY + "sigma").set_value(value).run()
        else:
            at.sidebar.toggle(key=KEY + name).set_value(value).run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.get("plotly_chart")) == 4
    click_if_enabled(at, "both", "Run to convergence")
    click_if_enabled(at, "both", "Back")
    notes = [caption.value for caption in at.caption if " · " in caption.value]
    assert len(notes) == 2 and all("·" in note for note in notes)


def test_more_components_than_points_is_refused_with_a_message(run_app):
    at = _upload(run_app(PAGE), b"x,y\n0,0\n1,1\n", 3)
    assert "Only 2 usable rows for 3 components" in visible(at.error[0].value)
    assert "Choose or fix the data in the sidebar to start." in [i.value for i in at.info]
    assert not at.get("plotly_chart")


# --- bounded work per request: the kit's slices, on this page's two runs -----------------------


@pytest.fixture
def one_half_step_per_slice(monkeypatch):
    """A 0-s slice computes one half-step per run: the tests count half-steps, never time."""
    monkeypatch.setattr(stepping, "SLICE_S", 0.0)


def _positions(at) -> tuple[int, int]:
    lines = [md.value for md in at.markdown if "· half-step" in md.value]
    return tuple(int(re.search(r"half-step (\d+)", line).group(1)) for line in lines)


def test_a_link_to_a_far_step_stops_after_one_slice_and_says_so(run_app,
                                                                  one_half_step_per_slice):
    at = run_app(PAGE, {"dataset": "blobs", "n": "300", "dseed": "4242", "k": "4",
                        "step": "6"})
    assert not at.exception
    warning = " ".join(visible(w.value) for w in at.warning)
    assert "would take longer than 0 s, so the page stopped" in warning
    assert "heading for half-step 6" in warning
    assert max(_positions(at)) < 6
    at.button(key=KEY + "continue_button").click().run()
    for _ in range(20):  # each run of the progress fragment computes one more slice
        if _positions(at) == (6, 6):
            break
        at.run()
        assert not at.exception
    assert _positions(at) == (6, 6)


def test_run_to_convergence_continues_in_slices_and_can_be_stopped(run_app,
                                                                    one_half_step_per_slice):
    at = run_app(PAGE, {"dataset": "blobs", "n": "300", "dseed": "4343", "k": "5"})
    at.button(key=button_key("both", "Run to convergence")).click().run()
    assert "Computing in slices" in " ".join(visible(i.value) for i in at.info)
    at.run()
    reached = _positions(at)
    at.button(key=KEY + "stop_button").click().run()
    assert not at.exception and _positions(at) == reached
    at.run()
    assert _positions(at) == reached  # stopped means stopped
