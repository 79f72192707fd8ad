"""Use cases. The only layer that commits: each runs in one UnitOfWork (see `uow.execute`)."""
