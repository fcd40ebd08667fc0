"""compare page."""
