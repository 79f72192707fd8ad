"""Database layer: typed SQLAlchemy 2 models, engine and session handling."""
