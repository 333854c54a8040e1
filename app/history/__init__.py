"""History (CONTRACT.md section 6): versions, the change feed, records as they stood."""
