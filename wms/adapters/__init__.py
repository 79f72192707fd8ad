"""The outside world behind small protocols: marketplaces, notifications, photo storage."""
