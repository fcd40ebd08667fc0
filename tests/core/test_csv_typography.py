"""CSV cells as they arrive from PDFs, word processors and other locales (Unicode minus signs,
no-break and thin spaces, full-width digits, a leading +), rows dropped counted with their
reasons, and a warning when most of a file was dropped. Column names and cells stay raw in the
result: the pages escape them for display (ui.kit.escape)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gmm_core.datasets import (
    DROPPED_ROWS_WARNING_FRACTION,
    MINUS_LOOKALIKES,
    plain_number_text,
    validate_csv,
)


@pytest.mark.parametrize(("text", "plain"), [
    ("\u22121.5", "-1.5"), ("\u2013 2", "- 2"), ("\uff0d3", "-3"), ("\ufe634", "-4"),
    ("\u00a01\u202f000\u2009", "1 000"), ("\uff11\uff12\uff0e\uff15", "12.5"),
    ("\u0663\u066b\u0665", "3.5"), ("+2", "+2"), ("1\u200b2\u200f", "12"),
    ("1²", "1²"), ("④", "④"), ("½", "½"),  # left for the caller to refuse
    ("abc", "abc"),
])
def test_plain_number_text(text, plain):
    assert plain_number_text(text) == plain


def test_a_file_pasted_from_a_pdf_loses_no_row():
    # Issue 17: 38 of 60 rows used to be dropped with only a note.
    rng = np.random.default_rng(0)
    values = rng.normal(size=(60, 2))
    rows = ["x,y"] + [f"{a:.3f},{b:.3f}".replace("-", "\u2212") for a, b in values]
    result = validate_csv("\n".join(rows), n_components=2)
    assert result.problems == () and result.warnings == ()
    np.testing.assert_allclose(result.X, np.round(values, 3))
    n_negative_x = int(np.count_nonzero(np.round(values[:, 0], 3) < 0))
    assert result.notices[0].startswith(
        f"Column 'x' has {n_negative_x} numbers written with typographic characters (a "
        "Unicode minus sign")
    assert "read as numbers (e.g. '−" in result.notices[0]


@pytest.mark.parametrize("minus", list(MINUS_LOOKALIKES))
def test_every_minus_look_alike(minus):
    result = validate_csv(f"x\n{minus}1.5\n2\n3\n".encode(), n_components=1)
    assert result.problems == ()
    np.testing.assert_array_equal(result.X[:, 0], [-1.5, 2, 3])


def test_spaces_plus_signs_and_full_width_digits():
    raw = "a;b\n\u00a01\u202f000,5;+2\n\uff12;\u22123\n3;4\n+4,25;\u2009-1\n"
    result = validate_csv(raw, n_components=1)
    assert result.problems == ()
    np.testing.assert_array_equal(result.X, [[1000.5, 2], [2, -3], [3, 4], [4.25, -1]])


def test_a_headerless_first_row_with_a_unicode_minus_is_data():
    result = validate_csv("\u22121.5,2\n3,4\n5,6\n", n_components=1)
    np.testing.assert_array_equal(result.X, [[-1.5, 2], [3, 4], [5, 6]])
    assert result.feature_names == ("column 1", "column 2")


def test_superscripts_are_not_numbers_and_say_so():
    result = validate_csv("a\n1\n2\n1²\n3\n4\n5\n6\n7\n8\n9\n10\n", n_components=1)
    assert result.X.shape == (10, 1)
    assert result.notices[0] == ("Column 'a' has 1 value that is not a number (e.g. '1²' on "
                                 "data row 3); that row is dropped.")
    assert result.notices[1] == ("1 of 11 rows was dropped (11 -> 10): 1 with a value that is "
                                 "not a number.")
    assert result.warnings == ()


def test_most_rows_dropped_is_a_warning_with_the_reasons():
    rows = ["x,y", "1,2", "3,", "5,NA", "abc,1", "7,inf", "8,9", "10,11"]
    result = validate_csv("\n".join(rows), n_components=1)
    assert result.X.shape == (3, 2)
    assert len(result.warnings) == 1
    assert result.warnings[0] == (
        "4 of 7 rows were dropped (7 -> 3): 2 with a missing value, 1 with a value that is "
        "not a number and 1 with an infinite value. That is 57% of the file: the rows left may "
        "not represent your data (a biased sample). Check the values named in the notes below, "
        "fix them in the file and upload it again.")
    assert not any("dropped (7 -> 3)" in notice for notice in result.notices)
    assert result.to_dataset().warnings == result.warnings


@settings(max_examples=60, deadline=None)
@given(st.integers(10, 60), st.floats(0.0, 1.0))
def test_the_warning_threshold(n_rows, fraction_dropped):
    n_dropped = int(n_rows * fraction_dropped)
    rows = ["x"] + [str(i) if i >= n_dropped else "NA" for i in range(n_rows)]
    rows += ["0"]  # never everything dropped
    result = validate_csv("\n".join(rows), n_components=1)
    total = n_rows + 1
    if n_dropped > DROPPED_ROWS_WARNING_FRACTION * total:
        assert result.warnings and f"{n_dropped} of {total} rows" in result.warnings[0]
    else:
        assert result.warnings == ()
        assert n_dropped == 0 or any(f"{n_dropped} of {total} row" in notice
                                     for notice in result.notices)


def test_hostile_column_names_stay_raw_in_the_result():
    name = "[Re-login](https://evil.example/p)"
    result = validate_csv(f"{name},b\n1,2\n3,4\n5,7\n", n_components=1)
    assert result.feature_names == (name, "b")  # escaping happens where it is shown


def test_denormal_and_huge_columns_are_problems_not_nans():
    tiny = validate_csv("a,b\n1e-320,1\n2e-320,2\n3e-320,3\n", n_components=1)
    assert tiny.X is None and "underflow" in tiny.problems[0]
    huge = validate_csv("a,b\n1e300,1\n-1e300,2\n0,3\n", n_components=1)
    assert huge.X is None and "too large" in huge.problems[0]
