"""mixture_model page."""
