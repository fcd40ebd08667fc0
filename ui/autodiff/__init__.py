"""autodiff page."""
