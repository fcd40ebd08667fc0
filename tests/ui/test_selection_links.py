"""The page "Model selection"'s links, pure (ui/selection/links.py): a link never raises, each bad
value is reported once and replaced, and the page's own link reads back as the same view."""

import pytest

from ui.selection import links
from ui.selection.settings import AUTO_STARTS, GridChoice


def test_a_stepper_link_opens_the_same_data_and_model():
    link = links.read_link({"dataset": "faithful", "k": "2", "cov": "full", "init": "k-means++",
                            "seed": "5", "reg": "0.001", "step": "7"})
    assert link.problems == ()
    assert link.n_features == 2 and link.settings.dataset == "faithful"
    assert (link.show_k, link.show_cov, link.init, link.settings.seed, link.reg) == (
        2, "full", "k-means++", 5, 1e-3)


def test_one_dimensional_data_sets_choose_the_dimension():
    link = links.read_link({"dataset": "faithful-eruptions", "cov": "tied"})
    assert link.n_features == 1 and link.show_cov == "tied" and link.show_k is None


def test_bad_values_are_reported_and_replaced():
    link = links.read_link({"dataset": "nope", "k": "99", "init": "given-means", "reg": "0.05",
                            "cov": "round"})
    text = " | ".join(link.problems)
    for fragment in ("dataset='nope'", "k='99'", "init='given-means'", "reg=0.05", "cov='round'"):
        assert fragment in text
    assert link.settings.dataset == "tutorial-2d" and link.init == "k-means"
    assert link.reg == 0.1


@pytest.mark.parametrize("value", ["0.05", "2e-5", "1e-12", "5"])
def test_reg_goes_to_the_nearest_choice(value):
    reg = links.read_link({"reg": value}).reg
    assert reg in links.REG_CHOICES
    assert reg == links.nearest_reg(float(value))


def test_the_page_query_reads_back_as_the_same_view():
    settings = links.view_settings(
        {"dataset": "blobs", "n": 800, "centres": 4, "spread": 0.5, "stretch": 2.0,
         "data_seed": 3, "mixture": None, "columns": None, "standardise": True},
        2, k=4, cov="diag", init="random-points", seed=9, reg=1e-2)
    grid = GridChoice(types=("full", "diag"), k_max=6, starts=3, show_degenerate=False,
                      convention="mclust")
    query = links.page_query(settings, 2, grid)
    assert "step" not in query
    link = links.read_link(query)
    assert link.problems == ()
    assert link.grid == grid
    assert link.settings.dataset == "blobs" and link.settings.n == 800
    assert link.settings.centres == 4 and link.settings.data_seed == 3
    assert link.settings.standardise
    assert (link.show_k, link.show_cov, link.init, link.settings.seed, link.reg) == (
        4, "diag", "random-points", 9, 1e-2)


def test_grid_parameters_default_per_dimension_and_auto_starts():
    link = links.read_link({"dataset": "faithful-eruptions", "starts": "auto"})
    assert link.grid == GridChoice(types=("full", "tied"))
    assert link.grid.starts == AUTO_STARTS
    assert links.grid_query(link.grid)["starts"] == "auto"
    assert links.read_link({"types": "spherical,full"}).grid.types == ("full", "spherical")


@pytest.mark.parametrize(("query", "fragment"), [
    ({"kmax": "1"}, "kmax='1' is not a whole number from 2 to 10"),
    ({"types": "diag", "dataset": "faithful-eruptions"}, "types='diag' must be one or more of"),
    ({"types": ","}, "types=','"),
    ({"starts": "0"}, "starts='0' is not a whole number from 1 to 50; using auto"),
    ({"degenerate": "2"}, "degenerate='2' is not 1 or 0"),
    ({"bic": "sklearn"}, "bic='sklearn' is not one of scikit-learn, mclust"),
    ({"starts": "7"}, "starts=7 is not offered here; using 5"),
])
def test_bad_grid_parameters_are_reported_and_replaced(query, fragment):
    link = links.read_link(query)
    assert any(fragment in problem for problem in link.problems), link.problems
    defaults = GridChoice(types=link.grid.types)
    assert link.grid.k_max == defaults.k_max or "kmax" not in query


def test_starts_are_one_of_the_offered_choices():
    assert links.read_link({"starts": "7"}).grid.starts == 5
    assert links.read_link({"starts": "40"}).grid.starts == 50
    assert links.read_link({"starts": "20"}).grid.starts == 20
