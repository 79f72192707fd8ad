"""The station program `wms-station`: scanners, printers, offline journal, operator UI."""
