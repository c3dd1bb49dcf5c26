"""Domain rules and reference data. Knows nothing of storage or Qt."""
