"""selection page."""
