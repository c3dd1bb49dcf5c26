"""Reusable pieces of the window: lazy table models, field errors, workers, charts."""
