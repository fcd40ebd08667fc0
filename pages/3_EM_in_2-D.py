"""EM in 2-D: step through EM on two-dimensional data, one half-step at a time.

The screen: data, model and display controls in the sidebar; the stepping bar; the points
coloured by responsibilities with each component's 1σ and 2σ ellipses; the log-likelihood
chart with a note on what to notice; the numbers and the formulas of the current half-step;
the link to this view; the collapse lesson and the textbook example.
"""

from ui import pages
from ui.kit.display import start_page
from ui.stepper.screen import stepper_screen

start_page(pages.EM_2D, title="EM in 2-D: Gaussian mixtures, one half-step at a time")
stepper_screen(n_features=2)
