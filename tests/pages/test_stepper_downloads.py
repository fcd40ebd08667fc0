"""The steppers' Download panel and "The same in scikit-learn" (#16, #12.6): every export is one
click from the page. The files' contents are tested in tests/exports; here, that the page
offers them for the view on screen."""

from __future__ import annotations

from tests.pages.stepper_helpers import PAGE_1D, PAGE_2D, click, open_page, show_details, texts
from ui import exports
from ui.stepper.downloads import export_view
from ui.stepper.page import stepper_page

LABELS = ["The run (HTML, works offline)", "The figure (SVG)", "The figure (PNG)",
          "The history (CSV)", "The history (JSON)", "The notebook (.ipynb)", "The data (CSV)",
          "The script (.py)"]


def _code(app) -> str:
    return "\n".join(block.value for block in app.code)


def test_every_export_is_one_click_from_the_2d_page():
    app = open_page(PAGE_2D, {"dataset": "textbook", "k": "3", "seed": "0", "step": "4"})
    assert not app.get("download_button")  # built only when asked for: a step never pays
    show_details(app, PAGE_2D, "The same in scikit-learn", "Downloads")
    labels = [button.proto.label for button in app.get("download_button")]
    assert sorted(labels) == sorted(LABELS)
    code = _code(app)
    assert "GaussianMixture(" in code and "precisions_init" in code and "weights_init" in code
    assert "max_iter=2" in code  # half-step 4 is the end of iteration 2


def test_the_script_follows_the_half_step_on_screen():
    app = open_page(PAGE_1D)
    show_details(app, PAGE_1D, "The same in scikit-learn")
    first = _code(app)
    click(app, PAGE_1D, "EM iteration")
    click(app, PAGE_1D, "EM iteration")
    assert _code(app) != first and "max_iter=2" in _code(app)


def test_an_uploaded_csv_offers_the_data_file_the_script_reads():
    values = "\n".join(str(v / 10) for v in range(-40, 41))
    app = open_page(PAGE_1D)
    app.selectbox(key="em1d.dataset").set_value("csv").run()
    app.file_uploader(key="em1d.csv_file").set_value(
        ("measurements.csv", f"x\n{values}\n".encode(), "text/csv")).run()
    show_details(app, PAGE_1D, "The same in scikit-learn")
    assert "it reads" in texts(app.info) and "measurements" in texts(app.info)
    assert "read_csv" in _code(app) or "loadtxt" in _code(app)


def test_the_export_names_describe_the_view():
    from tests.pages.stepper_helpers import assert_clean

    app = open_page(PAGE_2D, {"dataset": "textbook", "k": "3", "cov": "full", "seed": "0"})
    assert_clean(app)
    page = stepper_page(2)
    # The same view, built as the page builds it, names its files after the view.
    from gmm_core.datasets import load_preset
    from ui.kit.data_picker import freeze
    from ui.kit.run_store import RunSpec, RunStore
    from ui.kit.view_settings import ViewSettings
    from ui.stepper.sidebar import DisplayOptions, Setup

    data = freeze(load_preset("textbook").X, name="textbook", feature_names=("x", "y"))
    settings = ViewSettings(dataset="textbook", k=3, cov="full", seed=0)
    run = RunStore().em_run(data.X, RunSpec(data.digest, 3, "full", "k-means++", 0, 1e-6, 1e-3,
                                            100))
    view = export_view(page, Setup(settings, data, DisplayOptions()), run, 0)
    assert exports.export_file_names(view).run_html == "em-2d-textbook-k3-full-seed0.html"
