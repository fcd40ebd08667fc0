"""A refused formula quotes a long name short (issue #17): the formula box takes up to
MAX_LENGTH characters, and the message must not echo a 500-character identifier."""

import pytest

from gmm_core.autodiff import ExpressionError, parse_expression
from gmm_core.autodiff.expression import MAX_LENGTH


@pytest.mark.parametrize("text", [
    "x" * MAX_LENGTH,                     # an unknown name
    "f" * (MAX_LENGTH - 3) + "(x)",       # an unknown function
    "x + " + "y" * (MAX_LENGTH - 4),      # an unknown name after a valid start
    "(" + "x," * (MAX_LENGTH // 2 - 1) + ")",  # a refused construct (a tuple)
])
def test_a_long_refused_piece_is_quoted_short(text):
    assert len(text) <= MAX_LENGTH
    with pytest.raises(ExpressionError) as refusal:
        parse_expression(text, ("x",))
    message = str(refusal.value)
    assert len(message) < 200, message
    assert "characters)" in message  # says how long the piece was


def test_a_short_refused_name_is_quoted_whole():
    with pytest.raises(ExpressionError, match=r"Unknown name 'abc' at position 1"):
        parse_expression("abc", ("x",))
