"""Pure domain rules of the returns warehouse: no Flask, no SQLAlchemy, no I/O."""
