"""Marketplace sync: outbox claiming, stock push planning and recording, the Kaspi feed,
reconciliation and the demo accounts. The worker loop itself lives in `wms.jobs`."""
