"""ui.kit.user_input: numbers as people type or paste them (Unicode minus, decimal commas,
full-width digits), refused with a clear, Markdown-safe message when they are not numbers
(superscripts, circled digits, ambiguous commas)."""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ui.kit.user_input import MAX_TEXT_CHARS, parse_float, parse_index_list, parse_int

# An unescaped character that would start Markdown markup, or a link the text would make.
MARKUP = re.compile(r"(?<!\\)[\[\]<>`*_$|~!#]|://|(?i:www\.)")


@pytest.mark.parametrize(("text", "value"), [
    ("1.5", 1.5), ("-1.5", -1.5), ("+2", 2.0), (".5", 0.5), ("1e-3", 1e-3), ("2E+3", 2000.0),
    ("\u22121.5", -1.5),  # the minus sign pasted from a PDF
    ("\u2013 1.5", -1.5), ("\u2012 2", -2.0), ("\ufe633", -3.0), ("\uff0d4", -4.0),
    ("0,73", 0.73), ("-1,5", -1.5), ("2,25", 2.25), ("0,123", 0.123), ("1,5e3", 1500.0),
    ("\uff11\uff12\uff0e\uff15", 12.5),  # full-width digits and point
    ("\u0663\u066b\u0665", 3.5),  # Arabic-Indic digits and decimal separator
    ("\u00a0 7 \u2009", 7.0), ("1 000 000", 1e6), ("1\u202f234,5", 1234.5),
    ("1\u200b2", 12.0), ("\u200f-3", -3.0),  # zero-width space, right-to-left mark
    ("-0", 0.0),
])
def test_numbers_people_type_are_read(text, value):
    parsed, problem = parse_float(text)
    assert problem is None and parsed == value
    assert math.copysign(1.0, parsed) == math.copysign(1.0, value) or value == 0.0


@pytest.mark.parametrize(("text", "words"), [
    ("1²", ["“²”", "superscript two", "type 2"]),
    ("³", ["superscript three", "type 3"]),
    ("④", ["circled digit four", "type 4"]),
    ("½", ["fraction one half", "type 0.5"]),
    ("Ⅳ", ["roman numeral four"]),
    ("10⁻³", ["superscript minus"]),
    ("1,234", ["ambiguous", "1234", "1.234"]),
    ("1,234.5", ["both a point and a comma", "1234.5"]),
    ("1.234,5", ["both a point and a comma"]),
    ("1,2,3", ["thousands separators"]),
    ("1 2", ["not one number", "groups of three"]),
    ("inf", ["not a finite number"]), ("NaN", ["not a finite number"]),
    ("1e999", ["beyond the range"]),
    ("1_000", ["not a number"]), ("0x10", ["not a number"]), ("abc", ["not a number"]),
    ("", ["Type a number"]), (" \u200b ", ["Type a number"]),
    ("9" * 200, ["200 characters long"]),
])
def test_what_is_not_a_number_is_refused_with_a_reason(text, words):
    value, problem = parse_float(text)
    assert value is None
    for word in words:
        assert word in problem, problem


def test_bounds():
    assert parse_float("0,5", low=0, high=1) == (0.5, None)
    assert "from 0 to 1" in parse_float("2", low=0, high=1)[1]
    assert "at least 1e-06" in parse_float("0", low=1e-6)[1]
    assert "at most 10" in parse_int("11", high=10)[1]


def test_whole_numbers():
    assert parse_int("\u221242") == (-42, None)
    assert parse_int("1e3") == (1000, None)
    assert parse_int("2.0") == (2, None)
    assert parse_int("\uff15") == (5, None)
    assert "not a whole number" in parse_int("2.5")[1]
    assert "superscript two" in parse_int("²")[1]
    assert parse_int("9" * MAX_TEXT_CHARS)[0] == int("9" * MAX_TEXT_CHARS)


def test_points_to_follow():
    assert parse_index_list("0, 10, 42", 100) == ((0, 10, 42), None)
    assert parse_index_list("3;5 7、8，9", 100) == ((3, 5, 7, 8, 9), None)
    assert parse_index_list("1, 1, 2", 100) == ((1, 2), None)
    assert parse_index_list("\uff11\uff12", 100) == ((12,), None)
    # AltGr+2 on a German keyboard: refused, not a crash
    indices, problem = parse_index_list("1, ²", 100)
    assert indices is None and "superscript two" in problem and "type 2" in problem
    assert "circled digit four" in parse_index_list("④", 100)[1]
    assert "no point 100" in parse_index_list("100", 100)[1]
    assert "no point -1" in parse_index_list("-1", 100)[1]
    assert "from 0 to 99" in parse_index_list("1.5", 100)[1]
    assert "No point number" in parse_index_list(" , ;", 100)[1]
    assert "at most 12 points" in parse_index_list(",".join(map(str, range(13))), 100)[1]
    assert "at most 3 points" in parse_index_list("1 2 3 4", 100, limit=3)[1]
    assert parse_index_list("0", 0)[0] is None


@pytest.mark.parametrize("text", [
    "[Re-login](https://evil.example/p)", "![](https://evil.example/pixel.png)",
    "<img src=x>", "www.evil.example", "**1**", "`1`", "$1$", "1 | 2", "\u202e1x", ":red[1]",
])
def test_problems_quote_the_text_escaped(text):
    for problem in (parse_float(text)[1], parse_int(text)[1], parse_index_list(text, 10)[1]):
        assert problem is not None
        assert not MARKUP.search(problem), problem
        assert "\u202e" not in problem


NUMBERISH = st.text(alphabet="0123456789.,-+eE \u2212\uff11\u00b2\u2463\u00a0\u2009\u200b;",
                    max_size=20)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(max_size=60), NUMBERISH), st.integers(min_value=0, max_value=1000))
def test_any_text_gives_a_value_or_a_problem_never_an_exception(text, n):
    for value, problem in (parse_float(text), parse_int(text), parse_index_list(text, n)):
        assert (value is None) != (problem is None)
        if problem is not None:
            assert problem.strip() and not MARKUP.search(problem), problem
    value, _ = parse_float(text)
    assert value is None or math.isfinite(value)
    indices, _ = parse_index_list(text, n)
    assert indices is None or all(0 <= index < n for index in indices)


@settings(max_examples=200, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_python_floats_read_back_exactly_also_with_a_unicode_minus(number):
    assert parse_float(repr(number)) == (number + 0.0, None)
    assert parse_float(repr(number).replace("-", "\u2212", 1)) == (number + 0.0, None)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=-10**30, max_value=10**30))
def test_python_ints_read_back_exactly(number):
    assert parse_int(str(number)) == (number, None)
