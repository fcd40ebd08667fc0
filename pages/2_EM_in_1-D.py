"""EM in 1-D: step through EM on data along a line, one half-step at a time.

The screen: data, model and display controls in the sidebar; the stepping bar; the data's
histogram with each weighted component density, the mixture density and the data as a rug
coloured by responsibilities; the log-likelihood chart with a note on what to notice; the
numbers and the formulas of the current half-step; the link to this view; the collapse lesson.
"""

from ui import pages
from ui.kit.display import start_page
from ui.stepper.screen import stepper_screen

start_page(pages.EM_1D, title="EM in 1-D: a mixture of Gaussians on a line")
stepper_screen(n_features=1)
