"""validate_csv: every defect of an uploaded file gets its own message saying how to fix it."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gmm_core import datasets
from gmm_core.datasets import CsvResult, validate_csv

SAFETY_NET = "could not be read ("  # the wording of the catch-all for unexpected errors


def read(raw, n_components=2, **kwargs) -> CsvResult:
    return validate_csv(raw, n_components=n_components, **kwargs)


def only_problem(result: CsvResult) -> str:
    assert result.X is None
    assert len(result.problems) == 1, result.problems
    return result.problems[0]


# ----------------------------------------------------------------------------- clean files


def test_clean_file_gives_a_float64_array_and_its_column_names():
    result = read(b"x,y\n1,2\n3,4.5\n-5e-1,1\n")
    np.testing.assert_array_equal(result.X, [[1, 2], [3, 4.5], [-0.5, 1]])
    assert result.X.dtype == np.float64 and result.X.flags.c_contiguous
    assert result.problems == () and result.notices == ()
    assert result.feature_names == ("x", "y") and result.column_names == ("x", "y")
    assert not result.needs_column_choice


def test_text_input_is_accepted_like_bytes():
    np.testing.assert_array_equal(read("x,y\n1,2\n3,4\n").X, [[1, 2], [3, 4]])


def test_a_single_column_gives_one_dimensional_data():
    result = read(b"eruptions\n3.6\n1.8\n3.3\n", max_columns=1)
    assert result.X.shape == (3, 1) and result.feature_names == ("eruptions",)


def test_to_dataset_wraps_the_clean_data():
    dataset = read(b"x,y\n1,2\n3,4\n").to_dataset("mine")
    assert dataset.name == "mine" and dataset.X.shape == (2, 2) and dataset.labels is None
    assert read(b"").to_dataset() is None


@pytest.mark.parametrize(
    "raw",
    [
        "\ufeffx,y\n1,2\n3,4\n".encode(),  # Excel's "CSV UTF-8" starts with a byte-order mark
        "x,y\n1,2\n3,4\n".encode("utf-16"),  # Excel's "Unicode text"
        b"x,y\r\n1,2\r\n3,4\r\n",
        b"\n\nx,y\n\n1,2\n   \n3,4\n\n",
        b"x\ty\n1\t2\n3\t4\n",
        b"x y\n1 2\n3   4\n",
        b"x|y\n1|2\n3|4\n",
        b'"x","y"\n"1","2"\n"3","4"\n',
        b"x, y\n 1 , 2\n3,4 \n",
        b" " * 70_000 + b"\nx,y\n1,2\n3,4\n",
    ],
    ids=[
        "bom",
        "utf-16",
        "crlf",
        "blank-lines",
        "tabs",
        "spaces",
        "bars",
        "quoted",
        "padded",
        "leading-blanks",
    ],
)
def test_common_dialects_are_read(raw):
    result = read(raw)
    np.testing.assert_array_equal(result.X, [[1, 2], [3, 4]])
    assert result.feature_names == ("x", "y")


# ----------------------------------------------------------------------------- one test per defect


@pytest.mark.parametrize("raw", [b"", b"   \n\n  ", b",,\n,,\n"])
def test_empty_file(raw):
    message = only_problem(read(raw))
    assert message.startswith("The file is empty.")
    assert "header row" in message and "one row of numbers per data point" in message


@pytest.mark.parametrize(("raw", "options", "expected"), [
    pytest.param(
        b"length,width\n", {},
        "The file has a header row ('length' and 'width') but no data rows. Add one row of "
        "numbers per data point under the header.",
        id="header_only"),
    pytest.param(
        b"name,city\nAda,London\nAlan,Wilmslow\n", {},
        "No column holds numbers ('name' holds 'Ada', 'city' holds 'London'). Upload a file "
        "whose columns are numbers such as 1.5 or -2e3, one row per data point.",
        id="no_numeric_column"),
    pytest.param(
        b"name,x\na,1\nb,2\n", {"min_columns": 2},
        "The file has 1 numeric column ('x') but this page needs 2. Add numeric columns or use "
        "a page for fewer dimensions.",
        id="too_few_numeric_columns_for_the_page"),
])
def test_a_file_without_enough_data_gets_this_one_message(raw, options, expected):
    assert only_problem(read(raw, **options)) == expected


def test_fewer_rows_than_components():
    result = read(b"x,y\n1,2\n3,4\n", n_components=3)
    assert only_problem(result) == (
        "Only 2 usable rows for 3 components: a mixture of 3 Gaussians needs at least 3 "
        "points. Add rows or lower the number of components."
    )
    assert result.column_names == ("x", "y")  # the column picker stays available


def test_rows_left_after_dropping_must_still_cover_the_components():
    result = read(b"x,y\n1,2\n3,\n5,NA\n", n_components=2)
    assert only_problem(result).startswith("Only 1 usable row for 2 components")
    # Two of three rows dropped: more than a fifth, so a warning rather than a note.
    assert result.notices == ()
    assert result.warnings[0].startswith(
        "2 of 3 rows were dropped (3 -> 1): 2 with a missing value. That is 67% of the file"
    )


def test_no_usable_row_at_all():
    message = only_problem(read(b"x,y\n1,\n,2\n", n_components=1))
    assert message.startswith("No row has a number in every chosen column")
    assert "Fill in the missing values or choose other columns" in message


def test_too_many_rows_is_refused_before_parsing(monkeypatch):
    monkeypatch.setattr(datasets, "MAX_ROWS", 5)
    raw = b"x\n" + b"1\n" * 7
    assert only_problem(read(raw, n_components=1)) == (
        "The file has 8 lines; the app reads at most 5 rows of data. Upload a random sample of "
        "at most 5 rows."
    )


def test_too_many_rows_without_header(monkeypatch):
    monkeypatch.setattr(datasets, "MAX_ROWS", 5)
    raw = b"1\n2\n3\n4\n5\n6\n"  # six data rows: the line count alone allows a header
    assert "has 6 rows; the app reads at most 5 rows" in only_problem(read(raw, n_components=1))


def test_exactly_max_rows_is_accepted(monkeypatch):
    monkeypatch.setattr(datasets, "MAX_ROWS", 5)
    result = read(b"x\n1\n2\n3\n4\n5\n", n_components=1)
    assert result.X.shape == (5, 1)


def test_file_larger_than_the_size_cap(monkeypatch):
    monkeypatch.setattr(datasets, "MAX_BYTES", 2 * 2**20)
    message = only_problem(read(b"x\n" + b"1\n" * 1_600_000, n_components=1))
    assert message == (
        "The file is 3 MB; the app reads files of at most 2 MB. Upload a random sample of the "
        "rows instead."
    )


def test_missing_and_infinite_rows_are_dropped_and_counted():
    raw = b"x,y\n1,2\nNA,3\n3,inf\n5,7\n,1\n-Infinity,4\n8,9\n"
    result = read(raw)
    np.testing.assert_array_equal(result.X, [[1, 2], [5, 7], [8, 9]])
    assert result.problems == ()
    assert result.notices == ()
    assert result.warnings[0].startswith(
        "4 of 7 rows were dropped (7 -> 3): 2 with a missing value and 2 with an infinite "
        "value. That is 57% of the file: the rows left may not represent your data"
    )


def test_one_stray_word_in_a_numeric_column_drops_its_row():
    result = read(b"x,y\n1,2\n3,abc\n5,1\n6,7\n")
    np.testing.assert_array_equal(result.X, [[1, 2], [5, 1], [6, 7]])
    assert result.notices[0] == (
        "Column 'y' has 1 value that is not a number (e.g. 'abc' on data row 2); that row is "
        "dropped."
    )


def test_text_column_is_ignored_when_enough_numeric_columns_remain():
    result = read(b"species,length,width\nAdelie,39.1,18.7\nGentoo,46.1,13.2\n")
    np.testing.assert_array_equal(result.X, [[39.1, 18.7], [46.1, 13.2]])
    assert result.feature_names == ("length", "width")
    assert result.notices == (
        "Column 'species' is not numeric (e.g. 'Adelie' on data row 1) and was ignored.",
    )


def test_constant_column_has_zero_variance():
    result = read(b"x,y\n1,2\n1,3\n1,4\n")
    assert only_problem(result) == (
        "Column 'x' has the same value (1) in every row: with zero variance no Gaussian can be "
        "fitted. Remove it from the file or choose another column."
    )
    assert result.column_names == ("x", "y")


def test_astronomically_large_values():
    message = only_problem(read(b"x,y\n1e200,2\n3,4\n"))
    assert message.startswith("Column 'x' has values as large as 1e+200")
    assert "Rescale it" in message


def test_more_numeric_columns_than_the_page_shows_asks_for_a_choice():
    raw = b"a,b,c\n1,2,3\n4,5,7\n7,9,9\n"
    result = read(raw)
    assert only_problem(result) == (
        "The file has 3 numeric columns ('a', 'b' and 'c'); this page shows at most 2. Choose "
        "the columns to use."
    )
    assert result.needs_column_choice and result.column_names == ("a", "b", "c")

    chosen = read(raw, columns=["c", "a"])
    np.testing.assert_array_equal(chosen.X, [[3, 1], [7, 4], [9, 7]])
    assert chosen.feature_names == ("c", "a") and chosen.column_names == ("a", "b", "c")
    assert read(raw, max_columns=1, columns="b").X.tolist() == [[2], [5], [9]]


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        (["a", "z"], "'z' is not a numeric column of this file; choose from 'a', 'b' and 'c'."),
        (["a", "a"], "Choose each column only once."),
        (["a", "b", "c"], "Choose at most 2 columns; 3 were chosen."),
        ([], "Choose at most 2 columns; 0 were chosen."),
    ],
)
def test_bad_column_choice_keeps_the_choices(columns, message):
    result = read(b"a,b,c\n1,2,3\n4,5,7\n7,9,9\n", columns=columns)
    assert only_problem(result) == message
    assert result.needs_column_choice and result.column_names == ("a", "b", "c")


def test_not_utf8():
    raw = "x,température\n1,2\n3,4\n".encode("latin-1")
    assert only_problem(read(raw)) == (
        "The file is not UTF-8 text: byte 0xe9 at position 6 cannot be decoded. In your "
        "spreadsheet program save it as 'CSV UTF-8' and upload it again."
    )


@pytest.mark.parametrize(
    "raw",
    [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", b"PK\x03\x04\x14\x00\x06\x00", b"x,y\n1,\x002\n"],
    ids=["image", "xlsx", "nul-byte"],
)
def test_binary_file(raw):
    message = only_problem(read(raw))
    assert message.startswith("This is a binary file (for example an Excel workbook")
    assert "Export the data as CSV" in message


def test_headerless_numeric_file_gets_generated_names():
    result = read(b"1,2\n3,4\n5,7\n")
    np.testing.assert_array_equal(result.X, [[1, 2], [3, 4], [5, 7]])
    assert result.feature_names == ("column 1", "column 2")
    assert result.notices == (
        "The first row holds only numbers, so it was read as data; the columns are called "
        "'column 1' and 'column 2'.",
    )


def test_semicolons_with_decimal_commas_are_read():
    result = read("Länge;Breite\n1,5;2\n3,25;4,5\n-0,5;1\n".encode())
    np.testing.assert_array_equal(result.X, [[1.5, 2], [3.25, 4.5], [-0.5, 1]])
    assert result.feature_names == ("Länge", "Breite")
    assert result.notices == (
        "Column 'Länge' uses decimal commas; they were read as decimal points (1,5 = 1.5).",
        "Column 'Breite' uses decimal commas; they were read as decimal points (1,5 = 1.5).",
    )


def test_headerless_semicolons_with_decimal_commas():
    result = read(b"1,5;2,5\n3,5;4,5\n")
    np.testing.assert_array_equal(result.X, [[1.5, 2.5], [3.5, 4.5]])


def test_decimal_commas_in_a_comma_separated_file():
    message = only_problem(read(b'x,y\n"1,5","2,5"\n"1,7","2,1"\n'))
    assert message.startswith("No column holds numbers ('x' holds '1,5', 'y' holds '2,5').")
    assert message.endswith(
        "Values like '1,5' use a decimal comma: save the file with decimal points, or with "
        "semicolons (;) between the columns."
    )


def test_duplicated_column_names():
    assert only_problem(read(b"x,y,x\n1,2,3\n4,5,6\n")) == (
        "The column name 'x' is used 2 times (columns 1 and 3). Rename the columns so that "
        "every name is different."
    )


def test_rows_with_different_numbers_of_values():
    message = only_problem(read(b"x,y\n1,2\n3,4,5\n"))
    assert message.startswith(
        "Line 3 has 3 values but the lines before it have 2. Every row needs the same number of "
        "values separated by commas (,)"
    )
    assert "decimal commas (1,5), separate the columns with semicolons" in message


def test_unclosed_quotation_mark():
    assert only_problem(read(b'x,y\n"1,2\n3,4\n')) == (
        'A quotation mark (") is opened but never closed. Close it or remove it, then upload '
        "the file again."
    )


def test_too_many_columns():
    raw = (",".join(f"c{i}" for i in range(150)) + "\n" + ",".join(["1"] * 150)).encode()
    assert only_problem(read(raw)).startswith(
        "The first line has more than 100 values; the app reads files with at most 100 columns."
    )


def test_pandas_row_index_column_is_ignored():
    result = read(b",x,y\n0,1.5,2\n1,3,4\n2,5,1\n")
    np.testing.assert_array_equal(result.X, [[1.5, 2], [3, 4], [5, 1]])
    assert result.notices == (
        "Column 1 has no name and counts the rows, so it was read as a row index and ignored.",
    )


def test_unnamed_data_column_gets_a_generated_name():
    result = read(b"x,\n1,7\n2,3\n")
    assert result.feature_names == ("x", "column 2")
    assert result.notices == ("Column 2 has no name; it is called 'column 2'.",)


def test_long_or_unprintable_cell_text_is_shortened_in_messages():
    raw = b"name,x\n" + b"a" * 500 + b"\x07,1\nb,2\n"
    notice = read(raw, max_columns=1).notices[0]
    assert "'" + "a" * 39 + "…'" in notice and len(notice) < 120
    bell = read(b"name,x\na\x07b,1\nc,2\n", max_columns=1).notices[0]
    assert "'a?b'" in bell


def test_not_a_file_at_all():
    assert (
        only_problem(read(None)) == "Expected the contents of a file (bytes or text), got NoneType."
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_components": 0}, "n_components must be at least 1"),
        ({"n_components": 2, "max_columns": 0}, "min_columns <= max_columns"),
        ({"n_components": 2, "min_columns": 3}, "min_columns <= max_columns"),
        ({"n_components": 1.5}, "n_components must be an integer"),
    ],
)
def test_invalid_arguments_from_the_program_raise(kwargs, message):
    with pytest.raises(ValueError, match=message):
        validate_csv(b"x\n1\n", **kwargs)


# ----------------------------------------------------------------------------- never raises

CSV_CHARACTERS = st.sampled_from(list("0123456789.,;\t |\"'\n\r -+eEnaNIf#xé\ufeff"))


def check_result_is_consistent(result: CsvResult, n_components: int, max_columns: int):
    assert not any(SAFETY_NET in problem for problem in result.problems), result.problems
    if result.X is None:
        assert result.problems
    else:
        assert result.problems == ()
        assert result.X.dtype == np.float64 and result.X.ndim == 2
        assert 1 <= result.X.shape[1] <= max_columns and len(result.X) >= n_components
        assert np.isfinite(result.X).all()
        assert len(result.feature_names) == result.X.shape[1]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=st.binary(max_size=200), n_components=st.integers(1, 3))
def test_never_raises_on_arbitrary_bytes(raw, n_components):
    check_result_is_consistent(read(raw, n_components), n_components, 2)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=st.text(alphabet=CSV_CHARACTERS, max_size=200),
    n_components=st.integers(1, 3),
    max_columns=st.integers(1, 3),
)
def test_never_raises_on_csv_like_text(text, n_components, max_columns):
    result = read(text.encode(), n_components, max_columns=max_columns)
    check_result_is_consistent(result, n_components, max_columns)
