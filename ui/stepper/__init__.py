"""stepper page."""
