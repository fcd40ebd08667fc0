"""Guided lessons: a course for a student studying alone, one short lesson after another.

Each lesson is a series of steps: Read (a text and a figure), Predict (commit to an answer
before the app shows what happens) and Compute (a number worked out by hand, checked with a
tolerance); every answer is checked and explained. The lessons' texts live in
assets/lessons/, their computations in ui/guided/models/, the page itself in ui/guided/view.py.
"""

from ui.guided.view import guided_lessons
from ui.kit.display import start_page
from ui.pages import GUIDED_LESSONS

start_page(GUIDED_LESSONS)
guided_lessons()
