"""Automatic differentiation: dual numbers, forward and reverse mode, and AD against EM.

A thin page: the seven tabs live in ``ui.autodiff``, the mathematics in ``gmm_core.autodiff``.
"""

from ui.autodiff import sections
from ui.kit.display import start_page
from ui.pages import AUTODIFF

start_page(AUTODIFF)
sections.show()
