"""Marketplace adapters (Kaspi, Wildberries, Ozon) behind the protocols of `base`."""
