"""Model selection: how many components, which covariance type, and which of many starts.

A thin page: the sections live in ``ui.selection`` (sidebar, grid, restarts, Old Faithful), the
mathematics in ``gmm_core.model_search`` and ``gmm_core.selection``.
"""

from ui.kit.display import start_page
from ui.pages import MODEL_SELECTION
from ui.selection import sections

start_page(MODEL_SELECTION, title=sections.TITLE)
sections.show()
