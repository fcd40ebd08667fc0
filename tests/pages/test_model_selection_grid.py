"""AppTest checks of the model-selection grid of issue #18: several starts per model, Old
Faithful's published answer, both BIC conventions, degenerate fits, one warning box, and links
that reproduce all of it."""

import re

import pytest

from tests.pages.selection_helpers import (
    all_text,
    best_marker,
    charts,
    descriptions,
    link_warnings,
    open_page,
    param,
    star_value,
)

FAITHFUL = {"dataset": "faithful"}


@pytest.fixture(scope="module")
def faithful():
    """Raw Old Faithful with the page's default settings."""
    return open_page(FAITHFUL)


def verdict(at) -> str:
    (text,) = [md.value for md in at.markdown if "BIC chooses" in md.value]
    return text


def number_in(text: str, pattern: str) -> float:
    return float(re.search(pattern, text).group(1))


def test_old_faithful_reproduces_the_published_choice(faithful):
    text = verdict(faithful)
    assert "**BIC chooses K = 3 (tied)**" in text
    bic = number_in(text, r"BIC = (-?[\d.]+) \(scikit-learn's sign")
    assert bic == pytest.approx(2314.3, abs=0.1)
    assert number_in(text, r"ℓ = (-?[\d.]+)") == pytest.approx(-1126.3, abs=0.1)
    # mclust's sign on the page is exactly minus scikit-learn's
    assert number_in(text, r"; (-?[\d.]+) in mclust's sign") == -bic
    assert "EEE, 3" in text
    assert any("This is the model mclust selects for these data" in info.value
               for info in faithful.info)
    figures = charts(faithful)
    assert best_marker(figures["msel.bic_chart"]) == (3, "tied")
    assert star_value(figures["msel.bic_chart"]) == pytest.approx(bic, abs=0.01)
    # the model drawn is the chosen one, and its hard classification is close to mclust's
    assert faithful.select_slider(key="msel.show_k").value == 3
    assert faithful.segmented_control(key="msel.show_cov").value == "tied"
    (line,) = [c.value for c in faithful.caption if c.value.startswith("Hard classification")]
    counts = [int(n) for n in re.search(r"r_ik\): ([\d / ]+) points", line).group(1).split(" / ")]
    assert len(counts) == 3
    for count, published in zip(counts, (130, 97, 45), strict=True):
        assert abs(count - published) <= 6, counts
    assert "130 / 97 / 45" in line
    # every model was fitted from the default starts (10 on 272 points)
    assert any("each fitted from 10 starts" in c.value for c in faithful.caption)
    assert param(faithful, "starts") == "auto" and param(faithful, "bic") == "scikit-learn"


def test_the_chart_shows_how_much_the_starts_mattered(faithful):
    bic = charts(faithful)["msel.bic_chart"]
    tied = next(trace for trace in bic["data"] if trace.get("name") == "tied")
    whiskers = tied["error_y"]
    assert len(whiskers["array"]) == len(tied["x"]) == 10
    assert all(value >= 0 for value in whiskers["array"] + whiskers["arrayminus"])
    assert any(value > 0 for value in whiskers["array"])  # some starts ended worse
    assert "starts reached this fit" in tied["hovertemplate"]
    table = faithful.dataframe[0].value
    assert {"mclust", "BIC (mclust)", "starts", "starts reaching it"} <= set(table.columns)
    assert (table["BIC (mclust)"] == -table["BIC"]).all()
    assert set(table.loc[table["covariance"] == "tied", "mclust"]) == {"EEE"}


def test_mclust_sign_flips_the_chart_and_keeps_the_choice():
    at = open_page({**FAITHFUL, "bic": "mclust"})
    assert at.segmented_control(key="msel.convention").value == "mclust"
    figure = charts(at)["msel.bic_chart"]
    assert best_marker(figure) == (3, "tied")
    bic = number_in(verdict(at), r"BIC = (-?[\d.]+) \(scikit-learn's sign")
    assert star_value(figure) == pytest.approx(-bic, abs=0.01)
    assert "higher is better" in figure["layout"]["yaxis"]["title"]["text"]
    assert "**BIC** against K (higher is better)" in all_text(at.markdown)
    text = all_text(at.caption)
    assert "lower is better" in text and "higher is better" in text
    assert "full = VVV, tied = EEE, diag = VVI, spherical = VII" in text
    assert "mclust has 10 more" in text
    at.segmented_control(key="msel.convention").set_value("scikit-learn").run()
    assert star_value(charts(at)["msel.bic_chart"]) == pytest.approx(bic, abs=0.01)
    assert param(at, "bic") == "scikit-learn"


def test_degenerate_fits_are_marked_explained_and_can_be_hidden(faithful):
    bic = charts(faithful)["msel.bic_chart"]
    (hollow,) = [t for t in bic["data"] if t.get("name") == "degenerate fit (left out)"]
    assert hollow["marker"]["symbol"] == "circle-open"
    assert all("degenerate, left out" in text for text in hollow["text"])
    best = star_value(bic)
    # a degenerate fit can beat the chosen model at face value; it is still not chosen
    assert best_marker(bic) == (3, "tied")
    assert len(hollow["x"]) >= 1
    assert any(e.label.startswith("Degenerate fits") for e in faithful.expander)
    text = all_text(faithful.markdown)
    assert "never chosen" in text and "reg_covar" in text
    described = " ".join(descriptions(faithful))
    assert "degenerate fit" in described and "drawn hollow" in described
    at = open_page({**FAITHFUL, "degenerate": "0"})
    assert at.toggle(key="msel.show_degenerate").value is False
    bic = charts(at)["msel.bic_chart"]
    assert not [t for t in bic["data"] if t.get("name") == "degenerate fit (left out)"]
    assert star_value(bic) == pytest.approx(best)
    assert "degenerate fit hidden" in " ".join(descriptions(at)) or "degenerate fits hidden" in (
        " ".join(descriptions(at)))
    assert param(at, "degenerate") == "0"


def _upload(at, content: bytes):
    at.sidebar.selectbox(key="msel2d.dataset").set_value("csv").run()
    at.file_uploader(key="msel2d.csv_file").set_value(("small.csv", content, "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_two_row_csv_gives_one_warning_box():
    at = _upload(open_page(), b"x,y\n1,2\n3,5\n")
    assert len(at.warning) == 1
    text = all_text(at.warning)
    assert "cannot be fitted" in text and "degenerate" in text
    assert "No sound model" in all_text(at.error)


def test_k_at_least_half_of_n_is_never_chosen_silently():
    rows = "\n".join(f"{x},{y}" for x, y in [(0.1, 2), (1.3, 0.5), (2.2, 1.7), (3.1, 3.3),
                                              (-1, 0.2), (0.5, -0.7), (4.1, 2.9), (2.5, -1.5),
                                              (-0.3, 1.1), (1.9, 2.4)])
    at = _upload(open_page(), f"x,y\n{rows}\n".encode())
    assert len(at.warning) == 1
    text = all_text(at.warning)
    assert "Taken at face value, BIC would choose K = " in text
    assert "K ≥ N/2" in text
    chosen = re.search(r"BIC chooses K = (\d+)", verdict(at))
    assert int(chosen.group(1)) < 5


def test_a_link_reproduces_the_grid():
    query = {"dataset": "faithful", "kmax": "5", "types": "tied,full", "starts": "3",
             "seed": "2", "degenerate": "0", "bic": "mclust", "k": "2", "cov": "full"}
    at = open_page(query)
    assert not link_warnings(at)
    assert at.sidebar.slider(key="msel.k_max").value == 5
    assert at.sidebar.multiselect(key="msel.types").value == ["full", "tied"]
    assert at.sidebar.selectbox(key="msel.starts").value == 3
    assert at.sidebar.number_input(key="msel.seed").value == 2
    assert at.toggle(key="msel.show_degenerate").value is False
    assert at.segmented_control(key="msel.convention").value == "mclust"
    bic = charts(at)["msel.bic_chart"]
    assert [t["name"] for t in bic["data"][:2]] == ["full", "tied"]
    assert bic["data"][0]["x"] == [1, 2, 3, 4, 5]
    assert any("10 models" in c.value and "from 3 starts" in c.value and "seeds 2…4" in c.value
               for c in at.caption)
    for name in ("dataset", "kmax", "types", "starts", "seed", "degenerate", "bic", "k", "cov"):
        expected = "full,tied" if name == "types" else query[name]
        assert param(at, name) == expected, name


def test_bad_grid_values_in_a_link_are_reported():
    at = open_page({"dataset": "faithful", "kmax": "99", "types": "round", "starts": "lots",
                    "degenerate": "maybe", "bic": "R"})
    (warning,) = link_warnings(at)
    for fragment in ("kmax='99'", "types='round'", "starts='lots'", "degenerate='maybe'",
                     "bic='R'"):
        assert fragment in warning
    assert at.sidebar.slider(key="msel.k_max").value == 10
    assert at.sidebar.selectbox(key="msel.starts").value == 0  # auto
