"""The declared session state of the page "Guided lessons" (prefix "guided").

The position and the committed answers are plain fields (they outlive the widgets, which
Streamlit forgets when they are not drawn); each question's input widget is a family member
keyed by the question's step key ("3.2": lesson 3, step 2).
"""

from __future__ import annotations

from ui.kit.links import LinkState
from ui.kit.session import Family, Field


class GuidedState(LinkState):
    """Everything the page remembers between two runs of its script."""

    lesson = Field(int, 1)
    step = Field(int, 1)
    answers = Field(object, dict)  # step key -> the last answer checked (an id, float, points)
    revealed = Field(object, frozenset)  # step keys whose answer `Show me` revealed
    tries = Field(object, dict)  # step key -> answers checked in this session
    notice = Field(str, "")  # one run's message about an answer that could not be read
    drawn = Field(str, "")  # the step key whose widgets the last run drew
    lesson_pick = Field(int, 1)  # the sidebar's list of lessons (a widget)
    choice = Family(object, None)  # step key -> the chosen id (a radio)
    typed = Family(str, "")  # step key -> the number as typed (a text box)
    coordinate = Family(str, "")  # "<step key>.<point>.<x or y>" -> a placed point, as typed
    placing = Family(object, None)  # step key -> which point the next click places
    chart = Family(object, None)  # step key -> the clickable figure's selection
    figure = Family(object, None)  # "<step key>.<where>.<n>" -> a figure (its widget key)
    button = Family(object, None)  # "back", "check", "show", "next" -> the buttons' keys


STATE = GuidedState("guided")
