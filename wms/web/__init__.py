"""HTTP layer: parse → call a service → serialise. Never commits, never calls a marketplace."""
