"""Property-based fuzzing of the CSV validator beyond tests/test_csv_validation.py.

That file throws arbitrary bytes and CSV-like characters at ``validate_csv``. This one builds
*structured* files the way spreadsheets and students write them (headers in any script,
duplicated or empty names, separators, decimal commas, quoting, CRLF, byte-order marks,
Latin-1 and UTF-16, missing and non-finite cells, text columns, ragged rows) and checks:

- clean numeric tables are read back exactly, whatever the dialect;
- every result is consistent (X with min..max columns and enough finite rows, or problems
  that say what to do; never the catch-all for an unexpected error);
- a column choice, good or bad, never raises, and a good one gives exactly those columns.
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from gmm_core.datasets import CsvResult, validate_csv
from gmm_core.mixture import MIN_DATA_SPREAD

SAFETY_NET = "could not be read ("  # the catch-all message for an unexpected exception
# Every problem tells the student what to do next (imperatives the validator uses).
ADVICE_WORDS = ("upload", "save", "export", "remove", "keep", "choose", "pick", "rescale",
                "add", "use", "check", "fix", "replace", "split", "give", "put", "write",
                "delete", "drop", "rename", "select", "convert", "change", "try", "type", "look",
                "need", "make", "enter", "open", "move", "fill")
FUZZ = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.filter_too_much])

# Words a reader takes for a missing value (pandas' defaults) cannot name a column.
_MISSING_WORDS = {"", "#n/a", "#n/a n/a", "#na", "-1.#ind", "-1.#qnan", "-nan", "1.#ind",
                  "1.#qnan", "<na>", "n/a", "na", "null", "nan", "none"}


def _is_name(text: str) -> bool:
    """A header cell nobody would read as a number, a missing value or a separator."""
    if not any(character.isalpha() for character in text):
        return False  # "-", "0", "()" could as well be a first row of data
    if text.strip().lower() in _MISSING_WORDS or any(mark in text for mark in ',;\t"\'\\#|'):
        return False
    try:
        float(text.replace(",", "."))
    except ValueError:
        return True
    return False


_names = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1,
                 max_size=12).filter(_is_name)
_values = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)


def check_consistent(result: CsvResult, n_components: int, min_columns: int,
                     max_columns: int) -> None:
    assert not any(SAFETY_NET in problem for problem in result.problems), result.problems
    if result.X is None:
        assert result.problems, "a refused file must say why"
        for problem in result.problems:
            assert any(word in problem.lower() for word in ADVICE_WORDS), problem
            assert len(problem) < 1000, problem
    else:
        assert result.problems == ()
        assert result.X.dtype == np.float64 and result.X.ndim == 2
        assert min_columns <= result.X.shape[1] <= max_columns
        assert len(result.X) >= n_components
        assert np.isfinite(result.X).all()
        assert len(result.feature_names) == result.X.shape[1]


@st.composite
def clean_tables(draw):
    """A numeric table (N, D) with distinct column names, written in some dialect."""
    n_columns = draw(st.integers(1, 3))
    n_rows = draw(st.integers(3, 25))
    names = draw(st.lists(_names, min_size=n_columns, max_size=n_columns,
                          unique_by=lambda name: name.strip().lower()))
    table = np.array(draw(st.lists(st.lists(_values, min_size=n_columns, max_size=n_columns),
                                   min_size=n_rows, max_size=n_rows)))
    # A constant column is refused on purpose (zero variance), and so is one whose values
    # differ by less than MIN_DATA_SPREAD (their squares underflow); keep these tables clean.
    assume(all(np.ptp(table[:, d]) >= MIN_DATA_SPREAD for d in range(n_columns)))
    separator = draw(st.sampled_from([",", ";", "\t"]))
    # One column of "1,5" cannot say whether the comma separates or is a decimal mark.
    decimal_comma = separator == ";" and n_columns > 1 and draw(st.booleans())
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    quote_names = draw(st.booleans())

    def cell(value: float) -> str:
        text = repr(float(value))
        return text.replace(".", ",") if decimal_comma else text

    header = separator.join(f'"{name}"' if quote_names else name for name in names)
    lines = [header] + [separator.join(cell(value) for value in row) for row in table]
    text = newline.join(lines) + draw(st.sampled_from(["", newline]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig"]))
    return names, table, text.encode(encoding)


@FUZZ
@given(clean_tables())
def test_a_clean_table_is_read_back_exactly_in_any_dialect(case):
    names, table, raw = case
    n_columns = table.shape[1]
    result = validate_csv(raw, n_components=1, max_columns=3)
    assert result.problems == (), (raw[:200], result.problems)
    np.testing.assert_array_equal(result.X, table)
    assert [name.strip() for name in result.feature_names] == [name.strip() for name in names]
    assert result.X.shape[1] == n_columns


@FUZZ
@given(clean_tables(), st.data())
def test_choosing_columns_gives_exactly_those_columns(case, data):
    names, table, raw = case
    n_columns = table.shape[1]
    assume(n_columns >= 2)
    first = validate_csv(raw, n_components=1, max_columns=1)
    assert first.X is None and first.needs_column_choice
    assert len(first.column_names) == n_columns
    chosen = data.draw(st.sampled_from(first.column_names))
    picked = validate_csv(raw, n_components=1, max_columns=1, columns=(chosen,))
    assert picked.problems == ()
    np.testing.assert_array_equal(picked.X[:, 0],
                                  table[:, list(first.column_names).index(chosen)])
    # A choice that is not in the file is a problem with the list to pick from, not a crash.
    wrong = validate_csv(raw, n_components=1, max_columns=1,
                         columns=(data.draw(_names.filter(lambda n: n not in first.column_names)),))
    check_consistent(wrong, 1, 1, 1)
    assert wrong.X is None


_dirty_cells = st.one_of(
    _values.map(repr),
    st.sampled_from(["", " ", "NA", "nan", "NaN", "inf", "-inf", "1e400", "-1e400", "1e-400",
                     "1,5", "1.5.5", "--1", "+3", "1e5", "0x1F", "١٢", "３", "N/A", "null", "?",
                     "\u00a0", "'3'", "\"4\"", "1 000", "TRUE", "😀", "x" * 300]),
    st.text(max_size=8),
)


@st.composite
def dirty_tables(draw):
    """Spreadsheet exports gone wrong: odd headers, ragged rows, text and missing cells."""
    n_columns = draw(st.integers(1, 5))
    header_kind = draw(st.sampled_from(["names", "none", "duplicated", "empty", "numbers"]))
    if header_kind == "names":
        header = draw(st.lists(_names, min_size=n_columns, max_size=n_columns))
    elif header_kind == "duplicated":
        header = ["x"] * n_columns
    elif header_kind == "empty":
        header = [""] * n_columns
    elif header_kind == "numbers":
        header = [repr(draw(_values)) for _ in range(n_columns)]
    else:
        header = None
    rows = draw(st.lists(st.lists(_dirty_cells, min_size=max(n_columns - 1, 1),
                                  max_size=n_columns + 1), min_size=0, max_size=20))
    separator = draw(st.sampled_from([",", ";", "\t", "|", " "]))
    lines = ([separator.join(header)] if header is not None else []) + [
        separator.join(row) for row in rows]
    text = draw(st.sampled_from(["\n", "\r\n", "\r"])).join(lines)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "utf-16"]))
    return text.encode(encoding, errors="replace")


@FUZZ
@given(dirty_tables(), st.integers(1, 4), st.integers(1, 2), st.integers(0, 1))
def test_a_dirty_table_is_read_or_refused_with_advice(raw, n_components, min_columns, extra):
    max_columns = min_columns + extra
    result = validate_csv(raw, n_components=n_components, min_columns=min_columns,
                          max_columns=max_columns)
    check_consistent(result, n_components, min_columns, max_columns)


@FUZZ
@given(dirty_tables(), st.lists(st.text(max_size=10), max_size=3))
def test_any_column_choice_never_raises(raw, columns):
    result = validate_csv(raw, n_components=2, max_columns=2, min_columns=1, columns=columns)
    check_consistent(result, 2, 1, 2)


def test_a_large_finite_value_is_kept_exactly():
    """Close to the largest value the validator accepts, still read without loss."""
    raw = b"a,b\n1e99,1\n-1e99,2\n3,4\n"
    result = validate_csv(raw, n_components=2)
    assert result.problems == ()
    assert result.X[0, 0] == 1e99 and math.isfinite(result.X.sum())
