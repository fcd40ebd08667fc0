"""Numbers as people type or paste them, read once for every text box and deep link.

Pure: no Streamlit. Each parser returns ``(value, problem)``: exactly one of them is None.
A problem is a sentence that says what was wrong and how to fix it; it is **Markdown-safe**
(the user's text it quotes has gone through :func:`ui.kit.escape.untrusted_markdown`), so show
it as it is with ``st.error``/``st.warning``/``st.caption``.

What is accepted, and why:

- the ASCII forms Python reads (``-1.5``, ``+2``, ``.5``, ``1e-3``, ``2E+3``);
- a minus sign pasted from a PDF or a word processor: the Unicode minus (U+2212) and the dash
  look-alikes (hyphen U+2010, non-breaking hyphen U+2011, figure dash U+2012, en dash U+2013,
  em dash U+2014, small and full-width hyphen-minus U+FE63/U+FF0D, heavy minus U+2796: the
  list is ``gmm_core.datasets.MINUS_LOOKALIKES``, shared with the CSV reader through
  ``plain_number_text``, so a text box and an uploaded file read a number the same way);
- decimal digits of any script (full-width ０-９, Arabic-Indic, Devanagari, ...): Unicode says
  which digit each one is, so reading them is unambiguous (Python's ``float()`` does too), and
  full-width ``．``, ``，``, ``＋``, ``ｅ`` through NFKC normalisation;
- spaces around the number, and spaces (also no-break and thin spaces) as thousands
  separators between groups of three digits: ``1 000 000``;
- a decimal comma when it cannot be a thousands separator: ``0,73``, ``-1,5``, ``2,25``,
  ``1 234,5``; ``1,234`` (one comma, three digits after it) is refused as ambiguous;
- invisible characters (zero-width spaces, bidi marks, soft hyphens) are ignored.

What is refused with a message: superscripts and subscripts (``²``, ``⁻³``), circled and other
non-decimal digit characters (``④``, ``½``, ``Ⅳ``: ``str.isdigit()`` accepts some of them but
``int()`` does not), a point and a comma together, several commas, ``inf``/``nan``, numbers
beyond float range, texts longer than :data:`MAX_TEXT_CHARS` characters.
"""

from __future__ import annotations

import math
import re
import unicodedata

from gmm_core.datasets import plain_number_text
from ui.kit.escape import untrusted_markdown

__all__ = ["MAX_TEXT_CHARS", "normalise_number", "parse_float", "parse_index_list", "parse_int"]

MAX_TEXT_CHARS = 100  # a number, or a list of point numbers, longer than this is a paste mistake
_QUOTED_CHARS = 30  # how much of the user's text a message quotes

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_GROUPED = re.compile(r"[+-]?\d{1,3}(?: \d{3})+(?:[.,]\d*)?(?:[eE][+-]?\d+)?")
_EXAMPLES = "e.g. −1.5, 0,73 or 2e-3"


class _Refusal(Exception):
    """Why a text is not a number: the (Markdown-safe) problem sentence."""


def _quoted(text: str) -> str:
    return "“" + untrusted_markdown(text, max_chars=_QUOTED_CHARS) + "”"


def _character_problem(text: str) -> str | None:
    """A problem for the first character that looks like a digit or sign but is not one."""
    for char in text:
        category = unicodedata.category(char)
        name = unicodedata.name(char, "")
        if category in ("No", "Nl") or "SUPERSCRIPT" in name or "SUBSCRIPT" in name:
            value = unicodedata.numeric(char, None)
            hint = ""
            if value is not None and float(value).is_integer() and 0 <= value <= 9:
                hint = f" (type {int(value)})"
            elif "MINUS" in name:
                hint = " (type -)"
            elif value is not None:
                hint = f" (type {value:g})"
            what = name.lower() if name else f"U+{ord(char):04X}"
            return (f"{_quoted(char)} ({what}) is not a digit you can type a number with: use "
                    f"the digits 0 to 9{hint}.")
    return None


def normalise_number(text: object) -> str:
    """The text of one number in the ASCII form Python reads, or raise _Refusal.

    Applies every rule of the module docstring; the result matches ``[+-]?digits[.digits]
    [e[+-]digits]`` but may still be too large for a float.
    """
    text = "" if text is None else str(text)
    if len(text) > MAX_TEXT_CHARS:
        raise _Refusal(f"That is {len(text):,} characters long; type one number of at most "
                       f"{MAX_TEXT_CHARS} characters, {_EXAMPLES}.")
    problem = _character_problem(text)
    if problem:
        raise _Refusal(problem)
    # Minus look-alikes, digits of any script, full-width forms, invisible characters and
    # Unicode spaces, exactly as the CSV reader reads them.
    stripped = "".join(char for char in plain_number_text(text)
                       if unicodedata.category(char) != "Cc")
    stripped = re.sub(r"^([+-]) (?=[\d.,])", r"\1", stripped)  # "− 1.5" pasted from a PDF
    if not stripped:
        raise _Refusal(f"Type a number, {_EXAMPLES}.")
    grouped = " " in stripped
    if grouped:
        if not _GROUPED.fullmatch(stripped):
            raise _Refusal(f"{_quoted(text)} is not one number (spaces may only separate "
                           f"groups of three digits, as in 1 000 000); type one number, "
                           f"{_EXAMPLES}.")
        stripped = stripped.replace(" ", "")
    return _decimal_point(stripped, text, grouped)


def _decimal_point(text: str, original: str, grouped: bool) -> str:
    """``text`` with its decimal comma, if it has an unambiguous one, turned into a point."""
    n_commas = text.count(",")
    if n_commas == 0:
        candidate = text
    elif n_commas > 1 or "." in text:
        raise _Refusal(f"{_quoted(original)} has thousands separators or both a point and a "
                       "comma; type the number without thousands separators, with one decimal "
                       "point (or one decimal comma), e.g. 1234.5.")
    else:
        whole, _, rest = text.partition(",")
        fraction = re.match(r"\d*", rest).group()
        digits = whole.lstrip("+-")
        if len(fraction) == 3 and digits not in ("", "0") and not grouped:
            raise _Refusal(f"{_quoted(original)} is ambiguous: a thousands separator "
                           f"({digits}{fraction}) or a decimal comma ({digits}.{fraction})? "
                           f"Type {digits}{fraction} or {digits}.{fraction}.")
        candidate = whole + "." + rest
    if not _NUMBER.fullmatch(candidate):
        lowered = candidate.lower().lstrip("+-")
        if lowered in ("inf", "infinity", "nan", "∞"):
            raise _Refusal(f"{_quoted(original)} is not a finite number; type a finite one, "
                           f"{_EXAMPLES}.")
        raise _Refusal(f"{_quoted(original)} is not a number; type digits with an optional "
                       f"minus sign, decimal point (or comma) and exponent, {_EXAMPLES}.")
    return candidate


def _bounds_problem(value: float, low: float | None, high: float | None, shown: str) -> str | None:
    if low is not None and high is not None and not low <= value <= high:
        return f"{shown} is out of range: type a number from {low:g} to {high:g}."
    if low is not None and value < low:
        return f"{shown} is too small: type a number of at least {low:g}."
    if high is not None and value > high:
        return f"{shown} is too large: type a number of at most {high:g}."
    return None


def parse_float(text: object, *, low: float | None = None,
                high: float | None = None) -> tuple[float | None, str | None]:
    """A finite float from what a user typed: ``(value, None)`` or ``(None, problem)``.

    ``low``/``high``: inclusive bounds (None: unbounded). Never raises.
    """
    try:
        candidate = normalise_number(text)
    except _Refusal as refusal:
        return None, str(refusal)
    value = float(candidate)
    if not math.isfinite(value):
        return None, (f"{_quoted(str(text))} is beyond the range of floating-point numbers "
                      "(about ±1.8e308); type a smaller number.")
    problem = _bounds_problem(value, low, high, _quoted(str(text)))
    return (None, problem) if problem else (value + 0.0, None)


def parse_int(text: object, *, low: int | None = None,
              high: int | None = None) -> tuple[int | None, str | None]:
    """A whole number from what a user typed: ``(value, None)`` or ``(None, problem)``.

    Accepts what :func:`parse_float` accepts when the value is whole (``1e3``, ``2.0``,
    ``−4``). ``low``/``high``: inclusive bounds. Never raises.
    """
    try:
        candidate = normalise_number(text)
    except _Refusal as refusal:
        return None, str(refusal)
    shown = _quoted(str(text))
    if re.fullmatch(r"[+-]?\d+", candidate):
        value = int(candidate)  # at most MAX_TEXT_CHARS digits: far below int()'s limit
    else:
        number = float(candidate)
        if not math.isfinite(number):
            return None, f"{shown} is far too large; type a whole number such as 3 or 250."
        if not number.is_integer():
            return None, f"{shown} is not a whole number; type one such as 3 or 250."
        value = int(number)
    problem = _bounds_problem(value, low, high, shown)
    return (None, problem) if problem else (value, None)


_LIST_SEPARATORS = re.compile(r"[,;，；、،\s]+")


def parse_index_list(text: object, n: int, *,
                     limit: int = 12) -> tuple[tuple[int, ...] | None, str | None]:
    """Point numbers typed as a list ("3, 17, 250"): 0-based rows of a data set of ``n`` points.

    Separators: commas, semicolons, spaces (also their full-width and Arabic forms). Returns
    ``(indices, None)``, the indices in the order typed without repeats, or ``(None,
    problem)``: nothing typed, more than ``limit`` points, a number outside 0 .. n - 1, or a
    piece that is not a whole number. Never raises.
    """
    text = "" if text is None else str(text)
    example = f"type point numbers from 0 to {n - 1} separated by commas, e.g. 0, 10, 42"
    if n < 1:
        return None, "There are no points to follow."
    if len(text) > MAX_TEXT_CHARS * 10:
        return None, f"That is {len(text):,} characters long; {example}."
    problem = _character_problem(text)
    if problem:
        return None, problem
    pieces = [piece for piece in _LIST_SEPARATORS.split(text) if piece.strip()]
    pieces = [piece for piece in pieces
              if "".join(c for c in piece if unicodedata.category(c) != "Cf")]
    if not pieces:
        return None, f"No point number was typed; {example}."
    if len(pieces) > limit:
        return None, f"Follow at most {limit} points at a time ({len(pieces)} were typed)."
    indices = []
    for piece in pieces:
        value, problem = parse_int(piece)
        if problem is not None:
            return None, f"{_quoted(piece)} is not a point number; {example}."
        if not 0 <= value < n:
            return None, f"There is no point {value}: {example}."
        indices.append(value)
    return tuple(dict.fromkeys(indices)), None
