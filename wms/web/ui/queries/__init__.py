"""Read queries of the dashboard pages (no writes; aggregate in SQL, formulas in wms.domain.kpi)."""
