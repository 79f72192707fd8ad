"""The station scan protocol (DESIGN 4.1)."""

from wms.services.scan.handler import ScanRequest, handle_scan

__all__ = ["ScanRequest", "handle_scan"]
