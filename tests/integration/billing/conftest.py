"""Billing tests share the `wms …` runner of the CLI tests."""

from tests.integration.test_cli import run  # noqa: F401
