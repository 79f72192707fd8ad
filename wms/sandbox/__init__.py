"""Local emulators of the marketplace APIs: real HTTP servers with limits, errors and faults."""
