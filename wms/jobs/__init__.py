"""Long-running workers: stock sync, returns import, notifications."""
